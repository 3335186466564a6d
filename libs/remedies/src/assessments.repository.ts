import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { classMembersIn, type Connection, returningRows, type CursorList, decodeCursor, type EnrolmentView, SqlParams as Params, toConnection } from '@app/platform';
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
 * The factor sums of a member with categories `categories` and harms `harms` (SQL expressions),
 * as a relation (category_fen, harm_fen, moral_fen) to join laterally: moral = floor(Σ category
 * fen × spread × duration / 10⁸) + Σ harm fen (rules/damage-model.ts; Civil Code art. 1183). The
 * one SQL form of the formula, for the members' rows and for the totals. OFFSET 0 keeps the sums
 * a subquery of the two arrays, so that it is memoized by them rather than pulled up into
 * per-row subplans.
 */
function factorSums(p: Params, t: AssessmentTerms, categories: string, harms: string): string {
  const categoryFen = p.add(JSON.stringify(t.categoryFen));
  const harmFen = p.add(JSON.stringify(t.harmFen));
  return `(SELECT s.category_fen, s.harm_fen,
                  s.category_fen * ${p.add(t.spreadBasisPoints)}::bigint * ${p.add(t.durationBasisPoints)}::bigint / 100000000 + s.harm_fen AS moral_fen
             FROM (SELECT (SELECT coalesce(sum((${categoryFen}::jsonb ->> c::text)::bigint), 0)::bigint FROM unnest(${categories}) c) AS category_fen,
                          (SELECT coalesce(sum((${harmFen}::jsonb ->> h::text)::bigint), 0)::bigint FROM unnest(${harms}) h) AS harm_fen
                   OFFSET 0) s)`;
}

/**
 * Every sharing member's amount and explanation, and the totals by subclass, as one set-based
 * statement (one snapshot): every sharing member of the view (the visibility policy's
 * classMembersIn: the court's merged facts, or one organisation's own) gets
 *
 *   property = LOSS: its declared loss if it has evidence, else 0;
 *              GAIN / DISCRETIONARY: the largest-remainder division of the total into n equal
 *              shares: floor(total / n) each; every remainder ties, so the tie rule gives the
 *              (total mod n) extra fen to the members with the lowest claimant ids;
 *   moral    = factorSums;
 *   amount   = property + moral,
 *
 * written with the facts it came from (its explanation) into `target` (the assessment's own
 * partition, see assess; no index while it is written), and the totals by subclass written to
 * assessment_subclass_total.
 *
 * Nothing but the write reads every member. The members' facts come as tally rows (members and
 * declared-loss sums per subclass, categories, harms and evidence): the class's tally in the
 * merged view (class_tally, kept on every membership change), an organisation's own members
 * aggregated in its view (it has no tally). They give n, and the totals: members × moral per
 * row, proven losses from the evidenced rows' sums, and for a divided total floor(total / n) ×
 * members plus the extra fen of the subclass. The last id to get an extra fen is found by a walk
 * of the ordered claimant index from whichever end is nearer (at most n/2 entries), stepping over
 * the few non-sharing members by their ids (the claimant index does not hold the state, so the
 * walk reads the index alone); the extra fen per subclass are counted over the same side of that
 * id (the state index holds subclass and claimant). The members are read once, in no particular
 * order; the factor sums are computed once per distinct (categories, harms) pair (memoized).
 * Used by the repository and bench/assessment.
 */
