/**
 * The authorization matrix: for every GraphQL query and mutation and every REST route, who may
 * call it and what each caller gets back. test/authorization-matrix.e2e-spec.ts checks that the
 * running API matches this table, and that the table covers exactly the operations the API has
 * (a new operation fails the test until it gets an entry here).
 *
 * Callers: no token; the demo organisations, which own the fixtures (procuratorate 1, association
 * 1, the designated organisation, court 1: the case is filed there); organisations of every kind
 * created for the test that have no link to any fixture (procuratorate 2, association 2, court 2);
 * the ADMIN.
 *
 * Fixtures (built in the spec through the API):
 *   incident1  registered by procuratorate 1, linked to the case
 *   caseId     SUPPORTED case opened by association 1, procuratorate 1 supports, the designated
 *              organisation co-plaintiff, filed at court 1
 *   classId    a class formed on the case over incident1
 *   S          one person enrolled by association 1 (A: no harm) and by the designated
 *              organisation (B: FRAUD_LOSS 777777 fen, evidence, another phone)
 *   jobId, datasetId   procuratorate 1's seized dataset of incident1 and its matching job
 *   importId   association 1's CSV import
 *   documentId association 1's composition report of the case (its own view)
 *
 * Outcomes: OK (data, or a non-empty list), EMPTY (a list with nothing in it), LIST (a list whose
 * length the fixtures do not fix, e.g. every organisation), or the error's extensions.code (REST:
 * the body's code). Mutations build fresh arguments per call (fx.new*), so one caller's success
 * never changes another's outcome.
 */

export const CALLERS = ['anon', 'proc1', 'assoc1', 'desig1', 'judge1', 'proc2', 'assoc2', 'judge2', 'admin'] as const;
export type Caller = (typeof CALLERS)[number];

export type Role = 'PROCURATOR' | 'ASSOCIATION_STAFF' | 'JUDGE' | 'ADMIN';
export const ROLE_OF: Record<Exclude<Caller, 'anon'>, Role> = {
  proc1: 'PROCURATOR',
  assoc1: 'ASSOCIATION_STAFF',
  desig1: 'ASSOCIATION_STAFF',
  judge1: 'JUDGE',
  proc2: 'PROCURATOR',
  assoc2: 'ASSOCIATION_STAFF',
  judge2: 'JUDGE',
  admin: 'ADMIN',
};

export type Outcome = 'OK' | 'EMPTY' | 'LIST' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'BAD_USER_INPUT' | 'CONFLICT';
export type Expectation = Record<Caller, Outcome>;

/** What the argument builders may use: the fixtures' ids and factories of fresh objects. */
export interface Fixtures {
  orgs: Record<'proc1' | 'assoc1' | 'desig1' | 'court1' | 'proc2' | 'assoc2' | 'court2', string>;
  /** An incident each caller's own organisation registered (none for courts and ADMIN). */
  ownIncident: Partial<Record<Caller, string>>;
  incident1: string;
  caseId: string;
  classId: string;
  claimantS: string;
  /** Enrolled by association 1 only, and by the designated organisation only. */
  claimantAOnly: string;
  claimantBOnly: string;
  jobId: string;
  datasetId: string;
  importId: string;
  /** Association 1's evidence item on the case (not exchanged), and a fresh one of its own. */
  evidenceId: string;
  newEvidence(): Promise<string>;
  /** The LAWFUL_BASIS obligation of the case's defendant, and that defendant's party id. */
  obligationId: string;
  obligationPartyId: string;
  /** A fresh art. 95 flag of court 1 on obligationId. */
  newAdverseInference(): Promise<string>;
  /**
   * A SUPPORTED case like caseId (association 1 and the designated organisation sue, procuratorate 1
   * supports, at court 1) in evidence exchange, its period running 365 days from today; its
   * defendant's party id; a fresh pending application of association 1 to extend its period.
   */
  evidenceCaseId: string;
  evidenceCaseDefendant: string;
  newExtensionApplication(): Promise<string>;
  /** Association 1's composition report of caseId (a document is its organisation's alone). */
  documentId: string;
  /** A fresh person number, for enrolments that must not collide. */
  person(): number;
  /** A COMPENSATION of 1,000,000 fen on the case against its defendant, ordered by court 1 (association 1 sought it). */
  remedyId: string;
  /** The defendant party of the case. */
  defendantPartyId: string;
  /** A fresh CESSATION on the case, ordered by court 1. */
  newRemedy(): Promise<string>;
  /** The measure of a fresh ordered CESSATION. */
  newMeasure(): Promise<string>;
  /** A fresh APOLOGY on the case, ordered by court 1. */
  newApology(): Promise<string>;
  /** A damage model of each caller's own organisation (none for ADMIN). */
  ownModel: Partial<Record<Caller, string>>;
  /** Association 1's LOSS assessment of classId (completed). */
  assessmentId: string;
  /** A fresh suffix, for names and emails. */
  unique(): string;
  /** An unfiled SUPPORTED case: opened by association 1, procuratorate 1 supports, at court 1. */
  newCase(): Promise<string>;
  /** An ADMINISTRATIVE_PUBLIC_INTEREST case of procuratorate 1, without its agency; with it and at RECOMMENDATION when asked. */
  newAdminCase(atRecommendation?: boolean): Promise<string>;
  /** An unfiled REPRESENTATIVE_ACTION opened by association 1. */
  newRepresentativeCase(): Promise<string>;
  /** A fresh OPEN class on the filed case over incident1 (so with S as a member). */
  newClass(): Promise<string>;
  /** A fresh class whose members court 1 admitted all (so it may be certified). */
  newReviewedClass(): Promise<string>;
  /** A fresh class already certified by court 1. */
  newCertifiedClass(): Promise<string>;
  /** A fresh user (a judge of court 2), for the ADMIN's account operations. */
  newUser(): Promise<string>;
  /** A fresh RECEIVING seized dataset of procuratorate 1 (fields PHONE, chunkRows 1); with chunk 0 when asked. */
  newDataset(withChunk?: boolean): Promise<string>;
  /** One CSV row for a fresh person against `incidentId`. */
  csv(incidentId: string): string;
  /** An enrolment input for a fresh person against `incidentId`. */
  enrolment(incidentId: string): Record<string, unknown>;
}

type Args = Record<string, unknown>;
type Arg<T> = (fx: Fixtures, caller: Caller) => T | Promise<T>;

interface Common {
  expect: Expectation;
  /**
   * The fixture key (an id or a factory) naming the object the operation addresses. The spec calls
   * the operation again with a random UUID in its place, and a NOT_FOUND (or EMPTY) for another
   * organisation's object must be byte-identical to that answer.
   */
  addressed?: keyof Fixtures;
  /**
   * Callers whose answer must equal the random-id answer; by default those expected NOT_FOUND.
   * Named here when the refusal is not NOT_FOUND (a CSV import's row rejections), or when a
   * caller's NOT_FOUND is about another object than the addressed one (a party of the case who
   * sees the class but did not enrol the member: checked in the spec's row-level tests).
   */
  sameAsRandom?: Caller[];
  /** Why an entry is expected to fail until the product is fixed (a finding of the matrix). */
  finding?: string;
}

