import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type Actor, type Connection, countStatement, type CursorList, decodeCursor, pagesPerParent, SqlParams as Params, toConnection, visibleCase } from '@app/platform';
import { type LeakIncident, leakIncidentColumns, type LeakIncidentRow, toLeakIncident, type HandlerRole } from '@app/leaks';
import type { CaseFilter } from './case.inputs';
import type { CaseModel, CaseParty, CaseStageTransition, RelatedCase } from './case.model';
import { CasePartyRole, type CaseStage, type CaseType } from './rules/case-types';
import { LIABILITY_SOURCES, type LiabilityBasis } from './rules/liability';
import type { PartyCounts } from './rules/standing';
import { OVERDUE_CAPABLE_RULES } from './rules/deadline-rules';

const CASES: CursorList = { name: 'Case(id)', arity: 1 };
const RELATED_CASES: CursorList = { name: 'RelatedCase(filedOn,id)', arity: 2 };

/**
 * SQL for "this open deadline is overdue on `today`" on the deadline alias `d`: the same test as
 * isOverdue (a time limit, never a waiting period, whose last day is before today). The nature is
 * not stored: it follows from the rule, listed from DEADLINE_RULES.
 */
export function overdueDeadlineSql(d: string, p: Params, today: string): string {
  return `(${d}.closed_on IS NULL AND ${d}.rule = ANY(${p.add(OVERDUE_CAPABLE_RULES)}::deadline_rule[]) AND ${d}.due < ${p.add(today)}::date)`;
}

const CASE_COLUMNS = `c.id, c.case_type, c.title, c.stage, c.court_id, c.opened_by_organisation_id,
  c.claimants_number_uncertain, c.filed_on::text AS filed_on, c.agency_responded_on::text AS agency_responded_on,
  c.agency_response_adequate, c.created_at, c.updated_at`;

interface CaseRow {
  id: string;
  case_type: CaseType;
  title: string;
  stage: CaseStage;
  court_id: string;
  opened_by_organisation_id: string;
  claimants_number_uncertain: boolean;
  filed_on: string | null;
  agency_responded_on: string | null;
  agency_response_adequate: boolean | null;
  created_at: Date;
  updated_at: Date;
}

