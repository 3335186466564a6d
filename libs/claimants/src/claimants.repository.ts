import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import {
  type Actor,
  type Connection,
  type CursorList,
  decodeCursor,
  enrolmentsIn,
  type EnrolmentView,
  type OwnEnrolments,
  exposuresIn,
  pagesPerParent,
  SqlParams,
  countStatement,
  toConnection,
  visibleIncident,
} from '@app/platform';
import type { Claimant, ClaimantCounts, Exposure, ExposureBasis, ExposureCounts, HarmDeclaration } from './claimant.model';
import type { SealedEnrolment } from './enrolment-record';

const CLAIMANTS: CursorList = { name: 'Claimant(enrolledAt,id)', arity: 2 };
const EXPOSURES: CursorList = { name: 'Exposure(claimantId,basis)', arity: 2 };
const CLAIMANT_EXPOSURES: CursorList = { name: 'Exposure(incidentId,basis)', arity: 2 };

interface EnrolmentRow {
  claimant_id: string;
  enrolment_id: string;
  name_masked: string;
  id_number_masked: string;
  phone_masked: string;
  email_masked: string | null;
  case_id: string | null;
  created_at: Date;
  consent_given_at: Date;
  consent_method: string;
  consent_scope: string | string[];
}

export interface SealedIdentityRow {
  claimant_id: string;
  enrolment_id: string;
  name_enc: Buffer;
  id_number_enc: Buffer;
  phone_enc: Buffer;
  email_enc: Buffer | null;
  address_enc: Buffer | null;
}

const ENROLMENT_COLUMNS = `e.claimant_id, e.id AS enrolment_id, e.name_masked, c.id_number_masked, e.phone_masked, e.email_masked,
  e.case_id, e.created_at, e.consent_given_at, e.consent_method, e.consent_scope::text[] AS consent_scope`;

/** pg returns enum arrays as '{A,B}' unless cast; we cast to text[], this is the fallback. */
function pgArray(value: string | string[]): string[] {
  if (Array.isArray(value)) return value;
  return value.replace(/^\{|\}$/g, '').split(',').filter(Boolean);
}

function toClaimant(row: EnrolmentRow): Claimant {
  return {
    id: row.claimant_id,
    enrolmentId: row.enrolment_id,
    nameMasked: row.name_masked,
    idNumberMasked: row.id_number_masked,
    phoneMasked: row.phone_masked,
    emailMasked: row.email_masked,
    caseId: row.case_id,
    enrolledAt: row.created_at,
    consent: { givenAt: row.consent_given_at, method: row.consent_method as never, scopes: pgArray(row.consent_scope) as never },
    harms: [],
  };
}

/**
 * The SQL of claimants. Every read goes through the platform's visibility policy (enrolmentsIn,
 * exposuresIn): the caller's organisation's own enrolment rows, so another organisation's
 * claimant is indistinguishable from one that does not exist, and what another organisation
 * recorded about a shared claimant never shows.
 */
/**
 * Rows of incident `$i`'s complete datasets that match no enrolled claimant of any organisation.
 * Only for the merged view: for one organisation the figure would move when another enrolled a
 * person it enrols too, telling it of that enrolment.
 */
const WITHOUT_CLAIMANT_SQL = (i: string): string => `((SELECT coalesce(sum(unmatched_rows), 0) FROM seized_dataset
                 WHERE incident_id = ${i} AND status = 'COMPLETE' AND matched_at IS NOT NULL)
               -- Per dataset (LATERAL), so that only the partitions of those datasets are scanned.
               + (SELECT coalesce(sum(r.n), 0) FROM seized_dataset d CROSS JOIN LATERAL (
                    SELECT count(*) AS n FROM seized_dataset_row r
                     WHERE r.dataset_id = d.id AND (r.id_number_index IS NOT NULL OR r.phone_index IS NOT NULL)
                       AND NOT EXISTS (SELECT 1 FROM claimant c WHERE c.id_number_index = r.id_number_index)
                       AND NOT EXISTS (SELECT 1 FROM claimant_enrolment e WHERE e.phone_index = r.phone_index)) r
                   WHERE d.incident_id = ${i} AND d.status = 'COMPLETE' AND d.matched_at IS NULL))`;

