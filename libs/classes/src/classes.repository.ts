import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import {
  type Actor,
  casePartyOrganisations,
  classEnrolmentsIn,
  classMembersIn,
  type Connection,
  enrolmentMatched,
  ownMatchedCategories,
  ownMatchedFields,
  type CursorList,
  decodeCursor,
  type EnrolmentView,
  returningRows,
  type Viewer,
  SqlParams as Params,
  MERGED_VIEW,
  pagesPerParent,
  countStatement,
  toConnection,
  visibleCase,
} from '@app/platform';
import type { DataCategory } from '@app/leaks';
import type { ExposureBasis, HarmType } from '@app/claimants';
import { DEFAULT_SHARED_PHONE_THRESHOLD, type MemberFilterInput } from './class.inputs';
import {
  type ClaimantClassMembership,
  type ClassAnomaly,
  ClassAnomalyKind,
  type ClassComposition,
  type ClassMember,
  type ClassModel,
  type MaskedClaimant,
  type ReviewDecision,
  ReviewDecisionKind,
} from './class.model';
import { type ClassStatus, CURRENT_STATES, MemberState } from './rules/membership';
import { ARTICLE_28_PARAMETER, ruleSubclassSql, Subclass, subclassRuleById, subclassRuleSql } from './rules/subclasses';

const CLASSES: CursorList = { name: 'Class(createdAt,id)', arity: 2 };
const CLASS_MEMBERS: CursorList = { name: 'ClassMember(claimantId)', arity: 1 };
const CLASS_ANOMALIES: CursorList = { name: 'ClassAnomaly(claimantId)', arity: 1 };
const DECISIONS: CursorList = { name: 'ReviewDecision(decidedAt,id)', arity: 2 };
const MEMBERSHIPS: CursorList = { name: 'ClaimantClassMembership(classId)', arity: 1 };

/**
 * Whose members, with whose facts, a caller reads: the court the merged view, the plaintiff side
 * its own enrolments (the platform's visibility policy, `classMembersIn`).
 */
export type MemberView = EnrolmentView;

const VERIFIED_BASES = `'{DATASET_MATCH,BREACH_NOTICE}'::exposure_basis[]`;
/** The current states as a SQL literal, so the planner can match the partial loss index. */
const CURRENT_SQL = `(${CURRENT_STATES.map((s) => `'${s}'`).join(', ')})`;

const CLASS_COLUMNS = `k.id, k.case_id, k.name, k.definition, k.bases::text[] AS bases, k.status, k.status_reason, k.formed_at, k.created_at,
  ARRAY(SELECT ci.incident_id FROM class_incident ci WHERE ci.class_id = k.id ORDER BY ci.incident_id) AS incident_ids`;

interface ClassRow {
  id: string;
  case_id: string;
  name: string;
  definition: string;
  bases: ExposureBasis[];
  status: ClassStatus;
  status_reason: string | null;
  formed_at: Date;
  created_at: Date;
  incident_ids: string[];
}

const toClass = (r: ClassRow): ClassModel => ({
  id: r.id,
  caseId: r.case_id,
  name: r.name,
  definition: r.definition,
  bases: r.bases,
  status: r.status,
  statusReason: r.status_reason,
  formedAt: r.formed_at,
  createdAt: r.created_at,
  incidentIds: r.incident_ids,
});

const MEMBER_COLUMNS = `m.class_id, m.claimant_id, m.state, m.state_reason, m.subclass, m.subclass_reason, m.subclass_rule, m.bases::text[] AS bases,
  m.verified, m.data_categories::text[] AS data_categories, m.declared_categories::text[] AS declared_categories, m.harm_types::text[] AS harm_types,
  m.declared_loss_fen::text AS declared_loss_fen, m.has_evidence, m.evidence_outside_window, m.joined_at, m.enrolling_organisations`;

interface MemberRow {
  class_id: string;
  claimant_id: string;
  state: MemberState;
  state_reason: string | null;
  subclass: Subclass;
  subclass_reason: string | null;
  subclass_rule: string | null;
  bases: ExposureBasis[];
  verified: boolean;
  data_categories: DataCategory[];
  declared_categories: DataCategory[];
  harm_types: HarmType[];
  declared_loss_fen: string | null;
  has_evidence: boolean;
  evidence_outside_window: boolean;
  joined_at: Date | null;
  enrolling_organisations: number | null;
}

const toMember = (r: MemberRow): ClassMember => ({
  classId: r.class_id,
  claimantId: r.claimant_id,
  state: r.state,
  stateReason: r.state_reason,
  subclass: r.subclass,
  subclassReason: r.subclass_reason,
  subclassRule: subclassRuleById(r.subclass_rule),
  bases: r.bases,
  verified: r.verified,
  dataCategories: r.data_categories,
  declaredDataCategories: r.declared_categories,
  harmTypes: r.harm_types,
  declaredLossFen: r.declared_loss_fen,
  hasEvidence: r.has_evidence,
  evidenceOutsideWindow: r.evidence_outside_window,
  joinedAt: r.joined_at,
  enrollingOrganisations: r.enrolling_organisations,
});

const DECISION_COLUMNS = `d.id, d.class_id, d.kind, d.claimant_id, d.filter::text AS filter, d.reason, d.touched::text AS touched,
  d.actor_id, d.organisation_id, d.decided_at`;

const toDecision = (r: any): ReviewDecision => ({
  id: r.id,
  classId: r.class_id,
  kind: r.kind,
  claimantId: r.claimant_id,
  filter: r.filter,
  reason: r.reason,
  touched: r.touched === null ? null : Number(r.touched),
  actorId: r.actor_id,
  organisationId: r.organisation_id,
  decidedAt: r.decided_at,
});

/** The enrolment column compared by each shared-identifier anomaly, and the mask shown (none for an address). */
const SHARED_KEY = {
  [ClassAnomalyKind.SHARED_PHONE]: { column: 'phone_index', mask: 'min(e.phone_masked)' },
  [ClassAnomalyKind.SHARED_ADDRESS]: { column: 'address_index', mask: 'NULL::text' },
} as const;

/** Who filters, over which view, in which class (a parameter): what an anomaly's definition reads. */
interface FilterContext {
  actor: Viewer;
  view: MemberView;
  classParam: string;
}

/** The member filter as SQL on alias m: conditions, and the CTEs they read (a WITH prefix, or ''). */
function filterConditions(filter: MemberFilterInput | undefined, p: Params, ctx: FilterContext): { prefix: string; conditions: string[] } {
  const conditions: string[] = [];
  let prefix = '';
  if (!filter) return { prefix, conditions };
  if (filter.states?.length) conditions.push(`m.state = ANY(${p.add(filter.states)}::class_member_state[])`);
  if (filter.subclass) conditions.push(`m.subclass = ${p.add(filter.subclass)}::class_subclass`);
  if (filter.verified !== undefined && filter.verified !== null) conditions.push(`m.verified = ${p.add(filter.verified)}`);
  if (filter.hasEvidence !== undefined && filter.hasEvidence !== null) conditions.push(`m.has_evidence = ${p.add(filter.hasEvidence)}`);
  if (filter.evidenceOutsideWindow !== undefined && filter.evidenceOutsideWindow !== null) {
    conditions.push(`m.evidence_outside_window = ${p.add(filter.evidenceOutsideWindow)}`);
  }
  if (filter.anomaly) {
    const anomaly = anomalyDefinition(filter.anomaly, filter.anomalyThreshold ?? DEFAULT_SHARED_PHONE_THRESHOLD, ctx, p);
    prefix = anomaly.prefix;
    conditions.push(anomaly.condition);
  }
  return { prefix, conditions };
}

