import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { startTestApi, type TestApi } from './support/api';
import { withClient } from './support/database';
import { CSV_HEADER, csvRow, phoneFor, shareIncidentsThroughCase, uniqueIdNumber } from './support/claimants';
import { CLASS_TEST_KEY, DEFENDANT, enrol, ok, organisationId, registerIncident, uploadPhones } from './support/classes';

/**
 * Organisations never learn each other's claimants (issue 10): the six leaks seen on 1dce435,
 * each as it was reported. Two associations enrol the same person S:
 *
 *   B (the designated organisation)     S first, as 李四, a fraud loss of 7,777.77 yuan with evidence,
 *                                       phone P(7001), which B also gives T (7002, only B's)
 *   A (the consumer association)        S as 张三丰, no harm, phone P(7000); also 7010, 7011
 *
 * A brings the case (filed at the demo court) with B as co-plaintiff, over incident I, registered
 * by the procuratorate and linked to the case. J is A's own incident, linked to nothing. U (7020)
 * is enrolled by A against J and by B against I. C, a third association, is no party to the case:
 * it sees I through a case of its own and enrols S and W (7050) against it (test 10).
 */
describe('isolation between organisations: the plaintiff side sees its own enrolments, the court the merged view', () => {
  let api: TestApi;
  let procurator: string;
  let a: string;
  let b: string;
  let judge: string;
  let foreignJudge: string;
  let incidentI: string;
  let incidentJ: string;
  let classId: string;
  const person = new Map<string, string>();

  const MEMBERS = `query($c: ID!) { classMembers(classId: $c, first: 100) { totalCount nodes {
    claimantId harmTypes declaredLossFen hasEvidence claimant { nameMasked } } } }`;
  const membersOf = async (token: string) => (await ok(api, token, MEMBERS, { c: classId })).classMembers;
  const memberS = async (token: string) => (await membersOf(token)).nodes.find((m: { claimantId: string }) => m.claimantId === person.get('S'));
  /** A GraphQL refusal with the named ids replaced, for byte-for-byte comparison. */
  const refusal = (res: { data?: unknown; errors?: unknown }, ...ids: string[]) =>
    ids.reduce((text, id) => text.replaceAll(id, '<id>'), JSON.stringify({ data: res.data ?? null, errors: res.errors }));

  beforeAll(async () => {
    api = await startTestApi({ BLIND_INDEX_KEY: CLASS_TEST_KEY.toString('base64') });
    [procurator, a, b, judge] = await Promise.all(['procurator@demo.local', 'association@demo.local', 'designated@demo.local', 'judge@demo.local'].map((e) => api.login(e)));
    const admin = await api.login('admin@demo.local');
    const secondCourt = await ok(api, admin, `mutation { createOrganisation(input: { name: "第二中级人民法院", kind: COURT }) { id } }`);
    await ok(api, admin, `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, {
      i: { email: 'judge2@second.local', displayName: 'Second judge', password: 'second-court-judge-pw', role: 'JUDGE', organisationId: secondCourt.createOrganisation.id },
    });
    foreignJudge = await api.login('judge2@second.local', 'second-court-judge-pw');

    incidentI = await registerIncident(api, procurator);
    incidentJ = await registerIncident(api, a, { handler: { name: '另一购物平台', role: 'OTHER_HANDLER' } });
    const court = await organisationId(api, judge, 'COURT');
    const procuratorate = await organisationId(api, judge, 'PROCURATORATE');
    const opened = await ok(api, a, `mutation($i: OpenCaseInput!) { openCase(input: $i) { id } }`, {
      i: { type: 'SUPPORTED', title: 'Consumer council v. delivery platform', courtId: court, supportingOrganisationId: procuratorate, defendants: [DEFENDANT] },
    });
    const caseId = opened.openCase.id;
    // B is A's co-plaintiff: a case's class is formed from its parties' enrolments.
    await ok(api, a, `mutation($i: AddCaseOrganisationInput!) { addCaseOrganisation(input: $i) { id } }`, {
      i: { caseId, organisationId: await organisationId(api, judge, 'DESIGNATED_ORGANISATION'), role: 'PLAINTIFF' },
    });
    for (const [to, on] of [['INVESTIGATION', '2025-02-03'], ['FILED', '2025-02-17']]) {
      await ok(api, a, `mutation($i: TransitionCaseInput!) { transitionCase(input: $i) { stage } }`, { i: { caseId, to, on } });
    }
    await ok(api, procurator, `mutation($i: LinkLeakIncidentInput!) { linkLeakIncident(input: $i) { id } }`, { i: { caseId, incidentId: incidentI } });
    await shareIncidentsThroughCase(api.gql, procurator, [incidentI], ['DESIGNATED_ORGANISATION', 'PROCURATORATE']);

    // B enrols S first: the claimant's shared mask is then B's, which A must never be shown.
    person.set('S', await enrol(api, b, 7000, [incidentI], {
      name: '李四',
      phone: phoneFor(7001),
      harms: [{ type: 'FRAUD_LOSS', amountFen: '777777', evidenceRefs: ['bank statement 2024-06'] }],
    }));
    expect(await enrol(api, a, 7000, [incidentI], { name: '张三丰', phone: phoneFor(7000) })).toBe(person.get('S')); // one identity
    for (const n of [7010, 7011]) await enrol(api, a, n, [incidentI]);
    person.set('T', await enrol(api, b, 7002, [incidentI], { phone: phoneFor(7001) }));
    person.set('U', await enrol(api, a, 7020, [incidentJ]));
    expect(await enrol(api, b, 7020, [incidentI])).toBe(person.get('U'));

    const formed = await ok(api, a, `mutation($i: FormClassInput!) { formClass(input: $i) { class { id } } }`, {
      i: { caseId, name: 'Delivery platform leak', definition: 'Everyone whose data left the platform', incidentIds: [incidentI] },
    });
    classId = formed.formClass.class.id;
  });
  afterAll(() => api.close());

  it("issue leak 1: A's class members carry A's facts of S (no harm), not B's fraud loss and evidence; the court sees both", async () => {
    expect(await memberS(a)).toMatchObject({ harmTypes: [], declaredLossFen: null, hasEvidence: false });
    expect(await memberS(judge)).toMatchObject({ harmTypes: ['FRAUD_LOSS'], declaredLossFen: '777777', hasEvidence: true });
    // A lists its own three people; the court the class's five (S, 7010, 7011, T, U).
    expect((await membersOf(a)).totalCount).toBe(3);
    expect((await membersOf(judge)).totalCount).toBe(5);
  });

  it("issue leak 2: the shared-phone anomaly in A's view knows neither B's phone for S nor T, whom only B enrolled", async () => {
    const Q = `query($c: ID!) { classAnomalies(classId: $c, kind: SHARED_PHONE, threshold: 2, first: 50) {
      totalCount nodes { sharedPhoneMasked sharedBy member { claimantId } } } }`;
    expect((await ok(api, a, Q, { c: classId })).classAnomalies).toEqual({ totalCount: 0, nodes: [] });
    const court = (await ok(api, judge, Q, { c: classId })).classAnomalies;
    expect(court.nodes.map((n: { member: { claimantId: string } }) => n.member.claimantId).sort()).toEqual([person.get('S'), person.get('T')].sort());
    expect(court.nodes[0].sharedBy).toBe(2);
  });

  it("issue leak 3: a member's masked name is the viewer's own enrolment's: A sees its 张三丰, B's 李四 never", async () => {
    const own = (await ok(api, a, `query($id: ID!) { claimant(id: $id) { nameMasked } }`, { id: person.get('S') })).claimant.nameMasked;
    const theirs = (await ok(api, b, `query($id: ID!) { claimant(id: $id) { nameMasked } }`, { id: person.get('S') })).claimant.nameMasked;
    expect(own.startsWith('张')).toBe(true);
    expect(theirs.startsWith('李')).toBe(true);
    expect((await memberS(a)).claimant.nameMasked).toBe(own);
  });

  it("also (found with the fix): A's exposure of S is first seen no earlier than A's own enrolment, though B declared it before", async () => {
    const Q = `query($id: ID!) { claimant(id: $id) { enrolledAt exposures { nodes { basis firstSeen } } } }`;
    const { claimant } = await ok(api, a, Q, { id: person.get('S') });
    expect(claimant.exposures.nodes).toEqual([{ basis: 'SELF_DECLARED', firstSeen: claimant.enrolledAt }]);
    const theirs = (await ok(api, b, Q, { id: person.get('S') })).claimant;
    expect(theirs.exposures.nodes[0].firstSeen < claimant.enrolledAt).toBe(true);
  });

  it("issue leak 4: enrolling against an incident the caller cannot see is refused exactly as an unknown incident, in GraphQL and CSV", async () => {
    const ENROL = `mutation($i: EnrolClaimantInput!) { enrolClaimant(input: $i) { id } }`;
    const input = (incidentId: string) => ({ name: '王五', phone: phoneFor(7030), consent: { givenAt: '2025-03-01T02:00:00Z', method: 'ELECTRONIC_SIGNATURE', scopes: ['REPRESENTATION', 'DATA_USE'] }, harms: [], incidentIds: [incidentId] });
    const random = randomUUID();
    const foreign = await api.gql(ENROL, { i: { ...input(incidentJ), idNumber: uniqueIdNumber(7032) } }, b);
    const unknown = await api.gql(ENROL, { i: { ...input(random), idNumber: uniqueIdNumber(7032) } }, b);
    expect(foreign.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.incidentIds' });
    expect(refusal(foreign, incidentJ)).toBe(refusal(unknown, random));

    const upload = async (incidentId: string) => {
      const res = await request(api.app.getHttpServer())
        .post('/claimants/import')
        .set('authorization', `Bearer ${b}`)
        .set('prefer', 'wait=30')
        .attach('file', Buffer.from([CSV_HEADER, csvRow(7031, incidentId)].join('\n')), 'c.csv');
      return JSON.stringify(res.body.rejections ?? res.body).replaceAll(incidentId, '<id>').replace(/"(importId|id|jobId)":"[^"]+"/g, '');
    };
    expect(await upload(incidentJ)).toBe(await upload(randomUUID()));
    // Nothing of B's reached A's incident.
    const own = await ok(api, a, `query($i: ID) { claimants(incidentId: $i) { totalCount } }`, { i: incidentJ });
    expect(own.claimants.totalCount).toBe(1); // U, A's own
  });

  it('issue leak 5: exposure counts answer NOT_FOUND, as for a random id, to a foreign court and to an organisation that cannot see the incident', async () => {
    const Q = `query($i: ID!) { exposureCounts(incidentId: $i) { matched declaredUnmatched } }`;
    const random = randomUUID();
    for (const [token, incident] of [[foreignJudge, incidentI], [b, incidentJ], [judge, incidentJ]] as const) {
      const res = await api.gql(Q, { i: incident }, token);
      expect(res.errors?.[0].extensions!.code).toBe('NOT_FOUND');
      expect(refusal(res, incident)).toBe(refusal(await api.gql(Q, { i: random }, token), random));
    }
    // The court of the filed case sees the incident's merged counts: S, 7010, 7011, T and U declared it.
    expect((await ok(api, judge, Q, { i: incidentI })).exposureCounts).toEqual({ matched: 0, declaredUnmatched: 5 });
    expect((await ok(api, a, Q, { i: incidentI })).exposureCounts).toEqual({ matched: 0, declaredUnmatched: 3 });
  });

  it("issue leak 6: claimants(incidentId:) lists only people linked to the incident by the caller's own enrolment", async () => {
    const Q = `query($i: ID) { claimants(incidentId: $i, first: 100) { totalCount nodes { id } } }`;
    const listed = (await ok(api, a, Q, { i: incidentI })).claimants;
    expect(listed.nodes.map((n: { id: string }) => n.id)).not.toContain(person.get('U'));
    expect(listed.totalCount).toBe(3); // S, 7010, 7011
    expect((await membersOf(a)).nodes.map((m: { claimantId: string }) => m.claimantId)).not.toContain(person.get('U'));
  });

  it("also (found with the fix and by the red team): when a member joined the class is the court's figure: it would tell A that B's enrolment put the person in first", async () => {
    const REFORM = `mutation($c: ID!) { reformClass(classId: $c) { added } }`;
    const v = await enrol(api, b, 7040, [incidentI]);
    await ok(api, a, REFORM, { c: classId }); // V joins the class (the court's view), not A's
    const Q = `query($c: ID!) { classMembers(classId: $c, first: 100) { nodes { claimantId joinedAt } } }`;
    const joinedForCourt = (await ok(api, judge, Q, { c: classId })).classMembers.nodes.find((m: { claimantId: string }) => m.claimantId === v).joinedAt;
    expect(await enrol(api, a, 7040, [incidentI])).toBe(v);
    expect((await ok(api, a, REFORM, { c: classId })).reformClass.added).toBe(1);
    const enrolledAt = (await ok(api, a, `query($id: ID!) { claimant(id: $id) { enrolledAt } }`, { id: v })).claimant.enrolledAt;
    expect(joinedForCourt < enrolledAt).toBe(true);
    expect((await ok(api, a, Q, { c: classId })).classMembers.nodes.map((m: { joinedAt: string | null }) => m.joinedAt)).toEqual([null, null, null, null]);
  });

  it("also (red team): an organisation that is no party to the case adds no one and nothing to its class, not even to the court's merged view", async () => {
    const admin = await api.login('admin@demo.local');
    const third = await ok(api, admin, `mutation { createOrganisation(input: { name: "第三省消费者权益保护委员会", kind: CONSUMER_ASSOCIATION, level: PROVINCIAL }) { id } }`);
    await ok(api, admin, `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, {
      i: { email: 'staff@third.local', displayName: 'Third association', password: 'third-association-pw', role: 'ASSOCIATION_STAFF', organisationId: third.createOrganisation.id },
    });
    const c = await api.login('staff@third.local', 'third-association-pw');
    await ok(api, procurator, `mutation($i: OpenCaseInput!) { openCase(input: $i) { id } }`, {
      i: { type: 'CIVIL_PUBLIC_INTEREST', title: 'Third association over incident I', courtId: await organisationId(api, judge, 'COURT'),
        plaintiffOrganisationIds: [third.createOrganisation.id, await organisationId(api, judge, 'PROCURATORATE')], incidentIds: [incidentI] },
    });
    expect(await enrol(api, c, 7000, [incidentI], { harms: [{ type: 'IDENTITY_MISUSE', amountFen: '999999', evidenceRefs: ['police report'] }] })).toBe(person.get('S'));
    const w = await enrol(api, c, 7050, [incidentI]);
    const before = await membersOf(judge);
    const counts = async () => (await ok(api, judge, `query($i: ID!) { exposureCounts(incidentId: $i) { matched declaredUnmatched } }`, { i: incidentI })).exposureCounts;
    const countsBefore = await counts();
    await ok(api, a, `mutation($c: ID!) { reformClass(classId: $c) { added } }`, { c: classId });
    const after = await membersOf(judge);
    expect(after.totalCount).toBe(before.totalCount);
    expect(after.nodes.map((m: { claimantId: string }) => m.claimantId)).not.toContain(w);
    expect(await memberS(judge)).toMatchObject({ harmTypes: ['FRAUD_LOSS'], declaredLossFen: '777777' });
    // Nor do the court's exposure counts of the incident move: W is C's, and C no party here.
    expect(await counts()).toEqual(countsBefore);
  });

  it("also (red team): a co-plaintiff's decisions on a person both enrolled show B nothing: neither the decisions nor the reasons on the member", async () => {
    // A second case with A and B both plaintiffs over incident I, and a class in it.
    const both = await shareIncidentsThroughCase(api.gql, procurator, [incidentI], ['CONSUMER_ASSOCIATION', 'DESIGNATED_ORGANISATION', 'PROCURATORATE']);
    const formed = await ok(api, a, `mutation($i: FormClassInput!) { formClass(input: $i) { class { id } } }`, {
      i: { caseId: both, name: 'Shared leak', definition: 'Everyone whose data left the platform', incidentIds: [incidentI] },
    });
    const shared = formed.formClass.class.id;
    await ok(api, a, `mutation($i: ReassignSubclassInput!) { reassignClassSubclass(input: $i) { id } }`, {
      i: { classId: shared, claimantId: person.get('S'), subclass: 'SENSITIVE_DATA', reason: "A's client's medical card was in the data" },
    });
    const Q = `query($c: ID!) { classDecisions(classId: $c, first: 50) { nodes { kind claimantId reason } } }`;
    const reassigned = (token: string) => ok(api, token, Q, { c: shared }).then((d) => d.classDecisions.nodes.find((n: { kind: string }) => n.kind === 'REASSIGN_SUBCLASS'));
    expect(await reassigned(a)).toEqual({ kind: 'REASSIGN_SUBCLASS', claimantId: person.get('S'), reason: "A's client's medical card was in the data" });
    expect(await reassigned(b)).toBeUndefined(); // not even who decided what, and when

    // The member: A sees its own move; B the subclass its own facts give (its fraud loss), no reason.
    const M = `query($c: ID!) { classMembers(classId: $c, first: 100) { nodes { claimantId state stateReason subclass subclassReason } } }`;
    const memberOf = async (token: string, claimantId: string) =>
      (await ok(api, token, M, { c: shared })).classMembers.nodes.find((m: { claimantId: string }) => m.claimantId === claimantId);
    expect(await memberOf(a, person.get('S')!)).toMatchObject({ subclass: 'SENSITIVE_DATA', subclassReason: "A's client's medical card was in the data" });
    expect(await memberOf(b, person.get('S')!)).toMatchObject({ subclass: 'FINANCIAL_LOSS', subclassReason: null });
    // B's own move of S neither replaces nor erases A's (which would tell A of B's enrolment).
    await ok(api, b, `mutation($i: ReassignSubclassInput!) { reassignClassSubclass(input: $i) { id } }`, {
      i: { classId: shared, claimantId: person.get('S'), subclass: 'ORDINARY', reason: "B's client withdrew the loss" },
    });
    expect(await memberOf(a, person.get('S')!)).toMatchObject({ subclass: 'SENSITIVE_DATA', subclassReason: "A's client's medical card was in the data" });
    expect(await memberOf(b, person.get('S')!)).toMatchObject({ subclass: 'ORDINARY', subclassReason: "B's client withdrew the loss" });

    // An opt-out A recorded for a person both enrolled: the state is the person's, the reason A's.
    const v = await enrol(api, b, 7060, [incidentI]);
    expect(await enrol(api, a, 7060, [incidentI])).toBe(v);
    await ok(api, a, `mutation($c: ID!) { reformClass(classId: $c) { added } }`, { c: shared });
    await ok(api, a, `mutation($i: MemberReasonInput!) { optOutClassMember(input: $i) { id } }`, { i: { classId: shared, claimantId: v, reason: 'Told A she sues alone' } });
    expect(await memberOf(a, v)).toMatchObject({ state: 'OPTED_OUT', stateReason: 'Told A she sues alone' });
    expect(await memberOf(b, v)).toMatchObject({ state: 'OPTED_OUT', stateReason: null });
  });

  it("also (red team): a bulk decision's filter is the court's: with A's own facts of a member it admitted, it would tell of B's", async () => {
    await ok(api, judge, `mutation($i: ReviewMembersInput!) { reviewClassMembers(input: $i) { id } }`, {
      i: { classId, filter: { hasEvidence: true }, action: 'ADMIT', reason: 'Members with evidence admitted' },
    });
    const Q = `query($c: ID!) { classDecisions(classId: $c, first: 50) { nodes { kind filter reason } } }`;
    const admit = async (token: string) => (await ok(api, token, Q, { c: classId })).classDecisions.nodes.find((n: { kind: string }) => n.kind === 'ADMIT');
    expect(JSON.parse((await admit(judge)).filter)).toMatchObject({ hasEvidence: true });
    expect(await admit(a)).toEqual({ kind: 'ADMIT', filter: null, reason: 'Members with evidence admitted' });
    // S was admitted on B's evidence; A's own facts of S hold none.
    expect(await memberS(a)).toMatchObject({ hasEvidence: false });
  });

  it("also (red team): a dataset match shows an organisation only its own identifiers' matches, and only once its own enrolment was matched", async () => {
    // The procuratorate's seized data holds B's phone for S, and the phones of F (7070) and G (7071).
    await uploadPhones(api, procurator, incidentI, [7001, 7070, 7071]);
    const Q = `query($id: ID!) { claimant(id: $id) { exposures { nodes { basis matchedFields } } } }`;
    const matches = async (token: string, id: string) =>
      (await ok(api, token, Q, { id })).claimant.exposures.nodes.filter((x: { basis: string }) => x.basis === 'DATASET_MATCH');
    // S matched by B's phone only: B's match, not A's (A's phone for S is not in the data); A's
    // member S is not verified, the court's is.
    expect(await matches(b, person.get('S')!)).toEqual([{ basis: 'DATASET_MATCH', matchedFields: ['PHONE'] }]);
    expect(await matches(a, person.get('S')!)).toEqual([]);
    await ok(api, a, `mutation($c: ID!) { reformClass(classId: $c) { added } }`, { c: classId });
    const verified = async (token: string) =>
      (await ok(api, token, `query($c: ID!) { classMembers(classId: $c, first: 100, filter: { verified: true }) { nodes { claimantId verified bases } } }`, { c: classId }))
        .classMembers.nodes.filter((m: { claimantId: string }) => m.claimantId === person.get('S'));
    expect(await verified(a)).toEqual([]);
    expect(await verified(judge)).toEqual([{ claimantId: person.get('S'), verified: true, bases: ['DATASET_MATCH', 'SELF_DECLARED'] }]);

    // F, matched through B's earlier enrolment, and G, new to everyone: A's enrolment of either
    // shows no match until A's own enrolment is matched, then the same match for both.
    const f = await enrol(api, b, 7070, [incidentI], { phone: phoneFor(7070) });
    const ENROL = `mutation($i: EnrolClaimantInput!) { enrolClaimant(input: $i) { id exposures { nodes { basis } } } }`;
    const waitForMatch = async (token: string, id: string) => {
      for (let i = 0; i < 100; i++) {
        const found = await matches(token, id);
        if (found.length) return found;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('never matched');
    };
    await waitForMatch(b, f);
    const input = (n: number) => ({ name: `张${n}`, idNumber: uniqueIdNumber(n), phone: phoneFor(n), consent: { givenAt: '2025-03-01T02:00:00Z', method: 'ELECTRONIC_SIGNATURE', scopes: ['REPRESENTATION', 'DATA_USE'] }, harms: [], incidentIds: [incidentI] });
    // The matcher is held busy while A enrols both: under load it could otherwise match A's
    // enrolment of F before the mutation's answer is read, and the answer would (rightly) show it.
    const [fByA, g] = await withClient(api.url, async (db) => {
      await db.query(`SELECT pg_advisory_lock(hashtext('leakcase.matching'))`);
      try {
        return [(await ok(api, a, ENROL, { i: input(7070) })).enrolClaimant, (await ok(api, a, ENROL, { i: input(7071) })).enrolClaimant];
      } finally {
        await db.query(`SELECT pg_advisory_unlock(hashtext('leakcase.matching'))`);
      }
    });
    expect(fByA.id).toBe(f);
    expect({ f: fByA.exposures.nodes, g: g.exposures.nodes }).toEqual({ f: [{ basis: 'SELF_DECLARED' }], g: [{ basis: 'SELF_DECLARED' }] });
    expect(await waitForMatch(a, f)).toEqual(await waitForMatch(a, g.id));
    // Which dataset first matched the person is the court's: it may name another enrolment's match.
    const datasets = async (token: string, id: string) =>
      (await ok(api, token, `query($id: ID!) { claimant(id: $id) { exposures { nodes { basis datasetId } } } }`, { id })).claimant.exposures.nodes
        .filter((x: { basis: string }) => x.basis === 'DATASET_MATCH').map((x: { datasetId: string | null }) => x.datasetId);
    expect(await datasets(a, f)).toEqual([null]);
    // Nor does a date tell them apart: a match's is not shown to the plaintiff side.
    const dates = async (id: string) => (await ok(api, a, `query($id: ID!) { claimant(id: $id) { exposures { nodes { basis firstSeen } } } }`, { id })).claimant.exposures.nodes;
    expect(await dates(f)).toEqual(expect.arrayContaining([{ basis: 'DATASET_MATCH', firstSeen: null }]));
    expect(await dates(g.id)).toEqual(expect.arrayContaining([{ basis: 'DATASET_MATCH', firstSeen: null }]));
  });

  it("also (red team): a re-formation while the caller's own enrolment still awaits matching does not verify the member by someone else's match", async () => {
    // H (7080): B enrols, the seized data holds the phone, B's enrolment is matched. While the
    // matcher is busy (its lock held here), A enrols H with the same phone and re-forms.
    await uploadPhones(api, procurator, incidentI, [7080]);
    const h = await enrol(api, b, 7080, [incidentI], { phone: phoneFor(7080) });
    for (let i = 0; i < 100 && !(await ok(api, b, `query($id: ID!) { claimant(id: $id) { exposures { nodes { basis } } } }`, { id: h })).claimant.exposures.nodes.some((x: { basis: string }) => x.basis === 'DATASET_MATCH'); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const member = async () =>
      (await ok(api, a, `query($c: ID!) { classMembers(classId: $c, first: 100) { nodes { claimantId verified bases } } }`, { c: classId })).classMembers.nodes
        .find((m: { claimantId: string }) => m.claimantId === h);
    await withClient(api.url, async (db) => {
      await db.query(`SELECT pg_advisory_lock(hashtext('leakcase.matching'))`);
      try {
        expect(await enrol(api, a, 7080, [incidentI], { phone: phoneFor(7080) })).toBe(h);
        await ok(api, a, `mutation($c: ID!) { reformClass(classId: $c) { added } }`, { c: classId });
        expect(await member()).toMatchObject({ verified: false, bases: ['SELF_DECLARED'] });
      } finally {
        await db.query(`SELECT pg_advisory_unlock(hashtext('leakcase.matching'))`);
      }
    });
  });
});