export interface GraphqlOperation extends Common {
  kind: 'query' | 'mutation';
  /** The whole document; its first selected field is the operation under test. */
  document: string;
  variables: Arg<Args>;
}

export interface RestRoute extends Common {
  kind: 'rest';
  /** The concrete path to call (the route's parameters filled in). */
  path: Arg<string>;
  body?: Arg<{ type: string; data: string | Buffer | object }>;
}

export type Operation = GraphqlOperation | RestRoute;

// ---------------------------------------------------------------------------------------------
// Expectation helpers: anon is UNAUTHENTICATED and a caller whose role the operation does not
// allow is FORBIDDEN; every caller of an allowed role is named explicitly, since owner and
// foreign callers of one role get different answers.

type Named = Partial<Record<Exclude<Caller, 'anon'>, Outcome>>;

function allow(roles: Role[], outcomes: Named): Expectation {
  const result = { anon: 'UNAUTHENTICATED' } as Expectation;
  for (const [caller, role] of Object.entries(ROLE_OF) as [Exclude<Caller, 'anon'>, Role][]) {
    if (!roles.includes(role)) {
      if (outcomes[caller]) throw new Error(`${caller} (${role}) named for an operation its role may not call`);
      result[caller] = 'FORBIDDEN';
    } else {
      if (!outcomes[caller]) throw new Error(`${caller} (${role}) has no expected outcome`);
      result[caller] = outcomes[caller]!;
    }
  }
  return result;
}

const PUBLIC: Expectation = Object.fromEntries(CALLERS.map((c) => [c, 'OK'])) as Expectation;
const ANY: Role[] = ['PROCURATOR', 'ASSOCIATION_STAFF', 'JUDGE', 'ADMIN'];
const PLAINTIFF_SIDE: Role[] = ['PROCURATOR', 'ASSOCIATION_STAFF'];
const CASE_ROLES: Role[] = ['PROCURATOR', 'ASSOCIATION_STAFF', 'JUDGE'];
const ENROLLERS = PLAINTIFF_SIDE;

/** Every authenticated caller gets `outcome`. */
const anyRole = (outcome: Outcome, over: Named = {}) =>
  allow(ANY, { proc1: outcome, assoc1: outcome, desig1: outcome, judge1: outcome, proc2: outcome, assoc2: outcome, judge2: outcome, admin: outcome, ...over });
/** The parties and the court of the case see it; the unrelated organisations get NOT_FOUND. */
const caseParties = (over: Named = {}) =>
  allow(CASE_ROLES, { proc1: 'OK', assoc1: 'OK', desig1: 'OK', judge1: 'OK', proc2: 'NOT_FOUND', assoc2: 'NOT_FOUND', judge2: 'NOT_FOUND', ...over });
/** The court of the case only. */
const court = (over: Named = {}) => allow(['JUDGE'], { judge1: 'OK', judge2: 'NOT_FOUND', ...over });

const REASON = 'matrix: reason long enough';
const DEFENDANT = { name: '某某外卖平台有限公司', role: 'NETWORK_SERVICE_PROVIDER', liabilityBasis: 'PRESUMED_FAULT' };
const INCIDENT = {
  handler: { name: '矩阵测试平台', role: 'NETWORK_SERVICE_PROVIDER' },
  dataCategories: ['NAME', 'PHONE_NUMBER'],
  exposureStart: '2024-01-01',
  discoveredOn: '2024-08-01',
  discoveryChannel: 'MEDIA_REPORT',
};
const DAMAGE_MODEL = {
  name: 'matrix model',
  categoryFen: [{ category: 'NAME', fen: 100 }],
  harmFen: [{ harmType: 'FRAUD_LOSS', fen: 1000 }],
  spreadTiers: [{ atLeast: 0, multiplierBasisPoints: 10000 }],
  durationTiers: [{ atLeast: 0, multiplierBasisPoints: 10000 }],
};
const CLAIMANT_IDS = (fx: Fixtures) => ({ classId: fx.classId, claimantId: fx.claimantS });

// ---------------------------------------------------------------------------------------------
// The table. Keys are the GraphQL field names and, for REST, "METHOD /route/:param" as Nest
// registered them.

