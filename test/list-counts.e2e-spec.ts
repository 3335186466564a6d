import { startTestApi, type TestApi } from './support/api';
import { enrol, ok, registerIncident } from './support/classes';
import { countSqlStatements } from './support/sql-statements';

/**
 * Every paginated list counts its rows only when the client selects totalCount: a page without it
 * runs one SQL statement fewer than the same page with it, and the count it gives is the list's
 * whole length whatever the page size. Here the association registers three incidents and enrols
 * two people exposed to all three, so it sees 3 incidents, 2 claimants, 2 exposures to each
 * incident and 3 exposures per claimant; the admin logged in once and the association once.
 */
describe('list counts', () => {
  let api: TestApi;
  let association: string;
  let admin: string;
  let incidentIds: string[];

  /** The fewest statements `query` costs, and its data. */
  const measure = async (token: string, query: string, variables: Record<string, unknown> = {}) => {
    let data: any;
    const statements = await countSqlStatements(async () => {
      data = await ok(api, token, query, variables);
    });
    return { statements, data };
  };

  /** `query` with `$selection` once as `nodes { … }` alone and once with totalCount too. */
  const both = async (token: string, query: (selection: string) => string, nodes: string, variables: Record<string, unknown> = {}) => {
    const without = await measure(token, query(`nodes { ${nodes} }`), variables);
    const counted = await measure(token, query(`totalCount nodes { ${nodes} }`), variables);
    return { without, counted };
  };

  beforeAll(async () => {
    api = await startTestApi();
    admin = await api.login('admin@demo.local');
    association = await api.login('association@demo.local');
    incidentIds = [];
    for (const name of ['Counted handler A', 'Counted handler B', 'Counted handler C']) {
      incidentIds.push(await registerIncident(api, association, { handler: { name, role: 'NETWORK_SERVICE_PROVIDER' } }));
    }
    await enrol(api, association, 1, incidentIds);
    await enrol(api, association, 2, incidentIds);
  });
  afterAll(() => api.close());

  it('leakIncidents: no count statement without totalCount; 3 with it, on a page of 1', async () => {
    const { without, counted } = await both(association, (s) => `{ leakIncidents(first: 1) { ${s} } }`, 'id');
    expect(without.data.leakIncidents.nodes).toHaveLength(1);
    expect(without.data.leakIncidents.totalCount).toBeUndefined();
    expect(counted.statements).toBe(without.statements + 1);
    expect(counted.data.leakIncidents.totalCount).toBe(3);
  });

  it('claimants: no count statement without totalCount; 2 with it, on a page of 1', async () => {
    const { without, counted } = await both(association, (s) => `{ claimants(first: 1) { ${s} } }`, 'id');
    expect(without.data.claimants.nodes).toHaveLength(1);
    expect(counted.statements).toBe(without.statements + 1);
    expect(counted.data.claimants.totalCount).toBe(2);
  });

  it('incidentExposures: no count statement without totalCount; 2 with it, on a page of 1', async () => {
    const query = (s: string) => `query($i: ID!) { incidentExposures(incidentId: $i, first: 1) { ${s} } }`;
    const { without, counted } = await both(association, query, 'claimantId', { i: incidentIds[0] });
    expect(without.data.incidentExposures.nodes).toHaveLength(1);
    expect(counted.statements).toBe(without.statements + 1);
    expect(counted.data.incidentExposures.totalCount).toBe(2);
  });

  it("Claimant.exposures (a page per claimant in one query): one count statement for both claimants' totals, 3 each, none without", async () => {
    const { without, counted } = await both(association, (s) => `{ claimants(first: 2) { nodes { exposures(first: 1) { ${s} } } } }`, 'incidentId');
    expect(without.data.claimants.nodes.map((c: any) => c.exposures.nodes.length)).toEqual([1, 1]);
    expect(counted.statements).toBe(without.statements + 1);
    expect(counted.data.claimants.nodes.map((c: any) => c.exposures.totalCount)).toEqual([3, 3]);
  });

  it('auditEvents: no count statement without totalCount; the 2 logins with it, on a page of 1', async () => {
    const query = (s: string) => `{ auditEvents(first: 1, filter: { action: "auth.login" }) { ${s} } }`;
    const { without, counted } = await both(admin, query, 'action');
    expect(without.data.auditEvents.nodes).toEqual([{ action: 'auth.login' }]);
    expect(counted.statements).toBe(without.statements + 1);
    expect(counted.data.auditEvents.totalCount).toBe(2);
  });

  it('organisations: the count rides in the page statement when asked for (5 demo organisations), no count otherwise', async () => {
    const { without, counted } = await both(admin, (s) => `{ organisations(first: 1) { ${s} } }`, 'name');
    // One statement either way (the admin's actor is cached after the first request).
    expect(without.statements).toBe(1);
    expect(counted.statements).toBe(1);
    expect(counted.data.organisations.totalCount).toBe(5);
  });

  it('counts once for a totalCount selected twice, under two aliases', async () => {
    const once = await measure(association, `{ leakIncidents(first: 1) { totalCount nodes { id } } }`);
    const twice = await measure(association, `{ leakIncidents(first: 1) { a: totalCount b: totalCount nodes { id } } }`);
    expect(twice.statements).toBe(once.statements);
    expect(twice.data.leakIncidents).toMatchObject({ a: 3, b: 3 });
  });
});
