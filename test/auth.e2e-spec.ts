import { startTestApi, type TestApi } from './support/api';

describe('authentication and authorisation', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  const LOGIN = `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token user { email role organisation { kind } } } }`;

  it('logs a demo user in and returns a token that identifies them', async () => {
    const res = await api.gql(LOGIN, { e: 'procurator@demo.local', p: 'leakcase-demo' });
    expect(res.errors).toBeUndefined();
    expect(res.data!.login.user).toEqual({ email: 'procurator@demo.local', role: 'PROCURATOR', organisation: { kind: 'PROCURATORATE' } });

    const me = await api.gql(`{ me { email role organisation { kind } } }`, {}, res.data!.login.token);
    expect(me.data!.me).toEqual({ email: 'procurator@demo.local', role: 'PROCURATOR', organisation: { kind: 'PROCURATORATE' } });
  });

  it('refuses a wrong password and an unknown email with the same UNAUTHENTICATED message', async () => {
    const wrong = await api.gql(LOGIN, { e: 'procurator@demo.local', p: 'not-the-password' });
    const unknown = await api.gql(LOGIN, { e: 'nobody@demo.local', p: 'not-the-password' });
    expect(wrong.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    expect(unknown.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    expect(unknown.errors![0].message).toBe(wrong.errors![0].message);
    expect(wrong.data).toBeNull();
  });

  it('refuses an operation without a token as UNAUTHENTICATED', async () => {
    const res = await api.gql(`{ me { email } }`);
    expect(res.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a forged or expired token as UNAUTHENTICATED', async () => {
    const res = await api.gql(`{ me { email } }`, {}, 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl');
    expect(res.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
  });

  it('refuses an operation the role may not call as FORBIDDEN', async () => {
    const token = await api.login('association@demo.local');
    const res = await api.gql(`{ auditEvents(first: 5) { totalCount } }`, {}, token);
    expect(res.errors![0].extensions!.code).toBe('FORBIDDEN');
    expect(res.data).toBeNull();
  });

  it('refuses invalid input as BAD_USER_INPUT naming the field, and writes nothing', async () => {
    const admin = await api.login('admin@demo.local');
    const orgs = await api.gql(`{ organisations(first: 1, kind: COURT) { nodes { id } } }`, {}, admin);
    const organisationId = orgs.data!.organisations.nodes[0].id;
    const res = await api.gql(
      `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`,
      { i: { email: 'not-an-email', displayName: 'Judge Two', password: 'long-enough-password', role: 'JUDGE', organisationId } },
      admin,
    );
    expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
    const count = await api.gql(`{ auditEvents(first: 1, filter: { action: "user.create" }) { totalCount } }`, {}, admin);
    expect(count.data!.auditEvents.totalCount).toBe(5); // the five demo users only
  });

  it('refuses a role that does not fit the organisation kind, naming the field', async () => {
    const admin = await api.login('admin@demo.local');
    const orgs = await api.gql(`{ organisations(first: 1, kind: COURT) { nodes { id } } }`, {}, admin);
    const res = await api.gql(
      `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`,
      { i: { email: 'judge2@demo.local', displayName: 'x', password: 'long-enough-password', role: 'PROCURATOR', organisationId: orgs.data!.organisations.nodes[0].id } },
      admin,
    );
    expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'role' });
  });

  it('never answers with a stack trace', async () => {
    const res = await api.gql(`{ job(id: "00000000-0000-0000-0000-000000000000") { id } }`, {}, await api.login('admin@demo.local'));
    expect(res.errors![0].extensions!.code).toBe('NOT_FOUND');
    expect(JSON.stringify(res.errors)).not.toMatch(/stacktrace|at .*\.ts:\d+/);
  });
});
