import { type _HMAC, hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';

/**
 * HMAC-SHA256 for many short messages under one key and one domain prefix, on @noble/hashes
 * (audited, pure JavaScript, so hashing worker threads can load it). The key pads and the prefix
 * are absorbed once; each message then starts from a copy of that state, which saves the pad
 * compressions and the native call overhead that `crypto.createHmac` pays per identifier.
 * Byte-identical to `createHmac('sha256', key).update(prefix).update(message).digest()` (the unit
 * tests check it against node:crypto).
 */
export class PrefixedHmac {
  // _HMAC<any>: noble types the hash parameter loosely; the instance is always HMAC-SHA256 here.
  private readonly keyed: _HMAC<any>;
  private work: _HMAC<any>;

  constructor(key: Uint8Array, prefix: Uint8Array) {
    this.keyed = hmac.create(sha256, key).update(prefix);
    this.work = this.keyed.clone();
  }

  /**
   * Writes HMAC(key, prefix || message) to `out` at `outAt` (32 bytes), where the message is the
   * bytes `source[from, to)`.
   */
  digestInto(source: Uint8Array, from: number, to: number, out: Uint8Array, outAt: number): void {
    this.work = this.keyed._cloneInto(this.work);
    this.work.update(source.subarray(from, to));
    this.work.digestInto(out.subarray(outAt, outAt + 32));
  }
}