export function assessMembersSql(view: EnrolmentView, p: Params, t: AssessmentTerms, target: string): string {
  const classId = p.add(t.classId);
  const assessmentId = `${p.add(t.assessmentId)}::uuid`;
  const members = (alias: string, condition = '') =>
    `${classMembersIn(view, p)} ${alias} WHERE ${alias}.class_id = ${classId} AND ${alias}.state IN ${SHARING_STATES_SQL}${condition}`;
  const facts = view.merged
    ? `SELECT subclass, data_categories, harm_types, has_evidence, sum(members) AS members, sum(loss_sum_fen) AS loss_sum_fen
         FROM class_tally WHERE class_id = ${classId} AND state IN ${SHARING_STATES_SQL} AND members <> 0 GROUP BY 1, 2, 3, 4`
    : `SELECT m.subclass, ${memberCategories('m')} AS data_categories, m.harm_types, m.has_evidence, count(*) AS members,
              coalesce(sum(m.declared_loss_fen), 0) AS loss_sum_fen
         FROM ${members('m')} GROUP BY 1, 2, 3, 4`;
  const proven = 'CASE WHEN m.has_evidence THEN m.declared_loss_fen END';
  let property = `coalesce(${proven}, 0)`;
  let factsProperty = 'CASE WHEN f.has_evidence THEN f.loss_sum_fen ELSE 0 END';
  let extraBySubclass = '0';
  let division = '';
  if (t.dividedTotalFen !== null) {
    const total = `${p.add(t.dividedTotalFen)}::bigint`;
    const walk = (order: 'ASC' | 'DESC', skip: string) =>
      `(SELECT m.claimant_id FROM ${classMembersIn(view, p)} m
         WHERE m.class_id = ${classId}
           AND m.claimant_id NOT IN (SELECT o.claimant_id FROM ${classMembersIn(view, p)} o WHERE o.class_id = ${classId} AND o.state IN ${NON_SHARING_STATES_SQL})
         ORDER BY m.claimant_id ${order} OFFSET ${skip} LIMIT 1)`;
    // MATERIALIZED: each computed once, never inlined into the per-member expression. The
    // (extra)-th lowest id is the (n - extra + 1)-th highest. `low`: the walk went up.
    division = `,
      d AS MATERIALIZED (SELECT n.n, ${total} / nullif(n.n, 0) AS base, ${total} % nullif(n.n, 0) AS extra,
                                coalesce(${total} % nullif(n.n, 0) <= n.n - ${total} % nullif(n.n, 0), true) AS low
                           FROM (SELECT coalesce(sum(members), 0)::bigint FROM facts) n(n)),
      division AS MATERIALIZED (
        SELECT d.base, CASE WHEN coalesce(d.extra, 0) = 0 THEN NULL
                            WHEN d.low THEN ${walk('ASC', 'd.extra - 1')}
                            ELSE ${walk('DESC', 'd.n - d.extra')} END AS last_extra
          FROM d),
      below AS MATERIALIZED (SELECT m.subclass, count(*) AS members FROM ${members('m', ' AND m.claimant_id <= (SELECT last_extra FROM division) AND (SELECT low FROM d)')} GROUP BY 1),
      above AS MATERIALIZED (SELECT m.subclass, count(*) AS members FROM ${members('m', ' AND m.claimant_id > (SELECT last_extra FROM division) AND NOT (SELECT low FROM d)')} GROUP BY 1)`;
    property = '(division.base + CASE WHEN m.claimant_id <= division.last_extra THEN 1 ELSE 0 END)';
    factsProperty = '(SELECT base FROM d) * f.members';
    // The extra fen of a subclass: its members up to the last id, counted from the nearer end.
    extraBySubclass = `CASE WHEN (SELECT low FROM d) THEN coalesce((SELECT b.members FROM below b WHERE b.subclass = t.subclass), 0)
                            ELSE t.members - coalesce((SELECT a.members FROM above a WHERE a.subclass = t.subclass), 0) END`;
  }
  return `WITH facts AS MATERIALIZED (${facts})${division},
      totals AS (
        INSERT INTO assessment_subclass_total (assessment_id, subclass, members, property_fen, moral_fen, amount_fen)
        SELECT ${assessmentId}, t.subclass, t.members, t.property_fen + ${extraBySubclass}, t.moral_fen, t.property_fen + ${extraBySubclass} + t.moral_fen
          FROM (SELECT f.subclass, sum(f.members)::bigint AS members, sum(${factsProperty})::bigint AS property_fen, sum(f.members * g.moral_fen)::bigint AS moral_fen
                  FROM facts f CROSS JOIN LATERAL ${factorSums(p, t, 'f.data_categories', 'f.harm_types')} g GROUP BY f.subclass) t)
    INSERT INTO ${target} (assessment_id, claimant_id, subclass, data_categories, harm_types, proven_loss_fen,
                           property_fen, category_fen, harm_fen, moral_fen, amount_fen)
    SELECT ${assessmentId}, m.claimant_id, m.subclass, ${memberCategories('m')}, m.harm_types, ${proven},
           ${property}, f.category_fen, f.harm_fen, f.moral_fen, ${property} + f.moral_fen
      FROM ${classMembersIn(view, p)} m
      ${division ? 'CROSS JOIN division' : ''}
      CROSS JOIN LATERAL ${factorSums(p, t, memberCategories('m'), 'm.harm_types')} f
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
    const [{ total }] = await this.dataSource.query(`SELECT count(*)::int AS total FROM damage_model WHERE ${conditions[0]}`, p.values);
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
   * Computes an assessment in the caller's transaction: every member's amount written to the
   * assessment's own partition and the totals by subclass, by one statement (assessMembersSql),
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
    const [{ total }] = await this.dataSource.query(`SELECT count(*)::int AS total FROM assessment a WHERE ${conditions.join(' AND ')}`, p.values);
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
