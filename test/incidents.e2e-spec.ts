import { startTestApi, type TestApi } from './support/api';

describe('leak incidents', () => {
  let api: TestApi;
  let procurator: string;
  let association: string;
  let judge: string;

  const REGISTER = `mutation($i: RegisterLeakIncidentInput!) { registerLeakIncident(input: $i) {
    id handler { name unifiedSocialCreditCode role } dataCategories { category sensitive } involvesSensitiveData
    exposureStart exposureEnd discoveredOn discoveryChannel estimatedRecords estimatedPeople } }`;

  const incident = (overrides: Record<string, unknown> = {}) => ({
    handler: { name: '某某快递有限公司', unifiedSocialCreditCode: '91310000MA1FL4XQ3A', role: 'OTHER_HANDLER' },
    dataCategories: ['NAME', 'PHONE_NUMBER', 'ADDRESS'],
    exposureStart: '2024-03-01',
    exposureEnd: '2024-08-31',
    discoveredOn: '2024-10-10',
    discoveryChannel: 'POLICE_SEIZURE',
    estimatedRecords: 5_000_000_000,
    estimatedPeople: 30_000_000,
    ...overrides,
  });

  async function register(token: string, overrides: Record<string, unknown> = {}) {
    const res = await api.gql(REGISTER, { i: incident(overrides) }, token);
    expect(res.errors).toBeUndefined();
    return res.data!.registerLeakIncident;
  }

  beforeAll(async () => {
    api = await startTestApi();
    [procurator, association, judge] = await Promise.all(['procurator', 'association', 'judge'].map((n) => api.login(`${n}@demo.local`)));
  });
  afterAll(() => api.close());

  it('registers an incident with its handler, exposure window and counts, flagging sensitive categories (PIPL art. 28)', async () => {
    const created = await register(procurator, { dataCategories: ['NAME', 'ID_NUMBER', 'FINANCIAL_ACCOUNT'] });
    expect(created).toMatchObject({
      handler: { name: '某某快递有限公司', unifiedSocialCreditCode: '91310000MA1FL4XQ3A', role: 'OTHER_HANDLER' },
      dataCategories: [
        { category: 'NAME', sensitive: false },
        { category: 'ID_NUMBER', sensitive: true },
        { category: 'FINANCIAL_ACCOUNT', sensitive: true },
      ],
      involvesSensitiveData: true,
      exposureStart: '2024-03-01',
      exposureEnd: '2024-08-31',
      estimatedRecords: 5_000_000_000,
    });
  });

  it('refuses an exposure window that ends before it starts, naming the field', async () => {
    const res = await api.gql(REGISTER, { i: incident({ exposureEnd: '2024-02-01' }) }, procurator);
    expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'exposureEnd' });
  });

  it('refuses a credit code whose check character is wrong (GB 32100-2015), naming the field', async () => {
    const res = await api.gql(REGISTER, { i: incident({ handler: { name: 'x', unifiedSocialCreditCode: '91310000MA1FL4XQ3K', role: 'OTHER_HANDLER' } }) }, procurator);
    expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'handler.unifiedSocialCreditCode' });
    expect(res.errors![0].message).toMatch(/check character/);
  });

  it('refuses a discovery date in the future, by the clock the cases use (Asia/Shanghai)', async () => {
    const tomorrow = new Date(Date.now() + 86_400_000);
    const date = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(tomorrow);
    const res = await api.gql(REGISTER, { i: incident({ discoveredOn: date }) }, procurator);
    expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'discoveredOn' });
    expect(res.errors![0].message).toContain(`${date} is in the future`);
  });

  it('names the field of an id that is not a UUID', async () => {
    const res = await api.gql(`{ leakIncident(id: "x") { id } }`, {}, procurator);
    expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });

  it('refuses a malformed credit code and an impossible date', async () => {
    const code = await api.gql(REGISTER, { i: incident({ handler: { name: 'x', unifiedSocialCreditCode: 'ABC', role: 'OTHER_HANDLER' } }) }, procurator);
    expect(code.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'handler.unifiedSocialCreditCode' });
    const date = await api.gql(REGISTER, { i: incident({ discoveredOn: '2025-02-29' }) }, procurator);
    expect(date.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'discoveredOn' });
  });

  describe('search and filters', () => {
    const LIST = `query($f: LeakIncidentFilter, $after: String) { leakIncidents(first: 2, filter: $f, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } nodes { id handler { name } } } }`;
    const count = async (token: string, filter: Record<string, unknown>) =>
      (await api.gql(LIST, { f: filter }, token)).data!.leakIncidents.totalCount;

    beforeAll(async () => {
      await register(association, { handler: { name: 'Shop Alpha Ltd', role: 'CONTENT_SERVICE_PROVIDER' }, dataCategories: ['NAME', 'PURCHASE_HISTORY'], discoveryChannel: 'BREACH_NOTICE', discoveredOn: '2025-01-15' });
      await register(association, { handler: { name: 'Shop Beta Ltd', role: 'CONTENT_SERVICE_PROVIDER' }, dataCategories: ['LOCATION_WHEREABOUTS'], discoveryChannel: 'MEDIA_REPORT', discoveredOn: '2025-03-01' });
      await register(association, { handler: { name: 'Gamma Cloud', unifiedSocialCreditCode: '91440300MA5G9BKX8H', role: 'NETWORK_SERVICE_PROVIDER' }, dataCategories: ['MEDICAL_HEALTH', 'MINOR_UNDER_14'], discoveryChannel: 'REGULATOR_FINDING', discoveredOn: '2025-06-30' });
    });

    it("lists only the caller's organisation's incidents, newest first, page by page", async () => {
      const first = await api.gql(LIST, {}, association);
      expect(first.data!.leakIncidents.totalCount).toBe(3);
      expect(first.data!.leakIncidents.nodes.map((n: { handler: { name: string } }) => n.handler.name)).toEqual(['Gamma Cloud', 'Shop Beta Ltd']);
      const second = await api.gql(LIST, { after: first.data!.leakIncidents.pageInfo.endCursor }, association);
      expect(second.data!.leakIncidents.nodes.map((n: { handler: { name: string } }) => n.handler.name)).toEqual(['Shop Alpha Ltd']);
      expect(second.data!.leakIncidents.pageInfo.hasNextPage).toBe(false);
    });

    it('filters by handler name or credit code, role, category, sensitivity, channel and discovery date', async () => {
      expect(await count(association, { search: 'shop' })).toBe(2);
      expect(await count(association, { search: '91440300MA5G9BKX8H' })).toBe(1);
      expect(await count(association, { search: '%' })).toBe(0);
      expect(await count(association, { handlerRole: 'CONTENT_SERVICE_PROVIDER' })).toBe(2);
      expect(await count(association, { dataCategory: 'MINOR_UNDER_14' })).toBe(1);
      expect(await count(association, { sensitiveOnly: true })).toBe(2);
      expect(await count(association, { discoveryChannel: 'BREACH_NOTICE' })).toBe(1);
      expect(await count(association, { discoveredFrom: '2025-02-01', discoveredTo: '2025-06-30' })).toBe(2);
    });

    it("answers NOT_FOUND for another organisation's incident", async () => {
      const mine = await register(procurator);
      const res = await api.gql(`query($id: ID!) { leakIncident(id: $id) { id handler { name } } }`, { id: mine.id }, association);
      expect(res.errors![0].extensions!.code).toBe('NOT_FOUND');
      expect(res.data).toBeNull();
    });

    it('shows a judge an incident only once a case linking it is filed at their court', async () => {
      const linked = await register(association, { handler: { name: 'Filed Shop Ltd', unifiedSocialCreditCode: '91310000MA1FL4XQ3A', role: 'OTHER_HANDLER' } });
      const GET = `query($id: ID!) { leakIncident(id: $id) { id handler { name } } }`;
      expect((await api.gql(LIST, {}, judge)).data!.leakIncidents.totalCount).toBe(0);
      const orgs = await api.gql(`{ me { organisation { id } } }`, {}, judge);
      const opened = await api.gql(`mutation($i: OpenCaseInput!) { openCase(input: $i) { id } }`, {
        i: { type: 'CIVIL_PUBLIC_INTEREST', title: 'Filed', courtId: orgs.data!.me.organisation.id, incidentIds: [linked.id],
          defendants: [{ name: 'Filed Shop Ltd', role: 'OTHER_HANDLER', liabilityBasis: 'PRESUMED_FAULT' }] },
      }, association);
      expect(opened.errors).toBeUndefined();
      const caseId = opened.data!.openCase.id;
      // Opened but not filed: the court has not received it yet.
      expect((await api.gql(GET, { id: linked.id }, judge)).errors![0].extensions!.code).toBe('NOT_FOUND');
      for (const [to, on] of [['INVESTIGATION', '2025-06-03'], ['FILED', '2025-06-20']]) {
        const moved = await api.gql(`mutation($i: TransitionCaseInput!) { transitionCase(input: $i) { id } }`, { i: { caseId, to, on } }, association);
        expect(moved.errors).toBeUndefined();
      }
      expect((await api.gql(GET, { id: linked.id }, judge)).data!.leakIncident.handler.name).toBe('Filed Shop Ltd');
      const listed = await api.gql(LIST, {}, judge);
      expect(listed.data!.leakIncidents.nodes.map((n: { id: string }) => n.id)).toEqual([linked.id]);
    });

    it('refuses roles without incidents (an administrator)', async () => {
      const res = await api.gql(LIST, {}, await api.login('admin@demo.local'));
      expect(res.errors![0].extensions!.code).toBe('FORBIDDEN');
    });

    it('audits each registration without the handler name or any personal data', async () => {
      const admin = await api.login('admin@demo.local');
      const res = await api.gql(`{ auditEvents(first: 50, filter: { action: "leak-incident.register" }) { totalCount nodes { details } } }`, {}, admin);
      expect(res.data!.auditEvents.totalCount).toBe(6);
      expect(JSON.stringify(res.data)).not.toMatch(/Shop|快递|Gamma/);
    });
  });
});
