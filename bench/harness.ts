import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** A PostgreSQL for one benchmark run: BENCH_DATABASE_URL (a fresh database on it) or embedded. */
export async function benchDatabase(): Promise<{ url: string; close(): Promise<void> }> {
  const admin = process.env.BENCH_DATABASE_URL;
  if (admin) {
    const name = `leakcase_bench_${Date.now()}`;
    await withClient(admin, (c) => c.query(`CREATE DATABASE ${name}`));
    const url = new URL(admin);
    url.pathname = `/${name}`;
    return { url: url.toString(), close: () => withClient(admin, (c) => c.query(`DROP DATABASE ${name} WITH (FORCE)`)).then(() => undefined) };
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'leakcase-bench-'));
  chmodSync(dataDir, 0o755);
  const cluster = await startEmbeddedPostgres({ dataDir, port: 0, log: () => undefined });
  return {
    url: cluster.url,
    close: async () => {
      await cluster.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Configuration of an API started by a benchmark on `databaseUrl`: quiet, throwaway data dir. */
export function benchConfig(databaseUrl: string, extra: Record<string, string> = {}): AppConfig {
  return loadConfig({
    NODE_ENV: 'development',
    DATABASE_URL: databaseUrl,
    LEAKCASE_DATA_DIR: mkdtempSync(join(tmpdir(), 'leakcase-bench-data-')),
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-00',
    LOG_LEVEL: 'silent',
    PORT: '0',
    ...extra,
  });
}
