import { buildSchema, execute, parse } from 'graphql';
import { type CursorList, decodeCursor, encodeCursor, mapConnection, selectsField, selectsNodeField, setCursorSecret, toConnection } from './pagination';

const BY_DATE: CursorList = { name: 'Deadline(due,id)', arity: 2 };
const BY_ID: CursorList = { name: 'Case(id)', arity: 1 };
const BY_NAME: CursorList = { name: 'Organisation(name,id)', arity: 2 };

describe('cursor pagination', () => {
  it('round-trips a sort key through an opaque cursor', () => {
    expect(decodeCursor(BY_DATE, encodeCursor(BY_DATE, ['2026-01-01', 'a1']))).toEqual(['2026-01-01', 'a1']);
  });

  it('signs the list too: a fixed secret and key give this exact cursor', () => {
    setCursorSecret('one secret');
    // body = base64url('["a",1]'); tag = first 16 bytes of HMAC-SHA256(HMAC-SHA256("one secret", "leakcase/cursor/v1"), "Organisation(name,id)\n" + body)
    expect(encodeCursor(BY_NAME, ['a', 1])).toBe('WyJhIiwxXQ.9sAi0wXvZNQ7Y-EMfclSiA');
  });

  it('refuses a cursor it did not make, naming the argument', () => {
    expect(() => decodeCursor(BY_DATE, 'not-a-cursor')).toThrow(/after: is not a cursor/);
    expect(() => decodeCursor(BY_DATE, encodeCursor({ ...BY_DATE, arity: 1 }, [1]))).toThrow(/after/);
  });

  it("refuses another list's genuine cursor, even one whose key has the same shape", () => {
    const organisation = encodeCursor(BY_NAME, ['Demo City Court', '00000000-0000-4000-8000-000000000000']);
    expect(() => decodeCursor(BY_DATE, organisation)).toThrow(/after: is not a cursor returned by this list/);
    expect(() => decodeCursor({ name: 'LeakIncident(id)', arity: 1 }, encodeCursor(BY_ID, ['x']))).toThrow(/after: is not a cursor/);
  });

  it('refuses a well-formed key that the server did not sign (a crafted cursor never reaches SQL)', () => {
    const crafted = Buffer.from(JSON.stringify(['not-a-uuid'])).toString('base64url');
    expect(() => decodeCursor(BY_ID, crafted)).toThrow(/after: is not a cursor/);
    const [, tag] = encodeCursor(BY_ID, ['00000000-0000-4000-8000-000000000000']).split('.');
    expect(() => decodeCursor(BY_ID, `${crafted}.${tag}`)).toThrow(/after: is not a cursor/);
  });

  it('keeps cursors valid across restarts when the secret is the same', () => {
    setCursorSecret('one secret');
    const cursor = encodeCursor(BY_NAME, ['a', 1]);
    setCursorSecret('another secret');
    expect(() => decodeCursor(BY_NAME, cursor)).toThrow(/after/);
    setCursorSecret('one secret');
    expect(decodeCursor(BY_NAME, cursor)).toEqual(['a', 1]);
  });

  it('reports a next page only when more rows than asked were fetched', () => {
    const rows = [{ id: 1 }, { id: 2 }, { id: 3 }];
    const page = toConnection(BY_ID, rows, 2, 3, (r) => [r.id]);
    expect(page.nodes).toEqual([{ id: 1 }, { id: 2 }]);
    expect(page.pageInfo).toEqual({ hasNextPage: true, endCursor: encodeCursor(BY_ID, [2]) });
    expect(toConnection(BY_ID, rows, 3, 3, (r) => [r.id]).pageInfo.hasNextPage).toBe(false);
  });
});

/** A list's schema: its count, its nodes and its edges. */
const LIST_SCHEMA = buildSchema(`
  type Node { id: ID, createdAt: String, child: Node }
  type Edge { cursor: String, node: Node }
  type Page { totalCount: Int, nodes: [Node], edges: [Edge] }
  type Query { list: Page }
`);

