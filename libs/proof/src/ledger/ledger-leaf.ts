/**
 * What one leaf of the evidence ledger says, and its exact bytes: canonical JSON (keys sorted,
 * no spaces, UTF-8) of `{ caseId, kind, payload, v: 1 }`, so the API, the export and any third
 * party derive the same leaf hash (RFC 9162 2.1.1) from the same facts. Pure.
 */

/** What a ledger entry records. */
export enum LedgerEntryKind {
  /** An evidence item: payload { evidenceId, sha256, sizeBytes, contentType, pageCount, partyId }. */
  EVIDENCE = 'EVIDENCE',
  /** A generated document (libs/documents): payload chosen by its generator, with the file's sha256. */
  DOCUMENT = 'DOCUMENT',
}

/** A JSON value as leaves hold it (no undefined, no non-finite numbers). */
export type LeafValue = string | number | boolean | null | LeafValue[] | { [key: string]: LeafValue };

/** A decoded leaf. */
export interface LedgerLeaf {
  v: 1;
  kind: LedgerEntryKind;
  caseId: string | null;
  payload: { [key: string]: LeafValue };
}

/** JSON with object keys sorted at every level and no whitespace; throws TypeError on a value JSON cannot hold. */
export function canonicalJson(value: LeafValue): string {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('a ledger leaf holds finite numbers only');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  throw new TypeError('a ledger leaf holds JSON values only');
}

/** The bytes of the leaf recording `payload` of `kind` about case `caseId` (null: no case). */
export function encodeLeaf(kind: LedgerEntryKind, caseId: string | null, payload: { [key: string]: LeafValue }): Buffer {
  return Buffer.from(canonicalJson({ v: 1, kind, caseId, payload }), 'utf8');
}

/** Parses leaf bytes; the reason when they are not a canonical leaf of this format. */
export function decodeLeaf(bytes: Buffer): LedgerLeaf | string {
  let parsed: LedgerLeaf;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    return 'the leaf is not JSON';
  }
  if (
    !parsed ||
    parsed.v !== 1 ||
    !Object.values(LedgerEntryKind).includes(parsed.kind) ||
    (parsed.caseId !== null && typeof parsed.caseId !== 'string') ||
    !parsed.payload ||
    typeof parsed.payload !== 'object' ||
    Array.isArray(parsed.payload)
  ) {
    return 'the leaf is not a ledger entry of format 1';
  }
  if (!encodeLeaf(parsed.kind, parsed.caseId, parsed.payload).equals(bytes)) return 'the leaf is not in canonical form';
  return parsed;
}