function toCase(row: CaseRow): CaseModel {
  return {
    id: row.id,
    type: row.case_type,
    title: row.title,
    stage: row.stage,
    courtId: row.court_id,
    openedByOrganisationId: row.opened_by_organisation_id,
    claimantsNumberUncertain: row.claimants_number_uncertain,
    filedOn: row.filed_on,
    agencyResponse:
      row.agency_responded_on === null ? null : { respondedOn: row.agency_responded_on, adequate: row.agency_response_adequate === true },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

interface PartyRow {
  id: string;
  case_id: string;
  role: CasePartyRole;
  organisation_id: string | null;
  name: string | null;
  credit_code: string | null;
  handler_role: HandlerRole | null;
  liability_basis: LiabilityBasis | null;
  position: number;
}

function toParty(row: PartyRow): CaseParty {
  return {
    id: row.id,
    caseId: row.case_id,
    role: row.role,
    organisationId: row.organisation_id,
    name: row.name,
    unifiedSocialCreditCode: row.credit_code,
    handlerRole: row.handler_role,
    liabilityBasis: row.liability_basis,
    liabilitySource: row.liability_basis ? LIABILITY_SOURCES[row.liability_basis] : null,
    position: row.position,
  };
}

export interface NewParty {
  role: CasePartyRole;
  organisationId?: string;
  name?: string;
  creditCode?: string | null;
  handlerRole?: HandlerRole;
  liabilityBasis?: LiabilityBasis;
}

/** The SQL of cases, their parties, linked incidents and stage history. */
@Injectable()
export class CasesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insertCase(
    manager: EntityManager,
    row: { type: CaseType; title: string; courtId: string; openedByOrganisationId: string; openedBy: string; claimantsNumberUncertain: boolean },
  ): Promise<CaseModel> {
    const [inserted] = await manager.query(
      `INSERT INTO legal_case AS c (case_type, title, court_id, opened_by_organisation_id, opened_by, claimants_number_uncertain)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${CASE_COLUMNS}`,
      [row.type, row.title, row.courtId, row.openedByOrganisationId, row.openedBy, row.claimantsNumberUncertain],
    );
    return toCase(inserted);
  }

  /**
   * The case if `actor` may see it. With `lock`, the row is locked for the rest of the
   * transaction so that concurrent changes to one case apply one after the other.
   */
  async findVisible(actor: Actor, id: string, manager: EntityManager = this.dataSource.manager, lock = false): Promise<CaseModel | null> {
    const p = new Params();
    const [row] = await manager.query(
      `SELECT ${CASE_COLUMNS} FROM legal_case c WHERE c.id = ${p.add(id)} AND ${visibleCase(actor, 'c', p)}
       ${lock ? 'FOR UPDATE OF c' : ''}`,
      p.values,
    );
    return row ? toCase(row) : null;
  }

  async canSee(actor: Actor, id: string): Promise<boolean> {
    const p = new Params();
    const [row] = await this.dataSource.query(
      `SELECT 1 FROM legal_case c WHERE c.id = ${p.add(id)} AND ${visibleCase(actor, 'c', p)}`,
      p.values,
    );
    return Boolean(row);
  }

  async insertParties(manager: EntityManager, caseId: string, parties: NewParty[]): Promise<void> {
    if (parties.length === 0) return;
    const p = new Params();
    const c = p.add(caseId);
    const values = parties.map(
      (party, index) =>
        `(${c}, ${p.add(party.role)}::case_party_role, ${p.add(party.organisationId ?? null)}::uuid, ${p.add(party.name ?? null)}, ` +
        `${p.add(party.creditCode ?? null)}, ${p.add(party.handlerRole ?? null)}::handler_role, ${p.add(party.liabilityBasis ?? null)}::liability_basis, ` +
        `(SELECT coalesce(max(position), 0) FROM case_party WHERE case_id = ${c}) + ${p.add(index + 1)}::int)`,
    );
    await manager.query(
      `INSERT INTO case_party (case_id, role, organisation_id, name, credit_code, handler_role, liability_basis, position)
       VALUES ${values.join(', ')}`,
      p.values,
    );
  }

  async deleteParties(manager: EntityManager, caseId: string, role: CasePartyRole): Promise<void> {
    await manager.query(`DELETE FROM case_party WHERE case_id = $1 AND role = $2`, [caseId, role]);
  }

  async partyCounts(manager: EntityManager, caseId: string): Promise<PartyCounts> {
    const [row] = await manager.query(
      `SELECT count(*) FILTER (WHERE role = 'PLAINTIFF')::int AS plaintiffs,
              count(*) FILTER (WHERE role = 'SUPPORTER')::int AS supporters,
              count(*) FILTER (WHERE role = 'DEFENDANT')::int AS defendants,
              count(*) FILTER (WHERE role = 'AGENCY')::int AS agencies,
              count(*) FILTER (WHERE role = 'REPRESENTATIVE')::int AS representatives
         FROM case_party WHERE case_id = $1`,
      [caseId],
    );
    return row;
  }

  /** True when a procuratorate is among the case's plaintiffs. */
  /**
   * The case's applications to extend the evidence period that await a ruling (the table is
   * libs/proof's, migration 1764400150000; read here because the stage machine gates on it and
   * the cases library cannot depend on proof).
   */
  async pendingExtensionApplications(manager: EntityManager, caseId: string): Promise<number> {
    const [row] = await manager.query(`SELECT count(*)::int AS n FROM evidence_period_extension WHERE case_id = $1 AND status = 'PENDING'`, [caseId]);
    return row.n;
  }

  async hasProcuratoratePlaintiff(manager: EntityManager, caseId: string): Promise<boolean> {
    const [row] = await manager.query(
      `SELECT EXISTS (SELECT 1 FROM case_party p JOIN organisation o ON o.id = p.organisation_id
                       WHERE p.case_id = $1 AND p.role = 'PLAINTIFF' AND o.kind = 'PROCURATORATE') AS yes`,
      [caseId],
    );
    return row.yes;
  }

  /** True when the organisation opened, sues in or supports the case. */
  async isPlaintiffSide(manager: EntityManager, caseId: string, organisationId: string): Promise<boolean> {
    const [row] = await manager.query(
      `SELECT EXISTS (SELECT 1 FROM legal_case WHERE id = $1 AND opened_by_organisation_id = $2)
           OR EXISTS (SELECT 1 FROM case_party WHERE case_id = $1 AND organisation_id = $2) AS yes`,
      [caseId, organisationId],
    );
    return row.yes;
  }

  /** Links incidents (the caller checked it may); linking one twice changes nothing. */
  /** How many incidents other than `incidentId` are linked to the case (linking one again adds none). */
  async otherIncidentCount(manager: EntityManager, caseId: string, incidentId: string): Promise<number> {
    const [row] = await manager.query(`SELECT count(*)::int AS count FROM case_incident WHERE case_id = $1 AND incident_id <> $2`, [caseId, incidentId]);
    return row.count;
  }

  async linkIncidents(manager: EntityManager, caseId: string, incidentIds: string[]): Promise<void> {
    if (incidentIds.length === 0) return;
    await manager.query(
      `INSERT INTO case_incident (case_id, incident_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`,
      [caseId, incidentIds],
    );
  }

  async recordTransition(
    manager: EntityManager,
    caseId: string,
    t: { from: CaseStage; to: CaseStage; on: string; actorId: string; organisationId: string; filedOn?: string },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO case_stage_transition (case_id, from_stage, to_stage, occurred_on, actor_id, organisation_id)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [caseId, t.from, t.to, t.on, t.actorId, t.organisationId],
    );
    await manager.query(
      `UPDATE legal_case SET stage = $2, filed_on = coalesce($3::date, filed_on), updated_at = now() WHERE id = $1`,
      [caseId, t.to, t.filedOn ?? null],
    );
  }

  /** The date of the case's latest event (its last transition), or null before any. */
  async lastEventDate(manager: EntityManager, caseId: string): Promise<string | null> {
    const [row] = await manager.query(
      `SELECT max(occurred_on)::text AS last FROM case_stage_transition WHERE case_id = $1`,
      [caseId],
    );
    return row.last;
  }

  async recordAgencyResponse(manager: EntityManager, caseId: string, on: string, adequate: boolean): Promise<void> {
    await manager.query(
      `UPDATE legal_case SET agency_responded_on = $2, agency_response_adequate = $3, updated_at = now() WHERE id = $1`,
      [caseId, on, adequate],
    );
  }

  /** Newest first, keyset-paginated on (created_at, id), within what `actor` may see. */
  async list(actor: Actor, filter: CaseFilter, first: number, after: string | undefined, today: string): Promise<Connection<CaseModel>> {
    const p = new Params();
    const where = [visibleCase(actor, 'c', p)];
    if (filter.type) where.push(`c.case_type = ${p.add(filter.type)}`);
    if (filter.stage) where.push(`c.stage = ${p.add(filter.stage)}`);
    if (filter.courtId) where.push(`c.court_id = ${p.add(filter.courtId)}`);
    if (filter.incidentId) {
      where.push(`EXISTS (SELECT 1 FROM case_incident ci WHERE ci.case_id = c.id AND ci.incident_id = ${p.add(filter.incidentId)})`);
    }
    if (filter.hasOverdueDeadline !== undefined) {
      where.push(
        `${filter.hasOverdueDeadline ? '' : 'NOT '}EXISTS (SELECT 1 FROM case_deadline d
           WHERE d.case_id = c.id AND ${overdueDeadlineSql('d', p, today)})`,
      );
    }
    const count = countStatement(this.dataSource, `SELECT count(*)::int AS count FROM legal_case c WHERE ${where.join(' AND ')}`, p.values);
    if (after) {
      // The cursor is the last row's id; its created_at is read back at full precision.
      const [id] = decodeCursor(CASES, after);
      where.push(`(c.created_at, c.id) < (SELECT k.created_at, k.id FROM legal_case k WHERE k.id = ${p.add(id)}::uuid)`);
    }
    const rows: CaseRow[] = await this.dataSource.query(
      `SELECT ${CASE_COLUMNS} FROM legal_case c WHERE ${where.join(' AND ')}
        ORDER BY c.created_at DESC, c.id DESC LIMIT ${p.add(first + 1)}`,
      p.values,
    );
    return toConnection(CASES, rows.map(toCase), first, count, (c) => [c.id]);
  }

  // Batches for the per-request loaders: the caller has already checked the cases are visible.

  async casesByIds(ids: readonly string[]): Promise<CaseModel[]> {
    const rows: CaseRow[] = await this.dataSource.query(`SELECT ${CASE_COLUMNS} FROM legal_case c WHERE c.id = ANY($1::uuid[])`, [ids]);
    return rows.map(toCase);
  }

  async partiesByCaseIds(caseIds: readonly string[], manager: EntityManager = this.dataSource.manager): Promise<CaseParty[]> {
    const rows: PartyRow[] = await manager.query(
      `SELECT id, case_id, role, organisation_id, name, credit_code, handler_role, liability_basis, position
         FROM case_party WHERE case_id = ANY($1::uuid[]) ORDER BY case_id, position`,
      [caseIds],
    );
    return rows.map(toParty);
  }

  async incidentsByCaseIds(caseIds: readonly string[]): Promise<(LeakIncident & { caseId: string })[]> {
    const rows: (LeakIncidentRow & { case_id: string })[] = await this.dataSource.query(
      `SELECT ci.case_id, ${leakIncidentColumns('i')}
         FROM case_incident ci JOIN leak_incident i ON i.id = ci.incident_id
        WHERE ci.case_id = ANY($1::uuid[]) ORDER BY ci.case_id, ci.linked_at, i.id`,
      [caseIds],
    );
    return rows.map((row) => ({ ...toLeakIncident(row), caseId: row.case_id }));
  }

  /**
   * For each of `caseIds`, the other filed cases linked to one of its incidents, oldest filing
   * first, with the incidents they share and their plaintiff organisations.
   */
  /**
   * A page of the related cases (relatedCases) of each of `caseIds`: the other filed cases over
   * one of its incidents, oldest filing first (keyset on filed_on, id), with each one's count.
   */
  relatedCasesByCaseIds(caseIds: readonly string[], first: number, after?: string): Promise<Map<string, Connection<RelatedCase>>> {
    const p = new Params();
    const relation = `(SELECT ci.case_id AS parent, rc.id, rc.case_type AS type, rc.title, rc.stage, rc.filed_on, rc.filed_on::text AS filed_on_text, rc.court_id,
              array_agg(DISTINCT ci.incident_id ORDER BY ci.incident_id)::text[] AS shared_incident_ids,
              ARRAY(SELECT p.organisation_id FROM case_party p WHERE p.case_id = rc.id AND p.role = 'PLAINTIFF' ORDER BY p.position)::text[] AS plaintiffs
         FROM case_incident ci
         JOIN case_incident ri ON ri.incident_id = ci.incident_id AND ri.case_id <> ci.case_id
         JOIN legal_case rc ON rc.id = ri.case_id AND rc.filed_on IS NOT NULL
        WHERE ci.case_id = ANY(${p.add(caseIds)}::uuid[])
        GROUP BY ci.case_id, rc.id)`;
    return pagesPerParent(
      this.dataSource,
      {
        list: RELATED_CASES,
        relation,
        p,
        key: [
          { column: 'filed_on', cast: 'date' },
          { column: 'id', cast: 'uuid' },
        ],
        keyOf: (r) => [r.filedOn!, r.id],
        map: (r) => ({
          parent: r.parent,
          caseId: r.parent,
          id: r.id,
          type: r.type,
          title: r.title,
          stage: r.stage,
          filedOn: r.filed_on_text,
          courtId: r.court_id,
          plaintiffOrganisationIds: r.plaintiffs,
          sharedIncidentIds: r.shared_incident_ids,
        }),
      },
      caseIds,
      first,
      after,
    );
  }

  async transitionsByCaseIds(caseIds: readonly string[]): Promise<(CaseStageTransition & { caseId: string })[]> {
    const rows = await this.dataSource.query(
      `SELECT id, case_id, from_stage, to_stage, occurred_on::text AS occurred_on, actor_id, organisation_id, recorded_at
         FROM case_stage_transition WHERE case_id = ANY($1::uuid[]) ORDER BY case_id, recorded_at, id`,
      [caseIds],
    );
    return rows.map((r: Record<string, any>) => ({
      id: r.id,
      caseId: r.case_id,
      from: r.from_stage,
      to: r.to_stage,
      occurredOn: r.occurred_on,
      actorId: r.actor_id,
      organisationId: r.organisation_id,
      recordedAt: r.recorded_at,
    }));
  }
}
