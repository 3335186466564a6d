import type { Actor } from '../auth/actor';
import { Role } from '../auth/role';
import { AdministrativeLevel, OrganisationKind } from '../organisations/organisation.entity';

/**
 * The one visibility policy of leakcase, as SQL. Every query over cases, incidents, claimants,
 * enrolments, harms, exposures and class members takes its rows through one of the relations or
 * predicates below, so that a new query cannot forget the rule:
 *
 * - the plaintiff side (procurators, association staff) sees, counts and computes only from its
 *   own organisation's enrolments: a person enrolled by two organisations is one claimant but two
 *   private records, and nothing another organisation recorded (harms, losses, evidence, phone,
 *   name mask, declared incidents) reaches it, nor the fact that another organisation enrolled
 *   the person;
 * - the court of a case sees the merged view of the case's class members, masked;
 * - a leak incident's facts (never anyone's enrolments) reach its registrant, the organisations
 *   it shares it with, every organisation with standing once a pre-litigation announcement over
 *   it is published, and the parties and court of a case linked to it (visibleIncident);
 * - nobody else sees any of it.
 *
 * The predicates are plain SQL text with positional parameters collected by `SqlParams`, so a
 * repository composes them into one set-based statement (no rows filtered in Node).
 */

/** What the policy reads of a caller: its role and organisation (a CLI operator acts as its organisation's role). */
export type Viewer = Pick<Actor, 'role' | 'organisationId'>;

/** Collects positional parameters for hand-written SQL: `p.add(value)` returns `$n`. */
export class SqlParams {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * Whose enrolments a view is computed from: the court's merged view (the enrolments of the parties
 * of the cases filed at court `courtId`), or one organisation's own enrolments. A class's merged
 * view needs no court: formation already drew its members from its case's parties only.
 */
export type EnrolmentView = { readonly merged: true; readonly courtId?: string } | OwnEnrolments;

/** One organisation's own enrolments. */
export type OwnEnrolments = { readonly merged: false; readonly organisationId: string };

/** A class's merged view (only ever handed out after the class's court was checked). */
export const MERGED_VIEW: EnrolmentView = Object.freeze({ merged: true });

/** The view of the caller's own organisation's enrolments. */
export function ownEnrolments(actor: Pick<Actor, 'organisationId'>): OwnEnrolments {
  return { merged: false, organisationId: actor.organisationId };
}

/**
 * The view a caller gets of the members of a case it may see: a judge (the court of the case)
 * the merged view, the plaintiff side its own enrolments.
 */
export function caseMemberView(actor: Viewer): EnrolmentView {
  return actor.role === Role.JUDGE ? { merged: true, courtId: actor.organisationId } : ownEnrolments(actor);
}

/** The organisation's own enrolments, as a relation with claimant_enrolment's columns. */
export function enrolmentsIn(view: OwnEnrolments, p: SqlParams): string {
  return `(SELECT * FROM claimant_enrolment WHERE organisation_id = ${p.add(view.organisationId)})`;
}

/**
 * "Enrolment (claimantColumn, enrolmentColumn) has been matched against the seized datasets", as
 * a predicate: a new enrolment is pending (claimant_enrolment_unmatched) until the matching job
 * took it. A dataset match already on the person when it enrolled was made through someone
 * else's enrolment, so an organisation's view counts none until its own was matched.
 */
export function enrolmentMatched(claimantColumn: string, enrolmentColumn: string): string {
  return `NOT EXISTS (SELECT 1 FROM claimant_enrolment_unmatched vu WHERE vu.claimant_id = ${claimantColumn} AND vu.enrolment_id = ${enrolmentColumn})`;
}

/**
 * The identifiers of enrolment `e` that matched a dataset exposure `x` (a claimant's exposure row
 * merges every enrolment's matches): the ID number is the claimant's, the same in every
 * enrolment; the phone only if this enrolment's own phone is in one of the incident's seized
 * datasets (another enrolment's phone may have made the match). Other bases: their fields as
 * they are.
 */
export function ownMatchedFields(x: string, e: string): string {
  return `CASE WHEN ${x}.basis <> 'DATASET_MATCH' OR NOT 'PHONE' = ANY (${x}.matched_fields) THEN ${x}.matched_fields
               ELSE ARRAY(SELECT f FROM unnest(${x}.matched_fields) f WHERE f <> 'PHONE' OR EXISTS (
                      SELECT 1 FROM seized_dataset vd JOIN seized_dataset_row vr ON vr.dataset_id = vd.id
                       WHERE vd.incident_id = ${x}.incident_id AND vr.phone_index = ${e}.phone_index)) END`;
}