export const QUERIES: Record<string, GraphqlOperation> = {
  auditEvents: {
    kind: 'query',
    document: `query($c: String) { auditEvents(filter: { caseId: $c }, first: 5) { totalCount nodes { id } } }`,
    variables: (fx) => ({ c: fx.caseId }),
    addressed: 'caseId',
    // ADMIN reads the whole log; a judge the trail of a case filed at their court.
    expect: allow(['ADMIN', 'JUDGE'], { admin: 'OK', judge1: 'OK', judge2: 'NOT_FOUND' }),
  },
  assessment: {
    kind: 'query',
    document: `query($a: ID!) { assessment(assessmentId: $a) { id } }`,
    variables: (fx) => ({ a: fx.assessmentId }),
    addressed: 'assessmentId',
    // Read by the organisation that assessed and by the court of the case; the other parties' is
    // computed from their own enrolments and stays theirs.
    expect: caseParties({ proc1: 'NOT_FOUND', desig1: 'NOT_FOUND' }),
  },
  assessments: {
    kind: 'query',
    document: `query($c: ID!) { assessments(caseId: $c) { totalCount nodes { id } } }`,
    variables: (fx) => ({ c: fx.caseId }),
    addressed: 'caseId',
    // The caller's own organisation's (others may have assessed by the time this row runs); the court every party's.
    expect: caseParties({ proc1: 'LIST', desig1: 'LIST' }),
  },
  calendarDay: {
    kind: 'query',
    document: `{ calendarDay(date: "2026-02-21") { restDay explanation } }`,
    variables: () => ({}),
    expect: anyRole('OK'),
  },
  caseDocuments: {
    kind: 'query',
    document: `query($c: ID!) { caseDocuments(caseId: $c, first: 5) { totalCount nodes { id } } }`,
    variables: (fx) => ({ c: fx.caseId }),
    addressed: 'caseId',
    // Each organisation lists its own documents of the case: association 1 has one; the others as many as they generated.
    expect: caseParties({ proc1: 'LIST', desig1: 'LIST', judge1: 'LIST' }),
  },
  case: {
    kind: 'query',
    document: `query($id: ID!) { case(id: $id) { id } }`,
    variables: (fx) => ({ id: fx.caseId }),
    addressed: 'caseId',
    expect: caseParties(),
  },
  cases: {
    kind: 'query',
    document: `{ cases(first: 50) { totalCount nodes { id } } }`,
    variables: () => ({}),
    // Foreign organisations own no case of their own: their list is empty.
    expect: caseParties({ proc2: 'EMPTY', assoc2: 'EMPTY', judge2: 'EMPTY' }),
  },
  claimant: {
    kind: 'query',
    document: `query($id: ID!) { claimant(id: $id) { id } }`,
    variables: (fx) => ({ id: fx.claimantS }),
    addressed: 'claimantS',
    // Only the organisations that enrolled S; procuratorate 1 is a party of the case but did not.
    expect: allow(ENROLLERS, { assoc1: 'OK', desig1: 'OK', proc1: 'NOT_FOUND', proc2: 'NOT_FOUND', assoc2: 'NOT_FOUND' }),
  },
  claimantCounts: {
    kind: 'query',
    document: `{ claimantCounts { enrolledByYou } }`,
    variables: () => ({}),
    expect: anyRole('OK'),
  },
  claimantIdentity: {
    kind: 'query',
    document: `query($id: ID!) { claimantIdentity(id: $id, reason: "${REASON}") { name } }`,
    variables: (fx) => ({ id: fx.claimantS }),
    addressed: 'claimantS',
    expect: allow(ENROLLERS, { assoc1: 'OK', desig1: 'OK', proc1: 'NOT_FOUND', proc2: 'NOT_FOUND', assoc2: 'NOT_FOUND' }),
  },
  claimants: {
    kind: 'query',
    document: `{ claimants(first: 100) { totalCount nodes { id } } }`,
    variables: () => ({}),
    expect: allow(ENROLLERS, { assoc1: 'OK', desig1: 'OK', proc1: 'EMPTY', proc2: 'EMPTY', assoc2: 'EMPTY' }),
  },
  class: {
    kind: 'query',
    document: `query($c: ID!) { class(classId: $c) { id } }`,
    variables: (fx) => ({ c: fx.classId }),
    addressed: 'classId',
    expect: caseParties(),
  },
  classAnomalies: {
    kind: 'query',
    document: `query($c: ID!) { classAnomalies(classId: $c, kind: SELF_DECLARED_ONLY, first: 100) { totalCount nodes { member { claimantId } } } }`,
    variables: (fx) => ({ c: fx.classId }),
    addressed: 'classId',
    // Computed from own enrolments: procuratorate 1 enrolled nobody.
    expect: caseParties({ proc1: 'EMPTY' }),
  },
  classComposition: {
    kind: 'query',
    document: `query($c: ID!) { classComposition(classId: $c) { totalMembers } }`,
    variables: (fx) => ({ c: fx.classId }),
    addressed: 'classId',
    expect: caseParties(),
  },
  classDecisions: {
    kind: 'query',
    document: `query($c: ID!) { classDecisions(classId: $c) { totalCount nodes { id } } }`,
    variables: (fx) => ({ c: fx.classId }),
    addressed: 'classId',
    expect: caseParties(),
  },
  classReviewPreview: {
    kind: 'query',
    document: `query($i: ReviewMembersPreviewInput!) { classReviewPreview(input: $i) { members fromStates } }`,
    variables: (fx) => ({ i: { classId: fx.classId, filter: { anomaly: 'SELF_DECLARED_ONLY' }, action: 'EXCLUDE' } }),
    addressed: 'classId',
    expect: court(),
  },
  classMembers: {
    kind: 'query',
    document: `query($c: ID!) { classMembers(classId: $c, first: 100) { totalCount nodes { claimantId } } }`,
    variables: (fx) => ({ c: fx.classId }),
    addressed: 'classId',
    // Procuratorate 1 enrolled nobody: it sees the class but none of its members.
    expect: caseParties({ proc1: 'EMPTY' }),
  },
  classRepresentatives: {
    kind: 'query',
    document: `query($c: ID!) { classRepresentatives(classId: $c) { classId } }`,
    variables: (fx) => ({ c: fx.classId }),
    addressed: 'classId',
    expect: caseParties(),
  },
  classes: {
    kind: 'query',
    document: `query($c: ID!) { classes(caseId: $c) { totalCount nodes { id } } }`,
    variables: (fx) => ({ c: fx.caseId }),
    addressed: 'caseId',
    expect: caseParties(),
  },
  exposureCounts: {
    kind: 'query',
    document: `query($i: ID!) { exposureCounts(incidentId: $i) { matched } }`,
    variables: (fx) => ({ i: fx.incident1 }),
    addressed: 'incident1',
    // The registrant, the parties of the linked case and its court; a foreign court is refused like a random id.
    expect: allow([...ENROLLERS, 'JUDGE'], { proc1: 'OK', assoc1: 'OK', desig1: 'OK', judge1: 'OK', proc2: 'NOT_FOUND', assoc2: 'NOT_FOUND', judge2: 'NOT_FOUND' }),
  },
  holidayCalendarYears: {
    kind: 'query',
    document: `{ holidayCalendarYears { year } }`,
    variables: () => ({}),
    expect: anyRole('OK'),
  },
  incidentExposures: {
    kind: 'query',
    document: `query($i: ID!) { incidentExposures(incidentId: $i, first: 100) { totalCount nodes { claimantId } } }`,
    variables: (fx) => ({ i: fx.incident1 }),
    addressed: 'incident1',
    // Own enrolments only: procuratorate 1 enrolled nobody. An incident the caller cannot see is
    // NOT_FOUND, as exposureCounts answers: an empty page instead turns non-empty (an oracle on the
    // foreign incident) as soon as a dataset of it matches one of the caller's own claimants.
    expect: allow(ENROLLERS, { proc1: 'EMPTY', assoc1: 'OK', desig1: 'OK', proc2: 'NOT_FOUND', assoc2: 'NOT_FOUND' }),
    finding: 'incidentExposures answers an empty page, not NOT_FOUND, for an incident the caller cannot see',
  },
  damageModels: {
    kind: 'query',
    document: `{ damageModels(first: 10) { totalCount nodes { id } } }`,
    variables: () => ({}),
    expect: allow(CASE_ROLES, { proc1: 'LIST', assoc1: 'LIST', desig1: 'LIST', judge1: 'LIST', proc2: 'LIST', assoc2: 'LIST', judge2: 'LIST' }),
  },
  distributionSchedule: {
    kind: 'query',
    document: `query($a: ID!) { distributionSchedule(assessmentId: $a) { totalCount } }`,
    variables: (fx) => ({ a: fx.assessmentId }),
    addressed: 'assessmentId',
    // The matrix case is a supported public-interest suit: its damages go to the fund, with no per-member schedule.
    expect: caseParties({ proc1: 'NOT_FOUND', desig1: 'NOT_FOUND', assoc1: 'CONFLICT', judge1: 'CONFLICT' }),
  },
  liabilitySchedule: {
    kind: 'query',
    document: `query($r: ID!) { liabilitySchedule(remedyId: $r) { totalFen } }`,
    variables: (fx) => ({ r: fx.remedyId }),
    addressed: 'remedyId',
    expect: caseParties(),
  },
  memberAssessment: {
    kind: 'query',
    document: `query($a: ID!, $c: ID!) { memberAssessment(assessmentId: $a, claimantId: $c) { amountFen } }`,
    variables: (fx) => ({ a: fx.assessmentId, c: fx.claimantS }),
    addressed: 'assessmentId',
    expect: caseParties({ proc1: 'NOT_FOUND', desig1: 'NOT_FOUND' }),
  },
  remedies: {
    kind: 'query',
    document: `query($c: ID!) { remedies(caseId: $c) { totalCount nodes { id } } }`,
    variables: (fx) => ({ c: fx.caseId }),
    addressed: 'caseId',
    expect: caseParties(),
  },
  remedy: {
    kind: 'query',
    document: `query($r: ID!) { remedy(remedyId: $r) { id } }`,
    variables: (fx) => ({ r: fx.remedyId }),
    addressed: 'remedyId',
    expect: caseParties(),
  },
  job: {
    kind: 'query',
    document: `query($id: ID!) { job(id: $id) { id status } }`,
    variables: (fx) => ({ id: fx.jobId }),
    addressed: 'jobId',
    // A job is its organisation's only.
    expect: anyRole('NOT_FOUND', { proc1: 'OK' }),
  },
  leakIncident: {
    kind: 'query',
    document: `query($id: ID!) { leakIncident(id: $id) { id } }`,
    variables: (fx) => ({ id: fx.incident1 }),
    addressed: 'incident1',
    expect: allow(CASE_ROLES, { proc1: 'OK', assoc1: 'OK', desig1: 'OK', judge1: 'OK', proc2: 'NOT_FOUND', assoc2: 'NOT_FOUND', judge2: 'NOT_FOUND' }),
  },
  leakIncidents: {
    kind: 'query',
    document: `{ leakIncidents(first: 100) { totalCount nodes { id } } }`,
    variables: () => ({}),
    // Foreign plaintiff organisations see the incident they registered themselves (and nothing else: the id scan).
    expect: allow(CASE_ROLES, { proc1: 'OK', assoc1: 'OK', desig1: 'OK', judge1: 'OK', proc2: 'OK', assoc2: 'OK', judge2: 'EMPTY' }),
  },
  me: {
    kind: 'query',
    document: `{ me { id } }`,
    variables: () => ({}),
    expect: anyRole('OK'),
  },
  organisations: {
    kind: 'query',
    document: `{ organisations(first: 100) { totalCount nodes { id } } }`,
    variables: () => ({}),
    // The directory of organisations is public to every user (courts are chosen from it).
    expect: anyRole('OK'),
  },
  previewDeadline: {
    kind: 'query',
    document: `{ previewDeadline(rule: APPEAL_JUDGMENT, from: "2026-06-04") { due explanation } }`,
    variables: () => ({}),
    expect: anyRole('OK'),
  },
  upcomingDeadlines: {
    kind: 'query',
    document: `{ upcomingDeadlines(first: 100) { totalCount nodes { caseId } } }`,
    variables: () => ({}),
    expect: allow(CASE_ROLES, { proc1: 'LIST', assoc1: 'LIST', desig1: 'LIST', judge1: 'LIST', proc2: 'EMPTY', assoc2: 'EMPTY', judge2: 'EMPTY' }),
  },
  // The evidence log and the burden of proof (libs/proof).
  burdenOfProof: {
    kind: 'query',
    document: `query($c: ID!) { burdenOfProof(caseId: $c) { caseId elements { id evidenceCount } } }`,
    variables: (fx) => ({ c: fx.caseId }),
    addressed: 'caseId',
    expect: caseParties(),
  },
  evidencePeriodExtensions: {
    kind: 'query',
    document: `query($c: ID!) { evidencePeriodExtensions(caseId: $c, first: 50) { totalCount nodes { id status } } }`,
    variables: (fx) => ({ c: fx.evidenceCaseId }),
    addressed: 'evidenceCaseId',
    // Association 1's pending application: its own and the court's to see; the other parties see granted ones only.
    expect: caseParties({ proc1: 'LIST', desig1: 'LIST' }),
  },
  evidenceItems: {
    kind: 'query',
    document: `query($c: ID!) { evidenceItems(caseId: $c, first: 50) { totalCount nodes { id } } }`,
    variables: (fx) => ({ c: fx.caseId }),
    addressed: 'caseId',
    // A party sees its own items and the exchanged ones (other rows add some of both); the court all.
    expect: caseParties({ proc1: 'LIST', desig1: 'LIST' }),
  },
  evidenceLogHead: {
    kind: 'query',
    document: `{ evidenceLogHead { treeSize rootHash note } }`,
    variables: () => ({}),
    // The log is global; its head says how many entries it has, nothing about any case.
    expect: anyRole('OK'),
  },
  evidenceInclusionProof: {
    kind: 'query',
    document: `query($e: ID!) { evidenceInclusionProof(evidenceId: $e) { leafHash proof rootHash } }`,
    variables: (fx) => ({ e: fx.evidenceId }),
    addressed: 'evidenceId',
    // Whoever may see the item: its submitter and the court (it is not exchanged).
    expect: caseParties({ proc1: 'NOT_FOUND', desig1: 'NOT_FOUND' }),
  },
  evidenceConsistencyProof: {
    kind: 'query',
    document: `{ evidenceConsistencyProof(from: 1, to: 1) { proof toRoot } }`,
    variables: () => ({}),
    expect: anyRole('OK'),
  },
  ledgerAlerts: {
    kind: 'query',
    document: `{ ledgerAlerts(first: 10) { totalCount nodes { id } } }`,
    variables: () => ({}),
    expect: allow(['ADMIN', 'JUDGE'], { admin: 'EMPTY', judge1: 'EMPTY', judge2: 'EMPTY' }),
  },
  ledgerCheckpoints: {
    kind: 'query',
    document: `{ ledgerCheckpoints(log: EVIDENCE, first: 10) { totalCount nodes { note } } }`,
    variables: () => ({}),
    expect: allow(['ADMIN', 'JUDGE'], { admin: 'LIST', judge1: 'LIST', judge2: 'LIST' }),
  },
};

