import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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

/** Seconds each target is loaded per round. */
const ROUND_SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
/** Rounds, each loading every target in turn, so that all are measured across the same load. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONNECTIONS = 10;
/** Rounds of the sequential phase, each one request to every target (BENCH_SEQUENTIAL_ROUNDS). */
const SEQUENTIAL_ROUNDS = Number(process.env.BENCH_SEQUENTIAL_ROUNDS ?? 2000);

/** A target of the benchmark: where to send which body. */
interface Target {
  url: string;
  body: string;
  headers?: Record<string, string>;
}

/** Requests and seconds autocannon (in a worker thread) got from `target` in one load of `seconds`. */
async function load(target: Target, seconds: number): Promise<{ requests: number; seconds: number }> {
  const result = await autocannon({
    url: target.url,
    method: 'POST',
    body: target.body,
    headers: { 'content-type': 'application/json', ...target.headers },
    connections: CONNECTIONS,
    workers: 1,
    duration: seconds,
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${target.url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { requests: result.requests.total, seconds: result.duration };
}

/**
 * Requests per second of each target over ROUNDS rounds that load every target in turn for
 * ROUND_SECONDS (after a one-second warm-up each): on a shared machine the load changes within
 * seconds, and rates measured one after the other minutes apart compare poorly. Also each
 * round's rates, for the spread of the ratios.
 */
async function interleaved(targets: Target[]): Promise<{ rates: number[]; rounds: number[][] }> {
  for (const target of targets) await load(target, 1);
  const totals = targets.map(() => ({ requests: 0, seconds: 0 }));
  const rounds: number[][] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const rates: number[] = [];
    for (const [i, target] of targets.entries()) {
      const { requests, seconds } = await load(target, ROUND_SECONDS);
      totals[i].requests += requests;
      totals[i].seconds += seconds;
      rates.push(requests / seconds);
    }
    rounds.push(rates);
  }
  return { rates: totals.map((t) => t.requests / t.seconds), rounds };
}

/** CPU time this process spent serving a server's requests, and how many. */
interface CpuMeter {
  microseconds: number;
  requests: number;
}

/**
 * Meters `server`: the process's CPU time (all its threads: JavaScript, garbage collection,
 * libuv) from each request's arrival to the end of its answer. Meaningful while one request is
 * in flight in the whole process at a time (sequentialCpu), when that time is the request's own.
 */
function cpuMeter(server: Server): CpuMeter {
  const meter = { microseconds: 0, requests: 0 };
  server.prependListener('request', (_req, res) => {
    const start = process.cpuUsage();
    res.once('finish', () => {
      const used = process.cpuUsage(start);
      meter.microseconds += used.user + used.system;
      meter.requests += 1;
    });
  });
  return meter;
}

/**
 * Server CPU microseconds per request of each target (metered by `meters`): a child process
 * (sequential-client) sends one request to each target in turn, SEQUENTIAL_ROUNDS times, after
 * a tenth as many unmetered. The load of the rest of the machine slows every target alike, which
 * a rate on a shared machine cannot promise: PostgreSQL, a process apart, is scheduled behind it.
 * Also the CPU the PostgreSQL backends on `databaseUrl` spent per request of the first target,
 * when they run on this machine (backendCpuMeter).
 */
async function sequentialCpu(
  targets: Target[],
  meters: CpuMeter[],
  databaseUrl: string,
): Promise<{ server: number[]; database: number | undefined }> {
  const client = join(__dirname, 'sequential-client.js');
  const run = (rounds: number) =>
    new Promise<void>((resolve, reject) =>
      execFile(process.execPath, [client, JSON.stringify(targets), String(rounds)], (error, _out, stderr) => (error ? reject(new Error(`sequential client: ${stderr}`)) : resolve())),
    );
  await run(Math.ceil(SEQUENTIAL_ROUNDS / 10));
  for (const meter of meters) Object.assign(meter, { microseconds: 0, requests: 0 });
  // After the warm-up, whose connection the pool hands out again for every request of the run.
  const backends = await backendCpuMeter(databaseUrl);
  const before = backends?.();
  await run(SEQUENTIAL_ROUNDS);
  return {
    server: meters.map((m) => m.microseconds / m.requests),
    database: backends && backendCpuBetween(before!, backends()) / meters[0].requests,
  };
}

/**
 * The PostgreSQL backends serving the API on `databaseUrl`, from /proc: a function that reads
 * each one's CPU time so far (microseconds by PID), or undefined when the server is not on this
 * machine (reached neither through a Unix-domain socket nor on a loopback address) or /proc
 * cannot be read (not Linux).
 */
async function backendCpuMeter(databaseUrl: string): Promise<(() => Map<number, number>) | undefined> {
  const { rows } = await withClient(databaseUrl, (c) =>
    c.query<{ pid: number; local: boolean }>(
      `SELECT pid, coalesce(host(inet_server_addr()) IN ('127.0.0.1', '::1'), true) AS local
         FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'leakcase'`,
    ),
  );
  if (!rows.length || !rows[0].local) return undefined;
  let ticksPerSecond: number;
  try {
    ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  } catch {
    return undefined;
  }
  const read = () => {
    const used = new Map<number, number>();
    for (const { pid } of rows) {
      try {
        // utime and stime, fields 14 and 15 of /proc/<pid>/stat (after the parenthesised command name).
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
        used.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1e6) / ticksPerSecond);
      } catch {
        // ended (the pool closes idle connections)
      }
    }
    return used;
  };
  return read().size ? read : undefined;
}

