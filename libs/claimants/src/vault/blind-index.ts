import { createHmac } from 'node:crypto';

/** The identifier kinds that have a blind index. */
export enum IdentifierKind {
  ID_NUMBER = 'ID_NUMBER',
  PHONE = 'PHONE',
  /** A postal address (normaliseAddress): compared only to find many claims from one address. */
  ADDRESS = 'ADDRESS',
}

/**
 * Domain separation: each kind hashes under its own prefix, so an ID number's index can never
 * equal a phone number's index even if the two strings were equal. Changing a prefix changes
 * every index: it is part of the stored format (v1).
 */
const PREFIX: Record<IdentifierKind, Buffer> = {
  [IdentifierKind.ID_NUMBER]: Buffer.from('leakcase/blind-index/v1/id-number\0', 'utf8'),
  [IdentifierKind.PHONE]: Buffer.from('leakcase/blind-index/v1/phone\0', 'utf8'),
  [IdentifierKind.ADDRESS]: Buffer.from('leakcase/blind-index/v1/address\0', 'utf8'),
};

export const BLIND_INDEX_BYTES = 32;

/** The domain prefix hashed before an identifier of this kind (for PrefixedHmac). */
export function blindIndexPrefix(kind: IdentifierKind): Buffer {
  return Buffer.from(PREFIX[kind]);
}

/**
 * The keyed blind index (HMAC-SHA256 with the blind-index key) of an identifier already
 * normalised (readIdNumber, readPhone of the normalise folder). Equal identifiers give equal indexes; without
 * the key, an index reveals nothing about the identifier, even for the small space of phone
 * numbers. The CLI uses this very function to hash seized datasets locally.
 */
export function blindIndex(key: Buffer, kind: IdentifierKind, normalised: string): Buffer {
  return createHmac('sha256', key).update(PREFIX[kind]).update(normalised, 'utf8').digest();
}