export const MUTATIONS: Record<string, GraphqlOperation> = {
  assessCompensation: {
    kind: 'mutation',
    document: `mutation($i: AssessCompensationInput!) { assessCompensation(input: $i) { id } }`,
    // Each caller assesses with a model of its own organisation: only the class decides.
    variables: (fx, caller) => ({ i: { classId: fx.classId, method: 'LOSS', modelId: fx.ownModel[caller] ?? fx.ownModel.proc1 } }),
    addressed: 'classId',
    expect: caseParties(),
  },
  defineDamageModel: {
    kind: 'mutation',
    document: `mutation($i: DefineDamageModelInput!) { defineDamageModel(input: $i) { id } }`,
    variables: () => ({ i: DAMAGE_MODEL }),
    expect: allow(CASE_ROLES, { proc1: 'OK', assoc1: 'OK', desig1: 'OK', judge1: 'OK', proc2: 'OK', assoc2: 'OK', judge2: 'OK' }),
  },
  recordComplianceEvidence: {
    kind: 'mutation',
    document: `mutation($i: RecordComplianceEvidenceInput!) { recordComplianceEvidence(input: $i) { id } }`,
    variables: (fx) => ({ i: { remedyId: fx.remedyId, description: 'matrix: payment receipt', recordedOn: '2025-08-01' } }),
    addressed: 'remedyId',
    expect: caseParties(),
  },
  recordCourtPublication: {
    kind: 'mutation',
    document: `mutation($i: RecordCourtPublicationInput!) { recordCourtPublication(input: $i) { id } }`,
    variables: async (fx) => ({ i: { remedyId: await fx.newApology(), refusedOn: '2025-08-01', publishedOn: '2025-08-02', medium: 'WEBSITE', costFen: '100' } }),
    addressed: 'newApology',
    expect: court(),
  },
  recordRemedyPayment: {
    kind: 'mutation',
    document: `mutation($i: RecordRemedyPaymentInput!) { recordRemedyPayment(input: $i) { outstandingFen } }`,
    variables: (fx) => ({ i: { remedyId: fx.remedyId, partyId: fx.defendantPartyId, amountFen: '1', paidOn: '2025-08-01' } }),
    addressed: 'remedyId',
    expect: caseParties(),
  },
  seekRemedy: {
    kind: 'mutation',
    document: `mutation($i: SeekRemedyInput!) { seekRemedy(input: $i) { id } }`,
    variables: (fx) => ({ i: { caseId: fx.caseId, kind: 'CESSATION', description: 'matrix: stop the handling', soughtOn: '2025-02-20',
      defendants: [{ partyId: fx.defendantPartyId }], measures: [{ description: 'delete the data' }] } }),
    addressed: 'caseId',
    expect: allow(PLAINTIFF_SIDE, { proc1: 'OK', assoc1: 'OK', desig1: 'OK', proc2: 'NOT_FOUND', assoc2: 'NOT_FOUND' }),
  },
  transitionRemedy: {
    kind: 'mutation',
    document: `mutation($i: TransitionRemedyInput!) { transitionRemedy(input: $i) { id } }`,
    // Either side records that compliance started (rules/lifecycle.ts).
    variables: async (fx) => ({ i: { remedyId: await fx.newRemedy(), to: 'IN_COMPLIANCE', on: '2025-08-01' } }),
    addressed: 'newRemedy',
    expect: caseParties(),
  },
  verifyRemedyMeasure: {
    kind: 'mutation',
    document: `mutation($i: VerifyMeasureInput!) { verifyRemedyMeasure(input: $i) { id } }`,
    variables: async (fx) => ({ i: { measureId: await fx.newMeasure(), verifiedOn: '2025-08-01', verification: 'matrix: inspected' } }),
    addressed: 'newMeasure',
    expect: court(),
  },
  addAgency: {
    kind: 'mutation',
    document: `mutation($i: AddAgencyInput!) { addAgency(input: $i) { id } }`,
    variables: async (fx) => ({ i: { caseId: await fx.newAdminCase(), agency: { name: `某市市场监督管理局 ${fx.unique()}` } } }),
    addressed: 'newAdminCase',
    expect: allow(['PROCURATOR'], { proc1: 'OK', proc2: 'NOT_FOUND' }),
  },
  addCaseOrganisation: {
    kind: 'mutation',
    document: `mutation($i: AddCaseOrganisationInput!) { addCaseOrganisation(input: $i) { id } }`,
    variables: async (fx) => ({ i: { caseId: await fx.newCase(), organisationId: fx.orgs.desig1, role: 'PLAINTIFF' } }),
    addressed: 'newCase',
    // The designated organisation is not yet a party of the fresh case, so it cannot see it.
    expect: allow(PLAINTIFF_SIDE, { proc1: 'OK', assoc1: 'OK', desig1: 'NOT_FOUND', proc2: 'NOT_FOUND', assoc2: 'NOT_FOUND' }),
  },
  addDefendant: {
    kind: 'mutation',
    document: `mutation($i: AddDefendantInput!) { addDefendant(input: $i) { id } }`,
    variables: async (fx) => ({ i: { caseId: await fx.newCase(), defendant: { ...DEFENDANT, name: `被告 ${fx.unique()}` } } }),
    addressed: 'newCase',
    expect: allow(PLAINTIFF_SIDE, { proc1: 'OK', assoc1: 'OK', desig1: 'NOT_FOUND', proc2: 'NOT_FOUND', assoc2: 'NOT_FOUND' }),
  },
  certifyClass: {
    kind: 'mutation',
    document: `mutation($i: ClassDecisionInput!) { certifyClass(input: $i) { id } }`,
    variables: async (fx) => ({ i: { classId: await fx.newReviewedClass(), reason: REASON } }),
    addressed: 'newReviewedClass',
    expect: court(),
  },
  createOrganisation: {
    kind: 'mutation',
    document: `mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { id } }`,
    variables: (fx) => ({ i: { name: `Matrix court ${fx.unique()}`, kind: 'COURT' } }),
    expect: allow(['ADMIN'], { admin: 'OK' }),
  },
  createUser: {
    kind: 'mutation',
    document: `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`,
    variables: (fx) => ({
      i: { email: `u${fx.unique()}@matrix.local`, displayName: 'Matrix user', password: 'matrix-password-1', role: 'JUDGE', organisationId: fx.orgs.court2 },
    }),
    expect: allow(['ADMIN'], { admin: 'OK' }),
  },
  disableUser: {
    kind: 'mutation',
    document: `mutation($id: ID!) { disableUser(id: $id, reason: "left the court") { id } }`,
    variables: async (fx) => ({ id: await fx.newUser() }),
    addressed: 'newUser',
    expect: allow(['ADMIN'], { admin: 'OK' }),
  },
  enableUser: {
    kind: 'mutation',
    document: `mutation($id: ID!) { enableUser(id: $id) { id } }`,
    variables: async (fx) => ({ id: await fx.newUser() }),
    addressed: 'newUser',
    expect: allow(['ADMIN'], { admin: 'OK' }),
  },
  revokeUserTokens: {
    kind: 'mutation',
    document: `mutation($id: ID!) { revokeUserTokens(id: $id) { id } }`,
    variables: async (fx) => ({ id: await fx.newUser() }),
    addressed: 'newUser',
    expect: allow(['ADMIN'], { admin: 'OK' }),
  },
  setUserPassword: {
    kind: 'mutation',
    document: `mutation($id: ID!) { setUserPassword(id: $id, password: "a-new-matrix-password") { id } }`,
    variables: async (fx) => ({ id: await fx.newUser() }),
    addressed: 'newUser',
    expect: allow(['ADMIN'], { admin: 'OK' }),
  },
  changePassword: {
    kind: 'mutation',
    // A wrong current password: a success would revoke the caller's own token for the rest of the
    // matrix (test/accounts.e2e-spec.ts covers it). Every role may call it, for itself only.
    document: `mutation { changePassword(currentPassword: "not-the-password", newPassword: "a-new-matrix-password") { token } }`,
    variables: () => ({}),
    expect: anyRole('BAD_USER_INPUT'),
  },
  electClassRepresentatives: {
    kind: 'mutation',
    document: `mutation($i: ElectClassRepresentativesInput!) { electClassRepresentatives(input: $i) { classId } }`,
    // Two members each organisation enrolled itself (procuratorate 1 enrolled none of them).
    variables: async (fx, caller) => ({
      i: { classId: await fx.newClass(), claimantIds: [fx.claimantS, caller === 'desig1' ? fx.claimantBOnly : fx.claimantAOnly] },
    }),
    addressed: 'newClass',
    sameAsRandom: ['proc2', 'assoc2'],
    // Only a representative action's class elects representatives: on this SUPPORTED case the
    // parties get that standing refusal (checked before membership, so it tells nothing of S).
    // An OK path needs a filed representative action with a class: not in the fixtures yet.
    expect: allow(PLAINTIFF_SIDE, { proc1: 'BAD_USER_INPUT', assoc1: 'BAD_USER_INPUT', desig1: 'BAD_USER_INPUT', proc2: 'NOT_FOUND', assoc2: 'NOT_FOUND' }),
  },
  electRepresentatives: {
    kind: 'mutation',
    document: `mutation($i: ElectRepresentativesInput!) { electRepresentatives(input: $i) { id } }`,
    variables: async (fx) => ({ i: { caseId: await fx.newRepresentativeCase(), references: ['REP-1', 'REP-2'] } }),
    addressed: 'newRepresentativeCase',
    expect: allow(['ASSOCIATION_STAFF'], { assoc1: 'OK', desig1: 'NOT_FOUND', assoc2: 'NOT_FOUND' }),
  },
  enrolClaimant: {
    kind: 'mutation',
    document: `mutation($i: EnrolClaimantInput!) { enrolClaimant(input: $i) { id } }`,
    variables: (fx) => ({ i: fx.enrolment(fx.incident1) }),
    addressed: 'incident1',
    // Enrolling needs the incident's visibility: an incident the caller cannot see is refused
    // (BAD_USER_INPUT on input.incidentIds) exactly like a random id.
    sameAsRandom: ['proc2', 'assoc2'],
    expect: allow(ENROLLERS, { proc1: 'OK', assoc1: 'OK', desig1: 'OK', proc2: 'BAD_USER_INPUT', assoc2: 'BAD_USER_INPUT' }),
  },
  formClass: {
    kind: 'mutation',
    document: `mutation($i: FormClassInput!) { formClass(input: $i) { class { id } } }`,
    variables: (fx) => ({ i: { caseId: fx.caseId, name: `Matrix class ${fx.unique()}`, definition: 'Everyone exposed by the matrix incident', incidentIds: [fx.incident1] } }),
    addressed: 'caseId',
    expect: allow(PLAINTIFF_SIDE, { proc1: 'OK', assoc1: 'OK', desig1: 'OK', proc2: 'NOT_FOUND', assoc2: 'NOT_FOUND' }),
  },
  linkLeakIncident: {
    kind: 'mutation',
    document: `mutation($i: LinkLeakIncidentInput!) { linkLeakIncident(input: $i) { id } }`,
    // Each caller links an incident of its own organisation; only the case decides.
    variables: async (fx, caller) => ({ i: { caseId: await fx.newCase(), incidentId: fx.ownIncident[caller] ?? fx.incident1 } }),
    addressed: 'newCase',
    expect: allow(PLAINTIFF_SIDE, { proc1: 'OK', assoc1: 'OK', desig1: 'NOT_FOUND', proc2: 'NOT_FOUND', assoc2: 'NOT_FOUND' }),
  },
  loadHolidayCalendarYear: {
    kind: 'mutation',
    document: `mutation($i: LoadHolidayCalendarYearInput!) { loadHolidayCalendarYear(input: $i) { year } }`,
    variables: () => ({ i: { year: 2031, notice: 'matrix notice', holidays: [{ first: '2031-10-01', last: '2031-10-07' }], workdays: [] } }),
    expect: allow(['ADMIN'], { admin: 'OK' }),
  },
  login: {
    kind: 'mutation',
    document: `mutation { login(email: "judge@demo.local", password: "leakcase-demo") { token } }`,
    variables: () => ({}),
    expect: PUBLIC,
  },
  openCase: {
    kind: 'mutation',
    document: `mutation($i: OpenCaseInput!) { openCase(input: $i) { id } }`,
    // A case links the incidents the caller may see (as linkLeakIncident): the parties who see
    // incident1 through the case may; the others get the same NOT_FOUND as a random id.
    variables: (fx) => ({ i: { type: 'CIVIL_PUBLIC_INTEREST', title: `Matrix ${fx.unique()}`, courtId: fx.orgs.court1, defendants: [DEFENDANT], incidentIds: [fx.incident1] } }),
    addressed: 'incident1',
    expect: allow(PLAINTIFF_SIDE, { proc1: 'OK', assoc1: 'OK', desig1: 'OK', proc2: 'NOT_FOUND', assoc2: 'NOT_FOUND' }),
  },
  optOutClassMember: {
    kind: 'mutation',
    document: `mutation($i: MemberReasonInput!) { optOutClassMember(input: $i) { id } }`,
    variables: async (fx) => ({ i: { classId: await fx.newClass(), claimantId: fx.claimantS, reason: REASON } }),
    addressed: 'newClass',
    sameAsRandom: ['proc2', 'assoc2'],
    // For the organisations that enrolled S; procuratorate 1 sees the class, not S.
    expect: allow(PLAINTIFF_SIDE, { proc1: 'NOT_FOUND', assoc1: 'OK', desig1: 'OK', proc2: 'NOT_FOUND', assoc2: 'NOT_FOUND' }),
  },
  reassignClassSubclass: {
    kind: 'mutation',
    document: `mutation($i: ReassignSubclassInput!) { reassignClassSubclass(input: $i) { id } }`,
    variables: async (fx) => ({ i: { classId: await fx.newClass(), claimantId: fx.claimantS, subclass: 'FINANCIAL_LOSS', reason: REASON } }),
    addressed: 'newClass',
    sameAsRandom: ['proc2', 'assoc2', 'judge2'],
    expect: caseParties({ proc1: 'NOT_FOUND' }),
  },
  recordAgencyResponse: {
    kind: 'mutation',
    document: `mutation($i: RecordAgencyResponseInput!) { recordAgencyResponse(input: $i) { id } }`,
    variables: async (fx) => ({ i: { caseId: await fx.newAdminCase(true), adequate: false, respondedOn: '2025-04-01' } }),
    addressed: 'newAdminCase',
    expect: allow(['PROCURATOR'], { proc1: 'OK', proc2: 'NOT_FOUND' }),
  },
  reformClass: {
    kind: 'mutation',
    document: `mutation($c: ID!) { reformClass(classId: $c) { class { id } } }`,
    variables: async (fx) => ({ c: await fx.newClass() }),
    addressed: 'newClass',
    expect: allow(PLAINTIFF_SIDE, { proc1: 'OK', assoc1: 'OK', desig1: 'OK', proc2: 'NOT_FOUND', assoc2: 'NOT_FOUND' }),
  },
  refuseClassCertification: {
    kind: 'mutation',
    document: `mutation($i: ClassDecisionInput!) { refuseClassCertification(input: $i) { id } }`,
    variables: async (fx) => ({ i: { classId: await fx.newClass(), reason: REASON } }),
    addressed: 'newClass',
    expect: court(),
  },
  registerClassMember: {
    kind: 'mutation',
    document: `mutation($i: RegisterMemberInput!) { registerClassMember(input: $i) { id } }`,
    variables: async (fx) => ({ i: { classId: await fx.newClass(), claimantId: fx.claimantS } }),
    addressed: 'newClass',
    // Registration exists only in a representative action's REGISTRATION stage: the parties and the
    // court of this SUPPORTED case get that CONFLICT, which tells nothing of S; others NOT_FOUND.
    expect: caseParties({ proc1: 'CONFLICT', assoc1: 'CONFLICT', desig1: 'CONFLICT', judge1: 'CONFLICT' }),
  },
  registerLeakIncident: {
    kind: 'mutation',
    document: `mutation($i: RegisterLeakIncidentInput!) { registerLeakIncident(input: $i) { id } }`,
    variables: () => ({ i: INCIDENT }),
    expect: allow(PLAINTIFF_SIDE, { proc1: 'OK', assoc1: 'OK', desig1: 'OK', proc2: 'OK', assoc2: 'OK' }),
  },
  shareLeakIncident: {
    kind: 'mutation',
    document: `mutation($i: ShareLeakIncidentInput!) { shareLeakIncident(input: $i) { id } }`,
    // Shared with the designated organisation, which sees incident1 through the case already, so no
    // other row's outcome changes. Only the registrant shares: the parties who see incident1
    // through the case get the same NOT_FOUND as a random id.
    variables: (fx) => ({ i: { incidentId: fx.incident1, organisationIds: [fx.orgs.desig1] } }),
    addressed: 'incident1',
    expect: allow(PLAINTIFF_SIDE, { proc1: 'OK', assoc1: 'NOT_FOUND', desig1: 'NOT_FOUND', proc2: 'NOT_FOUND', assoc2: 'NOT_FOUND' }),
  },
  unshareLeakIncident: {
    kind: 'mutation',
    document: `mutation($i: ShareLeakIncidentInput!) { unshareLeakIncident(input: $i) { id } }`,
    variables: (fx) => ({ i: { incidentId: fx.incident1, organisationIds: [fx.orgs.desig1] } }),
    addressed: 'incident1',
    expect: allow(PLAINTIFF_SIDE, { proc1: 'OK', assoc1: 'NOT_FOUND', desig1: 'NOT_FOUND', proc2: 'NOT_FOUND', assoc2: 'NOT_FOUND' }),
  },
  reopenClass: {
    kind: 'mutation',
    document: `mutation($i: ClassDecisionInput!) { reopenClass(input: $i) { id } }`,
    variables: async (fx) => ({ i: { classId: await fx.newCertifiedClass(), reason: REASON } }),
    addressed: 'newCertifiedClass',
    expect: court(),
  },
  generateDocument: {
    kind: 'mutation',
    document: `mutation($i: GenerateDocumentInput!) { generateDocument(input: $i) { document { id version } } }`,
    variables: (fx) => ({ i: { caseId: fx.caseId, kind: 'CLASS_COMPOSITION_REPORT', language: 'EN' } }),
    addressed: 'caseId',
    // The parties and the court each get a new version in their own view.
    expect: caseParties(),
  },
  reviewClassMember: {
    kind: 'mutation',
    document: `mutation($i: ReviewMemberInput!) { reviewClassMember(input: $i) { id } }`,
    variables: async (fx) => ({ i: { classId: await fx.newClass(), claimantId: fx.claimantS, action: 'ADMIT', reason: REASON } }),
    addressed: 'newClass',
    expect: court(),
  },
  reviewClassMembers: {
    kind: 'mutation',
    document: `mutation($i: ReviewMembersInput!) { reviewClassMembers(input: $i) { id } }`,
    variables: async (fx) => ({ i: { classId: await fx.newClass(), filter: {}, action: 'ADMIT', reason: REASON } }),
    addressed: 'newClass',
    expect: court(),
  },
  transitionCase: {
    kind: 'mutation',
    document: `mutation($i: TransitionCaseInput!) { transitionCase(input: $i) { id } }`,
    variables: async (fx) => ({ i: { caseId: await fx.newCase(), to: 'INVESTIGATION', on: '2025-02-03' } }),
    addressed: 'newCase',
    // The fresh case is unfiled: its court does not see it yet; the designated organisation is no party.
    expect: caseParties({ desig1: 'NOT_FOUND', judge1: 'NOT_FOUND' }),
  },
  verifyAuditChain: {
    kind: 'mutation',
    document: `mutation { verifyAuditChain(batchSize: 1000) { id } }`,
    variables: () => ({}),
    // The chain is global and its check reveals only intact/broken: any judge may run it.
    expect: allow(['ADMIN', 'JUDGE'], { admin: 'OK', judge1: 'OK', judge2: 'OK' }),
  },
  exchangeEvidence: {
    kind: 'mutation',
    document: `mutation($id: ID!) { exchangeEvidence(id: $id) { id exchangedAt } }`,
    variables: async (fx) => ({ id: await fx.newEvidence() }),
    addressed: 'newEvidence',
    expect: court(),
  },
  flagAdverseInference: {
    kind: 'mutation',
    document: `mutation($i: FlagAdverseInferenceInput!) { flagAdverseInference(input: $i) { id } }`,
    variables: (fx) => ({ i: { obligationId: fx.obligationId, partyId: fx.obligationPartyId, evidence: 'matrix evidence', reasons: REASON } }),
    addressed: 'obligationId',
    expect: court(),
  },
  withdrawAdverseInference: {
    kind: 'mutation',
    document: `mutation($i: WithdrawAdverseInferenceInput!) { withdrawAdverseInference(input: $i) { id } }`,
    variables: async (fx) => ({ i: { adverseInferenceId: await fx.newAdverseInference(), reasons: REASON } }),
    addressed: 'newAdverseInference',
    expect: court(),
  },
  applyForEvidencePeriodExtension: {
    kind: 'mutation',
    document: `mutation($i: ApplyForEvidencePeriodExtensionInput!) { applyForEvidencePeriodExtension(input: $i) { id } }`,
    // The plaintiff side applies for its own party; the court records the defendant's application.
    variables: (fx, caller) => ({
      i: { caseId: fx.evidenceCaseId, reasons: REASON, ...(ROLE_OF[caller as Exclude<Caller, 'anon'>] === 'JUDGE' ? { partyId: fx.evidenceCaseDefendant } : {}) },
    }),
    addressed: 'evidenceCaseId',
    expect: caseParties(),
  },
  ruleOnEvidencePeriodExtension: {
    kind: 'mutation',
    document: `mutation($i: RuleOnEvidencePeriodExtensionInput!) { ruleOnEvidencePeriodExtension(input: $i) { id status } }`,
    variables: async (fx) => ({ i: { applicationId: await fx.newExtensionApplication(), decision: 'REFUSED', reasons: REASON } }),
    addressed: 'newExtensionApplication',
    expect: court(),
  },
  generateObligations: {
    kind: 'mutation',
    document: `mutation($c: ID!) { generateObligations(caseId: $c) { caseId } }`,
    variables: (fx) => ({ c: fx.caseId }),
    addressed: 'caseId',
    // Idempotent: every party and the court may (re)generate the rule table's obligations.
    expect: caseParties(),
  },
  recordObligationFailures: {
    kind: 'mutation',
    document: `mutation { recordObligationFailures { id } }`,
    variables: () => ({}),
    // A system-wide job: the operator's.
    expect: allow(['ADMIN'], { admin: 'OK' }),
  },
  ruleOnObligation: {
    kind: 'mutation',
    document: `mutation($i: RuleOnObligationInput!) { ruleOnObligation(input: $i) { id status } }`,
    variables: (fx) => ({ i: { obligationId: fx.obligationId, status: 'CONTESTED', reasons: REASON } }),
    addressed: 'obligationId',
    expect: court(),
  },
  verifyLedger: {
    kind: 'mutation',
    document: `mutation { verifyLedger { id } }`,
    variables: () => ({}),
    // Like verifyAuditChain: global logs, an intact/broken answer; any judge may run it.
    expect: allow(['ADMIN', 'JUDGE'], { admin: 'OK', judge1: 'OK', judge2: 'OK' }),
  },
};

