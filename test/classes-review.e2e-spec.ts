import { startTestApi, type TestApi } from './support/api';
import { withClient } from './support/database';
import { CLASS_TEST_KEY, COMPOSITION_FIELDS, DEFENDANT, enrol, MEMBER_FIELDS, ok, organisationId, registerIncident, uploadPhones } from './support/classes';
import { phoneFor } from './support/claimants';
import { countSqlStatements } from './support/sql-statements';

/**
 * A class formed from two incidents argued to be one source, on a fixture of ten claimants
 * enrolled through the API (self-declared exposures), a seized dataset uploaded through the
 * CLI protocol (dataset matches on the phone), one breach-notice exposure and one backdated
 * harm declaration inserted with SQL (no API records either). People:
 *
 *   0, 1  dataset match; fraud loss 10,000 / 30,000 fen with evidence   -> FINANCIAL_LOSS
 *   2     dataset match; scam calls                                      -> ORDINARY
 *   3     dataset match; no harm                                         -> ORDINARY
 *   4     breach notice; fraud loss 50,000 + mental distress             -> FINANCIAL_LOSS
 *   5     self-declared, also of the medical incident, declaring medical data; scam calls with evidence -> SENSITIVE_DATA
 *   6     self-declared; scam calls, no evidence; phone shared with 8, 9 -> ORDINARY
 *   7     self-declared; fraud loss 20,000 with evidence dated 2023-06-01 (before the window) -> FINANCIAL_LOSS;
 *         matched by a second dataset before re-forming
 *   8, 9  self-declared; no harm; phone of person 6                      -> ORDINARY
 */
