import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type Connection, countStatement, type CursorList, decodeCursor, SqlParams as Params, toConnection } from '@app/platform';
import type { LiabilityBasis } from '@app/cases';
import type { LiabilityExtent } from './rules/liability';
import { OWING_STATUSES, type RemedyKind, type RemedyStatus } from './rules/lifecycle';
import type { RemedyMedium } from './rules/proportionality';

const REMEDIES: CursorList = { name: 'Remedy(createdAt,id)', arity: 2 };

/** A remedy as stored; dates as 'YYYY-MM-DD', fen as decimal strings. */
export interface RemedyRow {
  id: string;
  case_id: string;
  kind: RemedyKind;
  status: RemedyStatus;
  description: string;
  due_on: string | null;
  medium: RemedyMedium | null;
  duration_days: number | null;
  approved_text: string | null;
  amount_fen: string | null;
  refused_on: string | null;
  court_published_on: string | null;
  court_publication_medium: RemedyMedium | null;
  court_publication_cost_fen: string | null;
  sought_on: string;
  status_on: string;
  created_at: Date;
  /** Whether the remedy or one of its measures is overdue on the day the query was given. */
  overdue: boolean;
}

export interface RemedyDefendantRow {
  remedy_id: string;
  party_id: string;
  name: string;
  liability_basis: LiabilityBasis;
  extent: LiabilityExtent;
  share_basis_points: number | null;
}

export interface RemedyMeasureRow {
  id: string;
  remedy_id: string;
  description: string;
  scope: string | null;
  due_on: string | null;
  verified_on: string | null;
  verification: string | null;
}

export interface RemedyEvidenceRow {
  id: string;
  remedy_id: string;
  measure_id: string | null;
  evidence_item_id: string | null;
  description: string;
  recorded_on: string;
}

/** The statuses in which a due date can be overdue, as a SQL literal (OWING_STATUSES). */
const OWING_SQL = `(${OWING_STATUSES.map((s) => `'${s}'`).join(', ')})`;

/**
 * "Remedy r is overdue on `today`" as SQL (the same test as isDueOverdue): the defendant owes it
 * and its due date, or the due date of one of its unverified measures, is before today. A
 * compensation whose payments have reached its amount is owed no longer, whatever its status
 * (nothing remains to pay, though the court has not yet recorded compliance).
 */
function overdueSql(r: string, today: string): string {
  return `(${r}.status IN ${OWING_SQL} AND (coalesce(${r}.due_on < ${today}::date, false) OR EXISTS (
            SELECT 1 FROM remedy_measure om WHERE om.remedy_id = ${r}.id AND om.verified_on IS NULL AND om.due_on < ${today}::date))
          AND NOT (${r}.kind = 'COMPENSATION' AND ${r}.amount_fen IS NOT NULL
                   AND (SELECT coalesce(sum(op.amount_fen), 0) FROM remedy_payment op WHERE op.remedy_id = ${r}.id) >= ${r}.amount_fen))`;
}

const remedyColumns = (today: string) => `r.id, r.case_id, r.kind, r.status, r.description, r.due_on::text AS due_on, r.medium, r.duration_days,
  r.approved_text, r.amount_fen::text AS amount_fen, r.refused_on::text AS refused_on, r.court_published_on::text AS court_published_on,
  r.court_publication_medium, r.court_publication_cost_fen::text AS court_publication_cost_fen, r.sought_on::text AS sought_on,
  r.status_on::text AS status_on, r.created_at, ${overdueSql('r', today)} AS overdue`;

