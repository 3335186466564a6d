/**
 * The blind indexes of an import that may repeat: a Bloom filter over the ID-number blind indexes
 * of the staged rows, so that the staging looks for duplicates in SQL only among these few keys
 * instead of sorting every staged row. Fixed memory (16 MiB), whatever the file's size.
 *
 * No false negatives: the second occurrence of a key is always a candidate. False positives (keys
 * seen once) are rare (about one in a million rows at 1,000,000 rows, 0.4% at 10,000,000) and
 * harmless: SQL finds no repeat among their rows. A blind index is an HMAC-SHA256 output, so its
 * bytes are uniformly distributed and serve as the filter's hash values directly.
 */
export class RepeatFilter {
  /** Hash functions: four 32-bit words of the key. */
  private static readonly PROBES = 4;
  private readonly bits: Uint32Array;
  private readonly mask: number;
  private readonly candidates = new Set<string>();

  /** A filter of 2^log2Bits bits (27: 16 MiB). */
  constructor(log2Bits = 27) {
    this.bits = new Uint32Array(2 ** (log2Bits - 5));
    this.mask = 2 ** log2Bits - 1;
  }

  /** Adds the keys of `keys` (`size` bytes each, at least 16), noting every key that may have been added before. */
  addAll(keys: Uint8Array, size: number): void {
    const view = new DataView(keys.buffer, keys.byteOffset, keys.byteLength);
    for (let at = 0; at + size <= keys.length; at += size) {
      let seen = true;
      for (let p = 0; p < RepeatFilter.PROBES; p++) {
        const bit = view.getUint32(at + 4 * p) & this.mask;
        const word = bit >>> 5;
        const flag = 1 << (bit & 31);
        if (!(this.bits[word] & flag)) {
          seen = false;
          this.bits[word] |= flag;
        }
      }
      if (seen) this.candidates.add(Buffer.from(keys.buffer, keys.byteOffset + at, size).toString('hex'));
    }
  }

  /** The keys that may repeat (hex), each once: every repeated key, and rarely one that does not. */
  repeated(): string[] {
    return [...this.candidates];
  }
}
