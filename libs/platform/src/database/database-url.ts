import type { AppConfig } from '../config/config';
import { type EmbeddedCluster, startEmbeddedPostgres } from './embedded-postgres';

/**
 * The PostgreSQL to use: DATABASE_URL when set, otherwise the embedded server in the data
 * directory, started once per process.
 */
let embedded: Promise<EmbeddedCluster> | undefined;

export async function resolveDatabaseUrl(config: AppConfig, log: (message: string) => void): Promise<string> {
  if (config.databaseUrl) return config.databaseUrl;
  embedded ??= startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, log });
  return (await embedded).url;
}

/** Stops the embedded server if this process started it (after the connections are closed). */
export async function stopEmbeddedPostgres(): Promise<void> {
  const cluster = await embedded;
  embedded = undefined;
  await cluster?.stop();
}
