import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { loadConfig } from '@app/platform';
import { createApi } from '../../apps/api/src/bootstrap';
import { createTestDatabase } from './database';

export const DEMO_PASSWORD = 'leakcase-demo';

/** A GraphQL response as the client sees it. */
export interface GqlResponse<T = Record<string, any>> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: Record<string, any>; path?: string[] }[];
}

/** An API on its own fresh database (seeded with the demo users), driven through HTTP. */
export interface TestApi {
  app: INestApplication;
  url: string;
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GqlResponse<T>>;
  /** Logs in a demo user and returns the bearer token. */
  login(email: string, password?: string): Promise<string>;
  close(): Promise<void>;
}

/** Environment for a test API: its own database and data directory, quiet logs. */
export function testEnv(databaseUrl: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    LEAKCASE_DATA_DIR: mkdtempSync(join(tmpdir(), 'leakcase-e2e-data-')),
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
    LOG_LEVEL: 'silent',
    ...extra,
  };
}

export async function startTestApi(extraEnv: Record<string, string> = {}): Promise<TestApi> {
  const database = await createTestDatabase();
  const app = await createApi(loadConfig(testEnv(database.url, extraEnv)));
  await app.init();
  const server = app.getHttpServer();

  const gql: TestApi['gql'] = async (query, variables, token) => {
    const req = request(server).post('/graphql').set('content-type', 'application/json');
    if (token) req.set('authorization', `Bearer ${token}`);
    const res = await req.send({ query, variables });
    return { status: res.status, data: res.body.data, errors: res.body.errors };
  };

  return {
    app,
    url: database.url,
    gql,
    async login(email, password = DEMO_PASSWORD) {
      const res = await gql<{ login: { token: string } }>(
        `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`,
        { e: email, p: password },
      );
      if (!res.data?.login) throw new Error(`login failed for ${email}: ${JSON.stringify(res.errors)}`);
      return res.data.login.token;
    },
    async close() {
      await app.close();
      await database.drop();
    },
  };
}
