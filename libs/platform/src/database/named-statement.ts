import { createHash } from 'node:crypto';
import type { Pool, QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';

/** Most statement texts given a name; past it a new text runs unnamed (parsed and planned each time). */
const MAX_NAMED = 256;
/** Each named text's name: `leakcase_` and 24 hex digits of its SHA-1. */
const names = new Map<string, string>();

/** The name of `text`'s prepared statement, or undefined once MAX_NAMED texts have one. */
function statementName(text: string): string | undefined {
  let name = names.get(text);
  if (name === undefined && names.size < MAX_NAMED) {
    name = `leakcase_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}

/**
 * Rows of `text` run with `values` as a named (prepared) statement, straight on the
 * DataSource's pg pool: each pooled connection parses it once, later runs send its name and
 * values only, and PostgreSQL may keep a generic plan for it. For the statements every request
 * of a hot path runs (the list API), outside any transaction: the text must be one of a few
 * fixed shapes with every value a parameter ($1, $2…), since each distinct text is a statement
 * kept by every connection. Errors are pg's own (SQLSTATE in `code`), not TypeORM's
 * QueryFailedError.
 */
export async function queryNamed<R extends QueryResultRow>(dataSource: DataSource, text: string, values: unknown[]): Promise<R[]> {
  // TypeORM's postgres driver keeps its pg Pool as `master`.
  const pool = (dataSource.driver as unknown as { master: Pool }).master;
  const { rows } = await pool.query<R>({ name: statementName(text), text, values });
  return rows;
}