describe('classes: formation, subclasses, composition, anomalies and judicial review', () => {
  let api: TestApi;
  let procurator: string;
  let association: string;
  let judge: string;
  let caseId: string;
  let incidentA: string;
  let incidentB: string;
  let classId: string;
  const person = new Map<number, string>();

  const members = async (token: string, filter: Record<string, unknown> = {}, first = 100) =>
    (await ok(api, token, `query($c: ID!, $f: MemberFilterInput, $n: Int) { classMembers(classId: $c, filter: $f, first: $n) { totalCount nodes { ${MEMBER_FIELDS} } } }`, {
      c: classId,
      f: filter,
      n: first,
    })).classMembers;
  const member = async (n: number) => (await members(judge)).nodes.find((m: { claimantId: string }) => m.claimantId === person.get(n));
  const composition = async (token = judge) => (await ok(api, token, `query($c: ID!) { classComposition(classId: $c) { ${COMPOSITION_FIELDS} } }`, { c: classId })).classComposition;
  const anomalies = (token: string, kind: string, extra: Record<string, unknown> = {}, id = classId) =>
    ok(api, token, `query($c: ID!, $k: ClassAnomalyKind!, $t: Int, $a: String, $n: Int) {
        classAnomalies(classId: $c, kind: $k, threshold: $t, after: $a, first: $n) {
          totalCount pageInfo { hasNextPage endCursor } nodes { kind otherClassIds hiddenOtherClasses sharedPhoneMasked sharedBy member { claimantId } } } }`,
      { c: id, k: kind, t: extra.threshold ?? 5, a: extra.after, n: extra.first ?? 50 }).then((d) => d.classAnomalies);
  const people = (nodes: { member?: { claimantId: string }; claimantId?: string }[]) =>
    nodes.map((n) => [...person].find(([, id]) => id === (n.member?.claimantId ?? n.claimantId))![0]).sort((a, b) => a - b);

  beforeAll(async () => {
    api = await startTestApi({ BLIND_INDEX_KEY: CLASS_TEST_KEY.toString('base64') });
    [procurator, association, judge] = await Promise.all(['procurator@demo.local', 'association@demo.local', 'judge@demo.local'].map((e) => api.login(e)));
    const court = await organisationId(api, judge, 'COURT');
    const procuratorate = await organisationId(api, judge, 'PROCURATORATE');

    incidentA = await registerIncident(api, procurator);
    incidentB = await registerIncident(api, procurator, { dataCategories: ['NAME', 'MEDICAL_HEALTH'], handler: { name: '某某外卖平台医疗合作方', role: 'INTERMEDIARY_SERVICE_PROVIDER' } });
    const opened = await ok(api, association, `mutation($i: OpenCaseInput!) { openCase(input: $i) { id } }`, {
      i: { type: 'SUPPORTED', title: 'Consumer council v. delivery platform', courtId: court, supportingOrganisationId: procuratorate, defendants: [DEFENDANT] },
    });
    caseId = opened.openCase.id;
    // Filed early: the court sees a case (and its classes) once filed.
    await ok(api, association, `mutation($i: TransitionCaseInput!) { transitionCase(input: $i) { stage } }`, { i: { caseId, to: 'INVESTIGATION', on: '2025-02-03' } });
    await ok(api, association, `mutation($i: TransitionCaseInput!) { transitionCase(input: $i) { stage } }`, { i: { caseId, to: 'FILED', on: '2025-02-17' } });
    for (const incidentId of [incidentA, incidentB]) {
      await ok(api, procurator, `mutation($i: LinkLeakIncidentInput!) { linkLeakIncident(input: $i) { id } }`, { i: { caseId, incidentId } });
    }

    const loss = (fen: string, refs = ['bank statement']) => ({ type: 'FRAUD_LOSS', amountFen: fen, evidenceRefs: refs });
    const scam = (refs: string[] = []) => ({ type: 'SCAM_CALLS_OR_SPAM', evidenceRefs: refs });
    const fixtures: [number, Record<string, unknown>][] = [
      [0, { harms: [loss('10000')] }],
      [1, { harms: [loss('30000')] }],
      [2, { harms: [scam()] }],
      [3, {}],
      [4, { harms: [loss('50000'), { type: 'MENTAL_DISTRESS', evidenceRefs: [] }] }],
      [5, { harms: [scam(['call recording quoting an order number'])], incidentIds: [incidentA, incidentB], declaredDataCategories: ['MEDICAL_HEALTH'] }],
      [6, { harms: [scam()] }],
      [7, { harms: [loss('20000')] }],
      [8, { phone: phoneFor(6) }],
      [9, { phone: phoneFor(6) }],
    ];
    for (const [n, over] of fixtures) person.set(n, await enrol(api, association, n, [incidentA], over));
    await uploadPhones(api, procurator, incidentA, [0, 1, 2, 3, 500, 501]);
    await withClient(api.url, async (db) => {
      await db.query(`INSERT INTO exposure (incident_id, claimant_id, basis) VALUES ($1, $2, 'BREACH_NOTICE')`, [incidentA, person.get(4)]);
      await db.query(`UPDATE harm_declaration SET created_at = '2023-06-01T10:00:00+08:00' WHERE claimant_id = $1`, [person.get(7)]);
    });
  });
  afterAll(() => api.close());

  it('forms a class from the exposures of its incidents, one PROPOSED candidate per claimant', async () => {
    const data = await ok(api, association, `mutation($i: FormClassInput!) { formClass(input: $i) {
        added refreshed class { id status incidentIds bases } decision { kind touched } } }`, {
      i: { caseId, name: 'Delivery platform leak, 2024', definition: 'Everyone whose data left the platform between January and June 2024', incidentIds: [incidentA, incidentB] },
    });
    classId = data.formClass.class.id;
    // The association enrolled all 10; the decision's count is of the whole class, the court's figure (10, below).
    expect(data.formClass).toMatchObject({ added: 10, refreshed: 0, decision: { kind: 'FORM', touched: null } });
    expect(data.formClass.class).toMatchObject({ status: 'OPEN', bases: ['DATASET_MATCH', 'BREACH_NOTICE', 'SELF_DECLARED'] });
    expect(data.formClass.class.incidentIds.sort()).toEqual([incidentA, incidentB].sort());
    const all = await members(association);
    expect(all.totalCount).toBe(10);
    expect(all.nodes.every((m: { state: string }) => m.state === 'PROPOSED')).toBe(true);
  });

  it('refuses a class over an incident not linked to the case', async () => {
    const other = await registerIncident(api, procurator);
    const res = await api.gql(`mutation($i: FormClassInput!) { formClass(input: $i) { added } }`, {
      i: { caseId, name: 'x', definition: 'a definition long enough', incidentIds: [other] },
    }, association);
    expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'incidentIds' });
  });

  describe('subclasses', () => {
    it('SENSITIVE_DATA: a member who declared a PIPL art. 28 category with evidence (medical data), flagged as declared', async () => {
      const m = await member(5);
      expect(m).toMatchObject({ subclass: 'SENSITIVE_DATA', subclassReason: null });
      expect(m.dataCategories).toEqual(['MEDICAL_HEALTH']);
      const rule = await ok(api, judge, `query($c: ID!) { classMembers(classId: $c, first: 100) { nodes { claimantId declaredDataCategories subclassRule { id subclass source } } } }`, { c: classId });
      const five = rule.classMembers.nodes.find((n: { claimantId: string }) => n.claimantId === person.get(5));
      expect(five).toMatchObject({ declaredDataCategories: ['MEDICAL_HEALTH'], subclassRule: { id: 'SENSITIVE_DATA_DECLARED', subclass: 'SENSITIVE_DATA', source: 'PIPL arts. 28, 69(1); Civil Code art. 1183' } });
      // The medical incident's categories describe that leak, not person 2 (matched on incident A's data by phone).
      expect((await member(2)).dataCategories).toEqual(['PHONE_NUMBER']);
    });

    it('FINANCIAL_LOSS: a member who declared a loss, with ordinary data only', async () => {
      expect(await member(0)).toMatchObject({ subclass: 'FINANCIAL_LOSS', declaredLossFen: '10000' });
      expect(await member(4)).toMatchObject({ subclass: 'FINANCIAL_LOSS', declaredLossFen: '50000' });
    });

    it('ORDINARY: everyone else (nuisance harms, no loss, ordinary data)', async () => {
      for (const n of [2, 3, 6, 8, 9]) expect(await member(n)).toMatchObject({ subclass: 'ORDINARY', declaredLossFen: null });
    });

    it("reassigns a member by hand with a reason: a party's move is its own view's, the court's everyone's", async () => {
      const ownView = async (n: number) => (await members(association)).nodes.find((m: { claimantId: string }) => m.claimantId === person.get(n));
      await ok(api, association, `mutation($i: ReassignSubclassInput!) { reassignClassSubclass(input: $i) { kind } }`, {
        i: { classId, claimantId: person.get(3), subclass: 'FINANCIAL_LOSS', reason: 'Receipts shown to the council' },
      });
      expect(await ownView(3)).toMatchObject({ subclass: 'FINANCIAL_LOSS', subclassReason: 'Receipts shown to the council' });
      expect(await member(3)).toMatchObject({ subclass: 'ORDINARY', subclassReason: null });
      const decision = await ok(api, judge, `mutation($i: ReassignSubclassInput!) { reassignClassSubclass(input: $i) { kind touched reason } }`, {
        i: { classId, claimantId: person.get(3), subclass: 'FINANCIAL_LOSS', reason: 'Loss receipts filed on paper at the hearing' },
      });
      expect(decision.reassignClassSubclass).toEqual({ kind: 'REASSIGN_SUBCLASS', touched: 1, reason: 'Loss receipts filed on paper at the hearing' });
      for (const view of [await member(3), await ownView(3)]) {
        expect(view).toMatchObject({ subclass: 'FINANCIAL_LOSS', subclassReason: 'Loss receipts filed on paper at the hearing' });
      }
    });
  });

  it('computes the composition exactly: counts by state, subclass and basis, shares, categories, harms and losses', async () => {
    const c = await composition();
    expect(c).toMatchObject({ totalMembers: 10, currentMembers: 10, verifiedMembers: 5, verifiedShare: 0.5, membersWithoutEvidence: 3, membersWithoutHarm: 3 });
    expect(c.byState).toEqual([
      { state: 'PROPOSED', members: 10 },
      { state: 'ADMITTED', members: 0 },
      { state: 'EXCLUDED', members: 0 },
      { state: 'OPTED_OUT', members: 0 },
      { state: 'REGISTERED', members: 0 },
    ]);
    expect(c.bySubclass).toEqual([
      { subclass: 'SENSITIVE_DATA', members: 1, share: 0.1 },
      // 0, 1, 4, 7 by their losses, and 3 by the court's hand.
      { subclass: 'FINANCIAL_LOSS', members: 5, share: 0.5 },
      { subclass: 'ORDINARY', members: 4, share: 0.4 },
    ]);
    expect(Object.fromEntries(c.byBasis.map((b: any) => [b.basis, b.members]))).toEqual({ SELF_DECLARED: 10, DATASET_MATCH: 4, BREACH_NOTICE: 1 });
    // Each member's own: 0-3 matched by phone; 5 declared medical data with evidence; the breach notice (4) and the other
    // declarations name no category (the incidents' NAME and PURCHASE_HISTORY describe the leaks, not each person).
    expect(Object.fromEntries(c.dataCategories.map((b: any) => [b.category, b.members]))).toEqual({ PHONE_NUMBER: 4, MEDICAL_HEALTH: 1 });
    expect(Object.fromEntries(c.harmTypes.map((b: any) => [b.harmType, b.members]))).toEqual({ FRAUD_LOSS: 4, SCAM_CALLS_OR_SPAM: 3, MENTAL_DISTRESS: 1 });
    expect(c.losses).toEqual({ members: 4, sumFen: '110000', medianFen: '25000', maxFen: '50000' });
  });

  describe('anomalies, each with a fixture that triggers it and one that does not', () => {
    it('SELF_DECLARED_ONLY: members whose only basis is their own declaration', async () => {
      const page = await anomalies(judge, 'SELF_DECLARED_ONLY');
      expect(page.totalCount).toBe(5);
      expect(people(page.nodes)).toEqual([5, 6, 7, 8, 9]);
    });

    it('NO_EVIDENCE: no verified basis and no evidence reference (person 5 has a recording, so is not listed)', async () => {
      expect(people((await anomalies(judge, 'NO_EVIDENCE')).nodes)).toEqual([6, 8, 9]);
    });

    it('EVIDENCE_OUTSIDE_WINDOW: a harm declared before the exposure window opened', async () => {
      const page = await anomalies(judge, 'EVIDENCE_OUTSIDE_WINDOW');
      expect(people(page.nodes)).toEqual([7]);
      expect(await member(0)).toMatchObject({ evidenceOutsideWindow: false });
    });

    it('SHARED_PHONE: many members enrolled with one phone number, over a configurable threshold', async () => {
      const three = await anomalies(judge, 'SHARED_PHONE', { threshold: 3 });
      expect(people(three.nodes)).toEqual([6, 8, 9]);
      expect(three.nodes[0]).toMatchObject({ sharedBy: 3, sharedPhoneMasked: expect.stringMatching(/^139\*+\d{4}$|\*/) });
      expect((await anomalies(judge, 'SHARED_PHONE', { threshold: 4 })).totalCount).toBe(0);
      expect((await anomalies(judge, 'SHARED_PHONE')).totalCount).toBe(0);
    });

    it('pages an anomaly list with a keyset cursor', async () => {
      const first = await anomalies(judge, 'SELF_DECLARED_ONLY', { first: 2 });
      expect(first).toMatchObject({ totalCount: 5, pageInfo: { hasNextPage: true } });
      const second = await anomalies(judge, 'SELF_DECLARED_ONLY', { first: 10, after: first.pageInfo.endCursor });
      expect(second.pageInfo.hasNextPage).toBe(false);
      expect([...people(first.nodes), ...people(second.nodes)].sort()).toEqual([5, 6, 7, 8, 9]);
    });

    it('DUPLICATE_ACROSS_CLASSES: none until a second class over the same incident takes the same people', async () => {
      expect((await anomalies(judge, 'DUPLICATE_ACROSS_CLASSES')).totalCount).toBe(0);
      const second = await ok(api, association, `mutation($i: FormClassInput!) { formClass(input: $i) { added class { id } } }`, {
        i: { caseId, name: 'Verified matches only', definition: 'Claimants matched in the seized dataset', incidentIds: [incidentA], bases: ['DATASET_MATCH'] },
      });
      expect(second.formClass.added).toBe(4);
      const page = await anomalies(judge, 'DUPLICATE_ACROSS_CLASSES');
      expect(people(page.nodes)).toEqual([0, 1, 2, 3]);
      expect(page.nodes[0].otherClassIds).toEqual([second.formClass.class.id]);
      expect(page.nodes[0].hiddenOtherClasses).toBe(0);
      // The member filter takes the same definition, and the court's preview counts them.
      expect(people((await members(judge, { anomaly: 'DUPLICATE_ACROSS_CLASSES' })).nodes)).toEqual([0, 1, 2, 3]);
      const preview = await ok(api, judge, `query($i: ReviewMembersPreviewInput!) { classReviewPreview(input: $i) { members } }`, {
        i: { classId, filter: { anomaly: 'DUPLICATE_ACROSS_CLASSES', verified: true }, action: 'EXCLUDE' },
      });
      expect(preview.classReviewPreview.members).toBe(4);
    });

    it('DUPLICATE_ACROSS_CLASSES: names only the other classes of cases the caller may see, and counts the rest', async () => {
      const sameCase = (await anomalies(association, 'DUPLICATE_ACROSS_CLASSES')).nodes[0].otherClassIds;
      // The procuratorate's own case over incident A: the association is no party, and it is not filed at the judge's court.
      const court = await organisationId(api, judge, 'COURT');
      const ownCase = await ok(api, procurator, `mutation($i: OpenCaseInput!) { openCase(input: $i) { id } }`, {
        i: { type: 'CIVIL_PUBLIC_INTEREST', title: 'Procuratorate v. delivery platform', courtId: court, defendants: [DEFENDANT] },
      });
      await ok(api, procurator, `mutation($i: LinkLeakIncidentInput!) { linkLeakIncident(input: $i) { id } }`, { i: { caseId: ownCase.openCase.id, incidentId: incidentA } });
      // The procuratorate enrols people 0 and 1 itself: its class holds them, not 2 and 3, whom
      // only the association (no party to this case) enrolled, though all four matched.
      for (const n of [0, 1]) await enrol(api, procurator, n, [incidentA]);
      // Its own enrolments are matched by the matching job: until then they verify nothing.
      for (const n of [0, 1]) {
        for (let i = 0; ; i++) {
          const seen = await ok(api, procurator, `query($id: ID!) { claimant(id: $id) { exposures { nodes { basis } } } }`, { id: person.get(n) });
          if (seen.claimant.exposures.nodes.some((x: { basis: string }) => x.basis === 'DATASET_MATCH')) break;
          if (i > 100) throw new Error(`person ${n}'s enrolment by the procuratorate was never matched`);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      const hidden = await ok(api, procurator, `mutation($i: FormClassInput!) { formClass(input: $i) { added class { id } } }`, {
        i: { caseId: ownCase.openCase.id, name: 'Matched victims', definition: 'Claimants matched in the seized dataset', incidentIds: [incidentA], bases: ['DATASET_MATCH'] },
      });
      expect(hidden.formClass.added).toBe(2);
      const hiddenId = hidden.formClass.class.id;
      // The court counts the class of a case it cannot see; the association has no enrolment in
      // that case's class (no party's), so nothing of it reaches the association at all.
      const expected = { association: [0, 0, 0, 0], judge: [1, 1, 0, 0] };
      for (const [token, counts] of [[association, expected.association], [judge, expected.judge]] as const) {
        const page = await anomalies(token, 'DUPLICATE_ACROSS_CLASSES');
        expect(people(page.nodes)).toEqual([0, 1, 2, 3]);
        const byPerson = new Map(page.nodes.map((n: { member: { claimantId: string } }) => [people([n])[0], n]));
        for (const [i, count] of counts.entries()) expect(byPerson.get(i)).toMatchObject({ otherClassIds: sameCase, hiddenOtherClasses: count });
        expect(JSON.stringify(page)).not.toContain(hiddenId);
      }
    });
  });

  it('shows the judge masked identifiers only, through one batched claimant lookup', async () => {
    const res = await api.gql(`query($c: ID!) { classMembers(classId: $c, first: 100) { nodes { claimant { nameMasked idNumberMasked } } } }`, { c: classId }, judge);
    expect(res.errors).toBeUndefined();
    const names = res.data!.classMembers.nodes.map((m: any) => m.claimant.nameMasked);
    expect(names).toHaveLength(10);
    expect(names.every((n: string) => n.includes('*'))).toBe(true);
    expect(JSON.stringify(res.data)).not.toMatch(/张\d/);
  });

  it('lists a page of 10 members with their masked claimants in as many SQL statements as a page of 2', async () => {
    const statements = (n: number) =>
      countSqlStatements(async () => {
        const data = await ok(api, judge, `query($c: ID!, $n: Int) { classMembers(classId: $c, first: $n) { nodes { claimant { nameMasked } } } }`, { c: classId, n });
        expect(data.classMembers.nodes).toHaveLength(n);
      });
    const two = await statements(2);
    expect(await statements(10)).toBe(two);
    expect(two).toBeLessThanOrEqual(6);
  });

  describe('judicial review', () => {
    const review = (token: string, n: number, action: string, reason = 'Reviewed against the dataset') =>
      api.gql(`mutation($i: ReviewMemberInput!) { reviewClassMember(input: $i) { kind claimantId touched reason filter } }`, {
        i: { classId, claimantId: person.get(n), action, reason },
      }, token);

    it('lets only the court decide on members', async () => {
      const res = await review(association, 8, 'EXCLUDE');
      expect(res.errors![0].extensions!.code).toBe('FORBIDDEN');
    });

    it('excludes one member with a reason', async () => {
      const res = await review(judge, 8, 'EXCLUDE', 'Enrolled with the phone number of another claimant');
      expect(res.errors).toBeUndefined();
      expect(res.data!.reviewClassMember).toEqual({ kind: 'EXCLUDE', claimantId: person.get(8), touched: 1, reason: 'Enrolled with the phone number of another claimant', filter: null });
      expect(await member(8)).toMatchObject({ state: 'EXCLUDED', stateReason: 'Enrolled with the phone number of another claimant' });
    });

    it('admits one member', async () => {
      expect((await review(judge, 4, 'ADMIT')).errors).toBeUndefined();
      expect(await member(4)).toMatchObject({ state: 'ADMITTED' });
    });

    it('re-forms after new matches: adds the new candidate, refreshes the newly verified one, never resurrects the excluded', async () => {
      person.set(10, await enrol(api, association, 10, [incidentA]));
      await uploadPhones(api, procurator, incidentA, [7]);
      const data = await ok(api, association, `mutation($c: ID!) { reformClass(classId: $c) { added refreshed decision { kind touched } } }`, { c: classId });
      expect(data.reformClass).toEqual({ added: 1, refreshed: 1, decision: { kind: 'REFORM', touched: null } });
      expect(await member(7)).toMatchObject({ verified: true, bases: ['DATASET_MATCH', 'SELF_DECLARED'], state: 'PROPOSED', subclass: 'FINANCIAL_LOSS' });
      expect(await member(8)).toMatchObject({ state: 'EXCLUDED' });
      expect(await member(4)).toMatchObject({ state: 'ADMITTED' });
      expect((await members(judge)).totalCount).toBe(11);
      // The court counts the parties that enrolled each member (the supporting procuratorate enrolled 0 and 1); the association gets no count.
      const counts = async (token: string) =>
        (await ok(api, token, `query($c: ID!) { classMembers(classId: $c, first: 100) { nodes { claimantId enrollingOrganisations } } }`, { c: classId })).classMembers.nodes;
      expect(Object.fromEntries((await counts(judge)).map((n: any) => [people([n])[0], n.enrollingOrganisations]))).toEqual({
        0: 2, 1: 2, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1, 8: 1, 9: 1, 10: 1,
      });
      expect((await counts(association)).every((n: any) => n.enrollingOrganisations === null)).toBe(true);
      const again = await ok(api, association, `mutation($c: ID!) { reformClass(classId: $c) { added refreshed } }`, { c: classId });
      expect(again.reformClass).toEqual({ added: 0, refreshed: 0 });
    });

    it('excludes everyone unverified by filter in one decision, keeping the filter and the count', async () => {
      const res = await api.gql(`mutation($i: ReviewMembersInput!) { reviewClassMembers(input: $i) { kind touched filter reason } }`, {
        i: { classId, filter: { verified: false }, action: 'EXCLUDE', reason: 'Membership rests on self-declaration only' },
      }, judge);
      expect(res.errors).toBeUndefined();
      // Unverified and current: 5, 6, 9, 10 (8 is excluded already).
      expect(res.data!.reviewClassMembers).toMatchObject({ kind: 'EXCLUDE', touched: 4, reason: 'Membership rests on self-declaration only' });
      expect(JSON.parse(res.data!.reviewClassMembers.filter)).toMatchObject({ verified: false });
      const excluded = await members(judge, { states: ['EXCLUDED'] });
      expect(people(excluded.nodes)).toEqual([5, 6, 8, 9, 10]);
    });

    it('admits all remaining proposed members by filter, never re-admitting the excluded', async () => {
      const res = await api.gql(`mutation($i: ReviewMembersInput!) { reviewClassMembers(input: $i) { touched } }`, {
        i: { classId, filter: {}, action: 'ADMIT', reason: 'Verified by the seized dataset or the breach notice' },
      }, judge);
      expect(res.data!.reviewClassMembers.touched).toBe(5); // 0, 1, 2, 3, 7 (4 was admitted before)
      const c = await composition();
      expect(c).toMatchObject({ totalMembers: 11, currentMembers: 6, verifiedMembers: 6, verifiedShare: 1 });
      expect(c.byState.filter((s: any) => s.members > 0)).toEqual([
        { state: 'ADMITTED', members: 6 },
        { state: 'EXCLUDED', members: 5 },
      ]);
      expect(c.losses).toEqual({ members: 4, sumFen: '110000', medianFen: '25000', maxFen: '50000' });
    });

    it('follows each decision in the losses: an odd count of losses has the middle one as median', async () => {
      expect((await review(judge, 7, 'EXCLUDE', 'Loss receipt predates the leak')).errors).toBeUndefined();
      expect((await composition()).losses).toEqual({ members: 3, sumFen: '90000', medianFen: '30000', maxFen: '50000' });
      expect((await review(judge, 7, 'ADMIT', 'The receipt was misdated by the bank')).errors).toBeUndefined();
      expect((await composition()).losses).toEqual({ members: 4, sumFen: '110000', medianFen: '25000', maxFen: '50000' });
    });

    it('certifies the class, then refuses member changes until the court reopens it', async () => {
      const certified = await ok(api, judge, `mutation($i: ClassDecisionInput!) { certifyClass(input: $i) { status } }`, { i: { classId } });
      expect(certified.certifyClass.status).toBe('CERTIFIED');
      const blocked = await review(judge, 8, 'ADMIT', 'Second look');
      expect(blocked.errors![0].extensions).toMatchObject({ code: 'CONFLICT', status: 'CERTIFIED' });
      const noReason = await api.gql(`mutation($i: ClassDecisionInput!) { reopenClass(input: $i) { status } }`, { i: { classId } }, judge);
      expect(noReason.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
      const reopened = await ok(api, judge, `mutation($i: ClassDecisionInput!) { reopenClass(input: $i) { status statusReason } }`, {
        i: { classId, reason: 'New breach notice received' },
      });
      expect(reopened.reopenClass).toEqual({ status: 'OPEN', statusReason: 'New breach notice received' });
    });

    it('lets the court reconsider one exclusion, then refuses certification with reasons', async () => {
      expect((await review(judge, 8, 'ADMIT', 'Phone shared within one household')).errors).toBeUndefined();
      const refused = await ok(api, judge, `mutation($i: ClassDecisionInput!) { refuseClassCertification(input: $i) { status statusReason } }`, {
        i: { classId, reason: 'The two incidents are not shown to be one source' },
      });
      expect(refused.refuseClassCertification).toEqual({ status: 'REFUSED', statusReason: 'The two incidents are not shown to be one source' });
    });

    it('keeps every decision: who, when, what filter, how many it touched; and writes each to the audit log', async () => {
      const data = await ok(api, judge, `query($c: ID!) { classDecisions(classId: $c, first: 50) { totalCount nodes { kind touched filter actorId decidedAt } } }`, { c: classId });
      expect(data.classDecisions.nodes.map((d: any) => [d.kind, d.touched])).toEqual([
        ['FORM', 10],
        ['REASSIGN_SUBCLASS', 1],
        ['REASSIGN_SUBCLASS', 1],
        ['EXCLUDE', 1],
        ['ADMIT', 1],
        // 10 added, 7 verified, and 0 and 1 now enrolled by two parties (the supporting procuratorate enrolled them).
        ['REFORM', 4],
        ['REFORM', 0],
        ['EXCLUDE', 4],
        ['ADMIT', 5],
        ['EXCLUDE', 1],
        ['ADMIT', 1],
        ['CERTIFY', 0],
        ['REOPEN', 0],
        ['ADMIT', 1],
        ['REFUSE_CERTIFICATION', 0],
      ]);
      const audit = await ok(api, judge, `query($c: String!) { auditEvents(first: 100, filter: { caseId: $c }) { nodes { action details } } }`, { c: caseId });
      const actions = audit.auditEvents.nodes.map((e: { action: string }) => e.action).filter((a: string) => a.startsWith('class.'));
      expect(actions.sort()).toEqual(
        ['class.form', 'class.form', 'class.reassign-subclass', 'class.reassign-subclass', 'class.review-member', 'class.review-member', 'class.reform', 'class.reform',
          'class.review-members', 'class.review-members', 'class.review-member', 'class.review-member', 'class.certify', 'class.reopen', 'class.review-member', 'class.refuse-certification'].sort(),
      );
      expect(JSON.stringify(audit)).not.toContain('self-declaration only');
    });
  });
});