/**
 * The data categories of the seized rows that enrolment `e`'s own identifiers matched for
 * dataset exposure `x`, as a data_category[] expression: each matched dataset's categories whose
 * bit is set in a row holding the claimant's ID number (`idIndex`, an expression for its blind
 * index: the same in every enrolment) or this enrolment's own phone (seized_dataset_row.categories,
 * bit i for seized_dataset.categories[i + 1]). Only these rows describe the person: another
 * enrolment's phone may have matched other rows, and the incident's categories describe the
 * whole leak, not each person in it. The rows' bits are OR-ed per dataset before being named.
 */
export function ownMatchedCategories(x: string, e: string, idIndex: string): string {
  return `ARRAY(SELECT DISTINCT vb.categories[b.i] FROM (
                  SELECT vd.categories, bit_or(vr.categories) AS bits FROM seized_dataset vd
                    JOIN seized_dataset_row vr ON vr.dataset_id = vd.id
                   WHERE vd.incident_id = ${x}.incident_id AND vd.matched_at IS NOT NULL AND cardinality(vd.categories) > 0
                     AND (vr.id_number_index = ${idIndex} OR vr.phone_index = ${e}.phone_index)
                   GROUP BY vd.id, vd.categories) vb
                 CROSS JOIN LATERAL generate_subscripts(vb.categories, 1) b(i)
                WHERE vb.bits & (1 << (b.i - 1)) <> 0)`;
}

/**
 * "Exposure `x` is enrolment `e`'s own", as a predicate: a self-declared exposure when the
 * enrolment declared that incident; a dataset match when one of its own identifiers matched
 * (ownMatchedFields); a breach notice (the handler's, of the person) always.
 */
export function ownExposure(x: string, e: string): string {
  return `CASE ${x}.basis WHEN 'SELF_DECLARED' THEN ${x}.incident_id = ANY (${e}.declared_incident_ids)
                          WHEN 'DATASET_MATCH' THEN cardinality(${ownMatchedFields(x, e)}) > 0
                          ELSE true END`;
}

/**
 * The exposures in the view, as a relation with exposure's columns plus the viewing enrolment's
 * `enrolment_id` and `name_masked` (null in the merged view). The exposure row is shared by every
 * enroller of the person, so an organisation sees only what its own enrolment gives it
 * (ownExposure): its own declarations, and the dataset matches of its own identifiers with
 * those identifiers only; and a verified exposure only of an incident it may see (another
 * organisation's incident, and that its seized data holds the person, are that organisation's
 * until it shares the incident or announces it: then its own enrollees' matches only)
 * and only once its own enrolment was matched (a match already there when it enrolled was made
 * through someone else's enrolment). For the same reason its `first_seen` is its own declaration's
 * (its enrolment's date) and null for a verified exposure: the match may have been made earlier,
 * through someone else's enrolment, and its own enrolment's matching is not dated.
 */
export function exposuresIn(view: EnrolmentView, p: SqlParams): string {
  if (view.merged) {
    // The court's: the exposures the enrolments of the parties of its filed cases over the
    // incident give, once each; never a non-party's declaration or match.
    if (!view.courtId) throw new Error('exposuresIn: the merged view of exposures is a court\'s (courtId)');
    return `(SELECT DISTINCT ON (x.incident_id, x.claimant_id, x.basis) x.incident_id, x.claimant_id, x.basis, x.matched_fields,
                    x.dataset_id, x.first_seen, NULL::uuid AS enrolment_id, NULL::text AS name_masked
               FROM exposure x JOIN claimant_enrolment e ON e.claimant_id = x.claimant_id
              WHERE ${ownExposure('x', 'e')} AND (x.basis = 'SELF_DECLARED' OR ${enrolmentMatched('e.claimant_id', 'e.id')})
                AND EXISTS (SELECT 1 FROM case_incident vi JOIN legal_case vc ON vc.id = vi.case_id
                             WHERE vi.incident_id = x.incident_id AND vc.court_id = ${p.add(view.courtId)} AND vc.filed_on IS NOT NULL
                               AND e.organisation_id IN ${casePartyOrganisations('vc.id')}))`;
  }
  const org = p.add(view.organisationId);
  // dataset_id names the dataset that first matched the person, possibly through another
  // enrolment's identifiers: the court's only.
  return `(SELECT x.incident_id, x.claimant_id, x.basis, ${ownMatchedFields('x', 'e')} AS matched_fields, NULL::uuid AS dataset_id,
                  CASE WHEN x.basis = 'SELF_DECLARED' THEN e.created_at END AS first_seen, e.id AS enrolment_id, e.name_masked
             FROM exposure x
             JOIN claimant_enrolment e ON e.claimant_id = x.claimant_id AND e.organisation_id = ${org}
            WHERE ${ownExposure('x', 'e')}
              AND (x.basis = 'SELF_DECLARED' OR (${inVisibleIncidents(org, 'x.incident_id')} AND ${enrolmentMatched('e.claimant_id', 'e.id')})))`;
}

