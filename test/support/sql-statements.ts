import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';

/**
 * Runs `fn` and returns how many SQL statements TypeORM sent meanwhile (for N+1 checks). Only
 * counts: the statements and their parameters are not kept.
 */
export async function countSqlStatements(fn: () => Promise<unknown>): Promise<number> {
  const original = PostgresQueryRunner.prototype.query;
  let count = 0;
  PostgresQueryRunner.prototype.query = function (this: PostgresQueryRunner, ...args: Parameters<typeof original>) {
    count++;
    return original.apply(this, args);
  } as typeof original;
  try {
    await fn();
  } finally {
    PostgresQueryRunner.prototype.query = original;
  }
  return count;
}
