import type { AppConfig } from '../config/config';
import { startEmbeddedPostgres } from './embedded-postgres';

/**
 * The PostgreSQL to use: DATABASE_URL when set, otherwise the embedded server in the data
 * directory, started once per process (it stops when the process exits).
 */
let embedded: Promise<string> | undefined;

export function resolveDatabaseUrl(config: AppConfig, log: (message: string) => void): Promise<string> {
  if (config.databaseUrl) return Promise.resolve(config.databaseUrl);
  embedded ??= startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, log }).then(
    (cluster) => cluster.url,
  );
  return embedded;
}