@Injectable()
export class ClaimantsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The claimant with this ID-number blind index, created if new. ON CONFLICT … DO UPDATE (a
   * no-op) returns the row in both cases and, under a concurrent insert of the same person,
   * waits for it and returns that row: the unique index makes a second claimant impossible.
   */
  async upsertClaimant(manager: EntityManager, sealed: SealedEnrolment): Promise<string> {
    const [row] = await manager.query(
      `INSERT INTO claimant (id_number_index, id_number_masked, name_masked) VALUES ($1, $2, $3)
       ON CONFLICT (id_number_index) DO UPDATE SET id_number_index = EXCLUDED.id_number_index
       RETURNING id`,
      [sealed.idNumberIndex, sealed.idNumberMasked, sealed.nameMasked],
    );
    return row.id;
  }

  /**
   * The enrolment id, or null when the organisation has enrolled this claimant already.
   * `declaredCategories`: the data categories the claimant declares were exposed (DataCategory names).
   */
  async insertEnrolment(
    manager: EntityManager,
    claimantId: string,
    organisationId: string,
    userId: string | null,
    caseId: string | null,
    s: SealedEnrolment,
    declaredCategories: readonly string[] = [],
  ): Promise<string | null> {
    const rows = await manager.query(
      `INSERT INTO claimant_enrolment (claimant_id, organisation_id, enrolled_by, case_id, name_enc, id_number_enc, phone_enc,
         email_enc, address_enc, phone_index, name_masked, phone_masked, email_masked, consent_given_at, consent_method, consent_scope,
         declared_incident_ids, declared_categories, address_index)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16::consent_scope[], $17::uuid[], $18::data_category[], $19)
       ON CONFLICT (organisation_id, claimant_id) DO NOTHING
       RETURNING id`,
      [
        claimantId, organisationId, userId, caseId, s.nameEnc, s.idNumberEnc, s.phoneEnc, s.emailEnc, s.addressEnc, s.phoneIndex,
        s.nameMasked, s.phoneMasked, s.emailMasked, s.consentGivenAt, s.consentMethod, s.consentScopes, s.incidentIds, declaredCategories,
        s.addressIndex,
      ],
    );
    return rows[0]?.id ?? null;
  }

  async insertHarms(manager: EntityManager, claimantId: string, enrolmentId: string, harms: SealedEnrolment['harms']): Promise<void> {
    if (!harms.length) return;
    await manager.query(
      `INSERT INTO harm_declaration (claimant_id, enrolment_id, harm_type, amount_fen, evidence_refs)
       SELECT $1, $2, h.type::harm_type, h.amount::bigint, ARRAY(SELECT jsonb_array_elements_text(h.refs))
         FROM jsonb_to_recordset($3::jsonb) AS h(type text, amount text, refs jsonb)`,
      [claimantId, enrolmentId, JSON.stringify(harms.map((h) => ({ type: h.type, amount: h.amountFen, refs: h.evidenceRefs })))],
    );
  }

  async insertDeclaredExposures(manager: EntityManager, claimantId: string, incidentIds: string[]): Promise<void> {
    await manager.query(
      `INSERT INTO exposure (incident_id, claimant_id, basis)
       SELECT i, $1, 'SELF_DECLARED' FROM unnest($2::uuid[]) AS i
       ON CONFLICT (incident_id, claimant_id, basis) DO NOTHING`,
      [claimantId, incidentIds],
    );
  }

  /**
   * Which of these incident ids `actor` may not enrol against: missing, or not visible to it (the
   * policy's visibleIncident), one answer for both so that the answer proves nothing of another
   * organisation's incident.
   */
  async invisibleIncidents(manager: EntityManager, actor: Actor, ids: string[]): Promise<string[]> {
    const p = new SqlParams();
    const rows: { id: string }[] = await manager.query(
      `SELECT i AS id FROM unnest(${p.add(ids)}::uuid[]) AS i
        WHERE NOT EXISTS (SELECT 1 FROM leak_incident l WHERE l.id = i AND ${visibleIncident(actor, 'l', p)})`,
      p.values,
    );
    return rows.map((r) => r.id);
  }

  async findVisible(view: OwnEnrolments, claimantId: string, manager: EntityManager = this.dataSource.manager): Promise<Claimant | null> {
    const p = new SqlParams();
    const [row]: EnrolmentRow[] = await manager.query(
      `SELECT ${ENROLMENT_COLUMNS} FROM ${enrolmentsIn(view, p)} e JOIN claimant c ON c.id = e.claimant_id WHERE e.claimant_id = ${p.add(claimantId)}`,
      p.values,
    );
    return row ? toClaimant(row) : null;
  }

  async sealedIdentity(manager: EntityManager, view: OwnEnrolments, claimantId: string): Promise<SealedIdentityRow | null> {
    const p = new SqlParams();
    const [row] = await manager.query(
      `SELECT claimant_id, id AS enrolment_id, name_enc, id_number_enc, phone_enc, email_enc, address_enc
         FROM ${enrolmentsIn(view, p)} e WHERE e.claimant_id = ${p.add(claimantId)}`,
      p.values,
    );
    return row ?? null;
  }

  /**
   * The view's claimants, oldest first, keyset on (created_at, claimant_id); with `incidentId`,
   * those whose exposure to it the view holds (another organisation's declaration does not count).
   */
  async list(view: OwnEnrolments, first: number, after?: string, incidentId?: string): Promise<Connection<Claimant>> {
    const p = new SqlParams();
    const conditions: string[] = [];
    if (incidentId) {
      conditions.push(`EXISTS (SELECT 1 FROM ${exposuresIn(view, p)} x WHERE x.incident_id = ${p.add(incidentId)} AND x.claimant_id = e.claimant_id)`);
    }
    const from = `${enrolmentsIn(view, p)} e`;
    const count = countStatement(this.dataSource, `SELECT count(*)::int AS count FROM ${from} ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}`, p.values);
    if (after) {
      const [at, id] = decodeCursor(CLAIMANTS, after);
      conditions.push(`(e.created_at, e.claimant_id) > (${p.add(at)}::timestamptz, ${p.add(id)}::uuid)`);
    }
    const rows: EnrolmentRow[] = await this.dataSource.query(
      `SELECT ${ENROLMENT_COLUMNS} FROM ${from} JOIN claimant c ON c.id = e.claimant_id
        ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
        ORDER BY e.created_at, e.claimant_id LIMIT ${p.add(first + 1)}`,
      p.values,
    );
    return toConnection(CLAIMANTS, rows.map(toClaimant), first, count, (c) => [c.enrolledAt.toISOString(), c.id]);
  }

  async harmsByEnrolment(enrolmentIds: readonly string[]): Promise<(HarmDeclaration & { enrolmentId: string })[]> {
    const rows = await this.dataSource.query(
      `SELECT id, enrolment_id, harm_type, amount_fen::text AS amount_fen, evidence_refs
         FROM harm_declaration WHERE enrolment_id = ANY($1::uuid[]) ORDER BY created_at, id`,
      [enrolmentIds],
    );
    return rows.map((r: any) => ({ id: r.id, enrolmentId: r.enrolment_id, type: r.harm_type, amountFen: r.amount_fen, evidenceRefs: r.evidence_refs }));
  }

  /**
   * Exposures of these claimants in the view (its own declarations only), with the name as the
   * view's own enrolment recorded it: the claimant's shared mask is the first enroller's, and
   * would tell another organisation that someone enrolled the person before.
   */
  /**
   * A page of each claimant's exposures in the view (Claimant.exposures), by incident and basis
   * (keyset on incident_id, basis), with each one's count.
   */
  exposuresByClaimant(view: EnrolmentView, claimantIds: readonly string[], first: number, after?: string): Promise<Map<string, Connection<Exposure>>> {
    const p = new SqlParams();
    const relation = `(SELECT x.claimant_id AS parent, x.basis::text AS basis_key, ${EXPOSURE_COLUMNS}
        FROM ${exposuresIn(view, p)} x JOIN claimant c ON c.id = x.claimant_id
       WHERE x.claimant_id = ANY(${p.add(claimantIds)}::uuid[]))`;
    return pagesPerParent(
      this.dataSource,
      {
        list: CLAIMANT_EXPOSURES,
        relation,
        p,
        key: [
          { column: 'incident_id', cast: 'uuid' },
          { column: 'basis_key', cast: 'text' },
        ],
        keyOf: (x) => [x.incidentId, x.basis],
        map: (r) => ({ parent: r.parent, ...toExposure(r) }),
      },
      claimantIds,
      first,
      after,
    );
  }

  /** Exposures to an incident in the view, on `basis` only when given (list and count), keyset on (claimant_id, basis). */
  async exposuresOfIncident(view: EnrolmentView, incidentId: string, first: number, after?: string, basis?: ExposureBasis): Promise<Connection<Exposure>> {
    const p = new SqlParams();
    const from = `${exposuresIn(view, p)} x`;
    const conditions = [`x.incident_id = ${p.add(incidentId)}`];
    if (basis) conditions.push(`x.basis = ${p.add(basis)}::exposure_basis`);
    const count = countStatement(this.dataSource, `SELECT count(*)::int AS count FROM ${from} WHERE ${conditions.join(' AND ')}`, p.values);
    if (after) {
      const [claimantId, basis] = decodeCursor(EXPOSURES, after);
      conditions.push(`(x.claimant_id, x.basis::text) > (${p.add(claimantId)}::uuid, ${p.add(basis)}::text)`);
    }
    const rows = await this.dataSource.query(
      `SELECT ${EXPOSURE_COLUMNS} FROM ${from} JOIN claimant c ON c.id = x.claimant_id
        WHERE ${conditions.join(' AND ')} ORDER BY x.claimant_id, x.basis::text LIMIT ${p.add(first + 1)}`,
      p.values,
    );
    return toConnection(EXPOSURES, rows.map(toExposure), first, count, (x: Exposure) => [x.claimantId, x.basis]);
  }

  /**
   * Anonymous counts over an incident, in the view: the claimants matched and declared that the
   * view holds (the plaintiff side its own enrolments', the court all), and the figures of the
   * incident's seized datasets. Rows without a claimant are the counts the matching job stored
   * with each dataset (as of its last match; every enrolment queues a rematch); only a dataset
   * completed but not yet matched is counted here, with anti-joins over its own rows.
   */
  async exposureCounts(view: EnrolmentView, own: OwnEnrolments, incidentId: string): Promise<ExposureCounts> {
    const p = new SqlParams();
    const i = p.add(incidentId);
    const [row] = await this.dataSource.query(
      `WITH per_claimant AS (
         SELECT x.claimant_id, bool_or(x.basis IN ('DATASET_MATCH', 'BREACH_NOTICE')) AS verified, bool_or(x.basis = 'SELF_DECLARED') AS declared
           FROM ${exposuresIn(view, p)} x WHERE x.incident_id = ${i} GROUP BY x.claimant_id
       )
       SELECT (SELECT count(*) FILTER (WHERE verified) FROM per_claimant)::int AS matched,
              (SELECT count(*) FILTER (WHERE declared AND NOT verified) FROM per_claimant)::int AS declared_unmatched,
              (SELECT count(*) FROM per_claimant pc JOIN ${enrolmentsIn(own, p)} e ON e.claimant_id = pc.claimant_id
                WHERE pc.verified)::int AS mine,
              (SELECT coalesce(sum(row_count - unusable_rows), 0) FROM seized_dataset WHERE incident_id = ${i} AND status = 'COMPLETE')::text AS dataset_rows,
              (SELECT coalesce(sum(unusable_rows), 0) FROM seized_dataset WHERE incident_id = ${i} AND status = 'COMPLETE')::text AS unusable_rows,
              ${view.merged ? WITHOUT_CLAIMANT_SQL(i) : 'NULL'}::text AS without_claimant`,
      p.values,
    );
    return {
      incidentId,
      matched: row.matched,
      declaredUnmatched: row.declared_unmatched,
      datasetRows: row.dataset_rows,
      datasetUnusableRows: row.unusable_rows,
      datasetRowsWithoutClaimant: row.without_claimant,
      matchedEnrolledByYou: row.mine,
    };
  }

  /** The view's enrolments; with `withTotal` (the operator's figure), all claimants as well. */
  async counts(view: OwnEnrolments, withTotal: boolean): Promise<ClaimantCounts> {
    const p = new SqlParams();
    const [row] = await this.dataSource.query(
      `SELECT (SELECT count(*) FROM ${enrolmentsIn(view, p)} e)::int AS mine,
              ${withTotal ? '(SELECT count(*) FROM claimant)::int' : 'NULL::int'} AS total`,
      p.values,
    );
    return { enrolledByYou: row.mine, total: row.total };
  }
}

const EXPOSURE_COLUMNS = 'x.incident_id, x.claimant_id, x.basis, x.matched_fields, x.dataset_id, x.first_seen, x.name_masked, c.id_number_masked';

function toExposure(r: any): Exposure {
  return {
    incidentId: r.incident_id,
    claimantId: r.claimant_id,
    basis: r.basis,
    matchedFields: r.matched_fields,
    datasetId: r.dataset_id,
    firstSeen: r.first_seen,
    nameMasked: r.name_masked,
    idNumberMasked: r.id_number_masked,
  };
}
