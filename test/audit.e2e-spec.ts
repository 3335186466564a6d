import { startTestApi, type TestApi } from './support/api';
import { withClient } from './support/database';
import { waitForJob } from './support/jobs';

describe('audit log', () => {
  let api: TestApi;
  let admin: string;
  beforeAll(async () => {
    api = await startTestApi();
    admin = await api.login('admin@demo.local');
  });
  afterAll(() => api.close());

  const lastEvent = async (action: string) => {
    const res = await api.gql(
      `query($a: String!) { auditEvents(first: 1, filter: { action: $a }) { totalCount nodes { action actorId organisationId subjectType subjectId requestId seq hash } } }`,
      { a: action },
      admin,
    );
    return res.data!.auditEvents;
  };

  it('writes one audit row for every mutation, with actor, subject and request id', async () => {
    const me = (await api.gql(`{ me { id organisation { id } } }`, {}, admin)).data!.me;

    const org = await api.gql(`mutation { createOrganisation(input: { name: "Test Court", kind: COURT, level: COUNTY }) { id } }`, {}, admin);
    const orgId = org.data!.createOrganisation.id;
    expect((await lastEvent('organisation.create')).nodes[0]).toMatchObject({
      actorId: me.id, organisationId: me.organisation.id, subjectType: 'Organisation', subjectId: orgId,
    });

    const user = await api.gql(
      `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`,
      { i: { email: 'judge2@test.local', displayName: 'Judge Two', password: 'long-enough-password', role: 'JUDGE', organisationId: orgId } },
      admin,
    );
    expect((await lastEvent('user.create')).nodes[0]).toMatchObject({ actorId: me.id, subjectType: 'User', subjectId: user.data!.createUser.id });

    const logins = (await lastEvent('auth.login')).totalCount;
    await api.login('judge2@test.local', 'long-enough-password');
    const login = await lastEvent('auth.login');
    expect(login.totalCount).toBe(logins + 1);
    expect(login.nodes[0].subjectId).toBe(user.data!.createUser.id);
    expect(login.nodes[0].requestId).toMatch(/^[0-9a-f-]{36}$/);

    const job = await api.gql(`mutation { verifyAuditChain { id } }`, {}, admin);
    expect((await lastEvent('audit.verify-chain')).nodes[0]).toMatchObject({ subjectType: 'Job', subjectId: job.data!.verifyAuditChain.id });
  });

  it('refuses UPDATE and DELETE on the log at the database', async () => {
    await withClient(api.url, async (db) => {
      await expect(db.query(`UPDATE audit_event SET action = 'x' WHERE seq = 1`)).rejects.toThrow(/append-only/);
      await expect(db.query(`DELETE FROM audit_event WHERE seq = 1`)).rejects.toThrow(/append-only/);
      await expect(db.query(`TRUNCATE audit_event`)).rejects.toThrow(/append-only/);
    });
  });

  it('finds the chain intact, then detects a row edited behind the triggers', async () => {
    const intact = await api.gql(`mutation { verifyAuditChain(batchSize: 100) { id } }`, {}, admin);
    const ok = await waitForJob(api.gql, admin, intact.data!.verifyAuditChain.id);
    expect(ok.status).toBe('COMPLETED');
    expect(JSON.parse(ok.result!)).toMatchObject({ intact: true, firstBrokenSeq: null });

    // A database superuser bypasses the append-only trigger and rewrites row 3's facts.
    await withClient(api.url, async (db) => {
      await db.query(`ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only`);
      await db.query(`UPDATE audit_event SET details = '{"role":"ADMIN"}' WHERE seq = 3`);
      await db.query(`ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only`);
    });
    const check = await api.gql(`mutation { verifyAuditChain { id } }`, {}, admin);
    const broken = await waitForJob(api.gql, admin, check.data!.verifyAuditChain.id);
    expect(JSON.parse(broken.result!)).toEqual({ intact: false, checked: 2, firstBrokenSeq: '3', reason: 'row 3 does not chain to the row before it' });
  });

  it('detects a deleted row by the gap it leaves', async () => {
    await withClient(api.url, async (db) => {
      await db.query(`ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only`);
      await db.query(`DELETE FROM audit_event WHERE seq = 2`);
      await db.query(`ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only`);
    });
    const check = await api.gql(`mutation { verifyAuditChain { id } }`, {}, admin);
    const broken = await waitForJob(api.gql, admin, check.data!.verifyAuditChain.id);
    expect(JSON.parse(broken.result!)).toMatchObject({ intact: false, firstBrokenSeq: '3' });
  });

  it('shows the log to an ADMIN only; a judge must name a case they can see', async () => {
    const judge = await api.login('judge@demo.local');
    const res = await api.gql(`{ auditEvents(first: 5) { totalCount } }`, {}, judge);
    expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.caseId' });
    const other = await api.gql(
      `{ auditEvents(first: 5, filter: { caseId: "00000000-0000-4000-8000-000000000000" }) { totalCount } }`,
      {},
      judge,
    );
    expect(other.errors![0].extensions!.code).toBe('NOT_FOUND');
  });

  it('pages through the log newest first with cursors', async () => {
    const first = await api.gql(`{ auditEvents(first: 2) { totalCount pageInfo { hasNextPage endCursor } nodes { seq } } }`, {}, admin);
    const page = first.data!.auditEvents;
    expect(page.pageInfo.hasNextPage).toBe(true);
    const next = await api.gql(`query($a: String) { auditEvents(first: 2, after: $a) { nodes { seq } } }`, { a: page.pageInfo.endCursor }, admin);
    expect(Number(next.data!.auditEvents.nodes[0].seq)).toBe(Number(page.nodes[1].seq) - 1);
  });
});
