import { encodeCopyRows } from './datasets.service';

/** Reads the tuples back out of a COPY binary stream (the format PostgreSQL documents for COPY … (FORMAT binary)). */
function tuples(out: Buffer): (Buffer | null)[][] {
  const rows: (Buffer | null)[][] = [];
  let o = 19; // signature (11), flags (4), header extension length (4)
  for (;;) {
    const count = out.readInt16BE(o);
    o += 2;
    if (count === -1) return rows;
    const row: (Buffer | null)[] = [];
    for (let i = 0; i < count; i++) {
      const length = out.readInt32BE(o);
      o += 4;
      row.push(length < 0 ? null : out.subarray(o, o + length));
      if (length > 0) o += length;
    }
    rows.push(row);
  }
}

describe('encodeCopyRows (a chunk body into COPY tuples)', () => {
  const dataset = '0b7c2f3e-1111-4222-8333-944455556666';
  const hash = (b: number) => Buffer.alloc(32, b);

  it('writes the category bitmask after the two hashes, NULL when no category cell was filled', () => {
    // Fields: PHONE only; two categories; rows: (phone 1, mask 0b10), (no phone, mask 0), (phone 3, mask 0b01).
    const body = Buffer.concat([hash(1), Buffer.from([0, 0, 0, 2]), hash(0), Buffer.from([0, 0, 0, 0]), hash(3), Buffer.from([0, 0, 0, 1])]);
    const rows = tuples(encodeCopyRows(dataset, { idAt: -1, phoneAt: 0, fields: 1, categories: 2 }, body, 3));
    expect(rows.map((r) => r.length)).toEqual([4, 4, 4]);
    expect(rows.map((r) => r[0]!.toString('hex'))).toEqual(Array(3).fill(dataset.replace(/-/g, '')));
    expect(rows.map((r) => r[1])).toEqual([null, null, null]);
    expect(rows.map((r) => r[2] && r[2][0])).toEqual([1, null, 3]);
    expect(rows.map((r) => (r[3] ? r[3].readInt32BE(0) : null))).toEqual([2, null, 1]);
  });

  it('keeps the original layout (hashes only) for a dataset without categories', () => {
    const body = Buffer.concat([hash(5), hash(6)]);
    const [row] = tuples(encodeCopyRows(dataset, { idAt: 0, phoneAt: 1, fields: 2, categories: 0 }, body, 1));
    expect([row[1]![0], row[2]![0], row[3]]).toEqual([5, 6, null]);
  });

  it('refuses a bit beyond the dataset\'s categories, naming the row', () => {
    const body = Buffer.concat([hash(1), Buffer.from([0, 0, 0, 1]), hash(2), Buffer.from([0, 0, 0, 4])]);
    expect(() => encodeCopyRows(dataset, { idAt: -1, phoneAt: 0, fields: 1, categories: 2 }, body, 2)).toThrow(/row 2 of the chunk/);
  });
});
