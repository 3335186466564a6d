import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';

/**
 * Runs `fn` (a read: it is run `runs` times) and returns the fewest SQL statements TypeORM sent
 * during one run (for N+1 checks). The count covers the whole process, so a background job's
 * statements can add to a run; they never take any away, hence the minimum. Only counts: the
 * statements and their parameters are not kept.
 */
export async function countSqlStatements(fn: () => Promise<unknown>, runs = 3): Promise<number> {
  const original = PostgresQueryRunner.prototype.query;
  let count = 0;
  PostgresQueryRunner.prototype.query = function (this: PostgresQueryRunner, ...args: Parameters<typeof original>) {
    count++;
    return original.apply(this, args);
  } as typeof original;
  let fewest = Infinity;
  try {
    for (let i = 0; i < runs; i++) {
      count = 0;
      await fn();
      fewest = Math.min(fewest, count);
    }
  } finally {
    PostgresQueryRunner.prototype.query = original;
  }
  return fewest;
}
