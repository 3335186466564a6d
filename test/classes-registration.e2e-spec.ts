import { calendarDateInShanghai } from '../libs/cases/src/rules/calendar-date';
import { startTestApi, type TestApi } from './support/api';
import { shareIncidentsThroughCase } from './support/claimants';
import { withClient } from './support/database';
import { countSqlStatements } from './support/sql-statements';
import { CLASS_TEST_KEY, COMPOSITION_FIELDS, DEFENDANT, enrol, MEMBER_FIELDS, ok, organisationId, registerIncident, sameRefusal } from './support/classes';

/**
 * Representative actions: registration within the court's period (and refused after it, with
 * the date), elected representatives with adequacy warnings, certification; and who sees what:
 * an association sees its own enrollees' membership and only anonymous counts of the rest;
 * another association and another court's judge get NOT_FOUND on the class, though an
 * organisation sees the memberships of the claimants it enrolled (Claimant.classMemberships).
 * Claimants are enrolled through the API: the consumer council enrols people 100-111 (111 also
 * of a biometric leak, declaring its face data with evidence), the designated organisation, not a party, enrols 120-121 (whom formation
 * leaves out; they are put in the class as a class formed before that rule would hold them).
 */
describe('classes in representative actions: registration, representatives, visibility', () => {
  let api: TestApi;
  let association: string;
  let designated: string;
  let judge: string;
  let otherJudge: string;
  let court: string;
  let caseId: string;
  let classId: string;
  let incidentC: string;
  const person = new Map<number, string>();
  const today = calendarDateInShanghai();

  const move = (token: string, id: string, to: string, on: string, extra: Record<string, unknown> = {}) =>
    ok(api, token, `mutation($i: TransitionCaseInput!) { transitionCase(input: $i) { stage } }`, { i: { caseId: id, to, on, ...extra } });
  const openRepresentativeAction = async (title: string, incidentIds: string[]) =>
    (await ok(api, association, `mutation($i: OpenCaseInput!) { openCase(input: $i) { id } }`, {
      i: { type: 'REPRESENTATIVE_ACTION', title, courtId: court, defendants: [DEFENDANT], claimantsNumberUncertain: true, incidentIds },
    })).openCase.id as string;
  const electCaseParties = (id: string) =>
    ok(api, association, `mutation($i: ElectRepresentativesInput!) { electRepresentatives(input: $i) { id } }`, { i: { caseId: id, references: ['R-1', 'R-2'] } });
  const formClass = async (id: string, incidentIds: string[]) =>
    (await ok(api, association, `mutation($i: FormClassInput!) { formClass(input: $i) { added class { id } } }`, {
      i: { caseId: id, name: 'Registered victims', definition: 'Victims of the delivery platform leak who register', incidentIds },
    })).formClass;
  const register = (token: string, claimantId: string, id = classId) =>
    api.gql(`mutation($i: RegisterMemberInput!) { registerClassMember(input: $i) { kind touched claimantId } }`, { i: { classId: id, claimantId } }, token);
  const elect = (claimantIds: string[]) =>
    api.gql(`mutation($i: ElectClassRepresentativesInput!) { electClassRepresentatives(input: $i) {
        caseRepresentativeParties hiddenRepresentatives
        representatives { position member { claimantId state subclass bases harmTypes claimant { nameMasked idNumberMasked } } warnings { kind message } } } }`,
      { i: { classId, claimantIds } }, association);
  const representatives = async (token: string) =>
    (await ok(api, token, `query($c: ID!) { classRepresentatives(classId: $c) {
        hiddenRepresentatives representatives { position member { claimantId state claimant { nameMasked } } } } }`, { c: classId })).classRepresentatives;
  const memberships = `classMemberships { nodes { classId state subclass exclusionReason } }`;
  const STRANGER = '00000000-0000-4000-8000-000000000000';
  const members = async (token: string) =>
    (await ok(api, token, `query($c: ID!) { classMembers(classId: $c, first: 100) { totalCount nodes { ${MEMBER_FIELDS} } } }`, { c: classId })).classMembers;

  beforeAll(async () => {
    api = await startTestApi({ BLIND_INDEX_KEY: CLASS_TEST_KEY.toString('base64') });
    const admin = await api.login('admin@demo.local');
    [association, designated, judge] = await Promise.all(['association@demo.local', 'designated@demo.local', 'judge@demo.local'].map((e) => api.login(e)));
    court = await organisationId(api, judge, 'COURT');
    const otherCourt = await ok(api, admin, `mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { id } }`, {
      i: { name: '另一中级人民法院', kind: 'COURT', level: 'PREFECTURAL' },
    });
    await ok(api, admin, `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, {
      i: { email: 'judge2@demo.local', displayName: 'judge2', password: 'long-enough-password', role: 'JUDGE', organisationId: otherCourt.createOrganisation.id },
    });
    otherJudge = await api.login('judge2@demo.local', 'long-enough-password');

    incidentC = await registerIncident(api, association);
    const incidentD = await registerIncident(api, association, { dataCategories: ['NAME', 'BIOMETRIC'], handler: { name: '某某人脸识别服务商', role: 'INTERMEDIARY_SERVICE_PROVIDER' } });
    caseId = await openRepresentativeAction('Victims of the delivery platform leak', [incidentC, incidentD]);
    // 111 declares its face data leaked by the face-recognition vendor, with a photo of the vendor's breach notice as evidence.
    const biometric = { incidentIds: [incidentC, incidentD], declaredDataCategories: ['BIOMETRIC'], harms: [{ type: 'MENTAL_DISTRESS', evidenceRefs: ['breach notice photo'] }] };
    for (let n = 100; n <= 111; n++) person.set(n, await enrol(api, association, n, [incidentC], n === 111 ? biometric : {}));
    // The designated organisation sees incident C as a co-plaintiff of a public-interest case over
    // it, and enrols against it; it is no party to the representative action.
    await shareIncidentsThroughCase(api.gql, association, [incidentC], ['CONSUMER_ASSOCIATION', 'DESIGNATED_ORGANISATION']);
    for (const n of [120, 121]) person.set(n, await enrol(api, designated, n, [incidentC]));
    const formed = await formClass(caseId, [incidentC, incidentD]);
    // The class holds the association's 12: the designated organisation, no party to the case,
    // puts nobody in its class, though its enrollees 120 and 121 declared incident C too.
    expect(formed.added).toBe(12);
    classId = formed.class.id;
    const { rows } = await withClient(api.url, (db) => db.query(`SELECT count(*)::int AS n FROM class_member WHERE class_id = $1`, [classId]));
    expect(rows[0].n).toBe(12);
    // Members as formation took them before it drew on the case's parties only: 120 and 121 are
    // in the class (the court's view) with no party's enrolment behind them, as in a class formed
    // then. Nothing of them may reach the association.
    await withClient(api.url, (db) =>
      db.query(
        `INSERT INTO class_member (class_id, claimant_id, case_id, subclass, bases, verified, data_categories, harm_types, has_evidence, evidence_outside_window)
         SELECT $1, unnest($2::uuid[]), $3, 'ORDINARY', '{SELF_DECLARED}', false, '{NAME,PHONE_NUMBER,PURCHASE_HISTORY}', '{}', false, false`,
        [classId, [person.get(120), person.get(121)], caseId],
      ),
    );
  });
  afterAll(() => api.close());

  it('hides the class from the court until the case is filed, then shows it', async () => {
    const before = await api.gql(`query($c: ID!) { class(classId: $c) { id } }`, { c: classId }, judge);
    expect(before.errors![0].extensions!.code).toBe('NOT_FOUND');
    expect(before.data).toBeNull();
    await electCaseParties(caseId);
    await move(association, caseId, 'INVESTIGATION', today);
    await move(association, caseId, 'FILED', today);
    await move(judge, caseId, 'REGISTRATION', today, { days: 30 });
    expect((await ok(api, judge, `query($c: ID!) { class(classId: $c) { id caseId } }`, { c: classId })).class).toEqual({ id: classId, caseId });
  });

  describe('who sees what', () => {
    it("shows an association its own enrollees' membership and nothing of others'", async () => {
      const own = await members(association);
      expect(own.totalCount).toBe(12);
      const ids = own.nodes.map((m: { claimantId: string }) => m.claimantId);
      expect(ids).not.toContain(person.get(120));
      expect(ids).not.toContain(person.get(121));
      expect(own.nodes.every((m: { state: string }) => m.state === 'PROPOSED')).toBe(true);
      const anomalies = await ok(api, association, `query($c: ID!) { classAnomalies(classId: $c, kind: SELF_DECLARED_ONLY) { totalCount } }`, { c: classId });
      expect(anomalies.classAnomalies.totalCount).toBe(12);
      const single = await api.gql(`mutation($i: MemberReasonInput!) { optOutClassMember(input: $i) { kind } }`, {
        i: { classId, claimantId: person.get(120), reason: 'Asked to withdraw' },
      }, association);
      expect(single.errors![0].extensions!.code).toBe('NOT_FOUND');
    });

    it('gives the association the composition of its own 12 enrollees, not of the 14 members the court sees', async () => {
      // Counts of the whole class would move when another organisation enrolled a person the
      // association enrols too, telling it of that enrolment.
      const c = (await ok(api, association, `query($c: ID!) { classComposition(classId: $c) { ${COMPOSITION_FIELDS} } }`, { c: classId })).classComposition;
      expect(c).toMatchObject({ totalMembers: 12, currentMembers: 12, verifiedMembers: 0, verifiedShare: 0 });
      expect(JSON.stringify(c)).not.toContain(person.get(120)!);
    });

    it('shows the judge of the court every member, masked', async () => {
      const all = await members(judge);
      expect(all.totalCount).toBe(14);
      expect(all.nodes.every((m: any) => m.claimant.idNumberMasked.includes('*'))).toBe(true);
    });

    it('answers NOT_FOUND to an association that is not a party and to a judge of another court, with no data', async () => {
      for (const token of [designated, otherJudge]) {
        for (const query of [
          `query($c: ID!) { class(classId: $c) { id } }`,
          `query($c: ID!) { classMembers(classId: $c) { totalCount } }`,
          `query($c: ID!) { classComposition(classId: $c) { totalMembers } }`,
          `query($c: ID!) { classAnomalies(classId: $c, kind: NO_EVIDENCE) { totalCount } }`,
          `query($c: ID!) { classDecisions(classId: $c) { totalCount } }`,
        ]) {
          const res = await api.gql(query, { c: classId }, token);
          expect(res.errors![0].extensions!.code).toBe('NOT_FOUND');
          expect(res.data).toBeNull();
        }
      }
      const review = await api.gql(`mutation($i: ReviewMembersInput!) { reviewClassMembers(input: $i) { touched } }`, {
        i: { classId, filter: {}, action: 'EXCLUDE', reason: 'not my court' },
      }, otherJudge);
      expect(review.errors![0].extensions!.code).toBe('NOT_FOUND');
    });

    it('refuses roles an operation does not allow before running it', async () => {
      const res = await api.gql(`mutation($i: MemberReasonInput!) { optOutClassMember(input: $i) { kind } }`, {
        i: { classId, claimantId: person.get(100), reason: 'Asked to withdraw' },
      }, judge);
      expect(res.errors![0].extensions!.code).toBe('FORBIDDEN');
    });
  });

  describe('registration', () => {
    it('registers a member within the registration period', async () => {
      const res = await register(association, person.get(100)!);
      expect(res.errors).toBeUndefined();
      expect(res.data!.registerClassMember).toEqual({ kind: 'REGISTER', touched: 1, claimantId: person.get(100) });
      const m = (await members(association)).nodes.find((x: { claimantId: string }) => x.claimantId === person.get(100));
      expect(m.state).toBe('REGISTERED');
    });

    it('refuses to register a member twice', async () => {
      const res = await register(association, person.get(100)!);
      expect(res.errors![0].extensions).toMatchObject({ code: 'CONFLICT', from: 'REGISTERED', to: 'REGISTERED' });
    });

    it('refuses a registration after the period closed, naming the date', async () => {
      const lateCase = await openRepresentativeAction('Late registrations', [incidentC]);
      const late = await formClass(lateCase, [incidentC]);
      await electCaseParties(lateCase);
      await move(association, lateCase, 'INVESTIGATION', '2025-01-20');
      await move(association, lateCase, 'FILED', '2025-02-10');
      await move(judge, lateCase, 'REGISTRATION', '2025-02-14', { days: 30 });
      const res = await register(association, person.get(101)!, late.class.id);
      expect(res.errors![0].extensions).toMatchObject({ code: 'CONFLICT', rule: 'REGISTRATION_PERIOD', due: '2025-03-17', today });
      expect(res.errors![0].message).toContain('2025-03-17');
      expect(res.data).toBeNull();
    });

    it('refuses registration where the court opened no registration period', async () => {
      const noPeriod = await openRepresentativeAction('Known number of claimants', [incidentC]);
      const formed = await formClass(noPeriod, [incidentC]);
      const res = await register(association, person.get(101)!, formed.class.id);
      expect(res.errors![0].extensions).toMatchObject({ code: 'CONFLICT', rule: 'REGISTRATION_PERIOD' });
      expect(res.errors![0].message).toMatch(/no registration period/);
    });
  });

  describe('representatives', () => {
    it('refuses one representative and six, by the case rule of 2 to 5', async () => {
      for (const ids of [[100], [100, 101, 102, 103, 104, 105]]) {
        const res = await elect(ids.map((n) => person.get(n)!));
        expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'REPRESENTATIVE_COUNT' });
        expect(res.errors![0].message).toContain('2 to 5');
      }
    });

    it('refuses a representative who is not a current member', async () => {
      const res = await elect([person.get(100)!, STRANGER]);
      expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'claimantIds' });
    });

    it("refuses another organisation's enrollee exactly as a stranger, returning nothing of them", async () => {
      // The premise: the association cannot see person 120 (enrolled by the designated organisation).
      const hiddenClaimant = await api.gql(`query($id: ID!) { claimant(id: $id) { id } }`, { id: person.get(120) }, association);
      expect(hiddenClaimant.errors![0].extensions!.code).toBe('NOT_FOUND');
      const member = await elect([person.get(100)!, person.get(120)!]);
      const stranger = await elect([person.get(100)!, STRANGER]);
      expect(member.data).toBeNull();
      expect(member.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'claimantIds', notMembers: [person.get(120)] });
      sameRefusal(member, stranger, person.get(120)!, STRANGER);
      expect(JSON.stringify(member)).not.toMatch(/\*|ORDINARY|SELF_DECLARED|PROPOSED/);
      expect(await representatives(judge)).toEqual({ hiddenRepresentatives: 0, representatives: [] });
    });

    it('elects 2 to 5 members and warns of an atypical claim (a subclass under 10 % of the members)', async () => {
      const res = await elect([person.get(100)!, person.get(101)!, person.get(111)!]);
      expect(res.errors).toBeUndefined();
      const { representatives, caseRepresentativeParties } = res.data!.electClassRepresentatives;
      expect(caseRepresentativeParties).toBe(2);
      expect(representatives.map((r: any) => [r.position, r.member.claimantId])).toEqual([
        [1, person.get(100)],
        [2, person.get(101)],
        [3, person.get(111)],
      ]);
      const kinds = representatives.map((r: any) => r.warnings.map((w: { kind: string }) => w.kind));
      // The registration tests formed two more classes over incident C: every representative is also in those.
      expect(kinds).toEqual([
        ['NOT_ADMITTED', 'IN_ANOTHER_CLASS'],
        ['NOT_ADMITTED', 'IN_ANOTHER_CLASS'],
        ['ATYPICAL_SUBCLASS', 'NOT_ADMITTED', 'IN_ANOTHER_CLASS'],
      ]);
      expect(representatives[2].member.subclass).toBe('SENSITIVE_DATA');
      // The association's own view: 1 of its 12 enrollees (111) is in SENSITIVE_DATA.
      expect(representatives[2].warnings[0].message).toContain('1 of 12');
    });
  });

  describe("members another organisation enrolled: never shown to the association, refused as strangers", () => {
    it('shows the association only the representatives it enrolled and a count of the others; the judge all', async () => {
      // Elected before the rule (or by another plaintiff-side organisation): person 120 among the representatives.
      await withClient(api.url, (db) => db.query(`INSERT INTO class_representative (class_id, claimant_id, position) VALUES ($1, $2, 4)`, [classId, person.get(120)]));
      try {
        const own = await representatives(association);
        expect(own.hiddenRepresentatives).toBe(1);
        expect(own.representatives.map((r: any) => r.member.claimantId)).toEqual([person.get(100), person.get(101), person.get(111)]);
        expect(JSON.stringify(own)).not.toContain(person.get(120)!);
        const all = await representatives(judge);
        expect(all.hiddenRepresentatives).toBe(0);
        expect(all.representatives.map((r: any) => r.member.claimantId)).toEqual([person.get(100), person.get(101), person.get(111), person.get(120)]);
      } finally {
        await withClient(api.url, (db) => db.query(`DELETE FROM class_representative WHERE class_id = $1 AND claimant_id = $2`, [classId, person.get(120)]));
      }
    });

    it("answers registration, opt-out and subclass moves on another organisation's enrollee exactly as on a stranger", async () => {
      const calls: [string, (id: string) => Record<string, unknown>][] = [
        [`mutation($i: RegisterMemberInput!) { registerClassMember(input: $i) { kind claimantId } }`, (id) => ({ classId, claimantId: id })],
        [`mutation($i: MemberReasonInput!) { optOutClassMember(input: $i) { kind claimantId } }`, (id) => ({ classId, claimantId: id, reason: 'Asked to withdraw' })],
        [
          `mutation($i: ReassignSubclassInput!) { reassignClassSubclass(input: $i) { kind claimantId } }`,
          (id) => ({ classId, claimantId: id, subclass: 'FINANCIAL_LOSS', reason: 'Receipts filed on paper' }),
        ],
      ];
      for (const [mutation, input] of calls) {
        const member = await api.gql(mutation, { i: input(person.get(120)!) }, association);
        const stranger = await api.gql(mutation, { i: input(STRANGER) }, association);
        expect(member.errors![0].extensions!.code).toBe('NOT_FOUND');
        expect(member.data).toBeNull();
        sameRefusal(member, stranger, person.get(120)!, STRANGER);
      }
    });

    it("keeps the court's decisions on another organisation's enrollee from the association altogether", async () => {
      await ok(api, judge, `mutation($i: ReassignSubclassInput!) { reassignClassSubclass(input: $i) { kind } }`, {
        i: { classId, claimantId: person.get(120), subclass: 'ORDINARY', reason: 'Receipts of the claimant reviewed at the hearing' },
      });
      const query = `query($c: ID!) { classDecisions(classId: $c, first: 50) { totalCount nodes { kind claimantId reason touched } } }`;
      const judgeView = (await ok(api, judge, query, { c: classId })).classDecisions;
      const associationView = (await ok(api, association, query, { c: classId })).classDecisions;
      // Even without the member, the decision would tell it of a member it does not see.
      expect(associationView.totalCount).toBe(judgeView.totalCount - 1);
      expect(judgeView.nodes).toContainEqual({ kind: 'REASSIGN_SUBCLASS', claimantId: person.get(120), reason: 'Receipts of the claimant reviewed at the hearing', touched: 1 });
      expect(associationView.nodes.filter((n: { kind: string }) => n.kind === 'REASSIGN_SUBCLASS')).toEqual([]);
      // Its own decisions keep their member.
      expect(associationView.nodes).toContainEqual({ kind: 'REGISTER', claimantId: person.get(100), reason: null, touched: 1 });
      expect(JSON.stringify(associationView)).not.toContain(person.get(120)!);
      expect(JSON.stringify(associationView)).not.toContain('hearing');
    });
  });

  describe('certification', () => {
    it('refuses to certify while members await a decision', async () => {
      const res = await api.gql(`mutation($i: ClassDecisionInput!) { certifyClass(input: $i) { status } }`, { i: { classId } }, judge);
      expect(res.errors![0].extensions).toMatchObject({ code: 'CONFLICT', undecided: 14 });
    });

    it('certifies once the court admitted the registered and proposed members', async () => {
      const optOut = await ok(api, association, `mutation($i: MemberReasonInput!) { optOutClassMember(input: $i) { kind touched } }`, {
        i: { classId, claimantId: person.get(102), reason: 'The claimant withdrew in writing' },
      });
      expect(optOut.optOutClassMember).toEqual({ kind: 'OPT_OUT', touched: 1 });
      const admitted = await ok(api, judge, `mutation($i: ReviewMembersInput!) { reviewClassMembers(input: $i) { touched } }`, {
        i: { classId, filter: { states: ['PROPOSED', 'REGISTERED'] }, action: 'ADMIT', reason: 'Registered or enrolled within the period' },
      });
      expect(admitted.reviewClassMembers.touched).toBe(13);
      const certified = await ok(api, judge, `mutation($i: ClassDecisionInput!) { certifyClass(input: $i) { status } }`, { i: { classId } });
      expect(certified.certifyClass.status).toBe('CERTIFIED');
      const own = await members(association);
      const states = Object.fromEntries(own.nodes.map((m: any) => [m.claimantId, m.state]));
      expect(states[person.get(102)!]).toBe('OPTED_OUT');
      expect(states[person.get(100)!]).toBe('ADMITTED');
    });
  });

  describe("an organisation's own enrollees' memberships, in the cases it may see", () => {
    it('shows a party its enrollee\'s membership with the exclusion reason, and a non-party (the designated organisation) none, though it enrolled members', async () => {
      await ok(api, judge, `mutation($i: ClassDecisionInput!) { reopenClass(input: $i) { status } }`, { i: { classId, reason: 'A late exclusion' } });
      for (const n of [110, 121]) {
        await ok(api, judge, `mutation($i: ReviewMemberInput!) { reviewClassMember(input: $i) { kind } }`, {
          i: { classId, claimantId: person.get(n), action: 'EXCLUDE', reason: 'Enrolled twice under two numbers' },
        });
      }
      const inClass = (c: { classMemberships: { nodes: { classId: string }[] } }) => c.classMemberships.nodes.filter((m) => m.classId === classId);
      const party = await ok(api, association, `query($id: ID!) { claimant(id: $id) { ${memberships} } }`, { id: person.get(110) });
      expect(inClass(party.claimant)).toEqual([{ classId, state: 'EXCLUDED', subclass: 'ORDINARY', exclusionReason: 'Enrolled twice under two numbers' }]);
      // The representative action is not the designated organisation's: the class, its court's
      // decisions on the people it enrolled, and the other classes over incident C in that case are
      // that case's parties' history of the person.
      const data = await ok(api, designated, `query($a: ID!, $b: ID!) { a: claimant(id: $a) { ${memberships} } b: claimant(id: $b) { ${memberships} } }`, {
        a: person.get(120),
        b: person.get(121),
      });
      expect({ a: data.a.classMemberships.nodes, b: data.b.classMemberships.nodes }).toEqual({ a: [], b: [] });
      const res = await api.gql(`query($c: ID!) { classMembers(classId: $c) { totalCount } }`, { c: classId }, designated);
      expect(res.errors![0].extensions!.code).toBe('NOT_FOUND');
    });

    it("never shows an organisation the memberships of claimants it did not enrol", async () => {
      const own = await ok(api, association, `query($id: ID!) { claimant(id: $id) { ${memberships} } }`, { id: person.get(102) });
      expect(own.claimant.classMemberships.nodes.filter((m: { classId: string }) => m.classId === classId)).toEqual([
        { classId, state: 'OPTED_OUT', subclass: 'ORDINARY', exclusionReason: null },
      ]);
      const page = await ok(api, designated, `{ claimants(first: 50) { nodes { id ${memberships} } } }`);
      expect(page.claimants.nodes.map((c: { id: string }) => c.id).sort()).toEqual([person.get(120), person.get(121)].sort());
      const other = await api.gql(`query($id: ID!) { claimant(id: $id) { ${memberships} } }`, { id: person.get(100) }, designated);
      expect(other.errors![0].extensions!.code).toBe('NOT_FOUND');
      expect(other.data).toBeNull();
    });

    it('loads the memberships of a page of claimants in as many SQL statements as of one claimant', async () => {
      const statements = (n: number) =>
        countSqlStatements(async () => {
          const data = await ok(api, association, `query($n: Int) { claimants(first: $n) { nodes { ${memberships} } } }`, { n });
          expect(data.claimants.nodes).toHaveLength(n);
          expect(data.claimants.nodes.every((c: { classMemberships: { nodes: unknown[] } }) => c.classMemberships.nodes.length > 0)).toBe(true);
        });
      const one = await statements(1);
      expect(await statements(10)).toBe(one);
    });
  });
});
