import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Format of an encrypted field: [key version (1 byte)][IV (12)][GCM tag (16)][ciphertext].
 * The version byte lets keys rotate: new writes use the current key, old rows stay readable
 * with the key of their version until re-encrypted.
 */
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;

export class FieldCipher {
  private readonly keys: Map<number, Buffer>;

  /** `keys` by version; `current` encrypts. Each key is 32 bytes (AES-256). */
  constructor(
    keys: Record<number, Buffer>,
    private readonly current: number,
  ) {
    this.keys = new Map(Object.entries(keys).map(([v, k]) => [Number(v), k]));
    for (const [version, key] of this.keys) {
      if (key.length !== 32 || version < 0 || version > 255) throw new Error('vault keys must be 32 bytes with a version 0-255');
    }
    if (!this.keys.has(current)) throw new Error('the current vault key version has no key');
  }

  /**
   * AES-256-GCM with a fresh random IV. `context` (e.g. the column name) is bound as associated
   * data, so a ciphertext moved to another column fails to decrypt.
   */
  encrypt(plaintext: string, context: string): Buffer {
    const iv = this.nextIv();
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.current)!, iv);
    cipher.setAAD(this.aad(context));
    let body = cipher.update(plaintext, 'utf8');
    const tail = cipher.final(); // empty for GCM, a stream mode
    if (tail.length) body = Buffer.concat([body, tail]);
    const sealed = Buffer.allocUnsafe(HEADER_BYTES + body.length);
    sealed[0] = this.current;
    iv.copy(sealed, 1);
    cipher.getAuthTag().copy(sealed, 1 + IV_BYTES);
    body.copy(sealed, HEADER_BYTES);
    return sealed;
  }

  /** Fresh random IVs, drawn from the CSPRNG 4 KiB at a time (each byte used once). */
  private ivPool = Buffer.alloc(0);
  private ivAt = 0;
  private nextIv(): Buffer {
    if (this.ivAt + IV_BYTES > this.ivPool.length) {
      this.ivPool = randomBytes(IV_BYTES * 341);
      this.ivAt = 0;
    }
    const iv = this.ivPool.subarray(this.ivAt, this.ivAt + IV_BYTES);
    this.ivAt += IV_BYTES;
    return iv;
  }

  private readonly aads = new Map<string, Buffer>();
  private aad(context: string): Buffer {
    let aad = this.aads.get(context);
    if (!aad) this.aads.set(context, (aad = Buffer.from(context, 'utf8')));
    return aad;
  }

  /** Throws when the data was altered, moved to another context, or its key version is unknown. */
  decrypt(sealed: Buffer, context: string): string {
    if (sealed.length < HEADER_BYTES) throw new Error('encrypted field is truncated');
    const key = this.keys.get(sealed[0]);
    if (!key) throw new Error(`no vault key of version ${sealed[0]}`);
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(1, 1 + IV_BYTES));
    decipher.setAAD(this.aad(context));
    decipher.setAuthTag(sealed.subarray(1 + IV_BYTES, HEADER_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(HEADER_BYTES)), decipher.final()]).toString('utf8');
  }
}