/**
 * The one definition of each anomaly kind, as a condition on member m (alias) of class
 * `ctx.classParam`, with the CTEs it reads: the anomaly list (classAnomalies) and the member filter
 * (lists, bulk decisions and their preview) both take it from here.
 *
 * - SELF_DECLARED_ONLY: no verified basis (dataset match, breach notice) in the view.
 * - NO_EVIDENCE: no verified basis and no evidence reference on any harm.
 * - EVIDENCE_OUTSIDE_WINDOW: a harm or declaration dated before the exposure window opened.
 * - DUPLICATE_ACROSS_CLASSES: a current member of another class over one of this class's
 *   incidents (duplicateCondition).
 * - SHARED_PHONE / SHARED_ADDRESS: enrolled (in the view) with a phone number / an address (its
 *   blind index) that at least `threshold` current members of the class share; CTE `shared`
 *   lists those (key, n, and for a phone its mask).
 */
function anomalyDefinition(kind: ClassAnomalyKind, threshold: number, ctx: FilterContext, p: Params): { prefix: string; condition: string } {
  switch (kind) {
    case ClassAnomalyKind.SELF_DECLARED_ONLY:
      return { prefix: '', condition: 'NOT m.verified' };
    case ClassAnomalyKind.NO_EVIDENCE:
      return { prefix: '', condition: 'NOT m.has_evidence' };
    case ClassAnomalyKind.EVIDENCE_OUTSIDE_WINDOW:
      return { prefix: '', condition: 'm.evidence_outside_window' };
    case ClassAnomalyKind.DUPLICATE_ACROSS_CLASSES:
      return { prefix: '', condition: duplicateCondition(ctx.actor, ctx.view, ctx.classParam, p) };
    case ClassAnomalyKind.SHARED_PHONE:
    case ClassAnomalyKind.SHARED_ADDRESS: {
      // The blind index on each enrolment in the view: the plaintiff side compares only the
      // phones and addresses it recorded, among its own members.
      const key = SHARED_KEY[kind];
      const t = p.add(threshold);
      const c = ctx.classParam;
      const prefix = `WITH shared AS (
          SELECT e.${key.column} AS key, count(DISTINCT e.claimant_id)::int AS n, ${key.mask} AS masked
            FROM ${classMembersIn(ctx.view, p)} cm JOIN ${classEnrolmentsIn(ctx.view, p, c)} e ON e.claimant_id = cm.claimant_id
           WHERE cm.class_id = ${c} AND cm.state IN ${CURRENT_SQL} AND e.${key.column} IS NOT NULL
           GROUP BY e.${key.column} HAVING count(DISTINCT e.claimant_id) >= ${t})`;
      const condition = `EXISTS (SELECT 1 FROM ${classEnrolmentsIn(ctx.view, p, c)} se JOIN shared ON shared.key = se.${key.column}
                                  WHERE se.claimant_id = m.claimant_id)`;
      return { prefix, condition };
    }
  }
}

/** "Member (classColumn, claimantColumn) is in the view", as a predicate. */
function memberInView(view: MemberView, p: Params, classColumn: string, claimantColumn: string): string {
  if (view.merged) return 'true';
  return `EXISTS (SELECT 1 FROM ${classMembersIn(view, p)} vm WHERE vm.class_id = ${classColumn} AND vm.claimant_id = ${claimantColumn})`;
}

/**
 * Current members (in the view) of another class over one of class `classParam`'s incidents. The
 * plaintiff side counts only classes of cases it may see, through its own enrolments: a class it
 * cannot see would otherwise tell it that someone else enrolled the person.
 */
function duplicateCondition(actor: Viewer, view: MemberView, classParam: string, p: Params): string {
  const visibleOther = view.merged
    ? ''
    : `AND EXISTS (SELECT 1 FROM case_class vk JOIN legal_case vc ON vc.id = vk.case_id WHERE vk.id = o.class_id AND ${visibleCase(actor, 'vc', p)})`;
  return `EXISTS (
  SELECT 1 FROM ${classMembersIn(view, p)} o JOIN class_incident oi ON oi.class_id = o.class_id
   WHERE o.claimant_id = m.claimant_id AND o.class_id <> m.class_id AND o.state IN ${CURRENT_SQL} ${visibleOther}
     AND oi.incident_id IN (SELECT incident_id FROM class_incident WHERE class_id = ${classParam}))`;
}

/** The composition's figures over tally-shaped rows `t` (one per combination of reviewed facts). */
const TALLY_FIGURES = `c AS (SELECT * FROM t WHERE state IN ${CURRENT_SQL})
     SELECT (SELECT coalesce(sum(members), 0)::bigint FROM t) AS total,
            (SELECT coalesce(sum(members), 0)::bigint FROM c) AS current,
            (SELECT coalesce(json_object_agg(state, n), '{}') FROM (SELECT state, sum(members) AS n FROM t GROUP BY state) x) AS by_state,
            (SELECT coalesce(json_object_agg(subclass, n), '{}') FROM (SELECT subclass, sum(members) AS n FROM c GROUP BY subclass) x) AS by_subclass,
            (SELECT coalesce(json_object_agg(b, n), '{}') FROM (SELECT b, sum(members) AS n FROM c, unnest(bases) b GROUP BY b) x) AS by_basis,
            (SELECT coalesce(json_object_agg(g, n), '{}') FROM (SELECT g, sum(members) AS n FROM c, unnest(data_categories) g GROUP BY g) x) AS categories,
            (SELECT coalesce(json_object_agg(h, n), '{}') FROM (SELECT h, sum(members) AS n FROM c, unnest(harm_types) h GROUP BY h) x) AS harms,
            (SELECT coalesce(sum(members) FILTER (WHERE bases && ${VERIFIED_BASES}), 0)::bigint FROM c) AS verified,
            (SELECT coalesce(sum(members) FILTER (WHERE NOT has_evidence), 0)::bigint FROM c) AS without_evidence,
            (SELECT coalesce(sum(members) FILTER (WHERE cardinality(harm_types) = 0), 0)::bigint FROM c) AS without_harm,
            (SELECT coalesce(sum(loss_members), 0)::bigint FROM c) AS loss_members,
            (SELECT coalesce(sum(loss_sum_fen), 0)::text FROM c) AS loss_sum`;

/**
 * The composition statements (the benchmark EXPLAINs and times these very strings): the tally
 * aggregates; then the exact median loss, located by the running count of the loss buckets and
 * read by a short index-only walk inside its bucket, and the maximum from the end of the index.
 */