const json = (data: object) => ({ type: 'application/json', data });

export const ROUTES: Record<string, RestRoute> = {
  // The offline GraphiQL page's assets and the health check are public.
  'GET /_assets/graphiql.min.css': { kind: 'rest', path: () => '/_assets/graphiql.min.css', expect: PUBLIC },
  'GET /_assets/graphiql.min.js': { kind: 'rest', path: () => '/_assets/graphiql.min.js', expect: PUBLIC },
  'GET /_assets/react.production.min.js': { kind: 'rest', path: () => '/_assets/react.production.min.js', expect: PUBLIC },
  'GET /_assets/react-dom.production.min.js': { kind: 'rest', path: () => '/_assets/react-dom.production.min.js', expect: PUBLIC },
  'GET /health': { kind: 'rest', path: () => '/health', expect: PUBLIC },
  'GET /remedies/:id/liability.xlsx': {
    kind: 'rest',
    path: (fx) => `/remedies/${fx.remedyId}/liability.xlsx`,
    addressed: 'remedyId',
    expect: caseParties(),
  },
  'GET /assessments/:id/distribution.xlsx': {
    kind: 'rest',
    path: (fx) => `/assessments/${fx.assessmentId}/distribution.xlsx`,
    addressed: 'assessmentId',
    expect: caseParties({ proc1: 'NOT_FOUND', desig1: 'NOT_FOUND', assoc1: 'CONFLICT', judge1: 'CONFLICT' }),
  },
  'POST /datasets': {
    kind: 'rest',
    path: () => '/datasets',
    body: (fx) => json({ incidentId: fx.incident1, source: 'matrix seizure', fields: ['PHONE'], chunkRows: 1 }),
    addressed: 'incident1',
    // Only the registrant of the incident imports its seized data.
    expect: allow(['PROCURATOR'], { proc1: 'OK', proc2: 'NOT_FOUND' }),
  },
  'GET /datasets/:id': {
    kind: 'rest',
    path: (fx) => `/datasets/${fx.datasetId}`,
    addressed: 'datasetId',
    expect: allow(['PROCURATOR'], { proc1: 'OK', proc2: 'NOT_FOUND' }),
  },
  'PUT /datasets/:id/chunks/:n': {
    kind: 'rest',
    path: async (fx) => `/datasets/${await fx.newDataset()}/chunks/0`,
    body: () => ({ type: 'application/octet-stream', data: Buffer.alloc(32, 1) }),
    addressed: 'newDataset',
    expect: allow(['PROCURATOR'], { proc1: 'OK', proc2: 'NOT_FOUND' }),
  },
  'POST /datasets/:id/complete': {
    kind: 'rest',
    path: async (fx) => `/datasets/${await fx.newDataset(true)}/complete`,
    body: () => json({ chunkCount: 1, rowCount: 1, fileSha256: 'ab'.repeat(32) }),
    addressed: 'newDataset',
    expect: allow(['PROCURATOR'], { proc1: 'OK', proc2: 'NOT_FOUND' }),
  },
  'POST /claimants/import': {
    kind: 'rest',
    path: () => '/claimants/import',
    body: (fx) => ({ type: 'text/csv', data: fx.csv(fx.incident1) }),
    addressed: 'incident1',
    // A row naming an incident the caller cannot see is rejected exactly like one naming a random id.
    sameAsRandom: ['proc2', 'assoc2'],
    expect: allow(ENROLLERS, { proc1: 'OK', assoc1: 'OK', desig1: 'OK', proc2: 'OK', assoc2: 'OK' }),
  },
  'GET /documents/:id': {
    kind: 'rest',
    path: (fx) => `/documents/${fx.documentId}`,
    addressed: 'documentId',
    // A document is its organisation's: the court and the other parties of the case get NOT_FOUND too.
    expect: allow(CASE_ROLES, { assoc1: 'OK', proc1: 'NOT_FOUND', desig1: 'NOT_FOUND', judge1: 'NOT_FOUND', proc2: 'NOT_FOUND', assoc2: 'NOT_FOUND', judge2: 'NOT_FOUND' }),
  },
  'GET /claimants/imports/:id': {
    kind: 'rest',
    path: (fx) => `/claimants/imports/${fx.importId}`,
    addressed: 'importId',
    expect: allow(ENROLLERS, { assoc1: 'OK', proc1: 'NOT_FOUND', desig1: 'NOT_FOUND', proc2: 'NOT_FOUND', assoc2: 'NOT_FOUND' }),
  },
  'GET /claimants/imports/:id/report': {
    kind: 'rest',
    path: (fx) => `/claimants/imports/${fx.importId}/report?format=xlsx`,
    addressed: 'importId',
    expect: allow(ENROLLERS, { assoc1: 'OK', proc1: 'NOT_FOUND', desig1: 'NOT_FOUND', proc2: 'NOT_FOUND', assoc2: 'NOT_FOUND' }),
  },
  'GET /claimants/import/template': {
    kind: 'rest',
    path: () => '/claimants/import/template?format=xlsx',
    // The same file for every enroller: it holds no data.
    expect: allow(ENROLLERS, { proc1: 'OK', assoc1: 'OK', desig1: 'OK', proc2: 'OK', assoc2: 'OK' }),
  },
  'POST /cases/:caseId/evidence': {
    kind: 'rest',
    // The court records a defendant's evidence (partyId); a party submits for itself.
    path: (fx, caller) => `/cases/${fx.caseId}/evidence?title=matrix&source=matrix${caller.startsWith('judge') ? `&partyId=${fx.obligationPartyId}` : ''}`,
    body: () => ({ type: 'application/octet-stream', data: Buffer.from('matrix evidence\n') }),
    addressed: 'caseId',
    expect: caseParties(),
  },
  'GET /evidence/:id/file': {
    kind: 'rest',
    path: (fx) => `/evidence/${fx.evidenceId}/file`,
    addressed: 'evidenceId',
    expect: caseParties({ proc1: 'NOT_FOUND', desig1: 'NOT_FOUND' }),
  },
};
