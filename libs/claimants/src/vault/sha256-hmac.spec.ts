import { createHmac, randomBytes } from 'node:crypto';
import { blindIndex, blindIndexPrefix, IdentifierKind } from './blind-index';
import { PrefixedHmac } from './sha256-hmac';

describe('PrefixedHmac (JavaScript HMAC-SHA256 with precomputed pads)', () => {
  it('equals node:crypto HMAC-SHA256 for every message length up to several blocks, keys of 0-64 bytes and prefixes', () => {
    for (const keyLength of [0, 1, 16, 32, 63, 64]) {
      for (const prefixLength of [0, 5, 34, 64, 70]) {
        const key = randomBytes(keyLength);
        const prefix = randomBytes(prefixLength);
        const hmac = new PrefixedHmac(key, prefix);
        const out = Buffer.alloc(40);
        for (let length = 0; length <= 200; length++) {
          const message = randomBytes(length + 6);
          hmac.digestInto(message, 3, 3 + length, out, 5);
          const expected = createHmac('sha256', key).update(prefix).update(message.subarray(3, 3 + length)).digest();
          expect(out.subarray(5, 37).equals(expected)).toBe(true);
        }
      }
    }
  });

  it('gives the blind index of a normalised identifier, for both kinds', () => {
    const key = randomBytes(32);
    const out = Buffer.alloc(32);
    for (const [kind, value] of [[IdentifierKind.ID_NUMBER, '11010519491231002X'], [IdentifierKind.PHONE, '13812345678']] as const) {
      new PrefixedHmac(key, blindIndexPrefix(kind)).digestInto(Buffer.from(value), 0, value.length, out, 0);
      expect(out.equals(blindIndex(key, kind, value))).toBe(true);
    }
  });
});
