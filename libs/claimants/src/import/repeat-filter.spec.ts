import { createHmac, randomBytes } from 'node:crypto';
import { RepeatFilter } from './repeat-filter';

/** n keys shaped like blind indexes (HMAC-SHA256 of "person i"), concatenated. */
function keys(from: number, n: number, key = Buffer.from('k')): Buffer {
  return Buffer.concat(Array.from({ length: n }, (_, i) => createHmac('sha256', key).update(`person ${from + i}`).digest()));
}
const hex = (all: Buffer, i: number) => all.subarray(32 * i, 32 * i + 32).toString('hex');

describe('RepeatFilter: the blind indexes of an import that may repeat', () => {
  it('names nothing when no key repeats (100,000 distinct keys in a 16 MiB filter)', () => {
    const filter = new RepeatFilter();
    filter.addAll(keys(0, 100_000), 32);
    // Expected false positives: 100,000 x (1 - e^(-4 x 100,000 / 2^27))^4 = 100,000 x 7.9e-11: none.
    expect(filter.repeated()).toEqual([]);
  });

  it('names every repeated key once, whatever batch it comes back in', () => {
    const filter = new RepeatFilter();
    const first = keys(0, 1000);
    filter.addAll(first, 32);
    // Person 7 twice more, person 999 once more, among new people.
    filter.addAll(Buffer.concat([keys(5000, 10), first.subarray(7 * 32, 8 * 32), first.subarray(7 * 32, 8 * 32), first.subarray(999 * 32)]), 32);
    expect(filter.repeated().sort()).toEqual([hex(first, 7), hex(first, 999)].sort());
  });

  it('reads keys at any offset of a shared buffer (a batch arrives as a view)', () => {
    const filter = new RepeatFilter();
    const key = randomBytes(32);
    const shared = Buffer.concat([Buffer.alloc(3), key, key]);
    filter.addAll(new Uint8Array(shared.buffer, shared.byteOffset + 3, 64), 32);
    expect(filter.repeated()).toEqual([key.toString('hex')]);
  });

  it('finds every repeat even when most keys are false candidates (a 1 KiB filter: 8,192 bits for 5,000 keys)', () => {
    const filter = new RepeatFilter(13);
    const all = keys(0, 5000);
    filter.addAll(all, 32);
    filter.addAll(all.subarray(0, 32 * 10), 32);
    const named = new Set(filter.repeated());
    for (let i = 0; i < 10; i++) expect(named.has(hex(all, i))).toBe(true);
  });
});
