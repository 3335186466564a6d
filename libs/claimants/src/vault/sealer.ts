import type { Sealer } from '../enrolment-record';
import { BLIND_INDEX_BYTES, blindIndexPrefix, IdentifierKind } from './blind-index';
import { FieldCipher } from './cipher';
import { PrefixedHmac } from './sha256-hmac';

/** The keys sealing needs; a sealing worker thread receives them in its workerData. */
export interface SealerKeys {
  encryptionKey: Uint8Array;
  keyVersion: number;
  blindIndexKey: Uint8Array;
}

/**
 * Encryption and blind indexes without Nest: for VaultService and for the sealing worker threads.
 * The blind indexes are computed by PrefixedHmac (byte-identical to vault/blind-index's createHmac).
 */
export function createSealer(keys: SealerKeys): Sealer & { decrypt(sealed: Buffer, field: string): string } {
  const cipher = new FieldCipher({ [keys.keyVersion]: Buffer.from(keys.encryptionKey) }, keys.keyVersion);
  const idHmac = new PrefixedHmac(keys.blindIndexKey, blindIndexPrefix(IdentifierKind.ID_NUMBER));
  const phoneHmac = new PrefixedHmac(keys.blindIndexKey, blindIndexPrefix(IdentifierKind.PHONE));
  const addressHmac = new PrefixedHmac(keys.blindIndexKey, blindIndexPrefix(IdentifierKind.ADDRESS));
  const index = (hmac: PrefixedHmac, value: string) => {
    const bytes = Buffer.from(value, 'utf8');
    const out = Buffer.allocUnsafe(BLIND_INDEX_BYTES);
    hmac.digestInto(bytes, 0, bytes.length, out, 0);
    return out;
  };
  return {
    encrypt: (plaintext, field) => cipher.encrypt(plaintext, field),
    decrypt: (sealed, field) => cipher.decrypt(sealed, field),
    idIndex: (id) => index(idHmac, id),
    phoneIndex: (phone) => index(phoneHmac, phone),
    addressIndex: (address) => index(addressHmac, address),
  };
}
