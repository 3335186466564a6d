import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import autocannon from 'autocannon';
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createApi } from '../apps/api/src/bootstrap';
import { type BenchFigure, benchConfig, benchDatabase, withClient } from './harness';

const DURATION_SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 10;

/** Requests per second that autocannon (in a worker thread) gets from `url` with `body`. */
async function requestsPerSecond(url: string, body: string, headers: Record<string, string> = {}): Promise<number> {
  const options = {
    url,
    method: 'POST' as const,
    body,
    headers: { 'content-type': 'application/json', ...headers },
    connections: CONNECTIONS,
    workers: 1,
  };
  await autocannon({ ...options, duration: 1 }); // warm-up
  const result = await autocannon({ ...options, duration: DURATION_SECONDS });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

/**
 * GraphQL requests per second of an authenticated, paginated list (50 organisations with
 * totalCount, through auth guard, validation, query limits and PostgreSQL) against a bare
 * @apollo/server answering a constant in the same process.
 */
export async function graphqlRps(): Promise<BenchFigure[]> {
  const database = await benchDatabase();
  const bare = new ApolloServer({ typeDefs: 'type Query { hello: String }', resolvers: { Query: { hello: () => 'world' } } });
  await bare.start();
  const bareApp = express().use('/graphql', express.json(), expressMiddleware(bare));
  const bareServer: Server = await new Promise((resolve) => {
    const s = bareApp.listen(0, '127.0.0.1', () => resolve(s));
  });

  const config = benchConfig(database.url);
  const api = await createApi(config);
  await api.listen(0, '127.0.0.1');
  try {
    const apiUrl = `http://127.0.0.1:${(api.getHttpServer().address() as AddressInfo).port}/graphql`;
    await withClient(database.url, (c) =>
      c.query(`INSERT INTO organisation (name, kind) SELECT 'Bench organisation ' || i, 'CONSUMER_ASSOCIATION' FROM generate_series(1, 200) i`),
    );
    const login = await fetch(apiUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { login(email: "admin@demo.local", password: "leakcase-demo") { token } }' }),
    });
    const token = ((await login.json()) as { data: { login: { token: string } } }).data.login.token;

    const baseline = await requestsPerSecond(
      `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}/graphql`,
      JSON.stringify({ query: '{ hello }' }),
    );
    const measured = await requestsPerSecond(
      apiUrl,
      JSON.stringify({ query: '{ organisations(first: 50) { totalCount pageInfo { hasNextPage endCursor } nodes { id name kind } } }' }),
      { authorization: `Bearer ${token}` },
    );
    return [
      {
        benchmark: 'graphql-rps',
        measure: 'authenticated organisations(first: 50) list',
        value: measured,
        unit: 'req/s',
        baseline: 'bare @apollo/server constant',
        baselineValue: baseline,
        ratio: measured / baseline,
      },
    ];
  } finally {
    await api.close();
    await bare.stop();
    await new Promise((r) => bareServer.close(r));
  }
}
