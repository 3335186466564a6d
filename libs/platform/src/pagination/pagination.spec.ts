import { type CursorList, decodeCursor, encodeCursor, setCursorSecret, toConnection } from './pagination';

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
