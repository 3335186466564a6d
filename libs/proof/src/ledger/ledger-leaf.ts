/**
 * What one leaf of the evidence ledger says, and its exact bytes: canonical JSON (keys sorted,
 * no spaces, UTF-8) of `{ caseId, kind, payload, v: 1 }`, so the API, the export and any third
 * party derive the same leaf hash (RFC 9162 2.1.1) from the same facts. Pure.
 */

/** What a ledger entry records. */
export enum LedgerEntryKind {
  /** An evidence item: payload { evidenceId, sha256, sizeBytes, contentType, pageCount, partyId }. */
  EVIDENCE = 'EVIDENCE',
  /**
   * A generated document (libs/documents): payload { documentId, documentKind, language, format,
   * version, sha256, sizeBytes, file }, `file` its path in the documents store.
   */
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

/** Where a logged file is kept: the evidence store (files named by their SHA-256) or the documents store. */
export type FileStore = 'evidence' | 'documents';

/** The file a ledger entry vouches for: its store, its path there (relative, "/"-separated) and the SHA-256 (hex) its bytes must have. */
export interface LoggedFile {
  store: FileStore;
  name: string;
  sha256: string;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
/** A relative path of plain segments, none starting with a dot (so no "..", nothing hidden). */
const RELATIVE_PATH = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;

/**
 * The file an entry vouches for, one rule for the API's check and the offline verifier: an
 * EVIDENCE entry's file is named by its sha256 in the evidence store, a DOCUMENT entry's is
 * `payload.file` in the documents store. A reason (string) when the payload names none properly.
 */
export function loggedFile(leaf: LedgerLeaf): LoggedFile | string {
  const sha256 = leaf.payload.sha256;
  if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256)) return 'the entry names no file hash';
  if (leaf.kind === LedgerEntryKind.EVIDENCE) return { store: 'evidence', name: sha256, sha256 };
  const file = leaf.payload.file;
  if (typeof file !== 'string' || !RELATIVE_PATH.test(file)) return 'the entry names no document file';
  return { store: 'documents', name: file, sha256 };
}
