import { spawn } from 'node:child_process';
import { join } from 'node:path';
import request from 'supertest';
import { DEMO_PASSWORD, startTestApi, type TestApi, testEnv } from './support/api';
import { createTestDatabase, withClient } from './support/database';
import { freePort, startServerProcess } from './support/server-process';

const CLI = join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
const LOGIN = `mutation Login($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`;
const ME = `query Me { me { id email disabledAt } }`;
const NEW_PASSWORD = 'a-brand-new-passphrase';
const code = (res: { errors?: { extensions?: Record<string, any> }[] }) => res.errors?.[0]?.extensions?.code;

/** Per account 3 failures, per address 8, within 15 min; locks of 60 s doubling up to 600 s. */
const THROTTLE = {
  LOGIN_MAX_FAILURES: '3',
  LOGIN_MAX_FAILURES_PER_ADDRESS: '8',
  LOGIN_FAILURE_WINDOW_SECONDS: '900',
  LOGIN_LOCK_SECONDS: '60',
  LOGIN_MAX_LOCK_SECONDS: '600',
};

describe('accounts: login throttling, disabling, revocation, passwords', () => {
  let api: TestApi;
  let admin: string;
  const sql = <T = any>(text: string, params: unknown[] = []) => withClient(api.url, async (c) => (await c.query(text, params)).rows as T[]);
  /** The raw response body of a login, to compare byte for byte. */
  const loginBody = async (email: string, password: string) =>
    (await request(api.app.getHttpServer()).post('/graphql').send({ query: LOGIN, variables: { e: email, p: password } })).text;
  const loginError = async (email: string, password: string) => (await api.gql(LOGIN, { e: email, p: password })).errors?.[0];
  const idOf = async (email: string) => (await sql(`SELECT id FROM app_user WHERE email = $1`, [email]))[0].id as string;
  /** Expires every lock, as if its time had passed. */
  const expireLocks = () => sql(`UPDATE login_throttle SET locked_until = now() - interval '1 second' WHERE locked_until IS NOT NULL`);

  beforeAll(async () => {
    api = await startTestApi(THROTTLE);
    admin = await api.login('admin@demo.local');
  });
  afterAll(() => api.close());
  // Every request of this file comes from one address: each test starts with clean counters.
  beforeEach(() => sql(`DELETE FROM login_throttle`));

  describe('login throttling', () => {
    it('refuses even the right password once an account has failed N times, until the lock expires; success resets the count', async () => {
      for (let i = 0; i < 3; i++) expect((await loginError('procurator@demo.local', 'wrong-password'))!.message).toBe('Wrong email or password');
      const throttled = await loginError('procurator@demo.local', DEMO_PASSWORD);
      expect(throttled).toMatchObject({ message: 'Too many attempts, try again in 60 s', extensions: { code: 'UNAUTHENTICATED' } });
      // Refused before the password was checked: it counted as no failure and was not audited.
      expect(await sql(`SELECT failures FROM login_throttle WHERE scope = 'account'`)).toEqual([{ failures: 0 }]);

      await expireLocks();
      await api.login('procurator@demo.local');
      expect(await sql(`SELECT scope FROM login_throttle`)).toEqual([{ scope: 'address' }]);
    });

    it('doubles the lock each time the account is locked again, and starts over after a quiet window', async () => {
      const lockAccount = async () => {
        for (let i = 0; i < 3; i++) await loginError('judge@demo.local', 'wrong-password');
        return (await loginError('judge@demo.local', DEMO_PASSWORD))!.message;
      };
      expect(await lockAccount()).toBe('Too many attempts, try again in 60 s');
      await expireLocks();
      await sql(`DELETE FROM login_throttle WHERE scope = 'address'`);
      expect(await lockAccount()).toBe('Too many attempts, try again in 120 s');
      await expireLocks();
      await sql(`DELETE FROM login_throttle WHERE scope = 'address'`);
      expect(await lockAccount()).toBe('Too many attempts, try again in 240 s');

      // Quiet for a whole window since the lock ended: the next lock is the first step again.
      await sql(`UPDATE login_throttle SET locked_until = now() - interval '901 seconds', last_failure_at = now() - interval '1000 seconds',
                                          window_started_at = now() - interval '1000 seconds'`);
      await sql(`DELETE FROM login_throttle WHERE scope = 'address'`);
      expect(await lockAccount()).toBe('Too many attempts, try again in 60 s');
    });

    it('answers a known and an unknown email byte for byte alike, throttled or not', async () => {
      const known = await loginBody('association@demo.local', 'wrong-password');
      const unknown = await loginBody('nobody-here@demo.local', 'wrong-password');
      expect(JSON.parse(known).errors[0].extensions.code).toBe('UNAUTHENTICATED');
      expect(unknown).toBe(known);

      for (let i = 0; i < 2; i++) {
        await loginBody('association@demo.local', 'wrong-password');
        await loginBody('nobody-here@demo.local', 'wrong-password');
      }
      // Both accounts locked now; the same remaining time so that the bodies can match.
      await sql(`UPDATE login_throttle SET locked_until = now() + interval '100 seconds' WHERE scope = 'account'`);
      const knownThrottled = await loginBody('association@demo.local', DEMO_PASSWORD);
      const unknownThrottled = await loginBody('NOBODY-here@demo.local', 'whatever');
      expect(JSON.parse(knownThrottled).errors[0]).toMatchObject({ message: 'Too many attempts, try again in 100 s', extensions: { code: 'UNAUTHENTICATED' } });
      expect(unknownThrottled).toBe(knownThrottled);
    });

    it('throttles one client address across different emails', async () => {
      for (let i = 0; i < 8; i++) await loginError(`stranger${i}@demo.local`, 'wrong-password');
      expect((await loginError('designated@demo.local', DEMO_PASSWORD))!.message).toBe('Too many attempts, try again in 60 s');
      expect(await sql(`SELECT scope, failures FROM login_throttle WHERE locked_until > now()`)).toEqual([{ scope: 'address', failures: 0 }]);
      await expireLocks();
      await api.login('designated@demo.local');
    });

    it('audits each failed login with keyed hashes only: no user, email or password, the same shape whether the account exists', async () => {
      const before = Number((await sql(`SELECT coalesce(max(seq), 0) AS seq FROM audit_event`))[0].seq);
      await loginError('procurator@demo.local', 'secret-guess-1');
      await loginError('ghost@demo.local', 'secret-guess-2');
      await loginError('Procurator@Demo.local', 'secret-guess-3');
      const rows = await sql(
        `SELECT actor_id, organisation_id, subject_type, subject_id, request_id, details FROM audit_event WHERE action = 'auth.login-failed' AND seq > $1 ORDER BY seq`,
        [before],
      );
      expect(rows).toHaveLength(3);
      for (const row of rows) {
        expect(row).toMatchObject({ actor_id: null, organisation_id: null, subject_type: 'Login', subject_id: null });
        expect(row.request_id).toEqual(expect.any(String));
        expect(Object.keys(row.details).sort()).toEqual(['account', 'address', 'failures', 'locked', 'via']);
        expect(row.details.account).toMatch(/^[0-9a-f]{64}$/);
        expect(JSON.stringify(row)).not.toMatch(/procurator|ghost|secret-guess|127\.0\.0\.1/i);
      }
      // The same account (whatever the case of its email) has the same hash and counts on.
      expect(rows[2].details).toMatchObject({ account: rows[0].details.account, failures: 2, locked: false });
      expect(rows[1].details.account).not.toBe(rows[0].details.account);
    });
  });

  describe('disabling, enabling, revoking, passwords', () => {
    const DISABLE = `mutation($id: ID!, $r: String!) { disableUser(id: $id, reason: $r) { id disabledAt } }`;
    const ENABLE = `mutation($id: ID!) { enableUser(id: $id) { id disabledAt } }`;
    const REVOKE = `mutation($id: ID!) { revokeUserTokens(id: $id) { id } }`;
    const SET_PASSWORD = `mutation($id: ID!, $p: String!) { setUserPassword(id: $id, password: $p) { id } }`;
    const CHANGE = `mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { token } }`;

    it("stops a disabled user's token at once and refuses their login; enabling lets them log in again, old tokens stay refused", async () => {
      const token = await api.login('designated@demo.local');
      const id = await idOf('designated@demo.local');
      const disabled = await api.gql(DISABLE, { id, r: 'left the organisation' }, admin);
      expect(disabled.data!.disableUser.disabledAt).toEqual(expect.any(String));
      expect(code(await api.gql(ME, {}, token))).toBe('UNAUTHENTICATED');
      expect((await loginError('designated@demo.local', DEMO_PASSWORD))!.message).toBe('Wrong email or password');

      expect((await api.gql(ENABLE, { id }, admin)).data!.enableUser).toEqual({ id, disabledAt: null });
      expect(code(await api.gql(ME, {}, token))).toBe('UNAUTHENTICATED');
      const fresh = await api.login('designated@demo.local');
      expect((await api.gql(ME, {}, fresh)).data!.me.id).toBe(id);
      const audit = await sql(`SELECT action, actor_id, details FROM audit_event WHERE subject_id = $1 AND action LIKE 'user.%' ORDER BY seq`, [id]);
      expect(audit.map((a) => a.action)).toEqual(['user.create', 'user.disable', 'user.enable']);
      expect(audit[1].details).toEqual({ reason: 'left the organisation' });
    });

    it('revokes every token issued before, even one from the same second, while a login right after works', async () => {
      const id = await idOf('judge@demo.local');
      const iat = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).iat as number;
      let before: string, after: string;
      // Retry until the three steps fall in one second, the case a timestamp compared with iat gets wrong.
      do {
        before = await api.login('judge@demo.local');
        expect(code(await api.gql(REVOKE, { id }, admin))).toBeUndefined();
        after = await api.login('judge@demo.local');
      } while (iat(before) !== iat(after));
      expect(code(await api.gql(ME, {}, before))).toBe('UNAUTHENTICATED');
      expect((await api.gql(ME, {}, after)).data!.me.id).toBe(id);
    });

    it("changes one's own password: a wrong current one is refused; the old token stops, the returned one and the new password work", async () => {
      const token = await api.login('association@demo.local');
      const wrong = await api.gql(CHANGE, { c: 'not-my-password', n: NEW_PASSWORD }, token);
      expect(wrong.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'currentPassword' });
      expect(code(await api.gql(CHANGE, { c: DEMO_PASSWORD, n: 'short' }, token))).toBe('BAD_USER_INPUT');
      expect((await api.gql(ME, {}, token)).data!.me.email).toBe('association@demo.local');

      const changed = await api.gql(CHANGE, { c: DEMO_PASSWORD, n: NEW_PASSWORD }, token);
      expect(code(await api.gql(ME, {}, token))).toBe('UNAUTHENTICATED');
      expect((await api.gql(ME, {}, changed.data!.changePassword.token)).data!.me.email).toBe('association@demo.local');
      expect((await loginError('association@demo.local', DEMO_PASSWORD))!.message).toBe('Wrong email or password');
      await api.login('association@demo.local', NEW_PASSWORD);
      expect(await sql(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'user.change-password'`)).toEqual([{ n: 1 }]);
    });

    it('lets an ADMIN set a password with the same rules as createUser, revoking the old tokens', async () => {
      const id = await idOf('procurator@demo.local');
      const token = await api.login('procurator@demo.local');
      expect((await api.gql(SET_PASSWORD, { id, p: 'short' }, admin)).errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
      expect(code(await api.gql(SET_PASSWORD, { id, p: NEW_PASSWORD }, admin))).toBeUndefined();
      expect(code(await api.gql(ME, {}, token))).toBe('UNAUTHENTICATED');
      await api.login('procurator@demo.local', NEW_PASSWORD);
    });

    it('refuses to disable the last active ADMIN, and allows it while another remains', async () => {
      const adminId = await idOf('admin@demo.local');
      expect((await api.gql(DISABLE, { id: adminId, r: 'oops' }, admin)).errors![0].extensions).toMatchObject({ code: 'CONFLICT' });
      expect((await api.gql(ME, {}, admin)).data!.me.id).toBe(adminId);

      const [{ organisation_id }] = await sql(`SELECT organisation_id FROM app_user WHERE id = $1`, [adminId]);
      const created = await api.gql(
        `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`,
        { i: { email: 'admin2@demo.local', displayName: 'Second admin', password: NEW_PASSWORD, role: 'ADMIN', organisationId: organisation_id } },
        admin,
      );
      const second = await api.login('admin2@demo.local', NEW_PASSWORD);
      expect(code(await api.gql(DISABLE, { id: adminId, r: 'handing over' }, admin))).toBeUndefined();
      expect(code(await api.gql(ME, {}, admin))).toBe('UNAUTHENTICATED');
      expect(code(await api.gql(DISABLE, { id: created.data!.createUser.id, r: 'oops' }, second))).toBe('CONFLICT');

      await api.gql(ENABLE, { id: adminId }, second);
      admin = await api.login('admin@demo.local');
    });

    it('refuses the ADMIN operations to other roles (FORBIDDEN) and an unknown user id (NOT_FOUND)', async () => {
      const judge = await api.login('judge@demo.local');
      const unknown = '00000000-0000-4000-8000-000000000000';
      const calls: [string, Record<string, unknown>][] = [
        [DISABLE, { id: unknown, r: 'x' }],
        [ENABLE, { id: unknown }],
        [REVOKE, { id: unknown }],
        [SET_PASSWORD, { id: unknown, p: NEW_PASSWORD }],
      ];
      for (const [query, variables] of calls) {
        expect(code(await api.gql(query, variables, judge))).toBe('FORBIDDEN');
        expect((await api.gql(query, variables, admin)).errors![0].extensions).toMatchObject({ code: 'NOT_FOUND', subject: 'User', id: unknown });
      }
    });
  });

  describe('the leakcase users commands', () => {
    /** The compiled CLI on this file's database; resolves with its exit code and output. */
    const leakcase = (args: string[], stdin = '') =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [CLI, 'users', ...args], { env: { ...process.env, ...testEnv(api.url), LOG_LEVEL: 'error' } });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
        child.stdin.end(stdin);
      });

    it('disables, enables, revokes tokens and sets a password by email, each audited', async () => {
      const token = await api.login('judge@demo.local');
      expect(await leakcase(['disable', '--email', 'judge@demo.local', '--reason', 'on leave'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Disabled JUDGE judge@demo\.local \(.+\), disabled\n$/) });
      expect((await loginError('judge@demo.local', DEMO_PASSWORD))!.message).toBe('Wrong email or password');
      expect(await leakcase(['enable', '--email', 'JUDGE@demo.local'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Enabled JUDGE/) });
      expect(code(await api.gql(ME, {}, token))).toBe('UNAUTHENTICATED');

      const again = await api.login('judge@demo.local');
      expect(await leakcase(['revoke-tokens', '--email', 'judge@demo.local'])).toMatchObject({ code: 0 });
      expect(code(await api.gql(ME, {}, again))).toBe('UNAUTHENTICATED');

      expect(await leakcase(['set-password', '--email', 'judge@demo.local', '--password-stdin'], 'short\n')).toMatchObject({ code: 1, stderr: 'leakcase: password: password must be longer than or equal to 12 characters\n' });
      expect(await leakcase(['set-password', '--email', 'judge@demo.local', '--password-stdin'], `${NEW_PASSWORD}\n`)).toMatchObject({ code: 0 });
      await api.login('judge@demo.local', NEW_PASSWORD);

      const audit = await sql(`SELECT action, actor_id FROM audit_event WHERE subject_id = $1 AND action LIKE 'user.%' AND action <> 'user.create' ORDER BY seq DESC LIMIT 4`, [await idOf('judge@demo.local')]);
      expect(audit).toEqual(['user.set-password', 'user.revoke-tokens', 'user.enable', 'user.disable'].map((action) => ({ action, actor_id: null })));
    });

    it('refuses an unknown email and the last active ADMIN with a message and exit code 1', async () => {
      expect(await leakcase(['enable', '--email', 'nobody@demo.local'])).toEqual({ code: 1, stdout: '', stderr: 'leakcase: no user with the email "nobody@demo.local"\n' });
      // Whatever other ADMIN an earlier test made is gone: admin is the last active one.
      await sql(`UPDATE app_user SET disabled_at = now() WHERE role = 'ADMIN' AND email <> 'admin@demo.local'`);
      expect(await leakcase(['disable', '--email', 'admin@demo.local', '--reason', 'x'])).toMatchObject({ code: 1, stderr: 'leakcase: The last active ADMIN cannot be disabled\n' });
    });
  });
});

describe('the request log line', () => {
  it('logs one info line per request with method, operation, status, duration, request and user id, and never variables or query text', async () => {
    const database = await createTestDatabase();
    const port = await freePort();
    const server = await startServerProcess({ ...testEnv(database.url, { LOG_LEVEL: 'info' }) }, port, 'pipe');
    let output = '';
    server.child.stdout!.on('data', (d) => (output += d));
    try {
      const post = (body: unknown, requestId: string, token?: string) =>
        fetch(`${server.baseUrl}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-request-id': requestId, ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify(body),
        }).then((r) => r.json());
      const login = await post({ query: LOGIN, variables: { e: 'judge@demo.local', p: DEMO_PASSWORD } }, 'log-login');
      const token = login.data.login.token;
      const me = await post({ query: ME }, 'log-me', token);
      await post({ query: LOGIN, variables: { e: 'judge@demo.local', p: 'a-wrong-password' } }, 'log-failed');
      await fetch(`${server.baseUrl}/health?probe=1`, { headers: { 'x-request-id': 'log-health' } });
      await new Promise((r) => setTimeout(r, 300));

      const lines = output.split('\n').filter(Boolean).map((l) => JSON.parse(l));
      const requestLine = (id: string) => {
        const found = lines.filter((l) => l.msg === 'request' && l.requestId === id);
        expect(found).toHaveLength(1);
        return found[0];
      };
      expect(requestLine('log-login')).toEqual({
        level: 30,
        time: expect.any(String),
        service: 'leakcase',
        requestId: 'log-login',
        msg: 'request',
        method: 'POST',
        path: '/graphql',
        operation: 'Login',
        operationType: 'mutation',
        status: 200,
        durationMs: expect.any(Number),
      });
      expect(requestLine('log-me')).toMatchObject({ operation: 'Me', operationType: 'query', status: 200, userId: me.data.me.id });
      expect(requestLine('log-failed')).toMatchObject({ operation: 'Login' });
      expect(requestLine('log-health')).toMatchObject({ method: 'GET', path: '/health', status: 200 });
      expect(requestLine('log-health').operation).toBeUndefined();
      // Every line the four requests wrote (the demo seed's start-up line names the demo accounts).
      const requestLines = JSON.stringify(lines.filter((l) => String(l.requestId).startsWith('log-')));
      expect(requestLines).toMatch(/Login failed/);
      for (const secret of ['judge@demo.local', DEMO_PASSWORD, 'a-wrong-password', 'login(email', 'variables', 'probe', token]) {
        expect({ secret, logged: requestLines.includes(secret) }).toEqual({ secret, logged: false });
      }
    } finally {
      await server.stop();
      await database.drop();
    }
  });
});