/** The SQL of remedies, their defendants, measures, evidence, transitions and payments. */
@Injectable()
export class RemediesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insertRemedy(
    manager: EntityManager,
    row: {
      caseId: string;
      kind: RemedyKind;
      description: string;
      dueOn: string | null;
      medium: RemedyMedium | null;
      durationDays: number | null;
      approvedText: string | null;
      amountFen: string | null;
      soughtOn: string;
      organisationId: string;
      createdBy: string;
    },
  ): Promise<string> {
    const [inserted] = await manager.query(
      `INSERT INTO remedy (case_id, kind, description, due_on, medium, duration_days, approved_text, amount_fen, sought_on, status_on, organisation_id, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11) RETURNING id`,
      [row.caseId, row.kind, row.description, row.dueOn, row.medium, row.durationDays, row.approvedText, row.amountFen, row.soughtOn, row.organisationId, row.createdBy],
    );
    return inserted.id;
  }

  async insertDefendants(
    manager: EntityManager,
    remedyId: string,
    caseId: string,
    defendants: { partyId: string; extent: LiabilityExtent; shareBasisPoints: number | null }[],
  ): Promise<void> {
    await manager.query(
      `INSERT INTO remedy_defendant (remedy_id, case_id, party_id, extent, share_basis_points, position)
       SELECT $1, $2, d.party_id, d.extent, d.share, d.ord FROM unnest($3::uuid[], $4::liability_extent[], $5::int[]) WITH ORDINALITY AS d(party_id, extent, share, ord)`,
      [remedyId, caseId, defendants.map((d) => d.partyId), defendants.map((d) => d.extent), defendants.map((d) => d.shareBasisPoints)],
    );
  }

  async insertMeasures(manager: EntityManager, remedyId: string, measures: { description: string; scope?: string; dueOn?: string }[]): Promise<void> {
    if (measures.length === 0) return;
    await manager.query(
      `INSERT INTO remedy_measure (remedy_id, position, description, scope, due_on)
       SELECT $1, m.ord, m.description, m.scope, m.due_on FROM unnest($2::text[], $3::text[], $4::date[]) WITH ORDINALITY AS m(description, scope, due_on, ord)`,
      [remedyId, measures.map((m) => m.description), measures.map((m) => m.scope ?? null), measures.map((m) => m.dueOn ?? null)],
    );
  }

  /** The DEFENDANT parties of case `caseId` among `partyIds`, by id. */
  async defendantParties(manager: EntityManager, caseId: string, partyIds: string[]): Promise<Set<string>> {
    const rows: { id: string }[] = await manager.query(
      `SELECT id FROM case_party WHERE case_id = $1 AND role = 'DEFENDANT' AND id = ANY($2::uuid[])`,
      [caseId, partyIds],
    );
    return new Set(rows.map((r) => r.id));
  }

  /** A remedy by id (no visibility: the caller checks its case); with `lock`, locked for the transaction. */
  async find(manager: EntityManager, id: string, today: string, lock = false): Promise<RemedyRow | null> {
    const [row] = await manager.query(`SELECT ${remedyColumns('$2')} FROM remedy r WHERE r.id = $1 ${lock ? 'FOR UPDATE' : ''}`, [id, today]);
    return row ?? null;
  }

  /** The remedies of a case, oldest first, keyset on (created_at, id); `overdueOnly` keeps those overdue on `today`. */
  async listByCase(caseId: string, today: string, overdueOnly: boolean, first: number, after?: string): Promise<Connection<RemedyRow>> {
    const filter = (q: Params) => [`r.case_id = ${q.add(caseId)}`, ...(overdueOnly ? [overdueSql('r', q.add(today))] : [])];
    const counted = new Params();
    const total = countStatement(this.dataSource, `SELECT count(*)::int AS count FROM remedy r WHERE ${filter(counted).join(' AND ')}`, counted.values);
    const p = new Params();
    const todayParam = p.add(today);
    const conditions = filter(p);
    if (after) {
      const [createdAt, id] = decodeCursor(REMEDIES, after);
      conditions.push(`(r.created_at, r.id) > (${p.add(createdAt)}::timestamptz, ${p.add(id)}::uuid)`);
    }
    const rows: RemedyRow[] = await this.dataSource.query(
      `SELECT ${remedyColumns(todayParam)} FROM remedy r WHERE ${conditions.join(' AND ')} ORDER BY r.created_at, r.id LIMIT ${p.add(first + 1)}`,
      p.values,
    );
    return toConnection(REMEDIES, rows, first, total, (r) => [r.created_at.toISOString(), r.id]);
  }

  /** The defendants of the given remedies, with their names and bases from the case's parties, in their order. */
  async defendants(remedyIds: readonly string[], manager: EntityManager = this.dataSource.manager): Promise<RemedyDefendantRow[]> {
    return manager.query(
      `SELECT d.remedy_id, d.party_id, p.name, p.liability_basis, d.extent, d.share_basis_points
         FROM remedy_defendant d JOIN case_party p ON p.case_id = d.case_id AND p.id = d.party_id
        WHERE d.remedy_id = ANY($1::uuid[]) ORDER BY d.remedy_id, d.position`,
      [remedyIds],
    );
  }

  async measures(remedyIds: readonly string[], manager: EntityManager = this.dataSource.manager): Promise<RemedyMeasureRow[]> {
    return manager.query(
      `SELECT id, remedy_id, description, scope, due_on::text AS due_on, verified_on::text AS verified_on, verification
         FROM remedy_measure WHERE remedy_id = ANY($1::uuid[]) ORDER BY remedy_id, position`,
      [remedyIds],
    );
  }

  async evidence(remedyIds: readonly string[], manager: EntityManager = this.dataSource.manager): Promise<RemedyEvidenceRow[]> {
    return manager.query(
      `SELECT id, remedy_id, measure_id, evidence_item_id, description, recorded_on::text AS recorded_on
         FROM remedy_evidence WHERE remedy_id = ANY($1::uuid[]) ORDER BY remedy_id, created_at, id`,
      [remedyIds],
    );
  }

  /** Moves a remedy to `to` on `on` (with the due date and amount an order or settlement sets), keeping the step. */
  async transition(
    manager: EntityManager,
    remedy: RemedyRow,
    step: { to: RemedyStatus; on: string; reason: string | null; dueOn: string | null; amountFen: string | null },
    actor: { userId: string; organisationId: string },
  ): Promise<void> {
    await manager.query(
      `UPDATE remedy SET status = $2, status_on = $3, due_on = coalesce($4::date, due_on), amount_fen = coalesce($5::bigint, amount_fen) WHERE id = $1`,
      [remedy.id, step.to, step.on, step.dueOn, step.amountFen],
    );
    await manager.query(
      `INSERT INTO remedy_transition (remedy_id, from_status, to_status, occurred_on, reason, organisation_id, actor_id) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [remedy.id, remedy.status, step.to, step.on, step.reason, actor.organisationId, actor.userId],
    );
  }

  /** The date of the remedy's last event (its last step, or when it was sought). */
  async lastEventDate(manager: EntityManager, remedyId: string): Promise<string> {
    const [row] = await manager.query(`SELECT status_on::text AS last FROM remedy WHERE id = $1`, [remedyId]);
    return row.last;
  }

  /** The measure and its remedy's id, locked. */
  async findMeasure(manager: EntityManager, measureId: string): Promise<{ id: string; remedy_id: string; verified_on: string | null } | null> {
    const [row] = await manager.query(`SELECT id, remedy_id, verified_on::text AS verified_on FROM remedy_measure WHERE id = $1 FOR UPDATE`, [measureId]);
    return row ?? null;
  }

  async verifyMeasure(manager: EntityManager, measureId: string, verifiedOn: string, verification: string): Promise<void> {
    await manager.query(`UPDATE remedy_measure SET verified_on = $2, verification = $3 WHERE id = $1`, [measureId, verifiedOn, verification]);
  }

  /** How many items of compliance evidence remedy `remedyId` holds. */
  async evidenceCount(manager: EntityManager, remedyId: string): Promise<number> {
    const [row] = await manager.query(`SELECT count(*)::int AS count FROM remedy_evidence WHERE remedy_id = $1`, [remedyId]);
    return row.count;
  }

  async insertEvidence(
    manager: EntityManager,
    row: { remedyId: string; measureId: string | null; evidenceItemId: string | null; description: string; recordedOn: string; organisationId: string; recordedBy: string },
  ): Promise<string> {
    const [inserted] = await manager.query(
      `INSERT INTO remedy_evidence (remedy_id, measure_id, evidence_item_id, description, recorded_on, organisation_id, recorded_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [row.remedyId, row.measureId, row.evidenceItemId, row.description, row.recordedOn, row.organisationId, row.recordedBy],
    );
    return inserted.id;
  }

  async recordCourtPublication(manager: EntityManager, remedyId: string, p: { refusedOn: string; publishedOn: string; medium: RemedyMedium; costFen: string }): Promise<void> {
    await manager.query(
      `UPDATE remedy SET refused_on = $2, court_published_on = $3, court_publication_medium = $4, court_publication_cost_fen = $5 WHERE id = $1`,
      [remedyId, p.refusedOn, p.publishedOn, p.medium, p.costFen],
    );
  }

  async insertPayment(manager: EntityManager, row: { remedyId: string; partyId: string; amountFen: string; paidOn: string; organisationId: string; recordedBy: string }): Promise<void> {
    await manager.query(
      `INSERT INTO remedy_payment (remedy_id, party_id, amount_fen, paid_on, organisation_id, recorded_by) VALUES ($1, $2, $3, $4, $5, $6)`,
      [row.remedyId, row.partyId, row.amountFen, row.paidOn, row.organisationId, row.recordedBy],
    );
  }

  /** What each defendant of a remedy has paid, in fen. */
  async paidByDefendant(remedyId: string, manager: EntityManager = this.dataSource.manager): Promise<Map<string, bigint>> {
    const rows: { party_id: string; paid: string }[] = await manager.query(
      `SELECT party_id, sum(amount_fen)::text AS paid FROM remedy_payment WHERE remedy_id = $1 GROUP BY party_id`,
      [remedyId],
    );
    return new Map(rows.map((r) => [r.party_id, BigInt(r.paid)]));
  }

  /** How many people the case's leak reached: the largest estimate of its linked incidents; null when none gives one. */
  async peopleAffected(caseIds: readonly string[]): Promise<Map<string, number | null>> {
    const rows: { case_id: string; people: string | null }[] = await this.dataSource.query(
      `SELECT c.id AS case_id, (SELECT max(i.estimated_people) FROM case_incident ci JOIN leak_incident i ON i.id = ci.incident_id WHERE ci.case_id = c.id)::text AS people
         FROM legal_case c WHERE c.id = ANY($1::uuid[])`,
      [caseIds],
    );
    return new Map(rows.map((r) => [r.case_id, r.people === null ? null : Number(r.people)]));
  }
}
