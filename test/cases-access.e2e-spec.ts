import { startTestApi, type TestApi } from './support/api';
import { countSqlStatements } from './support/sql-statements';

/** Today in Asia/Shanghai, as the API's clock sees it. */
const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

/**
 * Who sees which case, lists with their filters and pagination, the cost of a list in SQL
 * statements, upcoming and overdue deadlines, and the ADMIN-maintained holiday calendar.
 */
describe('cases: visibility, lists, deadlines and the holiday calendar', () => {
  let api: TestApi;
  let tokens: Record<'procurator' | 'association' | 'designated' | 'judge' | 'admin' | 'otherJudge' | 'otherAssociation', string>;
  let ids: { court: string; otherCourt: string };
  let filedCaseId: string;

  const gql = (token: string, query: string, variables: Record<string, unknown> = {}) => api.gql(query, variables, token);

  async function ok(token: string, query: string, variables: Record<string, unknown> = {}) {
    const res = await gql(token, query, variables);
    expect(res.errors).toBeUndefined();
    return res.data!;
  }

  const openCase = async (token: string, input: Record<string, unknown>): Promise<string> =>
    (await ok(token, `mutation($i: OpenCaseInput!) { openCase(input: $i) { id } }`, { i: input })).openCase.id;

  const move = (token: string, caseId: string, to: string, on: string, extra: Record<string, unknown> = {}) =>
    ok(token, `mutation($i: TransitionCaseInput!) { transitionCase(input: $i) { id stage } }`, { i: { caseId, to, on, ...extra } });

  const defendant = { name: '某某电商平台有限公司', role: 'CONTENT_SERVICE_PROVIDER', liabilityBasis: 'PRESUMED_FAULT' };

  async function createUser(admin: string, email: string, role: string, organisation: { name: string; kind: string; level: string }) {
    const org = await ok(admin, `mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { id } }`, { i: organisation });
    await ok(admin, `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, {
      i: { email, displayName: email, password: 'long-enough-password', role, organisationId: org.createOrganisation.id },
    });
    return { organisationId: org.createOrganisation.id as string, token: await api.login(email, 'long-enough-password') };
  }

  beforeAll(async () => {
    api = await startTestApi();
    const [procurator, association, designated, judge, admin] = await Promise.all(
      ['procurator', 'association', 'designated', 'judge', 'admin'].map((name) => api.login(`${name}@demo.local`)),
    );
    const otherCourt = await createUser(admin, 'judge2@demo.local', 'JUDGE', { name: '另一中级人民法院', kind: 'COURT', level: 'PREFECTURAL' });
    const otherAssociation = await createUser(admin, 'staff2@demo.local', 'ASSOCIATION_STAFF', {
      name: '另一省消费者权益保护委员会',
      kind: 'CONSUMER_ASSOCIATION',
      level: 'PROVINCIAL',
    });
    tokens = { procurator, association, designated, judge, admin, otherJudge: otherCourt.token, otherAssociation: otherAssociation.token };
    const courts = await ok(judge, `{ me { organisation { id } } }`);
    ids = { court: courts.me.organisation.id, otherCourt: otherCourt.organisationId };

    // An association's civil public-interest case, filed directly (no announcement for an association).
    filedCaseId = await openCase(association, { type: 'CIVIL_PUBLIC_INTEREST', title: 'Filed by the council', courtId: ids.court, defendants: [defendant] });
    await move(association, filedCaseId, 'INVESTIGATION', '2025-06-03');
    await move(association, filedCaseId, 'FILED', '2025-06-20');
  });
  afterAll(() => api.close());

  describe('visibility', () => {
    const CASE = `query($id: ID!) { case(id: $id) { id title parties { name } } }`;

    it('shows a filed case to the judges of its court', async () => {
      const data = await ok(tokens.judge, CASE, { id: filedCaseId });
      expect(data.case.title).toBe('Filed by the council');
    });

    it('answers NOT_FOUND to a judge of another court, with none of the case data', async () => {
      const res = await gql(tokens.otherJudge, CASE, { id: filedCaseId });
      expect(res.errors![0].extensions!.code).toBe('NOT_FOUND');
      expect(res.data).toBeNull();
      expect(JSON.stringify(res)).not.toContain('Filed by the council');
      const list = await ok(tokens.otherJudge, `{ cases { totalCount } }`);
      expect(list.cases.totalCount).toBe(0);
      const trail = await gql(tokens.otherJudge, `query($c: String!) { auditEvents(first: 5, filter: { caseId: $c }) { totalCount } }`, { c: filedCaseId });
      expect(trail.errors![0].extensions!.code).toBe('NOT_FOUND');
    });

    it('answers NOT_FOUND to staff of another association, for reads and for changes', async () => {
      const read = await gql(tokens.otherAssociation, CASE, { id: filedCaseId });
      expect(read.errors![0].extensions!.code).toBe('NOT_FOUND');
      const change = await gql(tokens.otherAssociation, `mutation($i: AddDefendantInput!) { addDefendant(input: $i) { id } }`, {
        i: { caseId: filedCaseId, defendant },
      });
      expect(change.errors![0].extensions!.code).toBe('NOT_FOUND');
      const moveIt = await gql(tokens.otherAssociation, `mutation($i: TransitionCaseInput!) { transitionCase(input: $i) { id } }`, {
        i: { caseId: filedCaseId, to: 'CLOSED', on: '2025-07-01' },
      });
      expect(moveIt.errors![0].extensions!.code).toBe('NOT_FOUND');
    });

    it('names the field of a case id that is not a UUID', async () => {
      const res = await gql(tokens.judge, `{ case(id: "x") { id } }`);
      expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    });

    it('refuses a defendant credit code with a wrong check character (GB 32100-2015)', async () => {
      const res = await gql(tokens.association, `mutation($i: OpenCaseInput!) { openCase(input: $i) { id } }`, {
        i: { type: 'CIVIL_PUBLIC_INTEREST', title: 'x', courtId: ids.court, defendants: [{ ...defendant, unifiedSocialCreditCode: '91110000MA01ABCD2X' }] },
      });
      expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'defendants.0.unifiedSocialCreditCode' });
    });

    it('refuses case operations to an ADMIN as FORBIDDEN', async () => {
      const res = await gql(tokens.admin, `{ cases { totalCount } }`);
      expect(res.errors![0].extensions!.code).toBe('FORBIDDEN');
    });

    it('refuses to change the parties after filing', async () => {
      const res = await gql(tokens.association, `mutation($i: AddDefendantInput!) { addDefendant(input: $i) { id } }`, {
        i: { caseId: filedCaseId, defendant },
      });
      expect(res.errors![0].extensions).toMatchObject({ code: 'CONFLICT', stage: 'FILED' });
    });
  });

  describe('lists', () => {
    const bulk: string[] = [];
    let incidentId: string;

    beforeAll(async () => {
      const incident = await ok(tokens.designated, `mutation($i: RegisterLeakIncidentInput!) { registerLeakIncident(input: $i) { id } }`, {
        i: {
          handler: { name: '某某外卖平台', role: 'NETWORK_SERVICE_PROVIDER' },
          dataCategories: ['NAME', 'ADDRESS', 'PHONE_NUMBER'],
          exposureStart: '2024-01-01',
          discoveredOn: '2024-05-01',
          discoveryChannel: 'MEDIA_REPORT',
        },
      });
      incidentId = incident.registerLeakIncident.id;
      for (let n = 1; n <= 50; n++) {
        bulk.push(
          await openCase(tokens.designated, {
            type: n % 5 === 0 ? 'SUPPORTED' : 'CIVIL_PUBLIC_INTEREST',
            title: `Bulk case ${n}`,
            courtId: n % 2 === 0 ? ids.court : ids.otherCourt,
            ...(n % 5 === 0 ? { supportingOrganisationId: (await ok(tokens.procurator, `{ me { organisation { id } } }`)).me.organisation.id } : {}),
            defendants: [defendant, { ...defendant, name: `Broker ${n}`, role: 'INTERMEDIARY_SERVICE_PROVIDER', liabilityBasis: 'JOINT_TORT' }],
            incidentIds: n <= 10 ? [incidentId] : [],
          }),
        );
      }
      await move(tokens.designated, bulk[0], 'INVESTIGATION', '2025-01-02');
    });

    it('pages through the cases newest first with cursors and a total count', async () => {
      const PAGE = `query($after: String) { cases(first: 20, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id } } }`;
      const seen: string[] = [];
      let after: string | null = null;
      let pages = 0;
      do {
        const data = await ok(tokens.designated, PAGE, { after });
        expect(data.cases.totalCount).toBe(50);
        seen.push(...data.cases.nodes.map((n: { id: string }) => n.id));
        after = data.cases.pageInfo.hasNextPage ? data.cases.pageInfo.endCursor : null;
        pages++;
      } while (after);
      expect(pages).toBe(3);
      expect(seen).toEqual([...bulk].reverse());
    });

    it('filters by type, stage, court and incident', async () => {
      const count = async (filter: Record<string, unknown>) =>
        (await ok(tokens.designated, `query($f: CaseFilter) { cases(filter: $f) { totalCount } }`, { f: filter })).cases.totalCount;
      expect(await count({ type: 'SUPPORTED' })).toBe(10);
      expect(await count({ stage: 'INVESTIGATION' })).toBe(1);
      expect(await count({ stage: 'CLUE', type: 'CIVIL_PUBLIC_INTEREST' })).toBe(39);
      expect(await count({ courtId: ids.otherCourt })).toBe(25);
      expect(await count({ incidentId })).toBe(10);
    });

    it('shows the supporting procuratorate the cases it supports', async () => {
      const data = await ok(tokens.procurator, `{ cases(filter: { type: SUPPORTED }) { totalCount } }`);
      expect(data.cases.totalCount).toBe(10);
    });

    // Ten, not fifty: each nested list counts at its bound (67 parties, 50 incidents of 16 categories
    // each, 77 deadlines, 10 transitions), so a page of 50 of this selection is over the cost limit.
    it('lists 10 cases with their court, parties and incidents in as many SQL statements as 5 cases', async () => {
      const LIST = `query($n: Int!) { cases(first: $n) { totalCount nodes { id title court { name }
        parties { role name organisation { name } } incidents { id handler { name } dataCategories { category sensitive } }
        deadlines { rule due } transitions { to } } } }`;
      const statements = (n: number) =>
        countSqlStatements(async () => {
          const data = await ok(tokens.designated, LIST, { n });
          expect(data.cases.nodes).toHaveLength(n);
          expect(data.cases.nodes.every((c: { parties: unknown[] }) => c.parties.length >= 3)).toBe(true);
        });
      const five = await statements(5);
      const ten = await statements(10);
      expect(ten).toBe(five);
      expect(ten).toBeLessThanOrEqual(10);
    });
  });

  describe('deadlines', () => {
    let announcedCase: string;
    let unansweredCase: string;
    let currentCase: string;

    beforeAll(async () => {
      announcedCase = await openCase(tokens.procurator, { type: 'CIVIL_PUBLIC_INTEREST', title: 'Announced in 2023', courtId: ids.court, defendants: [defendant] });
      await move(tokens.procurator, announcedCase, 'INVESTIGATION', '2023-03-01');
      await move(tokens.procurator, announcedCase, 'ANNOUNCEMENT', '2023-03-30');

      // The agency's two months ran out on 2024-03-11 (2024-03-10 is a Sunday) and the case was not moved on.
      unansweredCase = await openCase(tokens.procurator, { type: 'ADMINISTRATIVE_PUBLIC_INTEREST', title: 'Recommended in 2024', courtId: ids.court });
      await move(tokens.procurator, unansweredCase, 'INVESTIGATION', '2024-01-08');
      await move(tokens.procurator, unansweredCase, 'RECOMMENDATION', '2024-01-10');

      currentCase = await openCase(tokens.procurator, { type: 'ADMINISTRATIVE_PUBLIC_INTEREST', title: 'Recommended today', courtId: ids.court });
      await move(tokens.procurator, currentCase, 'INVESTIGATION', today());
      await move(tokens.procurator, currentCase, 'RECOMMENDATION', today());
    });

    const DEADLINE = `rule nature due nominalDue provisional provisionalReason overdue case { id title }`;

    it("lists the open deadlines of the caller's cases soonest first, flagging the overdue time limits", async () => {
      const data = await ok(tokens.procurator, `{ upcomingDeadlines { totalCount nodes { ${DEADLINE} } } }`);
      expect(data.upcomingDeadlines.totalCount).toBe(3);
      const [first, second, third] = data.upcomingDeadlines.nodes;
      expect(first).toMatchObject({ rule: 'PRE_LITIGATION_ANNOUNCEMENT', nature: 'WAITING_PERIOD', due: '2023-05-02', overdue: false, case: { id: announcedCase } });
      expect(second).toMatchObject({ rule: 'PROCURATORIAL_RECOMMENDATION_RESPONSE', nature: 'TIME_LIMIT', due: '2024-03-11', overdue: true, case: { id: unansweredCase } });
      expect(third).toMatchObject({ rule: 'PROCURATORIAL_RECOMMENDATION_RESPONSE', overdue: false, case: { id: currentCase } });

      const overdueOnly = await ok(tokens.procurator, `{ upcomingDeadlines(overdueOnly: true) { totalCount nodes { case { id } } } }`);
      expect(overdueOnly.upcomingDeadlines.nodes).toEqual([{ case: { id: unansweredCase } }]);
      const others = await ok(tokens.association, `{ upcomingDeadlines { totalCount } }`);
      expect(others.upcomingDeadlines.totalCount).toBe(0);
    });

    it('never flags a pre-litigation announcement that has run out as overdue: it is a waiting period, not a duty', async () => {
      const data = await ok(tokens.procurator, `query($id: ID!) { case(id: $id) { deadlines { rule nature due overdue closedOn } } }`, { id: announcedCase });
      expect(data.case.deadlines).toEqual([
        { rule: 'PRE_LITIGATION_ANNOUNCEMENT', nature: 'WAITING_PERIOD', due: '2023-05-02', overdue: false, closedOn: null },
      ]);
    });

    it('filters cases by overdue deadline, counting time limits only', async () => {
      const overdue = await ok(tokens.procurator, `{ cases(filter: { hasOverdueDeadline: true }) { nodes { id } } }`);
      expect(overdue.cases.nodes).toEqual([{ id: unansweredCase }]);
      const notOverdue = await ok(tokens.procurator, `{ cases(filter: { hasOverdueDeadline: false }) { nodes { id } } }`);
      expect(notOverdue.cases.nodes.map((n: { id: string }) => n.id)).toContain(announcedCase);
    });

    it('says a deadline in a year without a loaded calendar is provisional, and why', async () => {
      const data = await ok(tokens.procurator, `query($id: ID!) { case(id: $id) { deadlines { ${DEADLINE} } } }`, { id: announcedCase });
      // 2023-04-29 is a Saturday, 2023-04-30 a Sunday and Monday 2023-05-01 Labour Day (fixed by date): by these alone the period runs to Tuesday 2023-05-02.
      expect(data.case.deadlines[0]).toMatchObject({ nominalDue: '2023-04-29', due: '2023-05-02', provisional: true });
      expect(data.case.deadlines[0].provisionalReason).toMatch(/arrangement for 2023 is not loaded/);
    });

    it("lets an ADMIN load a year's arrangement, which recomputes the deadlines that depend on it", async () => {
      const input = {
        year: 2023,
        // Test data following the structure of 国办发明电〔2022〕16号 (May Day 2023-04-29 to 2023-05-03).
        notice: '国办发明电〔2022〕16号, 2022-12-08',
        holidays: [
          { first: '2022-12-31', last: '2023-01-02' },
          { first: '2023-04-29', last: '2023-05-03' },
        ],
        workdays: ['2023-04-23', '2023-05-06'],
      };
      const refused = await gql(tokens.procurator, `mutation($i: LoadHolidayCalendarYearInput!) { loadHolidayCalendarYear(input: $i) { year } }`, { i: input });
      expect(refused.errors![0].extensions!.code).toBe('FORBIDDEN');

      const loaded = await ok(tokens.admin, `mutation($i: LoadHolidayCalendarYearInput!) { loadHolidayCalendarYear(input: $i) { year notice holidays workdays } }`, { i: input });
      expect(loaded.loadHolidayCalendarYear).toMatchObject({ year: 2023, holidays: [['2022-12-31', '2023-01-02'], ['2023-04-29', '2023-05-03']] });

      const data = await ok(tokens.procurator, `query($id: ID!) { case(id: $id) { deadlines { ${DEADLINE} countingRule explanation } } }`, {
        id: announcedCase,
      });
      expect(data.case.deadlines[0]).toMatchObject({ nominalDue: '2023-04-29', due: '2023-05-04', provisional: false, provisionalReason: null });
      // The explanation reads the calendar just loaded: the holiday period and its notice.
      expect(data.case.deadlines[0]).toMatchObject({
        countingRule: 'Civil Code arts. 201 and 203; Civil Procedure Law (2023) art. 85',
        explanation:
          '30 days from 2023-03-30 (not counted) end on 2023-04-29. 2023-04-29 falls in the holiday 2023-04-29..2023-05-03 of the 2023 arrangement ' +
          '(国办发明电〔2022〕16号, 2022-12-08): a rest day, so the period ends on the first working day after the rest: 2023-05-04 is a Thursday: a working day.',
      });

      const years = await ok(tokens.judge, `{ holidayCalendarYears { year notice } }`);
      expect(years.holidayCalendarYears.map((y: { year: number }) => y.year)).toEqual([2023, 2024, 2025, 2026]);
      expect(years.holidayCalendarYears[1].notice).toBe('国办发明电〔2023〕7号, 2023-10-25');
    });

    it('refuses calendar data that is not a valid arrangement, naming the entry', async () => {
      const res = await gql(tokens.admin, `mutation($i: LoadHolidayCalendarYearInput!) { loadHolidayCalendarYear(input: $i) { year } }`, {
        i: { year: 2022, notice: 'test', holidays: [{ first: '2022-10-01', last: '2022-10-07' }], workdays: ['2022-10-12'] },
      });
      expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'workdays.0', year: 2022, entry: 'workdays[0] "2022-10-12"' });
    });
  });
});
