import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { classMembersIn, type Connection, countStatement, returningRows, type CursorList, decodeCursor, type EnrolmentView, SqlParams as Params, toConnection } from '@app/platform';
import { CURRENT_STATES, MemberState, type Subclass } from '@app/classes';
import type { DataCategory } from '@app/leaks';
import type { HarmType } from '@app/claimants';
import type { AssessmentMethod, DamagesRecipient } from './rules/compensation';
import type { DamageFactors } from './rules/damage-model';

const MODELS: CursorList = { name: 'DamageModel(createdAt,id)', arity: 2 };
const ASSESSMENTS: CursorList = { name: 'Assessment(createdAt,id)', arity: 2 };
const MEMBERS: CursorList = { name: 'MemberAssessment(claimantId)', arity: 1 };

/** A damage model version as stored. */
export interface DamageModelRow {
  id: string;
  organisation_id: string;
  name: string;
  version: number;
  factors: DamageFactors;
  created_at: Date;
}

/** An assessment as stored, with its model's version and factors; fen as decimal strings. */
export interface AssessmentRow {
  id: string;
  case_id: string;
  class_id: string;
  organisation_id: string;
  merged: boolean;
  method: AssessmentMethod;
  model_id: string;
  model_version: number;
  factors: DamageFactors;
  divided_total_fen: string | null;
  total_basis: string | null;
  recipient: DamagesRecipient;
  spread_people: string;
  spread_basis_points: number;
  exposure_days: number;
  duration_basis_points: number;
  job_id: string | null;
  completed_at: Date | null;
  members: string | null;
  total_fen: string | null;
  created_at: Date;
}

export interface SubclassTotalRow {
  assessment_id: string;
  subclass: Subclass;
  members: string;
  property_fen: string;
  moral_fen: string;
  amount_fen: string;
}

export interface MemberAssessmentRow {
  claimant_id: string;
  subclass: Subclass;
  data_categories: DataCategory[];
  harm_types: HarmType[];
  proven_loss_fen: string | null;
  property_fen: string;
  category_fen: string;
  harm_fen: string;
  moral_fen: string;
  amount_fen: string;
}

/** What the assessment statement needs besides the members: the method's total and the model's factors. */
export interface AssessmentTerms {
  assessmentId: string;
  classId: string;
  /** GAIN / DISCRETIONARY: divided equally by largest remainder; LOSS: null (each member's proven loss). */
  dividedTotalFen: string | null;
  categoryFen: DamageFactors['categoryFen'];
  harmFen: DamageFactors['harmFen'];
  spreadBasisPoints: number;
  durationBasisPoints: number;
}

/** The states whose members share in the compensation: not the excluded nor the opted-out. */
const SHARING_STATES_SQL = `(${CURRENT_STATES.map((s) => `'${s}'`).join(', ')})`;
/** The other states: members who have no share. */
const NON_SHARING_STATES_SQL = `(${Object.values(MemberState).filter((s) => !CURRENT_STATES.includes(s)).map((s) => `'${s}'`).join(', ')})`;

/**
 * The data categories exposed for member `m` as the class exposes them (class_member's, or the
 * enrolment's own in an organisation's view): the one place the assessment reads them, so a
 * change of how classes derive a member's categories flows through.
 */
const memberCategories = (m: string) => `${m}.data_categories`;

