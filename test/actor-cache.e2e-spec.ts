import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { loadConfig } from '@app/platform';
import { createApi } from '../apps/api/src/bootstrap';
import { startTestApi, type TestApi, testEnv } from './support/api';
import { withClient } from './support/database';

const ME = `query Me { me { id } }`;
const code = (body: { errors?: { extensions?: Record<string, any> }[] }) => body.errors?.[0]?.extensions?.code;

/**
 * Two API processes on one database (two Nest applications, each with its own pool and listening
 * connection): a token's actor cached by the second is dropped as soon as the database's notification
 * arrives when the first, the CLI or plain SQL disables the user, revokes their tokens or changes
 * their password.
 */
describe('cached actors across API processes', () => {
  let first: TestApi;
  let second: INestApplication;
  const sql = (text: string, params: unknown[] = []) => withClient(first.url, (c) => c.query(text, params));
  /** `me` on the second process: its id, or the error code. */
  const meOnSecond = async (token: string) => {
    const res = await request(second.getHttpServer()).post('/graphql').set('authorization', `Bearer ${token}`).send({ query: ME });
    return res.body.data?.me?.id ?? code(res.body);
  };
  /**
   * `me` on the second process once the database's notification of the change reached it: the
   * first answer that is not `id` (polled for at most 2 s), or `id` if it never changes. The
   * notification is sent at commit and delivered to the other process a few milliseconds later,
   * so a request that arrives in that window may still be answered from the cache.
   */
  const meOnSecondOnceNotified = async (token: string, id: string) => {
    let answer = await meOnSecond(token);
    for (const start = Date.now(); answer === id && Date.now() - start < 2000; answer = await meOnSecond(token)) await new Promise((r) => setTimeout(r, 20));
    return answer;
  };
  /** Logs in on the first process and has the second process check (and cache) the token. */
  const cachedOnSecond = async (email: string) => {
    const token = await first.login(email);
    const id = await meOnSecond(token);
    expect(id).toEqual(expect.stringMatching(/^[0-9a-f-]{36}$/));
    expect(await meOnSecond(token)).toBe(id);
    return { token, id: id as string };
  };

  beforeAll(async () => {
    first = await startTestApi();
    second = await createApi(loadConfig(testEnv(first.url)));
    await second.init();
  });
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  it('refuses on the second process a token revoked, or its user disabled, through the first', async () => {
    const admin = await first.login('admin@demo.local');
    const judge = await cachedOnSecond('judge@demo.local');
    expect(code(await first.gql(`mutation($id: ID!) { revokeUserTokens(id: $id) { id } }`, { id: judge.id }, admin))).toBeUndefined();
    expect(await meOnSecondOnceNotified(judge.token, judge.id)).toBe('UNAUTHENTICATED');

    const procurator = await cachedOnSecond('procurator@demo.local');
    expect(code(await first.gql(`mutation($id: ID!) { disableUser(id: $id, reason: "left") { id } }`, { id: procurator.id }, admin))).toBeUndefined();
    expect(await meOnSecondOnceNotified(procurator.token, procurator.id)).toBe('UNAUTHENTICATED');
  });

  it('refuses on the second process a token whose user changed their password on the first', async () => {
    const association = await cachedOnSecond('association@demo.local');
    const changed = await first.gql(
      `mutation { changePassword(currentPassword: "leakcase-demo", newPassword: "a-brand-new-passphrase") { token } }`,
      {},
      association.token,
    );
    expect(code(changed)).toBeUndefined();
    expect(await meOnSecondOnceNotified(association.token, association.id)).toBe('UNAUTHENTICATED');
    expect(await meOnSecond(changed.data!.changePassword.token)).toBe(association.id);
  });

  it('refuses on both processes a token revoked by a change made outside the API (the CLI, plain SQL)', async () => {
    const designated = await cachedOnSecond('designated@demo.local');
    expect((await first.gql(ME, {}, designated.token)).data!.me.id).toBe(designated.id);
    await sql(`UPDATE app_user SET token_generation = token_generation + 1 WHERE id = $1`, [designated.id]);
    expect(await meOnSecondOnceNotified(designated.token, designated.id)).toBe('UNAUTHENTICATED');
    expect(code(await first.gql(ME, {}, designated.token))).toBe('UNAUTHENTICATED');
  });
});
