import { decodeCursor, encodeCursor, setCursorSecret, toConnection } from './pagination';

describe('cursor pagination', () => {
  it('round-trips a sort key through an opaque cursor', () => {
    expect(decodeCursor(encodeCursor(['2026-01-01T00:00:00Z', 'a1']), 2)).toEqual(['2026-01-01T00:00:00Z', 'a1']);
  });

  it('refuses a cursor it did not make, naming the argument', () => {
    expect(() => decodeCursor('not-a-cursor', 2)).toThrow(/after: is not a cursor/);
    expect(() => decodeCursor(encodeCursor([1]), 2)).toThrow(/after/);
  });

  it('refuses a well-formed key that the server did not sign (a crafted cursor never reaches SQL)', () => {
    const crafted = Buffer.from(JSON.stringify(['not-a-uuid'])).toString('base64url');
    expect(() => decodeCursor(crafted, 1)).toThrow(/after: is not a cursor/);
    const [, tag] = encodeCursor(['00000000-0000-4000-8000-000000000000']).split('.');
    expect(() => decodeCursor(`${crafted}.${tag}`, 1)).toThrow(/after: is not a cursor/);
  });

  it('keeps cursors valid across restarts when the secret is the same', () => {
    setCursorSecret('one secret');
    const cursor = encodeCursor(['a', 1]);
    setCursorSecret('another secret');
    expect(() => decodeCursor(cursor, 2)).toThrow(/after/);
    setCursorSecret('one secret');
    expect(decodeCursor(cursor, 2)).toEqual(['a', 1]);
  });

  it('reports a next page only when more rows than asked were fetched', () => {
    const rows = [{ id: 1 }, { id: 2 }, { id: 3 }];
    const page = toConnection(rows, 2, 3, (r) => [r.id]);
    expect(page.nodes).toEqual([{ id: 1 }, { id: 2 }]);
    expect(page.pageInfo).toEqual({ hasNextPage: true, endCursor: encodeCursor([2]) });
    expect(toConnection(rows, 3, 3, (r) => [r.id]).pageInfo.hasNextPage).toBe(false);
  });
});