/**
 * Every sharing member's amount and explanation, as one set-based statement: every sharing member
 * of the view (the visibility policy's classMembersIn: the court's merged facts, or one
 * organisation's own) gets
 *
 *   property = LOSS: its declared loss if it has evidence, else 0;
 *              GAIN / DISCRETIONARY: the largest-remainder division of the total into n equal
 *              shares: floor(total / n) each; every remainder ties, so the tie rule gives the
 *              (total mod n) extra fen to the members with the lowest claimant ids;
 *   moral    = floor(Σ category fen × spread × duration / 10⁸) + Σ harm fen (rules/damage-model.ts);
 *   amount   = property + moral,
 *
 * written with the facts it came from (its explanation) into `target` (the assessment's own
 * partition, see assess; no index while it is written).
 *
 * The division is found before the members are written, in the same statement (one snapshot),
 * without a pass over the members: n from the class's tally in the merged view (class_tally,
 * kept on every membership change; an organisation's view, which has none, counts its own), and
 * the last id to get an extra fen by a walk of the ordered claimant index from whichever end is
 * nearer (at most n/2 entries). The walk leaves out the few non-sharing members by their ids
 * rather than filtering on the state, which the claimant index does not hold, so it reads the
 * index alone. The members are then read once, in no particular order; the factor sums are
 * computed once per distinct (categories, harms) pair (memoized). Used by the repository and
 * bench/assessment.
 */
export function assessMembersSql(view: EnrolmentView, p: Params, t: AssessmentTerms, target: string): string {
  const classId = p.add(t.classId);
  const categories = p.add(JSON.stringify(t.categoryFen));
  const harms = p.add(JSON.stringify(t.harmFen));
  const proven = 'CASE WHEN m.has_evidence THEN m.declared_loss_fen END';
  let property = `coalesce(${proven}, 0)`;
  let division = '';
  if (t.dividedTotalFen !== null) {
    const total = `${p.add(t.dividedTotalFen)}::bigint`;
    const n = view.merged
      ? `SELECT coalesce(sum(t.members), 0)::bigint FROM class_tally t WHERE t.class_id = ${classId} AND t.state IN ${SHARING_STATES_SQL}`
      : `SELECT count(*) FROM ${classMembersIn(view, p)} m WHERE m.class_id = ${classId} AND m.state IN ${SHARING_STATES_SQL}`;
    const walk = (order: 'ASC' | 'DESC', skip: string) =>
      `(SELECT m.claimant_id FROM ${classMembersIn(view, p)} m
         WHERE m.class_id = ${classId}
           AND m.claimant_id NOT IN (SELECT o.claimant_id FROM ${classMembersIn(view, p)} o WHERE o.class_id = ${classId} AND o.state IN ${NON_SHARING_STATES_SQL})
         ORDER BY m.claimant_id ${order} OFFSET ${skip} LIMIT 1)`;
    // MATERIALIZED: each computed once, never inlined into the per-member expression. The
    // (extra)-th lowest id is the (n - extra + 1)-th highest.
    division = `WITH d AS MATERIALIZED (SELECT n.n, ${total} / nullif(n.n, 0) AS base, ${total} % nullif(n.n, 0) AS extra FROM (${n}) n(n)),
      division AS MATERIALIZED (
        SELECT d.base, CASE WHEN coalesce(d.extra, 0) = 0 THEN NULL
                            WHEN d.extra <= d.n - d.extra THEN ${walk('ASC', 'd.extra - 1')}
                            ELSE ${walk('DESC', 'd.n - d.extra')} END AS last_extra
          FROM d)
    `;
    // Scalar subqueries of the CTE: parameters computed once, not a join evaluated per member.
    property = '((SELECT base FROM division) + CASE WHEN m.claimant_id <= (SELECT last_extra FROM division) THEN 1 ELSE 0 END)';
  }
  const assessmentId = `${p.add(t.assessmentId)}::uuid`;
  // OFFSET 0 keeps the factor sums a subquery of the member's two arrays, so that it is memoized
  // by them rather than pulled up into per-member subplans.
  return `${division}INSERT INTO ${target} (assessment_id, claimant_id, subclass, data_categories, harm_types, proven_loss_fen,
                                   property_fen, category_fen, harm_fen, moral_fen, amount_fen)
    SELECT ${assessmentId}, m.claimant_id, m.subclass, ${memberCategories('m')}, m.harm_types, ${proven},
           ${property}, f.category_fen, f.harm_fen, f.moral_fen, ${property} + f.moral_fen
      FROM ${classMembersIn(view, p)} m
      CROSS JOIN LATERAL (
        SELECT s.category_fen, s.harm_fen,
               s.category_fen * ${p.add(t.spreadBasisPoints)}::bigint * ${p.add(t.durationBasisPoints)}::bigint / 100000000 + s.harm_fen AS moral_fen
          FROM (SELECT (SELECT coalesce(sum((${categories}::jsonb ->> c::text)::bigint), 0)::bigint FROM unnest(${memberCategories('m')}) c) AS category_fen,
                       (SELECT coalesce(sum((${harms}::jsonb ->> h::text)::bigint), 0)::bigint FROM unnest(m.harm_types) h) AS harm_fen
                OFFSET 0) s) f
     WHERE m.class_id = ${classId} AND m.state IN ${SHARING_STATES_SQL}`;
}