export const COMPOSITION_SQL = {
  tally: `WITH t AS (SELECT * FROM class_tally WHERE class_id = $1 AND members <> 0), ${TALLY_FIGURES}`,
  loss: `WITH b AS (
              SELECT bucket, members, sum(members) OVER (ORDER BY bucket) AS upto
                FROM class_loss_bucket WHERE class_id = $1 AND members <> 0),
            t AS (SELECT bucket, upto - members AS before FROM b WHERE upto > $2 ORDER BY bucket LIMIT 1)
     SELECT (SELECT trim_scale(avg(v))::text FROM (
              SELECT m.declared_loss_fen AS v FROM class_member m
               WHERE m.class_id = $1 AND m.declared_loss_fen IS NOT NULL AND m.state IN ${CURRENT_SQL}
                 AND m.loss_bucket >= (SELECT bucket FROM t)
               ORDER BY m.loss_bucket, m.declared_loss_fen OFFSET $2 - (SELECT before FROM t) LIMIT $3) x) AS median,
            (SELECT m.declared_loss_fen::text FROM class_member m
              WHERE m.class_id = $1 AND m.declared_loss_fen IS NOT NULL AND m.state IN ${CURRENT_SQL}
              ORDER BY m.loss_bucket DESC, m.declared_loss_fen DESC LIMIT 1) AS max`,
  /** $2 = rows to skip to the median, $3 = one row (odd count) or the two middle rows (even). */
  lossParams: (classId: string, lossMembers: number): unknown[] => [classId, Math.floor((lossMembers - 1) / 2), lossMembers % 2 === 1 ? 1 : 2],
  /**
   * The same figures over one organisation's own members, from its own facts ($1 the class, $2
   * the organisation; the loss statement takes lossParams' skip and count as $3 and $4). No tally
   * is kept per organisation: these aggregate its members in SQL, by the (class, organisation) key.
   */
  own: (view: MemberView) => {
    const p = new Params();
    p.add(null);
    const members = classMembersIn(view, p);
    return {
      tally: `WITH t AS (
          SELECT m.state, m.subclass, m.bases, m.data_categories, m.harm_types, m.has_evidence, count(*) AS members,
                 count(m.declared_loss_fen) AS loss_members, coalesce(sum(m.declared_loss_fen), 0) AS loss_sum_fen
            FROM ${members} m WHERE m.class_id = $1 GROUP BY 1, 2, 3, 4, 5, 6), ${TALLY_FIGURES}`,
      loss: `WITH l AS (SELECT m.declared_loss_fen AS v FROM ${members} m
                         WHERE m.class_id = $1 AND m.declared_loss_fen IS NOT NULL AND m.state IN ${CURRENT_SQL})
        SELECT (SELECT trim_scale(avg(v))::text FROM (SELECT v FROM l ORDER BY v OFFSET $3 LIMIT $4) x) AS median,
               (SELECT max(v)::text FROM l) AS max`,
    };
  },
};

interface PageQuery {
  prefix?: string;
  /** The row query's columns; as a function, its parameters are the row query's alone (not the count's). */
  columns: string | ((p: Params) => string);
  from: string;
}

/** What a formation run changed: members added, and members whose facts changed. */
export interface FormationCounts {
  added: number;
  refreshed: number;
}

/**
 * A formation run's counts: the class's own (the court's merged view, kept in the decision) and
 * each enrolling organisation's, of the members in its own view (class_member_enrolment rows
 * added, and rows whose facts changed).
 */
export interface FormationOutcome extends FormationCounts {
  byOrganisation: ReadonlyMap<string, FormationCounts>;
}

