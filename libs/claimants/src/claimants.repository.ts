import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type Connection, decodeCursor, toConnection } from '@app/platform';
import type { Claimant, ClaimantCounts, Exposure, ExposureCounts, HarmDeclaration } from './claimant.model';
import type { SealedEnrolment } from './enrolment-record';

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
 * The SQL of claimants. Visibility is always the caller's organisation's enrolment row: every
 * read joins claimant_enrolment on (organisation_id, claimant_id), so another organisation's
 * claimant is indistinguishable from one that does not exist.
 */
/**
 * A self-declared exposure (x) is shown through an enrolment (e) only if that enrolment declared
 * it: otherwise it would reveal another organisation's enrolment of the same person.
 */
const OWN_DECLARATIONS_ONLY = `(x.basis <> 'SELF_DECLARED' OR x.incident_id = ANY (e.declared_incident_ids))`;

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

  /** The enrolment id, or null when the organisation has enrolled this claimant already. */
  async insertEnrolment(
    manager: EntityManager,
    claimantId: string,
    organisationId: string,
    userId: string | null,
    caseId: string | null,
    s: SealedEnrolment,
  ): Promise<string | null> {
    const rows = await manager.query(
      `INSERT INTO claimant_enrolment (claimant_id, organisation_id, enrolled_by, case_id, name_enc, id_number_enc, phone_enc,
         email_enc, address_enc, phone_index, name_masked, phone_masked, email_masked, consent_given_at, consent_method, consent_scope,
         declared_incident_ids)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16::consent_scope[], $17::uuid[])
       ON CONFLICT (organisation_id, claimant_id) DO NOTHING
       RETURNING id`,
      [
        claimantId, organisationId, userId, caseId, s.nameEnc, s.idNumberEnc, s.phoneEnc, s.emailEnc, s.addressEnc, s.phoneIndex,
        s.nameMasked, s.phoneMasked, s.emailMasked, s.consentGivenAt, s.consentMethod, s.consentScopes, s.incidentIds,
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

  /** Which of these incident ids do not exist. */
  async unknownIncidents(manager: EntityManager, ids: string[]): Promise<string[]> {
    const rows: { id: string }[] = await manager.query(
      `SELECT i AS id FROM unnest($1::uuid[]) AS i WHERE NOT EXISTS (SELECT 1 FROM leak_incident l WHERE l.id = i)`,
      [ids],
    );
    return rows.map((r) => r.id);
  }

  async findVisible(organisationId: string, claimantId: string, manager: EntityManager = this.dataSource.manager): Promise<Claimant | null> {
    const [row]: EnrolmentRow[] = await manager.query(
      `SELECT ${ENROLMENT_COLUMNS} FROM claimant_enrolment e JOIN claimant c ON c.id = e.claimant_id
        WHERE e.organisation_id = $1 AND e.claimant_id = $2`,
      [organisationId, claimantId],
    );
    return row ? toClaimant(row) : null;
  }

  async sealedIdentity(manager: EntityManager, organisationId: string, claimantId: string): Promise<SealedIdentityRow | null> {
    const [row] = await manager.query(
      `SELECT claimant_id, id AS enrolment_id, name_enc, id_number_enc, phone_enc, email_enc, address_enc
         FROM claimant_enrolment WHERE organisation_id = $1 AND claimant_id = $2`,
      [organisationId, claimantId],
    );
    return row ?? null;
  }

  /** The organisation's claimants, oldest first, keyset on (created_at, claimant_id). */
  async list(organisationId: string, first: number, after?: string, incidentId?: string): Promise<Connection<Claimant>> {
    const params: unknown[] = [organisationId];
    let filter = '';
    if (incidentId) {
      params.push(incidentId);
      filter = `AND EXISTS (SELECT 1 FROM exposure x WHERE x.incident_id = $${params.length} AND x.claimant_id = e.claimant_id)`;
    }
    const [{ count }] = await this.dataSource.query(
      `SELECT count(*)::int AS count FROM claimant_enrolment e WHERE e.organisation_id = $1 ${filter}`,
      params,
    );
    let keyset = '';
    if (after) {
      const [at, id] = decodeCursor(after, 2);
      params.push(at, id);
      keyset = `AND (e.created_at, e.claimant_id) > ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
    }
    params.push(first + 1);
    const rows: EnrolmentRow[] = await this.dataSource.query(
      `SELECT ${ENROLMENT_COLUMNS} FROM claimant_enrolment e JOIN claimant c ON c.id = e.claimant_id
        WHERE e.organisation_id = $1 ${filter} ${keyset}
        ORDER BY e.created_at, e.claimant_id LIMIT $${params.length}`,
      params,
    );
    return toConnection(rows.map(toClaimant), first, count, (c) => [c.enrolledAt.toISOString(), c.id]);
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
   * Exposures of these claimants as `organisationId` may see them (its own declarations only),
   * with the name as its own enrolment recorded it: the claimant's shared mask is the first
   * enroller's, and would tell another organisation that someone enrolled the person before.
   */
  async exposuresByClaimant(organisationId: string, claimantIds: readonly string[]): Promise<Exposure[]> {
    const rows = await this.dataSource.query(
      `SELECT x.incident_id, x.claimant_id, x.basis, x.matched_fields, x.dataset_id, x.first_seen, e.name_masked, c.id_number_masked
         FROM exposure x
         JOIN claimant_enrolment e ON e.claimant_id = x.claimant_id AND e.organisation_id = $2
         JOIN claimant c ON c.id = x.claimant_id
        WHERE x.claimant_id = ANY($1::uuid[]) AND ${OWN_DECLARATIONS_ONLY}
        ORDER BY x.first_seen, x.incident_id`,
      [claimantIds, organisationId],
    );
    return rows.map(toExposure);
  }

  /** Exposures to an incident of the organisation's own claimants, keyset on (claimant_id, basis). */
  async exposuresOfIncident(organisationId: string, incidentId: string, first: number, after?: string): Promise<Connection<Exposure>> {
    const [{ count }] = await this.dataSource.query(
      `SELECT count(*)::int AS count FROM exposure x
         JOIN claimant_enrolment e ON e.claimant_id = x.claimant_id AND e.organisation_id = $1
        WHERE x.incident_id = $2 AND ${OWN_DECLARATIONS_ONLY}`,
      [organisationId, incidentId],
    );
    const params: unknown[] = [organisationId, incidentId];
    let keyset = '';
    if (after) {
      const [claimantId, basis] = decodeCursor(after, 2);
      params.push(claimantId, basis);
      keyset = `AND (x.claimant_id, x.basis::text) > ($3::uuid, $4::text)`;
    }
    params.push(first + 1);
    const rows = await this.dataSource.query(
      `SELECT x.incident_id, x.claimant_id, x.basis, x.matched_fields, x.dataset_id, x.first_seen, e.name_masked, c.id_number_masked
         FROM exposure x
         JOIN claimant_enrolment e ON e.claimant_id = x.claimant_id AND e.organisation_id = $1
         JOIN claimant c ON c.id = x.claimant_id
        WHERE x.incident_id = $2 AND ${OWN_DECLARATIONS_ONLY} ${keyset}
        ORDER BY x.claimant_id, x.basis::text LIMIT $${params.length}`,
      params,
    );
    return toConnection(rows.map(toExposure), first, count, (x) => [x.claimantId, x.basis]);
  }

  /**
   * Anonymous counts over an incident. Rows without a claimant are the counts the matching job
   * stored with each dataset (as of its last match; every enrolment queues a rematch); only a
   * dataset completed but not yet matched is counted here, with anti-joins over its own rows.
   */
  async exposureCounts(organisationId: string, incidentId: string): Promise<ExposureCounts> {
    const [row] = await this.dataSource.query(
      `WITH per_claimant AS (
         SELECT claimant_id, bool_or(basis IN ('DATASET_MATCH', 'BREACH_NOTICE')) AS verified, bool_or(basis = 'SELF_DECLARED') AS declared
           FROM exposure WHERE incident_id = $2 GROUP BY claimant_id
       )
       SELECT (SELECT count(*) FILTER (WHERE verified) FROM per_claimant)::int AS matched,
              (SELECT count(*) FILTER (WHERE declared AND NOT verified) FROM per_claimant)::int AS declared_unmatched,
              (SELECT count(*) FROM per_claimant p JOIN claimant_enrolment e ON e.claimant_id = p.claimant_id AND e.organisation_id = $1
                WHERE p.verified)::int AS mine,
              (SELECT coalesce(sum(row_count), 0) FROM seized_dataset WHERE incident_id = $2 AND status = 'COMPLETE')::text AS dataset_rows,
              ((SELECT coalesce(sum(unmatched_rows), 0) FROM seized_dataset
                 WHERE incident_id = $2 AND status = 'COMPLETE' AND matched_at IS NOT NULL)
               -- Per dataset (LATERAL), so that only the partitions of those datasets are scanned.
               + (SELECT coalesce(sum(x.n), 0) FROM seized_dataset d CROSS JOIN LATERAL (
                    SELECT count(*) AS n FROM seized_dataset_row r
                     WHERE r.dataset_id = d.id
                       AND NOT EXISTS (SELECT 1 FROM claimant c WHERE c.id_number_index = r.id_number_index)
                       AND NOT EXISTS (SELECT 1 FROM claimant_enrolment e WHERE e.phone_index = r.phone_index)) x
                   WHERE d.incident_id = $2 AND d.status = 'COMPLETE' AND d.matched_at IS NULL))::text AS without_claimant`,
      [organisationId, incidentId],
    );
    return {
      incidentId,
      matched: row.matched,
      declaredUnmatched: row.declared_unmatched,
      datasetRows: row.dataset_rows,
      datasetRowsWithoutClaimant: row.without_claimant,
      matchedEnrolledByYou: row.mine,
    };
  }

  async counts(organisationId: string): Promise<ClaimantCounts> {
    const [row] = await this.dataSource.query(
      `SELECT (SELECT count(*) FROM claimant_enrolment WHERE organisation_id = $1)::int AS mine,
              (SELECT count(*) FROM claimant)::int AS total`,
      [organisationId],
    );
    return { enrolledByYou: row.mine, total: row.total };
  }
}

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