const ASSESSMENT_COLUMNS = `a.id, a.case_id, a.class_id, a.organisation_id, a.merged, a.method, a.model_id, dm.version AS model_version, dm.factors,
  a.divided_total_fen::text AS divided_total_fen, a.total_basis, a.recipient, a.spread_people::text AS spread_people, a.spread_basis_points,
  a.exposure_days, a.duration_basis_points, a.job_id, a.completed_at, a.members::text AS members, a.total_fen::text AS total_fen, a.created_at`;

/** The SQL of damage models and assessments. */
@Injectable()
export class AssessmentsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Adds the next version of the organisation's model `name` (version 1 for a new name). */
  async insertModel(manager: EntityManager, organisationId: string, name: string, factors: DamageFactors, createdBy: string): Promise<DamageModelRow> {
    // One definition of a name at a time: the advisory lock serialises the version numbers.
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('leakcase.damage-model'), hashtext($1 || '/' || $2))`, [organisationId, name]);
    const [row] = await manager.query(
      `INSERT INTO damage_model (organisation_id, name, version, factors, created_by)
       SELECT $1, $2, coalesce(max(version), 0) + 1, $3, $4 FROM damage_model WHERE organisation_id = $1 AND name = $2
       RETURNING id, organisation_id, name, version, factors, created_at`,
      [organisationId, name, JSON.stringify(factors), createdBy],
    );
    return row;
  }

  /** A model version of the organisation; null for another's (or none). */
  async findModel(organisationId: string, id: string, manager: EntityManager = this.dataSource.manager): Promise<DamageModelRow | null> {
    const [row] = await manager.query(`SELECT id, organisation_id, name, version, factors, created_at FROM damage_model WHERE id = $1 AND organisation_id = $2`, [id, organisationId]);
    return row ?? null;
  }

  async listModels(organisationId: string, first: number, after?: string): Promise<Connection<DamageModelRow>> {
    const p = new Params();
    const conditions = [`organisation_id = ${p.add(organisationId)}`];
    const total = countStatement(this.dataSource, `SELECT count(*)::int AS count FROM damage_model WHERE ${conditions[0]}`, p.values);
    if (after) {
      const [createdAt, id] = decodeCursor(MODELS, after);
      conditions.push(`(created_at, id) > (${p.add(createdAt)}::timestamptz, ${p.add(id)}::uuid)`);
    }
    const rows: DamageModelRow[] = await this.dataSource.query(
      `SELECT id, organisation_id, name, version, factors, created_at FROM damage_model WHERE ${conditions.join(' AND ')}
        ORDER BY created_at, id LIMIT ${p.add(first + 1)}`,
      p.values,
    );
    return toConnection(MODELS, rows, first, total, (r) => [r.created_at.toISOString(), r.id]);
  }

  /** How far and how long the class's leak spread: the largest people estimate and the longest exposure (days, both ends counted). */
  async classSpread(manager: EntityManager, classId: string): Promise<{ people: number; days: number }> {
    const [row] = await manager.query(
      `SELECT coalesce(max(i.estimated_people), 0)::text AS people,
              coalesce(max(coalesce(i.exposure_end, i.discovered_on) - i.exposure_start + 1), 0)::int AS days
         FROM class_incident ci JOIN leak_incident i ON i.id = ci.incident_id WHERE ci.class_id = $1`,
      [classId],
    );
    return { people: Number(row.people), days: row.days };
  }

  async insertAssessment(
    manager: EntityManager,
    row: {
      caseId: string; classId: string; organisationId: string; merged: boolean; method: AssessmentMethod; modelId: string;
      dividedTotalFen: string | null; totalBasis: string | null; recipient: DamagesRecipient;
      spreadPeople: number; spreadBasisPoints: number; exposureDays: number; durationBasisPoints: number; createdBy: string;
    },
  ): Promise<string> {
    const [inserted] = await manager.query(
      `INSERT INTO assessment (case_id, class_id, organisation_id, merged, method, model_id, divided_total_fen, total_basis, recipient,
                               spread_people, spread_basis_points, exposure_days, duration_basis_points, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
      [row.caseId, row.classId, row.organisationId, row.merged, row.method, row.modelId, row.dividedTotalFen, row.totalBasis, row.recipient,
        row.spreadPeople, row.spreadBasisPoints, row.exposureDays, row.durationBasisPoints, row.createdBy],
    );
    return inserted.id;
  }

  async setJob(manager: EntityManager, assessmentId: string, jobId: string): Promise<void> {
    await manager.query(`UPDATE assessment SET job_id = $2 WHERE id = $1`, [assessmentId, jobId]);
  }

  async find(id: string, manager: EntityManager = this.dataSource.manager, lock = false): Promise<AssessmentRow | null> {
    const [row] = await manager.query(
      `SELECT ${ASSESSMENT_COLUMNS} FROM assessment a JOIN damage_model dm ON dm.id = a.model_id WHERE a.id = $1 ${lock ? 'FOR UPDATE OF a' : ''}`,
      [id],
    );
    return row ?? null;
  }

  /**
   * Computes an assessment in the caller's transaction: every member's amount (assessMembersSql)
   * written to the assessment's own partition, the totals by subclass from the rows written,
   * then the partition attached (which builds its claimant index, the parent's, in one pass) and
   * the assessment's own totals; returns the number of members.
   */
  async assess(manager: EntityManager, view: EnrolmentView, terms: AssessmentTerms): Promise<number> {
    // Written without an index, then indexed in one pass and attached (its CHECK spares the
    // attach a scan). A failed job's transaction drops it again.
    if (!UUID.test(terms.assessmentId)) throw new Error('assess: the assessment id is not a uuid');
    const id = terms.assessmentId.toLowerCase();
    const partition = `assessment_member_${id.replaceAll('-', '')}`;
    await manager.query(`CREATE TABLE ${partition} (LIKE assessment_member, CHECK (assessment_id = '${id}'))`);
    const p = new Params();
    await manager.query(assessMembersSql(view, p, terms, partition), p.values);
    // The totals by subclass of the rows written: a plain SELECT, which PostgreSQL may run in
    // parallel workers (an INSERT … SELECT never is), then its few rows stored.
    // (Each amount is its property plus its moral damage, so their sums add up the same way.)
    const totals: { subclass: string; members: string; property: string; moral: string; amount: string }[] = await manager.query(
      `SELECT subclass, members::text, property::text, moral::text, (property + moral)::text AS amount
         FROM (SELECT subclass, count(*) AS members, sum(property_fen) AS property, sum(moral_fen) AS moral FROM ${partition} GROUP BY subclass) t`,
    );
    await manager.query(
      `INSERT INTO assessment_subclass_total (assessment_id, subclass, members, property_fen, moral_fen, amount_fen)
       SELECT $1, * FROM unnest($2::class_subclass[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[])`,
      [id, ...(['subclass', 'members', 'property', 'moral', 'amount'] as const).map((k) => totals.map((t) => t[k]))],
    );
    await manager.query(`ALTER TABLE assessment_member ATTACH PARTITION ${partition} FOR VALUES IN ('${id}')`);
    const [row] = await returningRows<{ members: number }>(
      manager,
      `UPDATE assessment a SET completed_at = clock_timestamp(), members = t.members, total_fen = t.amount
         FROM (SELECT coalesce(sum(members), 0) AS members, coalesce(sum(amount_fen), 0) AS amount FROM assessment_subclass_total WHERE assessment_id = $1) t
        WHERE a.id = $1 RETURNING a.members::int AS members`,
      [terms.assessmentId],
    );
    return row.members;
  }

  /**
   * The assessments of a case the caller may read, newest last: its own organisation's, and for
   * the court of the case (`court`), the parties' too.
   */
  async listByCase(caseId: string, organisationId: string, court: boolean, first: number, after?: string): Promise<Connection<AssessmentRow>> {
    const p = new Params();
    const conditions = [`a.case_id = ${p.add(caseId)}`];
    if (!court) conditions.push(`a.organisation_id = ${p.add(organisationId)}`);
    const total = countStatement(this.dataSource, `SELECT count(*)::int AS count FROM assessment a WHERE ${conditions.join(' AND ')}`, p.values);
    if (after) {
      const [createdAt, id] = decodeCursor(ASSESSMENTS, after);
      conditions.push(`(a.created_at, a.id) > (${p.add(createdAt)}::timestamptz, ${p.add(id)}::uuid)`);
    }
    const rows: AssessmentRow[] = await this.dataSource.query(
      `SELECT ${ASSESSMENT_COLUMNS} FROM assessment a JOIN damage_model dm ON dm.id = a.model_id WHERE ${conditions.join(' AND ')}
        ORDER BY a.created_at, a.id LIMIT ${p.add(first + 1)}`,
      p.values,
    );
    return toConnection(ASSESSMENTS, rows, first, total, (r) => [r.created_at.toISOString(), r.id]);
  }

  async subclassTotals(assessmentIds: readonly string[]): Promise<SubclassTotalRow[]> {
    return this.dataSource.query(
      `SELECT assessment_id, subclass, members::text AS members, property_fen::text AS property_fen, moral_fen::text AS moral_fen, amount_fen::text AS amount_fen
         FROM assessment_subclass_total WHERE assessment_id = ANY($1::uuid[]) ORDER BY assessment_id, subclass`,
      [assessmentIds],
    );
  }

  async member(assessmentId: string, claimantId: string): Promise<MemberAssessmentRow | null> {
    const [row] = await this.dataSource.query(`SELECT ${MEMBER_COLUMNS} FROM assessment_member WHERE assessment_id = $1 AND claimant_id = $2`, [assessmentId, claimantId]);
    return row ?? null;
  }

  /** The members of an assessment, keyset on claimant_id. */
  async members(assessmentId: string, first: number, after?: string, total?: number): Promise<Connection<MemberAssessmentRow>> {
    const p = new Params();
    const conditions = [`assessment_id = ${p.add(assessmentId)}`];
    if (after) conditions.push(`claimant_id > ${p.add(decodeCursor(MEMBERS, after)[0])}::uuid`);
    const rows: MemberAssessmentRow[] = await this.dataSource.query(
      `SELECT ${MEMBER_COLUMNS} FROM assessment_member WHERE ${conditions.join(' AND ')} ORDER BY claimant_id LIMIT ${p.add(first + 1)}`,
      p.values,
    );
    return toConnection(MEMBERS, rows, first, total ?? rows.length, (r) => [r.claimant_id]);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const MEMBER_COLUMNS = `claimant_id, subclass, data_categories::text[] AS data_categories, harm_types::text[] AS harm_types,
  proven_loss_fen::text AS proven_loss_fen, property_fen::text AS property_fen, category_fen::text AS category_fen,
  harm_fen::text AS harm_fen, moral_fen::text AS moral_fen, amount_fen::text AS amount_fen`;
