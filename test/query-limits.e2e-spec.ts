import request from 'supertest';
import { startTestApi, type TestApi } from './support/api';

describe('query depth, alias and cost limits', () => {
  let api: TestApi;
  let admin: string;
  beforeAll(async () => {
    api = await startTestApi();
    admin = await api.login('admin@demo.local');
  });
  afterAll(() => api.close());

  const loginCount = async () =>
    (await api.gql(`{ auditEvents(first: 1, filter: { action: "auth.login" }) { totalCount } }`, {}, admin)).data!.auditEvents
      .totalCount;

  it('refuses a query nested 20 levels deep before executing it', async () => {
    let selection = 'id';
    for (let depth = 0; depth < 19; depth += 1) selection = `organisation { ${selection} }`;
    const res = await api.gql(`{ me { ${selection} } }`, {}, admin);
    expect(res.data).toBeUndefined();
    expect(res.errors!.map((e) => e.message).join('\n')).toMatch(/depth limit/i);
  });

  it('refuses a huge alias fan-out without running any of it', async () => {
    const before = await loginCount();
    const aliases = Array.from({ length: 100 }, (_, i) => `a${i}: login(email: "admin@demo.local", password: "leakcase-demo") { token }`);
    const res = await api.gql(`mutation { ${aliases.join('\n')} }`);
    expect(res.data).toBeUndefined();
    expect(res.errors![0].message).toMatch(/aliases limit/i);
    expect(res.errors![0].extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(await loginCount()).toBe(before);
  });

  it('refuses batched requests, which would multiply any per-request limit', async () => {
    const res = await request(api.app.getHttpServer())
      .post('/graphql')
      .set('content-type', 'application/json')
      .send([{ query: '{ __typename }' }, { query: '{ __typename }' }]);
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/batch/i);
  });
});
