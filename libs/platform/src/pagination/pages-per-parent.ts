import type { Loaders } from '../graphql/loaders';
import type { SqlParams } from '../visibility/visibility';
import { type Connection, type CursorList, decodeCursor, toConnection } from './pagination';

/** One column of a sort key: a column of the relation (by name), and the SQL type a cursor value is cast to. */
export interface KeyColumn {
  column: string;
  cast: string;
}

/** What pagesPerParent reads: a relation that holds the rows of every parent asked for. */
export interface PerParentList<Row> {
  list: CursorList;
  /**
   * A parenthesised SQL relation with a `parent` column (the parent's id as text or uuid) and the
   * sort key columns, already restricted to the parents asked for, with its parameters in `p`.
   */
  relation: string;
  p: SqlParams;
  /** The sort key, unique within a parent, as columns of `r` (the relation). */
  key: KeyColumn[];
  /** The sort key of a row, as the cursor carries it. */
  keyOf: (row: Row) => (string | number)[];
  map: (raw: Record<string, any>) => Row & { parent: string };
}

/**
 * A page of a list field for each of many parents in one query, however many parents (a field
 * loaded through a DataLoader): each parent's rows after `after` (one cursor for every parent: a
 * client pages one parent at a time) up to `first`, in key order, with the parent's whole count
 * (every parent's in a second query, run when the first totalCount is read). `after` is a cursor of `list` (decodeCursor: BAD_USER_INPUT on `after` otherwise).
 * Returns a Connection per parent, an empty one for a parent with no rows.
 */
export async function pagesPerParent<Row>(
  database: { query(sql: string, values: unknown[]): Promise<Record<string, any>[]> },
  spec: PerParentList<Row>,
  parents: readonly string[],
  first: number,
  after?: string,
): Promise<Map<string, Connection<Row>>> {
  const { p, key, relation } = spec;
  const countValues = [...p.values];
  const order = key.map((k) => `r.${k.column}`).join(', ');
  let where = 'true';
  if (after) {
    const values = decodeCursor(spec.list, after);
    where = `(${order}) > (${key.map((k, i) => `${p.add(values[i])}::${k.cast}`).join(', ')})`;
  }
  const rows = await database.query(
    `SELECT * FROM (SELECT r.*, row_number() OVER (PARTITION BY r.parent ORDER BY ${order}) AS page_row FROM ${relation} r WHERE ${where}) r
      WHERE r.page_row <= ${p.add(first + 1)} ORDER BY r.parent, ${order}`,
    p.values,
  );
  const byParent = new Map<string, Row[]>(parents.map((id) => [id, []]));
  for (const raw of rows) {
    const row = spec.map(raw);
    byParent.get(row.parent)?.push(row);
  }
  // Every parent's count in one statement, run when the first of them is read.
  let totals: Promise<Map<string, number>> | undefined;
  const countAll = () =>
    (totals ??= database
      .query(`SELECT r.parent::text AS parent, count(*)::int AS count FROM ${relation} r GROUP BY r.parent`, countValues)
      .then((counts) => new Map(counts.map((c) => [c.parent as string, c.count as number]))));
  const countOf = (parent: string) => async () => (await countAll()).get(parent) ?? 0;
  return new Map([...byParent].map(([parent, page]) => [parent, toConnection(spec.list, page, first, countOf(parent), spec.keyOf)]));
}

/**
 * The page (`first`, `after`) of a list field of parent `parentId`, through the request's
 * loaders: every parent asked for with the same arguments in one request shares one `fetch`
 * (pagesPerParent's call for many parents). `field` names the list and anything the fetch
 * depends on besides the page (the caller's organisation, say).
 */
export async function loadPage<T>(
  loaders: Loaders,
  field: string,
  parentId: string,
  first: number,
  after: string | undefined,
  fetch: (parents: readonly string[]) => Promise<Map<string, Connection<T>>>,
): Promise<Connection<T>> {
  const loaded = await loaders
    .get(`${field}:${first}:${after ?? ''}`, async (ids) => [...(await fetch(ids))].map(([key, page]) => ({ key, page })), (v) => v.key)
    .load(parentId);
  return loaded!.page;
}
