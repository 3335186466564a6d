import { Client } from 'pg';

/**
 * Runs `fn` (a read: it is run `runs` times) and returns the fewest SQL statements sent to
 * PostgreSQL during one run (for N+1 checks): every query of a pg Client, so TypeORM's and the
 * named statements run on its pool alike (queryNamed). The count covers the whole process, so a
 * background job's statements can add to a run; they never take any away, hence the minimum.
 * Only counts: the statements and their parameters are not kept.
 */
export async function countSqlStatements(fn: () => Promise<unknown>, runs = 3): Promise<number> {
  const original = Client.prototype.query;
  let count = 0;
  Client.prototype.query = function (this: Client, ...args: unknown[]) {
    count++;
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  let fewest = Infinity;
  try {
    for (let i = 0; i < runs; i++) {
      count = 0;
      await fn();
      fewest = Math.min(fewest, count);
    }
  } finally {
    Client.prototype.query = original;
  }
  return fewest;
}