/** The SQL of classes, members, the tally-backed composition, anomalies and review decisions. */
@Injectable()
export class ClassesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insertClass(
    manager: EntityManager,
    row: { caseId: string; name: string; definition: string; bases: ExposureBasis[]; incidentIds: string[]; createdBy: string; organisationId: string },
  ): Promise<string> {
    const [{ id }] = await manager.query(
      `INSERT INTO case_class (case_id, name, definition, bases, created_by, organisation_id)
       VALUES ($1, $2, $3, $4::exposure_basis[], $5, $6) RETURNING id`,
      [row.caseId, row.name, row.definition, row.bases, row.createdBy, row.organisationId],
    );
    await manager.query(`INSERT INTO class_incident (class_id, incident_id) SELECT $1, unnest($2::uuid[])`, [id, row.incidentIds]);
    return id;
  }

  async find(id: string, manager: EntityManager = this.dataSource.manager, lock = false): Promise<ClassModel | null> {
    const [row] = await manager.query(`SELECT ${CLASS_COLUMNS} FROM case_class k WHERE k.id = $1 ${lock ? 'FOR UPDATE OF k' : ''}`, [id]);
    return row ? toClass(row) : null;
  }

  /** The incidents among `ids` that are not linked to the case. */
  async unlinkedIncidents(manager: EntityManager, caseId: string, ids: string[]): Promise<string[]> {
    const rows: { id: string }[] = await manager.query(
      `SELECT i AS id FROM unnest($2::uuid[]) i WHERE NOT EXISTS (SELECT 1 FROM case_incident WHERE case_id = $1 AND incident_id = i)`,
      [caseId, ids],
    );
    return rows.map((r) => r.id);
  }

  async listByCase(caseId: string, first: number, after?: string): Promise<Connection<ClassModel>> {
    const p = new Params();
    const conditions = [`k.case_id = ${p.add(caseId)}`];
    const total = countStatement(this.dataSource, `SELECT count(*)::int AS count FROM case_class k WHERE k.case_id = $1`, p.values);
    if (after) {
      const [at, id] = decodeCursor(CLASSES, after);
      conditions.push(`(k.created_at, k.id) > (${p.add(at)}::timestamptz, ${p.add(id)}::uuid)`);
    }
    const rows = await this.dataSource.query(
      `SELECT ${CLASS_COLUMNS} FROM case_class k WHERE ${conditions.join(' AND ')} ORDER BY k.created_at, k.id LIMIT ${p.add(first + 1)}`,
      p.values,
    );
    return toConnection(CLASSES, rows.map(toClass), first, total, (c) => [c.createdAt.toISOString(), c.id]);
  }

  /**
   * Formation in one statement, from the enrolments of the case's parties only
   * (casePartyOrganisations): an enrolment puts its person in the class when the person has a
   * verified exposure to one of the class's incidents on one of its bases (a dataset match or a
   * breach notice: the seized data's, no organisation's) or when the enrolment itself declared
   * one of those incidents. An organisation that is no party to the case never adds a person nor
   * a fact to its class: the court's merged view of a member is its parties' enrolments together.
   *
   * Each such enrolment's own facts are written to class_member_enrolment (the plaintiff side's
   * view): the bases, the data categories (those of the seized rows its own identifiers matched,
   * with the identifier kinds that matched, and those it declared with evidence, flagged as
   * declared), its harms, its declared loss, evidence (a verified basis or an evidence
   * reference), evidence dated before the exposure window, and the subclass those give with the
   * rule that gave it (rules/subclasses.ts). The member's merged facts (class_member, the court's
   * view) join them, with how many party enrolments put the person in the class: the declared
   * loss is the largest of one enrolment, so that two organisations recording one loss do not
   * double it; a category is declared only when no enrolment's seized rows show it. A new member is a PROPOSED candidate; a member already in the class
   * keeps its state and only has its facts refreshed, and its subclass recomputed unless someone
   * reassigned it by hand. Members are never removed.
   */
  async form(manager: EntityManager, classId: string, caseId: string, bases: ExposureBasis[]): Promise<FormationOutcome> {
    const ownRule = subclassRuleSql({ verifiedCategories: 'f.verified_categories', declaredCategories: 'f.declared_categories', declaredLossFen: 'f.loss' }, '$4');
    const mergedRule = subclassRuleSql({ verifiedCategories: 'g.verified_categories', declaredCategories: 'g.declared_categories', declaredLossFen: 'g.loss' }, '$4');
    const [row] = await manager.query(
      `WITH inc AS (
         SELECT i.id, i.exposure_start
           FROM class_incident ci JOIN leak_incident i ON i.id = ci.incident_id WHERE ci.class_id = $1
       ), k AS (
         SELECT array_agg(id) AS incident_ids, min(exposure_start) AS window_start FROM inc
       ), pe AS (
         SELECT e.id AS enrolment_id, e.claimant_id, e.organisation_id, e.created_at, e.phone_index, e.declared_categories, k.window_start,
                (SELECT c.id_number_index FROM claimant c WHERE c.id = e.claimant_id) AS id_number_index,
                CASE WHEN 'SELF_DECLARED' = ANY($3::exposure_basis[])
                     THEN ARRAY(SELECT i FROM unnest(e.declared_incident_ids) i WHERE i = ANY(k.incident_ids)) ELSE '{}' END AS declared
           FROM claimant_enrolment e
           JOIN ${casePartyOrganisations('$2')} party ON party.organisation_id = e.organisation_id
           CROSS JOIN k
          WHERE e.claimant_id IN (SELECT x.claimant_id FROM exposure x JOIN inc ON inc.id = x.incident_id WHERE x.basis = ANY($3::exposure_basis[]))
       ), pva AS (
         -- Each party enrolment's own verified exposures (a breach notice; a dataset match of its
         -- own identifiers, with those fields only): their bases, and the categories of the seized
         -- rows its own identifiers matched with the identifier kinds that matched (never the
         -- incident's categories: they describe the leak, not each person in it).
         SELECT pe.enrolment_id, array_agg(DISTINCT x.basis ORDER BY x.basis) AS bases,
                coalesce(array_agg(DISTINCT c ORDER BY c) FILTER (WHERE c IS NOT NULL), '{}') AS categories,
                bool_or((x.first_seen AT TIME ZONE 'Asia/Shanghai')::date < inc.exposure_start) AS before
           FROM pe JOIN exposure x ON x.claimant_id = pe.claimant_id JOIN inc ON inc.id = x.incident_id
           CROSS JOIN LATERAL (SELECT ${ownMatchedFields('x', 'pe')} AS fields) own
           LEFT JOIN LATERAL unnest(
             CASE WHEN x.basis = 'DATASET_MATCH' THEN ${ownMatchedCategories('x', 'pe', 'pe.id_number_index')} ELSE '{}' END
             || ARRAY(SELECT (CASE f WHEN 'PHONE' THEN 'PHONE_NUMBER' ELSE f END)::data_category FROM unnest(own.fields) f)) c ON true
          WHERE x.basis = ANY($3::exposure_basis[]) AND x.basis <> 'SELF_DECLARED'
            AND (x.basis <> 'DATASET_MATCH' OR cardinality(own.fields) > 0) AND ${enrolmentMatched('pe.claimant_id', 'pe.enrolment_id')}
          GROUP BY pe.enrolment_id
       ), hd AS (
         SELECT h.enrolment_id, array_agg(DISTINCT h.harm_type ORDER BY h.harm_type) AS types,
                sum(h.amount_fen) FILTER (WHERE h.amount_fen > 0) AS loss, bool_or(cardinality(h.evidence_refs) > 0) AS refs,
                min(h.created_at) AS earliest
           FROM harm_declaration h WHERE h.enrolment_id IN (SELECT enrolment_id FROM pe)
          GROUP BY h.enrolment_id
       ), fv AS (
         -- The categories an enrolment declares count only with evidence (an evidence reference)
         -- and only where it declared one of the class's incidents; flagged as declared when the
         -- seized data does not show them.
         SELECT pe.*, pva.enrolment_id IS NOT NULL AS verified, pva.bases AS verified_bases, coalesce(pva.categories, '{}') AS verified_categories,
                pva.before, hd.types, hd.loss, hd.refs, hd.earliest,
                CASE WHEN cardinality(pe.declared) > 0 AND coalesce(hd.refs, false)
                     THEN ARRAY(SELECT d FROM unnest(pe.declared_categories) d WHERE NOT d = ANY(coalesce(pva.categories, '{}')) ORDER BY d)
                     ELSE '{}' END AS declared_only
           FROM pe LEFT JOIN pva ON pva.enrolment_id = pe.enrolment_id LEFT JOIN hd ON hd.enrolment_id = pe.enrolment_id
          WHERE pva.enrolment_id IS NOT NULL OR cardinality(pe.declared) > 0
       ), f AS (
         SELECT fv.organisation_id, fv.claimant_id, fv.verified,
                ARRAY(SELECT b FROM unnest(fv.verified_bases) b
                      UNION SELECT 'SELF_DECLARED'::exposure_basis WHERE cardinality(fv.declared) > 0 ORDER BY 1) AS bases,
                fv.verified_categories, fv.declared_only AS declared_categories,
                ARRAY(SELECT c FROM unnest(fv.verified_categories || fv.declared_only) c GROUP BY c ORDER BY c) AS categories,
                coalesce(fv.types, '{}') AS harm_types, fv.loss, fv.verified OR coalesce(fv.refs, false) AS has_evidence,
                coalesce(fv.before, false)
                  OR (cardinality(fv.declared) > 0 AND (fv.created_at AT TIME ZONE 'Asia/Shanghai')::date < fv.window_start)
                  OR coalesce((fv.earliest AT TIME ZONE 'Asia/Shanghai')::date < fv.window_start, false) AS outside
           FROM fv
       ), fr AS (
         SELECT f.*, ${ownRule} AS rule FROM f
       ), g0 AS (
         SELECT f.claimant_id, bool_or(f.verified) AS verified, max(f.loss) AS loss, bool_or(f.has_evidence) AS has_evidence,
                bool_or(f.outside) AS outside, count(*)::int AS organisations
           FROM f GROUP BY f.claimant_id
       ), gb AS (
         SELECT f.claimant_id, array_agg(DISTINCT b ORDER BY b) AS bases FROM f CROSS JOIN LATERAL unnest(f.bases) b GROUP BY f.claimant_id
       ), gc AS (
         SELECT f.claimant_id, array_agg(DISTINCT c ORDER BY c) AS categories FROM f CROSS JOIN LATERAL unnest(f.categories) c GROUP BY f.claimant_id
       ), gv AS (
         SELECT f.claimant_id, array_agg(DISTINCT c ORDER BY c) AS categories FROM f CROSS JOIN LATERAL unnest(f.verified_categories) c GROUP BY f.claimant_id
       ), gh AS (
         SELECT f.claimant_id, array_agg(DISTINCT h ORDER BY h) AS harm_types FROM f CROSS JOIN LATERAL unnest(f.harm_types) h GROUP BY f.claimant_id
       ), g AS (
         SELECT g0.claimant_id, g0.verified, g0.loss, g0.has_evidence, g0.outside, g0.organisations, gb.bases,
                coalesce(gc.categories, '{}') AS categories, coalesce(gv.categories, '{}') AS verified_categories,
                ARRAY(SELECT c FROM unnest(coalesce(gc.categories, '{}')) c WHERE NOT c = ANY(coalesce(gv.categories, '{}')) ORDER BY c) AS declared_categories,
                coalesce(gh.harm_types, '{}') AS harm_types
           FROM g0 JOIN gb USING (claimant_id) LEFT JOIN gc USING (claimant_id) LEFT JOIN gv USING (claimant_id) LEFT JOIN gh USING (claimant_id)
       ), merged AS (
         SELECT g.*, ${mergedRule} AS rule FROM g
       ), ins AS (
         INSERT INTO class_member AS m (class_id, claimant_id, case_id, subclass, subclass_rule, bases, verified, data_categories, declared_categories,
                                        harm_types, declared_loss_fen, has_evidence, evidence_outside_window, enrolling_organisations)
         SELECT $1, g.claimant_id, $2, ${ruleSubclassSql('g.rule')}, g.rule, g.bases, g.verified, g.categories, g.declared_categories,
                g.harm_types, g.loss, g.has_evidence, g.outside, g.organisations
           FROM merged g
         ON CONFLICT (class_id, claimant_id) DO UPDATE
           SET bases = EXCLUDED.bases, verified = EXCLUDED.verified, data_categories = EXCLUDED.data_categories,
               declared_categories = EXCLUDED.declared_categories, harm_types = EXCLUDED.harm_types,
               declared_loss_fen = EXCLUDED.declared_loss_fen, has_evidence = EXCLUDED.has_evidence,
               evidence_outside_window = EXCLUDED.evidence_outside_window, enrolling_organisations = EXCLUDED.enrolling_organisations,
               subclass = CASE WHEN m.subclass_reason IS NULL THEN EXCLUDED.subclass ELSE m.subclass END,
               subclass_rule = CASE WHEN m.subclass_reason IS NULL THEN EXCLUDED.subclass_rule END
         WHERE (m.bases, m.verified, m.data_categories, m.declared_categories, m.harm_types, m.declared_loss_fen, m.has_evidence,
                m.evidence_outside_window, m.enrolling_organisations,
                CASE WHEN m.subclass_reason IS NULL THEN m.subclass END, CASE WHEN m.subclass_reason IS NULL THEN m.subclass_rule END)
               IS DISTINCT FROM
               (EXCLUDED.bases, EXCLUDED.verified, EXCLUDED.data_categories, EXCLUDED.declared_categories, EXCLUDED.harm_types,
                EXCLUDED.declared_loss_fen, EXCLUDED.has_evidence, EXCLUDED.evidence_outside_window, EXCLUDED.enrolling_organisations,
                CASE WHEN m.subclass_reason IS NULL THEN EXCLUDED.subclass END, CASE WHEN m.subclass_reason IS NULL THEN EXCLUDED.subclass_rule END)
         RETURNING (xmax = 0) AS inserted
       ), gone AS (
         DELETE FROM class_member_enrolment o
          WHERE o.class_id = $1 AND NOT EXISTS (SELECT 1 FROM f WHERE f.organisation_id = o.organisation_id AND f.claimant_id = o.claimant_id)
       ), up AS (
         INSERT INTO class_member_enrolment AS o (class_id, organisation_id, claimant_id, bases, subclass, subclass_rule, data_categories,
                                                  declared_categories, harm_types, declared_loss_fen, has_evidence, evidence_outside_window)
         SELECT $1, f.organisation_id, f.claimant_id, f.bases, ${ruleSubclassSql('f.rule')}, f.rule, f.categories, f.declared_categories,
                f.harm_types, f.loss, f.has_evidence, f.outside
           FROM fr f
         ON CONFLICT (class_id, organisation_id, claimant_id) DO UPDATE
           SET bases = EXCLUDED.bases, subclass = EXCLUDED.subclass, subclass_rule = EXCLUDED.subclass_rule,
               data_categories = EXCLUDED.data_categories, declared_categories = EXCLUDED.declared_categories,
               harm_types = EXCLUDED.harm_types, declared_loss_fen = EXCLUDED.declared_loss_fen,
               has_evidence = EXCLUDED.has_evidence, evidence_outside_window = EXCLUDED.evidence_outside_window
         WHERE (o.bases, o.subclass, o.subclass_rule, o.data_categories, o.declared_categories, o.harm_types, o.declared_loss_fen,
                o.has_evidence, o.evidence_outside_window)
               IS DISTINCT FROM
               (EXCLUDED.bases, EXCLUDED.subclass, EXCLUDED.subclass_rule, EXCLUDED.data_categories, EXCLUDED.declared_categories,
                EXCLUDED.harm_types, EXCLUDED.declared_loss_fen, EXCLUDED.has_evidence, EXCLUDED.evidence_outside_window)
         RETURNING o.organisation_id, (xmax = 0) AS inserted
       )
       SELECT (SELECT count(*) FILTER (WHERE inserted) FROM ins)::int AS added,
              (SELECT count(*) FILTER (WHERE NOT inserted) FROM ins)::int AS refreshed,
              (SELECT coalesce(json_agg(x), '[]') FROM (
                 SELECT organisation_id, count(*) FILTER (WHERE inserted)::int AS added, count(*) FILTER (WHERE NOT inserted)::int AS refreshed
                   FROM up GROUP BY organisation_id) x) AS by_organisation`,
      [classId, caseId, bases, ARTICLE_28_PARAMETER],
    );
    await manager.query(`UPDATE case_class SET formed_at = clock_timestamp(), updated_at = now() WHERE id = $1`, [classId]);
    const byOrganisation = new Map<string, FormationCounts>(
      (row.by_organisation as { organisation_id: string; added: number; refreshed: number }[]).map((r) => [r.organisation_id, { added: r.added, refreshed: r.refreshed }]),
    );
    return { added: row.added, refreshed: row.refreshed, byOrganisation };
  }

  async setStatus(manager: EntityManager, classId: string, status: ClassStatus, reason: string | null): Promise<void> {
    await manager.query(`UPDATE case_class SET status = $2, status_reason = $3, updated_at = now() WHERE id = $1`, [classId, status, reason]);
  }

  /** One member, if the view may see it; with `lock`, locked for the transaction. */
  async findMember(manager: EntityManager, classId: string, claimantId: string, view: MemberView, lock = false): Promise<ClassMember | null> {
    if (lock) await manager.query(`SELECT 1 FROM class_member WHERE class_id = $1 AND claimant_id = $2 FOR UPDATE`, [classId, claimantId]);
    const p = new Params();
    const [row] = await manager.query(
      `SELECT ${MEMBER_COLUMNS} FROM ${classMembersIn(view, p)} m WHERE m.class_id = ${p.add(classId)} AND m.claimant_id = ${p.add(claimantId)}`,
      p.values,
    );
    return row ? toMember(row) : null;
  }

  /** One member's state, with the reason and the organisation (court or party) whose decision gave it. */
  async setMemberState(manager: EntityManager, classId: string, claimantId: string, to: MemberState, reason: string | null, by: string): Promise<void> {
    await manager.query(
      `UPDATE class_member SET state = $3, state_reason = $4, state_reason_organisation_id = $5, state_changed_at = now()
        WHERE class_id = $1 AND claimant_id = $2`,
      [classId, claimantId, to, reason, by],
    );
  }

  /** The court's reassignment of one member's subclass by hand, with its reason: every viewer's, and formation keeps it. */
  async setCourtSubclass(manager: EntityManager, classId: string, claimantId: string, subclass: Subclass, reason: string, court: string): Promise<void> {
    await manager.query(
      `UPDATE class_member SET subclass = $3, subclass_reason = $4, subclass_reason_organisation_id = $5, subclass_rule = NULL
        WHERE class_id = $1 AND claimant_id = $2`,
      [classId, claimantId, subclass, reason, court],
    );
  }

  /**
   * A party's reassignment of one member's subclass by hand, with its reason: on its own facts of
   * the member, its own view only (the court reads it in the decisions); formation keeps it.
   */
  async setOwnSubclass(manager: EntityManager, classId: string, organisationId: string, claimantId: string, subclass: Subclass, reason: string): Promise<void> {
    await manager.query(
      `UPDATE class_member_enrolment SET subclass_override = $4, subclass_override_reason = $5
        WHERE class_id = $1 AND organisation_id = $2 AND claimant_id = $3`,
      [classId, organisationId, claimantId, subclass, reason],
    );
  }

  /**
   * A decision by filter in one set-based statement: every member matching `filter` whose state
   * is among `from` moves to `to`, with the reason of organisation `by` (the court). Returns how
   * many it touched.
   */
  async transitionByFilter(
    manager: EntityManager,
    actor: Viewer,
    classId: string,
    filter: MemberFilterInput,
    from: MemberState[],
    to: MemberState,
    reason: string,
    by: string,
  ): Promise<number> {
    const { sql, values } = this.transitionByFilterStatement(actor, classId, filter, from, to, reason, by);
    const [{ touched }] = await manager.query(sql, values);
    return touched;
  }

  /**
   * How many members a decision by filter would move now (transitionByFilter's very conditions),
   * for the court's preview before it acts.
   */
  async countByFilter(actor: Viewer, classId: string, filter: MemberFilterInput, from: MemberState[]): Promise<number> {
    const p = new Params();
    const { prefix, conditions } = this.byFilterConditions(actor, classId, filter, from, p);
    const [{ n }] = await this.dataSource.query(`${prefix} SELECT count(*)::int AS n FROM class_member m WHERE ${conditions.join(' AND ')}`, p.values);
    return n;
  }

  /** The statement of transitionByFilter (the benchmark EXPLAINs and times this very SQL). */
  transitionByFilterStatement(
    actor: Viewer,
    classId: string,
    filter: MemberFilterInput,
    from: MemberState[],
    to: MemberState,
    reason: string,
    by: string,
  ): { sql: string; values: unknown[] } {
    const p = new Params();
    const { prefix, conditions } = this.byFilterConditions(actor, classId, filter, from, p);
    const sql = `${prefix ? `${prefix},` : 'WITH'} u AS (
         UPDATE class_member m SET state = ${p.add(to)}::class_member_state, state_reason = ${p.add(reason)},
                                   state_reason_organisation_id = ${p.add(by)}::uuid, state_changed_at = now()
          WHERE ${conditions.join(' AND ')} RETURNING 1)
       SELECT count(*)::int AS touched FROM u`;
    return { sql, values: p.values };
  }

  /** The members of class `classId` (the court's merged view) in states `from` that `filter` selects. */
  private byFilterConditions(actor: Viewer, classId: string, filter: MemberFilterInput, from: MemberState[], p: Params) {
    const classParam = p.add(classId);
    const { prefix, conditions } = filterConditions(filter, p, { actor, view: MERGED_VIEW, classParam });
    return { prefix, conditions: [`m.class_id = ${classParam}`, `m.state = ANY(${p.add(from)}::class_member_state[])`, ...conditions] };
  }

  async listMembers(actor: Actor, classId: string, view: MemberView, filter: MemberFilterInput | undefined, first: number, after?: string): Promise<Connection<ClassMember>> {
    const p = new Params();
    const from = `${classMembersIn(view, p)} m`;
    const classParam = p.add(classId);
    const { prefix, conditions } = filterConditions(filter, p, { actor, view, classParam });
    return this.page(CLASS_MEMBERS, { prefix, columns: MEMBER_COLUMNS, from }, [`m.class_id = ${classParam}`, ...conditions], p, first, after, toMember, (m) => m.claimantId);
  }

  /**
   * Members of one anomaly kind among the current members (anomalyDefinition), keyset on
   * claimant_id. For DUPLICATE_ACROSS_CLASSES, the ids of the other classes whose case `actor` may
   * see, and only a count of the others; for SHARED_PHONE, how many share the number, masked.
   */
  async anomalies(
    actor: Actor,
    classId: string,
    view: MemberView,
    kind: ClassAnomalyKind,
    threshold: number,
    first: number,
    after?: string,
  ): Promise<Connection<ClassAnomaly>> {
    const p = new Params();
    const c = p.add(classId);
    const members = classMembersIn(view, p);
    const anomaly = anomalyDefinition(kind, threshold, { actor, view, classParam: c }, p);
    const conditions = [`m.class_id = ${c}`, `m.state IN ${CURRENT_SQL}`, anomaly.condition];
    const query: PageQuery = { prefix: anomaly.prefix, columns: MEMBER_COLUMNS, from: `${members} m` };
    if (kind === ClassAnomalyKind.DUPLICATE_ACROSS_CLASSES) {
      query.columns = (rp) => {
        const others = `FROM ${classMembersIn(view, rp)} o JOIN case_class ok ON ok.id = o.class_id JOIN legal_case oc ON oc.id = ok.case_id
           WHERE o.claimant_id = m.claimant_id AND o.class_id <> m.class_id AND o.state IN ${CURRENT_SQL}
             AND EXISTS (SELECT 1 FROM class_incident oi WHERE oi.class_id = o.class_id
                          AND oi.incident_id IN (SELECT incident_id FROM class_incident WHERE class_id = ${c}))`;
        const visible = visibleCase(actor, 'oc', rp);
        return `${MEMBER_COLUMNS},
          ARRAY(SELECT o.class_id ${others} AND ${visible} ORDER BY o.class_id) AS other_class_ids,
          (SELECT count(*)::int ${others} AND NOT ${visible}) AS hidden_other_classes`;
      };
    }
    if (kind === ClassAnomalyKind.SHARED_PHONE || kind === ClassAnomalyKind.SHARED_ADDRESS) {
      // The largest cluster the member's phone or address is in, from the anomaly's own CTE.
      const column = SHARED_KEY[kind].column;
      query.columns = `${MEMBER_COLUMNS}, s.n AS shared_by, s.masked AS shared_phone_masked`;
      query.from = `${members} m
          LEFT JOIN LATERAL (SELECT s.n, s.masked FROM ${classEnrolmentsIn(view, p, c)} e JOIN shared s ON s.key = e.${column}
                              WHERE e.claimant_id = m.claimant_id ORDER BY s.n DESC LIMIT 1) s ON true`;
    }
    return this.page(CLASS_ANOMALIES, query, conditions, p, first, after, (r) => ({
      kind,
      member: toMember(r),
      otherClassIds: r.other_class_ids ?? null,
      hiddenOtherClasses: r.hidden_other_classes ?? null,
      sharedBy: r.shared_by ?? null,
      sharedPhoneMasked: r.shared_phone_masked ?? null,
    }), (a) => a.member.claimantId);
  }

  /** A keyset page on m.claimant_id with its total (counted when read). */
  private async page<T>(
    list: CursorList,
    query: PageQuery,
    conditions: string[],
    p: Params,
    first: number,
    after: string | undefined,
    map: (row: any) => T,
    key: (item: T) => string,
  ): Promise<Connection<T>> {
    const prefix = query.prefix ?? '';
    const total = countStatement(this.dataSource, `${prefix} SELECT count(*)::int AS count FROM ${query.from} WHERE ${conditions.join(' AND ')}`, p.values);
    const columns = typeof query.columns === 'function' ? query.columns(p) : query.columns;
    const pageConditions = [...conditions];
    if (after) pageConditions.push(`m.claimant_id > ${p.add(String(decodeCursor(list, after)[0]))}::uuid`);
    const rows = await this.dataSource.query(
      `${prefix} SELECT ${columns} FROM ${query.from} WHERE ${pageConditions.join(' AND ')} ORDER BY m.claimant_id LIMIT ${p.add(first + 1)}`,
      p.values,
    );
    return toConnection(list, rows.map(map), first, total, (item) => [key(item)]);
  }

  /**
   * Composition. The court's from the tally (a row per combination of reviewed facts, kept by
   * triggers), so its cost follows the number of combinations, not of members; the median loss is
   * located by the loss-bucket counts and read inside one bucket of the partial loss index
   * (index-only). The plaintiff side's from its own members and facts only (COMPOSITION_SQL.own).
   */
  async composition(classId: string, view: MemberView): Promise<ClassComposition> {
    const sql = view.merged
      ? { tally: COMPOSITION_SQL.tally, loss: COMPOSITION_SQL.loss, params: [classId] }
      : { ...COMPOSITION_SQL.own(view), params: [classId, view.organisationId] };
    const [row] = await this.dataSource.query(sql.tally, sql.params);
    const lossMembers = Number(row.loss_members);
    const [loss] = lossMembers
      ? await this.dataSource.query(sql.loss, [...sql.params, ...COMPOSITION_SQL.lossParams(classId, lossMembers).slice(1)])
      : [{ median: null, max: null }];
    const current = Number(row.current);
    const entries = (o: Record<string, number>) => Object.entries(o).map(([k, n]) => [k, Number(n)] as const);
    return {
      classId,
      totalMembers: Number(row.total),
      currentMembers: current,
      byState: Object.values(MemberState).map((state) => ({ state, members: Number(row.by_state[state] ?? 0) })),
      bySubclass: Object.values(Subclass).map((subclass) => {
        const members = Number(row.by_subclass[subclass] ?? 0);
        return { subclass, members, share: current ? members / current : 0 };
      }),
      byBasis: entries(row.by_basis).map(([basis, members]) => ({ basis: basis as ExposureBasis, members })),
      verifiedMembers: Number(row.verified),
      verifiedShare: current ? Number(row.verified) / current : 0,
      membersWithoutEvidence: Number(row.without_evidence),
      dataCategories: entries(row.categories).map(([category, members]) => ({ category: category as DataCategory, members })),
      harmTypes: entries(row.harms).map(([harmType, members]) => ({ harmType: harmType as HarmType, members })),
      membersWithoutHarm: Number(row.without_harm),
      losses: { members: lossMembers, sumFen: row.loss_sum, medianFen: loss.median, maxFen: loss.max },
    };
  }

  async insertDecision(
    manager: EntityManager,
    d: {
      classId: string;
      caseId: string;
      kind: ReviewDecisionKind;
      claimantId?: string | null;
      filter?: object | null;
      reason?: string | null;
      details?: object;
      touched: number;
      actorId: string;
      organisationId: string;
    },
  ): Promise<ReviewDecision> {
    const [row] = await returningRows<any>(
      manager,
      `INSERT INTO review_decision AS d (class_id, case_id, kind, claimant_id, filter, reason, details, touched, actor_id, organisation_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${DECISION_COLUMNS}`,
      [
        d.classId,
        d.caseId,
        d.kind,
        d.claimantId ?? null,
        d.filter ? JSON.stringify(d.filter) : null,
        d.reason ?? null,
        JSON.stringify(d.details ?? {}),
        d.touched,
        d.actorId,
        d.organisationId,
      ],
    );
    return toDecision(row);
  }

  /**
   * The decisions on the class. A decision on one member the view may not see keeps its kind,
   * count, author and date, but not the member's id nor its reason (free text about that person);
   * outside the merged view a bulk decision has no count (it would count the whole class).
   */
  async decisions(classId: string, view: MemberView, first: number, after?: string): Promise<Connection<ReviewDecision>> {
    const p = new Params();
    const conditions = [`d.class_id = ${p.add(classId)}`];
    let columns = DECISION_COLUMNS;
    if (!view.merged) {
      // A decision on one member is listed to a plaintiff organisation only when the member is in
      // its view and the decision is its own or the court's: another party's decision on a person
      // (an opt-out, a subclass moved, with who and when) would tell it of that party's enrolment,
      // and the court's on a member it does not see, of a member it does not see.
      const visible = memberInView(view, p, 'd.class_id', 'd.claimant_id');
      const byOwnOrCourt = `(d.organisation_id = ${p.add(view.organisationId)}
        OR EXISTS (SELECT 1 FROM legal_case dc WHERE dc.id = d.case_id AND dc.court_id = d.organisation_id))`;
      conditions.push(`(d.claimant_id IS NULL OR (${visible} AND ${byOwnOrCourt}))`);
      // A bulk decision's count is of the whole class, and its filter reads the merged facts: with
      // the organisation's own facts of a member admitted by it, it would tell of another party's.
      columns = DECISION_COLUMNS.replace('d.filter::text AS filter,', 'NULL::text AS filter,').replace(
        'd.touched::text AS touched,',
        'CASE WHEN d.claimant_id IS NOT NULL THEN d.touched::text END AS touched,',
      );
    }
    const total = countStatement(this.dataSource, `SELECT count(*)::int AS count FROM review_decision d WHERE ${conditions.join(' AND ')}`, p.values);
    if (after) {
      const [at, id] = decodeCursor(DECISIONS, after);
      conditions.push(`(d.decided_at, d.id) > (${p.add(at)}::timestamptz, ${p.add(id)}::uuid)`);
    }
    const rows = await this.dataSource.query(
      `SELECT ${columns} FROM review_decision d WHERE ${conditions.join(' AND ')} ORDER BY d.decided_at, d.id LIMIT ${p.add(first + 1)}`,
      p.values,
    );
    return toConnection(DECISIONS, rows.map(toDecision), first, total, (d) => [d.decidedAt.toISOString(), d.id]);
  }

  /** Counts of members awaiting a decision and admitted, for certification. */
  async reviewCounts(manager: EntityManager, classId: string): Promise<{ undecided: number; admitted: number }> {
    const [row] = await manager.query(
      `SELECT coalesce(sum(members) FILTER (WHERE state IN ('PROPOSED', 'REGISTERED')), 0)::int AS undecided,
              coalesce(sum(members) FILTER (WHERE state = 'ADMITTED'), 0)::int AS admitted
         FROM class_tally WHERE class_id = $1`,
      [classId],
    );
    return row;
  }

  /** The open registration period of the case, if its court opened one (issue 3's case_deadline). */
  async registrationPeriod(manager: EntityManager, caseId: string): Promise<{ trigger: string; due: string } | null> {
    const [row] = await manager.query(
      `SELECT trigger_date::text AS trigger, due::text AS due FROM case_deadline
        WHERE case_id = $1 AND rule = 'REGISTRATION_PERIOD' ORDER BY created_at DESC, id LIMIT 1`,
      [caseId],
    );
    return row ?? null;
  }

  async replaceRepresentatives(manager: EntityManager, classId: string, claimantIds: string[]): Promise<void> {
    await manager.query(`DELETE FROM class_representative WHERE class_id = $1`, [classId]);
    await manager.query(
      `INSERT INTO class_representative (class_id, claimant_id, position)
       SELECT $1, r.id, r.n FROM unnest($2::uuid[]) WITH ORDINALITY AS r (id, n)`,
      [classId, claimantIds],
    );
  }

  async representativeCount(manager: EntityManager, classId: string): Promise<number> {
    const [{ n }] = await manager.query(`SELECT count(*)::int AS n FROM class_representative WHERE class_id = $1`, [classId]);
    return n;
  }

  /**
   * The representatives the view may see, with the facts adequacy reads (`duplicate` as in the
   * anomaly); the others only counted (`hidden`).
   */
  async representatives(actor: Actor, classId: string, view: MemberView): Promise<{ rows: { position: number; member: ClassMember; duplicate: boolean }[]; hidden: number }> {
    const p = new Params();
    const c = p.add(classId);
    const hiddenParams = new Params();
    const hc = hiddenParams.add(classId);
    const [rows, [{ hidden }]] = await Promise.all([
      this.dataSource.query(
        `SELECT r.position, ${MEMBER_COLUMNS}, ${duplicateCondition(actor, view, c, p)} AS duplicate
           FROM class_representative r JOIN ${classMembersIn(view, p)} m ON m.class_id = r.class_id AND m.claimant_id = r.claimant_id
          WHERE r.class_id = ${c} ORDER BY r.position`,
        p.values,
      ),
      this.dataSource.query(
        `SELECT count(*)::int AS hidden FROM class_representative r
          WHERE r.class_id = ${hc} AND NOT ${memberInView(view, hiddenParams, 'r.class_id', 'r.claimant_id')}`,
        hiddenParams.values,
      ),
    ]);
    return { rows: rows.map((r: any) => ({ position: r.position, member: toMember(r), duplicate: r.duplicate })), hidden };
  }

  async caseRepresentativeParties(caseId: string): Promise<number> {
    const [{ n }] = await this.dataSource.query(`SELECT count(*)::int AS n FROM case_party WHERE case_id = $1 AND role = 'REPRESENTATIVE'`, [caseId]);
    return n;
  }

  /**
   * The ids among `claimantIds` that are not current members the view may see: not in the class,
   * not current, or enrolled only by other organisations. One answer for all three, so that the
   * caller cannot tell a stranger from another organisation's enrollee.
   */
  async notCurrentMembers(manager: EntityManager, classId: string, claimantIds: string[], view: MemberView): Promise<string[]> {
    const p = new Params();
    const c = p.add(classId);
    const ids = p.add(claimantIds);
    const rows: { id: string }[] = await manager.query(
      `SELECT i AS id FROM unnest(${ids}::uuid[]) WITH ORDINALITY AS x (i, n)
        WHERE NOT EXISTS (SELECT 1 FROM ${classMembersIn(view, p)} m WHERE m.class_id = ${c} AND m.claimant_id = i AND m.state IN ${CURRENT_SQL})
        ORDER BY n`,
      p.values,
    );
    return rows.map((r) => r.id);
  }

  /**
   * The class memberships of those of `claimantIds` that the view's organisation enrolled, for
   * the Claimant.classMemberships DataLoader (one query per page): only in classes of cases
   * `actor` may see (a class in another organisation's case, and its court's decisions there, are
   * that organisation's history of the person), and only where its own enrolment puts them in
   * the class; any other claimant gets none.
   */
  /** A page of each claimant's class memberships in `view`, in the cases `actor` may see, by class id, with each one's count. */
  membershipsOfEnrollees(
    actor: Actor,
    view: MemberView,
    claimantIds: readonly string[],
    first: number,
    after?: string,
  ): Promise<Map<string, Connection<ClaimantClassMembership>>> {
    const p = new Params();
    const relation = `(SELECT m.claimant_id AS parent, m.claimant_id, m.class_id, m.state, m.subclass,
              CASE WHEN m.state = 'EXCLUDED' THEN m.state_reason END AS exclusion_reason
         FROM ${classMembersIn(view, p)} m JOIN legal_case lc ON lc.id = m.case_id AND ${visibleCase(actor, 'lc', p)}
        WHERE m.claimant_id = ANY(${p.add(claimantIds)}::uuid[]))`;
    return pagesPerParent(
      this.dataSource,
      {
        list: MEMBERSHIPS,
        relation,
        p,
        key: [{ column: 'class_id', cast: 'uuid' }],
        keyOf: (m) => [m.classId],
        map: (r) => ({ parent: r.parent, claimantId: r.claimant_id, classId: r.class_id, state: r.state, subclass: r.subclass, exclusionReason: r.exclusion_reason }),
      },
      claimantIds,
      first,
      after,
    );
  }

  /**
   * Masked identifiers of the members of one class, for the roster's DataLoader: one query per
   * page. The name as an enrolment that puts the person in the class recorded it: for the court,
   * the first of the case's parties' (the claimant's own mask is the first enroller's, who may be
   * no party to the case); for an organisation, its own.
   */
  async maskedClaimants(view: MemberView, classId: string, ids: readonly string[]): Promise<MaskedClaimant[]> {
    const p = new Params();
    const enrolments = classEnrolmentsIn(view, p, p.add(classId));
    const rows = await this.dataSource.query(
      // A member formed before its parties' enrolments were recorded per class has none: the court
      // then sees the claimant's own mask, as it did.
      `SELECT c.id, coalesce(e.name_masked, c.name_masked) AS name_masked, c.id_number_masked
         FROM claimant c
         LEFT JOIN LATERAL (SELECT e.name_masked FROM ${enrolments} e WHERE e.claimant_id = c.id ORDER BY e.created_at, e.id LIMIT 1) e ON true
        WHERE c.id = ANY(${p.add(ids)}::uuid[])`,
      p.values,
    );
    return rows.map((r: any) => ({ id: r.id, nameMasked: r.name_masked, idNumberMasked: r.id_number_masked }));
  }
}