/**
 * The organisations on the plaintiff side of case `caseId` (a parameter): the one that opened it,
 * its plaintiffs and its supporters, as a relation of `organisation_id` (the same organisations
 * that plaintiffCase lets see the case). A case's classes are formed from their enrolments only:
 * an organisation that is no party to the case never puts a person in its class, nor reaches the
 * court's merged view of it.
 */
export function casePartyOrganisations(caseId: string): string {
  return `(SELECT opened_by_organisation_id AS organisation_id FROM legal_case WHERE id = ${caseId}
           UNION SELECT organisation_id FROM case_party WHERE case_id = ${caseId} AND organisation_id IS NOT NULL)`;
}

/**
 * The enrolments that put the members of class `classId` (a parameter) in the class, in the
 * view, as a relation with claimant_enrolment's columns: for the court, those of every party
 * organisation whose own facts make the person a member (class_member_enrolment); for an
 * organisation, its own. Anything read of a member's enrolments (a phone, a name) comes from here.
 */
export function classEnrolmentsIn(view: EnrolmentView, p: SqlParams, classId: string): string {
  const own = view.merged ? '' : `AND o.organisation_id = ${p.add(view.organisationId)}`;
  return `(SELECT e.* FROM class_member_enrolment o
             JOIN claimant_enrolment e ON e.organisation_id = o.organisation_id AND e.claimant_id = o.claimant_id
            WHERE o.class_id = ${classId} ${own})`;
}

/**
 * The class members in the view, as a relation with class_member's columns. In the merged view,
 * class_member itself (its facts merge the enrolments of the case's parties). For an organisation,
 * its own enrolled members only, with the facts of its own enrolment (class_member_enrolment):
 * data categories, harms, the declared loss, evidence, the self-declared basis and the subclass
 * those facts give, or its own hand reassignment. The member's state is the member's, for every
 * viewer, its reason shown only when the organisation itself or the court gave it; the court's
 * reassignment of the subclass applies to every viewer. The rule that gave the subclass
 * (subclass_rule) is shown only when no hand reassignment replaced it.
 */
export function classMembersIn(view: EnrolmentView, p: SqlParams): string {
  if (view.merged) return 'class_member';
  // joined_at is the court's figure only: the member joined when some enrolment first put the
  // person in the class, which may have been another organisation's (a date before the
  // organisation's own enrolment, or before the formation that added its row, would say so);
  // enrolling_organisations too (a count above one would tell of another party's enrolment).
  // A state reason only when the organisation itself or the court gave it (another party's would
  // tell it of that party's enrolment). The subclass: the court's reassignment, else its own
  // (class_member_enrolment's override), else what its own facts give.
  const org = p.add(view.organisationId);
  const court = `(SELECT vc.court_id FROM legal_case vc WHERE vc.id = m.case_id)`;
  const ownOrCourt = (author: string) => `(${author} = ${org} OR ${author} = ${court})`;
  const courtSubclass = `(m.subclass_reason IS NOT NULL AND m.subclass_reason_organisation_id = ${court})`;
  return `(SELECT m.class_id, m.claimant_id, m.case_id, m.state, m.state_changed_at,
                  CASE WHEN ${ownOrCourt('m.state_reason_organisation_id')} THEN m.state_reason END AS state_reason,
                  CASE WHEN ${courtSubclass} THEN m.subclass ELSE coalesce(o.subclass_override, o.subclass) END AS subclass,
                  CASE WHEN ${courtSubclass} THEN m.subclass_reason ELSE o.subclass_override_reason END AS subclass_reason,
                  CASE WHEN NOT ${courtSubclass} AND o.subclass_override IS NULL THEN o.subclass_rule END AS subclass_rule,
                  o.bases, o.bases && '{DATASET_MATCH,BREACH_NOTICE}'::exposure_basis[] AS verified, o.data_categories, o.declared_categories,
                  o.harm_types, o.declared_loss_fen, o.has_evidence, o.evidence_outside_window, NULL::timestamptz AS joined_at,
                  NULL::int AS enrolling_organisations
             FROM class_member m JOIN class_member_enrolment o ON o.class_id = m.class_id AND o.claimant_id = m.claimant_id
            WHERE o.organisation_id = ${org})`;
}