/** CPU microseconds between two readings of backendCpuMeter, of the backends in both (one that ended in between sat idle). */
function backendCpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, used] of after) if (before.has(pid)) sum += used - before.get(pid)!;
  return sum;
}

/** A bare @apollo/server on express, listening on a free port of 127.0.0.1. */
async function bareApollo(
  typeDefs: string,
  resolvers: Record<string, Record<string, () => unknown>>,
): Promise<{ url: string; server: Server; stop: () => Promise<void> }> {
  const server = new ApolloServer({ typeDefs, resolvers });
  await server.start();
  const app = express().use('/graphql', express.json(), expressMiddleware(server));
  const listening: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(listening.address() as AddressInfo).port}/graphql`,
    server: listening,
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
 * SQL), and one answering the constant `{ hello }`. All three are loaded in turn, round after
 * round (interleaved); each ratio is of the totals, its spread over the rounds in the measure.
 * Then the server CPU each spends per request, requests sent one at a time to each in turn
 * (sequentialCpu), against the same two baselines, with what PostgreSQL's backends spent on top
 * for the API: on a loaded machine the rates mostly measure how soon PostgreSQL gets a core, the
 * CPU per request what the API costs.
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
    const targets: Target[] = [
      { url: apiUrl, body: list, headers: auth },
      { url: sameShape.url, body: list },
      { url: constant.url, body: JSON.stringify({ query: '{ hello }' }) },
    ];
    const { rates, rounds } = await interleaved(targets);
    const { server: cpu, database: databaseCpu } = await sequentialCpu(
      targets,
      [cpuMeter(api.getHttpServer()), cpuMeter(sameShape.server), cpuMeter(constant.server)],
      database.url,
    );
    const postgres = databaseCpu === undefined ? '' : ` (PostgreSQL's backends ${databaseCpu.toFixed(0)} µs more)`;
    const [measured] = rates;
    const figure = (i: number, baseline: string): BenchFigure => {
      const ratios = rounds.map((r) => r[0] / r[i]);
      return {
        benchmark: 'graphql-rps',
        measure: `authenticated organisations(first: 50) list (per round ${Math.min(...ratios).toFixed(2)} to ${Math.max(...ratios).toFixed(2)})`,
        value: measured,
        unit: 'req/s',
        baseline,
        baselineValue: rates[i],
        ratio: measured / rates[i],
      };
    };
    // Requests per second of server CPU, so that the ratio reads as the rates' does (higher is better).
    const cpuFigure = (i: number, baseline: string): BenchFigure => ({
      benchmark: 'graphql-rps',
      measure: `the same list, server CPU per request ${cpu[0].toFixed(0)} µs${postgres} against ${cpu[i].toFixed(0)} µs (sequential, alternating)`,
      value: 1e6 / cpu[0],
      unit: 'req/CPU-s',
      baseline,
      baselineValue: 1e6 / cpu[i],
      ratio: cpu[i] / cpu[0],
    });
    const [same, hello] = ['bare @apollo/server, same schema and page from memory', 'bare @apollo/server constant { hello }'];
    return [figure(1, same), figure(2, hello), cpuFigure(1, same), cpuFigure(2, hello)];
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}