/** What `ask` says inside the `list` resolver of LIST_SCHEMA for `document`. */
function askInListResolver(document: string, ask: (info: Parameters<typeof selectsField>[0]) => boolean): boolean {
  let answer: boolean | undefined;
  execute({
    schema: LIST_SCHEMA,
    document: parse(document),
    rootValue: {
      list: (_args: unknown, _context: unknown, info: Parameters<typeof selectsField>[0]) => {
        answer = ask(info);
        return { totalCount: 1, nodes: [], edges: [] };
      },
    },
  });
  return answer!;
}

describe('selectsField', () => {
  /** What selectsField says about `totalCount` for `document`. */
  const asks = (document: string) => askInListResolver(document, (info) => selectsField(info, 'totalCount'));

  it('sees the subfield asked for directly, under an alias, or through inline and named fragments', () => {
    expect(asks('{ list { totalCount } }')).toBe(true);
    expect(asks('{ list { n: totalCount } }')).toBe(true);
    expect(asks('{ list { ... on Page { totalCount } } }')).toBe(true);
    expect(asks('{ list { ...F } } fragment F on Page { nodes { id } ...G } fragment G on Page { totalCount }')).toBe(true);
  });

  it('counts a subfield under @skip or @include as asked for', () => {
    expect(asks('{ list { totalCount @skip(if: true) } }')).toBe(true);
  });

  it('is false when only other subfields are asked for, a field named alike elsewhere included', () => {
    expect(asks('{ list { nodes { id } } }')).toBe(false);
    expect(asks('{ list { totalCount: nodes { id } } }')).toBe(false);
    expect(asks('{ list { ...F } } fragment F on Page { nodes { id } }')).toBe(false);
  });
});

describe('selectsNodeField', () => {
  /** What selectsNodeField says about the nodes' `createdAt` for `document`. */
  const asks = (document: string) => askInListResolver(document, (info) => selectsNodeField(info, 'createdAt'));

  it('sees the field under nodes or edges { node }, aliased or through fragments at any level', () => {
    expect(asks('{ list { nodes { createdAt } } }')).toBe(true);
    expect(asks('{ list { edges { node { at: createdAt } } } }')).toBe(true);
    expect(asks('{ list { ... on Page { nodes { ... on Node { createdAt } } } } }')).toBe(true);
    expect(asks('{ list { ...P } } fragment P on Page { edges { node { ...N } } } fragment N on Node { id ...M } fragment M on Node { createdAt }')).toBe(true);
    expect(asks('{ list { nodes { ...N } edges { node { ...N } } } } fragment N on Node { createdAt }')).toBe(true);
  });

  it('is false when the nodes do not ask for it, even where a field of that name is asked elsewhere', () => {
    expect(asks('{ list { totalCount nodes { id } edges { cursor node { id } } } }')).toBe(false);
    expect(asks('{ list { nodes { createdAt: id } } }')).toBe(false);
    expect(asks('{ list { nodes { child { createdAt } } } }')).toBe(false);
    expect(asks('{ list { edges { createdAt: cursor } } }')).toBe(false);
    expect(asks('{ list { nodes { ...N } } } fragment N on Node { id child { createdAt } }')).toBe(false);
  });
});

describe('the count of a connection', () => {
  const list: CursorList = { name: 'Case(id)', arity: 1 };

  it('runs the count only when totalCount is read, and once however often it is read', async () => {
    let runs = 0;
    const page = toConnection(list, [{ id: 1 }, { id: 2 }], 1, async () => ++runs && 7, (r) => [r.id]);
    expect(page.nodes).toEqual([{ id: 1 }]);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(page.edges.map((e) => e.node)).toEqual([{ id: 1 }]);
    // Mapping the nodes does not count either.
    const mapped = mapConnection(page, (n) => n.id);
    expect(mapped.nodes).toEqual([1]);
    expect(runs).toBe(0);
    await expect(mapped.totalCount).resolves.toBe(7);
    await expect(page.totalCount).resolves.toBe(7);
    expect(runs).toBe(1);
  });

  it('gives a count the page already has as it is', async () => {
    await expect(mapConnection(toConnection(list, [], 1, 7, (r: { id: number }) => [r.id]), (n) => n).totalCount).resolves.toBe(7);
  });
});
