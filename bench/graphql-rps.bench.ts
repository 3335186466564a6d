import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import autocannon from 'autocannon';
import express from 'express';
import { printSchema } from 'graphql';
import { GraphQLSchemaHost } from '@nestjs/graphql';
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

/** A bare @apollo/server on express, listening on a free port of 127.0.0.1. */
async function bareApollo(typeDefs: string, resolvers: Record<string, Record<string, () => unknown>>): Promise<{ url: string; stop: () => Promise<void> }> {
  const server = new ApolloServer({ typeDefs, resolvers });
  await server.start();
  const app = express().use('/graphql', express.json(), expressMiddleware(server));
  const listening: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(listening.address() as AddressInfo).port}/graphql`,
    stop: async () => {
      await server.stop();
      await new Promise((r) => listening.close(r));
    },
  };
}

/** The list the benchmark asks for: 50 organisations with totalCount, pageInfo and three fields each. */
const LIST_QUERY = '{ organisations(first: 50) { totalCount pageInfo { hasNextPage endCursor } nodes { id name kind } } }';

/**
 * GraphQL requests per second of an authenticated, paginated list (50 organisations with
 * totalCount, through auth guard, validation, query limits and PostgreSQL) against two bare
 * @apollo/server baselines in the same process and run: one with the API's own schema answering
 * the same query with the same page (the API's answer, kept in memory: no auth, no limits, no
 * SQL), and one answering the constant `{ hello }`.
 */
export async function graphqlRps(): Promise<BenchFigure[]> {
  const database = await benchDatabase();
  const config = benchConfig(database.url);
  const api = await createApi(config);
  await api.listen(0, '127.0.0.1');
  const stops: (() => Promise<void>)[] = [() => api.close()];
  try {
    const apiUrl = `http://127.0.0.1:${(api.getHttpServer().address() as AddressInfo).port}/graphql`;
    await withClient(database.url, (c) =>
      c.query(`INSERT INTO organisation (name, kind) SELECT 'Bench organisation ' || i, 'CONSUMER_ASSOCIATION' FROM generate_series(1, 200) i`),
    );
    const post = async (url: string, query: string, headers: Record<string, string> = {}) => {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
      return (await response.json()) as { data: Record<string, unknown> };
    };
    const login = await post(apiUrl, 'mutation { login(email: "admin@demo.local", password: "leakcase-demo") { token } }');
    const auth = { authorization: `Bearer ${(login.data.login as { token: string }).token}` };
    const page = (await post(apiUrl, LIST_QUERY, auth)).data.organisations;

    const sameShape = await bareApollo(printSchema(api.get(GraphQLSchemaHost).schema), { Query: { organisations: () => page } });
    stops.push(sameShape.stop);
    const constant = await bareApollo('type Query { hello: String }', { Query: { hello: () => 'world' } });
    stops.push(constant.stop);
    if (JSON.stringify((await post(sameShape.url, LIST_QUERY)).data.organisations) !== JSON.stringify(page)) {
      throw new Error('the bare server does not answer what the API does');
    }

    const list = JSON.stringify({ query: LIST_QUERY });
    const sameShapeRate = await requestsPerSecond(sameShape.url, list);
    const measured = await requestsPerSecond(apiUrl, list, auth);
    const constantRate = await requestsPerSecond(constant.url, JSON.stringify({ query: '{ hello }' }));
    const figure = (baseline: string, baselineValue: number): BenchFigure => ({
      benchmark: 'graphql-rps',
      measure: 'authenticated organisations(first: 50) list',
      value: measured,
      unit: 'req/s',
      baseline,
      baselineValue,
      ratio: measured / baselineValue,
    });
    return [figure('bare @apollo/server, same schema and page from memory', sameShapeRate), figure('bare @apollo/server constant { hello }', constantRate)];
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}