/**
 * The cases `actor` may see, as a predicate on `alias` (legal_case): procurators and association
 * staff the cases their organisation opened, sues in or supports; judges the cases filed at their
 * court; nobody else any.
 */
export function visibleCase(actor: Viewer, alias: string, p: SqlParams): string {
  switch (actor.role) {
    case Role.JUDGE:
      return `(${alias}.court_id = ${p.add(actor.organisationId)} AND ${alias}.filed_on IS NOT NULL)`;
    case Role.PROCURATOR:
    case Role.ASSOCIATION_STAFF:
      return plaintiffCase(p.add(actor.organisationId), alias);
    default:
      return 'false';
  }
}

/**
 * The leak incidents `actor` may see, as a predicate on `alias` (leak_incident): for the plaintiff
 * side, plaintiffIncident (registered, shared, announced, or linked to one of its cases); for a
 * judge, those linked to a case filed at its court. Enrolling a claimant against an incident, and
 * linking it to a case, need the same visibility. Seeing an incident is seeing its facts only:
 * every view of claimants, exposures and members still holds the viewer's own enrolments only.
 */
export function visibleIncident(actor: Viewer, alias: string, p: SqlParams): string {
  switch (actor.role) {
    case Role.JUDGE:
      return `EXISTS (SELECT 1 FROM case_incident vi JOIN legal_case vc ON vc.id = vi.case_id
                       WHERE vi.incident_id = ${alias}.id AND ${visibleCase(actor, 'vc', p)})`;
    case Role.PROCURATOR:
    case Role.ASSOCIATION_STAFF:
      return plaintiffIncident(p.add(actor.organisationId), `${alias}.id`);
    default:
      return 'false';
  }
}

/** The cases a plaintiff-side organisation (parameter `org`) opened, sues in or supports, on `alias`. */
function plaintiffCase(org: string, alias: string): string {
  return `(${alias}.opened_by_organisation_id = ${org} OR EXISTS (
            SELECT 1 FROM case_party vp WHERE vp.case_id = ${alias}.id AND vp.organisation_id = ${org}))`;
}

/**
 * The incidents a plaintiff-side organisation (parameter `org`) may see, as a predicate on an
 * incident id column: those it registered; those linked to one of its cases; those the registering
 * organisation shared with it (leak_incident_share); and those linked to a case whose
 * pre-litigation announcement was published (a transition to ANNOUNCEMENT), when the organisation
 * is one the announcement calls on (ANNOUNCEMENT_AUDIENCE): the announcement is public by nature.
 */
function plaintiffIncident(org: string, incidentId: string): string {
  return `(EXISTS (SELECT 1 FROM leak_incident vo WHERE vo.id = ${incidentId} AND vo.organisation_id = ${org})
           OR EXISTS (SELECT 1 FROM case_incident vi JOIN legal_case vc ON vc.id = vi.case_id
                       WHERE vi.incident_id = ${incidentId} AND ${plaintiffCase(org, 'vc')})
           OR EXISTS (SELECT 1 FROM leak_incident_share vs WHERE vs.incident_id = ${incidentId} AND vs.organisation_id = ${org})
           OR (EXISTS (SELECT 1 FROM case_incident va JOIN case_stage_transition vt ON vt.case_id = va.case_id AND vt.to_stage = 'ANNOUNCEMENT'
                        WHERE va.incident_id = ${incidentId})
               AND EXISTS (SELECT 1 FROM organisation vg WHERE vg.id = ${org} AND ${announcementAudience('vg')})))`;
}

/**
 * "Column `incidentId` holds an incident `org` may see" (plaintiffIncident) as an uncorrelated IN
 * over the incidents, which PostgreSQL evaluates once per statement (a hashed subplan) rather than
 * once per row of a large relation (exposures).
 */
