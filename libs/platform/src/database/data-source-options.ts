import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../../../migrations';
import { useFastTimestamptzParser } from './timestamptz';

/**
 * TypeORM options shared by the API, the CLI and the tests. `synchronize` is off for good:
 * the schema changes only through migrations/. Query logging is off because parameters carry
 * personal data; errors are logged by the error filter without them. Every timestamptz is read
 * with parseTimestamptz.
 */
export function dataSourceOptions(url: string): DataSourceOptions {
  useFastTimestamptzParser();
  return {
    type: 'postgres',
    url,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTransactionMode: 'each',
    logging: false,
    extra: { max: 20, application_name: 'leakcase' },
  };
}
