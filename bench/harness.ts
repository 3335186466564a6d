import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Client } from 'pg';
import { type AppConfig, loadConfig } from '../libs/platform/src/config/config';
import { startEmbeddedPostgres } from '../libs/platform/src/database/embedded-postgres';
import { withClient } from '../libs/platform/src/database/with-client';

export { withClient };

/** One figure a benchmark prints: a measurement and the baseline it is read against. */
export interface BenchFigure {
  benchmark: string;
  measure: string;
  value: number;
  unit: string;
  baseline: string;
  baselineValue: number;
  /** value / baselineValue */
  ratio: number;
}

/** What the running benchmark leaves to clean up once its figures are printed, last first. */
const cleanups: { what: string; run: () => Promise<void> }[] = [];

/** Registers `run`, which removes `what`, for cleanUp() after the running benchmark. */
export function afterBenchmark(what: string, run: () => Promise<void>): void {
  cleanups.push({ what, run });
}

/**
 * Runs every registered cleanup, last registered first, each whatever the others do. Never
 * throws: returns a message per thing it could not remove (empty when all went).
 */
export async function cleanUp(): Promise<string[]> {
  const left: string[] = [];
  for (const { what, run } of cleanups.splice(0).reverse()) {
    await run().catch((error: Error) => left.push(`${what} was left behind: ${error.message}`));
  }
  return left;
}

/** A temporary folder (mode 0700, it may hold generated secrets), removed by cleanUp(). */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterBenchmark(`folder ${dir}`, async () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A PostgreSQL for one benchmark run: BENCH_DATABASE_URL (a fresh database on it) or embedded;
 * dropped or stopped by cleanUp(), after the benchmark closed its connections.
 */
export async function benchDatabase(): Promise<{ url: string }> {
  const admin = process.env.BENCH_DATABASE_URL;
  if (admin) {
    const name = `leakcase_bench_${Date.now()}`;
    await withClient(admin, (c) => c.query(`CREATE DATABASE ${name}`));
    // FORCE needs the right to end other sessions, which a user with only CREATEDB may lack; by
    // cleanup time the benchmark's own are closed and a plain DROP does.
    afterBenchmark(`database ${name}`, () =>
      withClient(admin, (c) => c.query(`DROP DATABASE ${name} WITH (FORCE)`).catch(() => c.query(`DROP DATABASE ${name}`))).then(() => undefined),
    );
    const url = new URL(admin);
    url.pathname = `/${name}`;
    return { url: url.toString() };
  }
  const dataDir = scratchDir('leakcase-bench-');
  chmodSync(dataDir, 0o755);
  const cluster = await startEmbeddedPostgres({ dataDir, port: 0, log: () => undefined });
  afterBenchmark(`embedded PostgreSQL in ${dataDir}`, () => cluster.stop());
  return { url: cluster.url };
}

/**
 * The environment of an API (or a CLI) started by a benchmark on `databaseUrl`: quiet, throwaway
 * data dir (its development keys are made there on first use, so processes given the same
 * environment share them).
 */
export function benchEnv(databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'development',
    DATABASE_URL: databaseUrl,
    LEAKCASE_DATA_DIR: scratchDir('leakcase-bench-data-'),
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-00',
    LOG_LEVEL: 'silent',
    PORT: '0',
    ...extra,
  };
}

/** Configuration of an API started by a benchmark on `databaseUrl` (see benchEnv). */
export function benchConfig(databaseUrl: string, extra: Record<string, string> = {}): AppConfig {
  return loadConfig(benchEnv(databaseUrl, extra));
}

/** The compiled CLI (`npm run bench` runs from dist/). */
export const CLI = join(__dirname, '..', 'apps', 'cli', 'src', 'main.js');

/** What a child process printed, and its peak resident memory. */
export interface ChildRun {
  stdout: string;
  /** Peak RSS in KiB: the kernel's high-water mark, from /usr/bin/time when present, else `sampledKb`. */
  peakKb: number;
  /** The highest VmHWM read from /proc every 100 ms (misses at most the last 100 ms). */
  sampledKb: number;
  seconds: number;
}

/**
 * Runs `node args…` in a child process with `env` added, so that its peak RSS is its own (not
 * the benchmark's). Throws on a non-zero exit, with the end of its output.
 */
export async function runChild(args: string[], env: Record<string, string>, dir: string): Promise<ChildRun> {
  const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
  const rssFile = join(dir, `child-rss-${Date.now()}`);
  const started = performance.now();
  const options = { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'] };
  const child = timeBin ? spawn(timeBin, ['-f', '%M', '-o', rssFile, process.execPath, ...args], options) : spawn(process.execPath, args, options);
  let stdout = '';
  let stderr = '';
  let sampledKb = 0;
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
  const sampler = setInterval(() => {
    try {
      // The node process: the child itself, or /usr/bin/time's child.
      const pids = [child.pid!, ...readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)];
      for (const pid of pids) {
        const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        if (m) sampledKb = Math.max(sampledKb, Number(m[1]));
      }
    } catch {
      // exited
    }
  }, 100);
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`${args.slice(0, 3).join(' ')} exited with ${code}: ${stdout} ${stderr}`);
  const peakKb = timeBin && existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) : sampledKb;
  return { stdout, peakKb, sampledKb, seconds };
}

/** The demo court, the demo consumer association and its user (the seeded demo data), by id. */
export async function demoActors(db: Client): Promise<{ court: string; association: string; user: string }> {
  const { rows } = await db.query(`SELECT (SELECT id FROM organisation WHERE kind = 'COURT' LIMIT 1) AS court,
                                          (SELECT id FROM organisation WHERE kind = 'CONSUMER_ASSOCIATION' LIMIT 1) AS association,
                                          (SELECT id FROM app_user WHERE email = 'association@demo.local') AS user`);
  return rows[0];
}

/** Runs `sql` on `db` in a transaction that is rolled back (with `replica`, triggers off); returns its time in ms. */
export async function timedAndRolledBack(db: Client, sql: string, values: unknown[], replica = false): Promise<number> {
  await db.query('BEGIN');
  try {
    if (replica) await db.query(`SET LOCAL session_replication_role = replica`);
    const start = performance.now();
    await db.query(sql, values);
    return performance.now() - start;
  } finally {
    await db.query('ROLLBACK');
  }
}