function inVisibleIncidents(org: string, incidentId: string): string {
  return `${incidentId} IN (SELECT vp.id FROM leak_incident vp WHERE ${plaintiffIncident(org, 'vp.id')})`;
}

/**
 * Whom a published pre-litigation announcement (诉前公告) calls on: the organisations with
 * standing to bring the civil public-interest suit it announces, each kind with the levels it
 * needs (null: any level). A procuratorate announces so that eligible organisations may come
 * forward (SPC/SPP interpretation on procuratorial public-interest litigation art. 13): those of
 * PIPL art. 70 and CPL (2023) art. 58, consumer associations at provincial level or above (Consumer
 * Rights Protection Law art. 47), and the other procuratorates. libs/cases applies the same
 * standing to a plaintiff (checkPlaintiff of CIVIL_PUBLIC_INTEREST); its spec checks they agree.
 */
export const ANNOUNCEMENT_AUDIENCE: Readonly<Partial<Record<OrganisationKind, readonly AdministrativeLevel[] | null>>> = Object.freeze({
  [OrganisationKind.PROCURATORATE]: null,
  [OrganisationKind.CONSUMER_ASSOCIATION]: [AdministrativeLevel.NATIONAL, AdministrativeLevel.PROVINCIAL],
  [OrganisationKind.DESIGNATED_ORGANISATION]: null,
});

/** Whether an organisation of this kind and level is one a published announcement calls on (ANNOUNCEMENT_AUDIENCE). */
export function inAnnouncementAudience(org: { kind: OrganisationKind; level: AdministrativeLevel | null }): boolean {
  if (!(org.kind in ANNOUNCEMENT_AUDIENCE)) return false;
  const levels = ANNOUNCEMENT_AUDIENCE[org.kind];
  return !levels || (org.level !== null && levels.includes(org.level));
}

/** ANNOUNCEMENT_AUDIENCE as a predicate on `alias` (organisation); the values are the enums' own. */
function announcementAudience(alias: string): string {
  const kinds = Object.entries(ANNOUNCEMENT_AUDIENCE).map(([kind, levels]) =>
    levels ? `(${alias}.kind = '${kind}' AND ${alias}.level IN (${levels.map((l) => `'${l}'`).join(', ')}))` : `${alias}.kind = '${kind}'`,
  );
  return `(${kinds.join(' OR ')})`;
}

/**
 * The evidence items `actor` may see, as a predicate on `alias` (evidence_item): the court of the
 * case sees every item; a plaintiff-side organisation of the case sees the items it submitted
 * and those the court exchanged to the parties (SPC evidence provisions (2019) arts. 56-58);
 * nobody else sees any.
 */
export function visibleEvidence(actor: Viewer, alias: string, p: SqlParams): string {
  return partyRecordOfCase(actor, alias, p, `${alias}.exchanged_at IS NOT NULL`);
}

/**
 * A record a party files in a case (`alias` has case_id and organisation_id, the filing
 * organisation's), as a predicate: the court of the case sees every one; a plaintiff-side
 * organisation of the case its own and those `shared` (a predicate on `alias`) with every party;
 * nobody else any.
 */
function partyRecordOfCase(actor: Viewer, alias: string, p: SqlParams, shared: string): string {
  const inCase = (viewer: Viewer) => `EXISTS (SELECT 1 FROM legal_case ve WHERE ve.id = ${alias}.case_id AND ${visibleCase(viewer, 've', p)})`;
  switch (actor.role) {
    case Role.JUDGE:
      return inCase(actor);
    case Role.PROCURATOR:
    case Role.ASSOCIATION_STAFF:
      return `(${inCase(actor)} AND (${alias}.organisation_id = ${p.add(actor.organisationId)} OR ${shared}))`;
    default:
      return 'false';
  }
}

/**
 * The applications to extend the evidence period `actor` may see, as a predicate on `alias`
 * (evidence_period_extension): the court of the case sees every one; a plaintiff-side
 * organisation of the case sees its own, and the others once granted, since a granted extension
 * applies to every party and each is notified of it, while a refusal is notified to the
 * applicant only (SPC evidence provisions (2019) art. 54); nobody else sees any.
 */
export function visibleExtensionApplication(actor: Viewer, alias: string, p: SqlParams): string {
  return partyRecordOfCase(actor, alias, p, `${alias}.status = 'GRANTED'`);
}
