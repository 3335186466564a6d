import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * TypeORM answers a top-level UPDATE or DELETE … RETURNING with `[rows, count]`, not the rows: code
 * that reads it as rows reads `[rows, count]` as two "rows" (an audit record once listed
 * `[null, null]` as the ids reopened). Every such statement goes through `returningRows`.
 */
/** A `.query(` call whose SQL starts with UPDATE or DELETE; group 1 is the rest of the statement. */
const QUERY_UPDATE_OR_DELETE = /\.query(?:<[^>]*>)?\(\s*`\s*(?:UPDATE|DELETE)\b([^`]*)`/g;

describe('UPDATE and DELETE … RETURNING statements', () => {
  const sources = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [join(dir, e.name)] : [],
    );
  const root = join(__dirname, '../../../..');

  it('are read through returningRows, never manager.query', () => {
    const offenders = [...sources(join(root, 'libs')), ...sources(join(root, 'apps'))].flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(QUERY_UPDATE_OR_DELETE)]
        .filter((m) => /\bRETURNING\b/.test(m[1]))
        .map((m) => `${file.slice(root.length + 1)}: ${m[0].slice(0, 60)}`),
    );
    expect(offenders).toEqual([]);
  });

  it('are found by the check above (it would not pass vacuously)', () => {
    const sample = 'await manager.query(`UPDATE t SET a = 1 WHERE id = $1 RETURNING id`, [id])';
    expect([...sample.matchAll(QUERY_UPDATE_OR_DELETE)].map((m) => m[1])).toEqual([' t SET a = 1 WHERE id = $1 RETURNING id']);
  });
});
