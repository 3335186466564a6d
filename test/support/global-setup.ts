import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../../libs/platform/src/database/embedded-postgres';

/**
 * One PostgreSQL server for the whole e2e run: TEST_DATABASE_URL when given (a server whose
 * user may CREATE DATABASE), otherwise a throwaway embedded one. Each test file then creates its
 * own database on it, so files never see each other's data. Workers inherit the URL through
 * the environment.
 */
export default async function globalSetup(): Promise<void> {
  let url = process.env.TEST_DATABASE_URL;
  if (!url) {
    const dataDir = mkdtempSync(join(tmpdir(), 'leakcase-test-'));
    chmodSync(dataDir, 0o755); // the server runs as user postgres when we are root
    const cluster = await startEmbeddedPostgres({ dataDir, port: 0, log: () => undefined });
    (globalThis as { __leakcaseCluster?: unknown }).__leakcaseCluster = { cluster, dataDir };
    url = cluster.url;
  }
  process.env.LEAKCASE_TEST_ADMIN_URL = url;
}
