import type { EntityManager } from 'typeorm';

/**
 * Rows of an INSERT/UPDATE/DELETE … RETURNING statement. TypeORM's postgres driver answers
 * UPDATE and DELETE with `[rows, affectedCount]` but INSERT and SELECT with the rows alone.
 */
export async function returningRows<T>(manager: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  const result = await manager.query(sql, params);
  return Array.isArray(result[0]) && typeof result[1] === 'number' ? result[0] : result;
}
