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

/**
 * The file a ledger entry vouches for: its store, its path there (relative, "/"-separated), the
 * SHA-256 (hex) its bytes must have and their number (null when the leaf records none).
 */
export interface LoggedFile {
  store: FileStore;
  name: string;
  sha256: string;
  sizeBytes: number | null;
}

/** What a stored file is: its SHA-256 (hex) and size in bytes (file-hash.ts `fileDigest`). */
export interface FileDigest {
  sha256: string;
  sizeBytes: number;
}

/**
 * Why an entry's file fails, or null: missing (`actual` null), its bytes hash to something else,
 * or it has another size than the leaf records. One wording for the API and the offline verifier.
 */
export function fileFailure(index: number, file: LoggedFile, actual: FileDigest | null): string | null {
  if (actual === null) return `entry ${index}'s file ${file.name} is missing`;
  if (actual.sha256 !== file.sha256) return `entry ${index}'s file ${file.name} has changed (its bytes hash to ${actual.sha256})`;
  if (file.sizeBytes !== null && actual.sizeBytes !== file.sizeBytes) return `entry ${index}'s file ${file.name} has ${actual.sizeBytes} bytes, its leaf records ${file.sizeBytes}`;
  return null;
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
  const sizeBytes = loggedSize(leaf);
  if (leaf.kind === LedgerEntryKind.EVIDENCE) return { store: 'evidence', name: sha256, sha256, sizeBytes };
  const file = leaf.payload.file;
  if (typeof file !== 'string' || !RELATIVE_PATH.test(file)) return 'the entry names no document file';
  return { store: 'documents', name: file, sha256, sizeBytes };
}

/**
 * What the database records about a logged item, in the leaf's own terms: an evidence_item or
 * case_document row as a leaf would state it (`recordedLeaf`). Compared with the entry's leaf by
 * the API's checks, before a download, and by the offline verifier (the export carries it), so a
 * row edited after the fact (another file's hash, another party or case) is found.
 */
export interface LedgerRecord {
  kind: LedgerEntryKind;
  caseId: string | null;
  payload: { [key: string]: LeafValue };
}

/** An evidence item's facts as its leaf records them (what EvidenceService.submit logs). */
export interface EvidenceFacts {
  id: string;
  caseId: string;
  partyId: string;
  /** hex */
  sha256: string;
  sizeBytes: number;
  contentType: string;
  pageCount: number | null;
}

/** The leaf payload of an evidence item: { evidenceId, partyId, sha256, sizeBytes, contentType, pageCount }. */
export function evidenceRecord(e: EvidenceFacts): LedgerRecord {
  return {
    kind: LedgerEntryKind.EVIDENCE,
    caseId: e.caseId,
    payload: { evidenceId: e.id, partyId: e.partyId, sha256: e.sha256, sizeBytes: e.sizeBytes, contentType: e.contentType, pageCount: e.pageCount },
  };
}

/** A generated document's facts as its leaf records them (libs/documents). */
export interface DocumentFacts {
  id: string;
  caseId: string;
  kind: string;
  language: string;
  format: string;
  version: number;
  /** hex */
  sha256: string;
  sizeBytes: number;
  /** Its path in the documents store, "/"-separated. */
  file: string;
}

/** The leaf payload of a document: { documentId, documentKind, language, format, version, sha256, sizeBytes, file }. */
export function documentRecord(d: DocumentFacts): LedgerRecord {
  return {
    kind: LedgerEntryKind.DOCUMENT,
    caseId: d.caseId,
    payload: {
      documentId: d.id,
      documentKind: d.kind,
      language: d.language,
      format: d.format,
      version: d.version,
      sha256: d.sha256,
      sizeBytes: d.sizeBytes,
      file: d.file,
    },
  };
}

/**
 * Where the database's record of an entry departs from the leaf: the names of the fields that
 * differ ("kind", "caseId", or a payload key such as "sha256"), sorted; empty when they agree.
 * Names only, never values (a title or an identifier must not reach a log line).
 */
export function recordMismatch(leaf: LedgerLeaf, record: LedgerRecord): string[] {
  const differ: string[] = [];
  if (leaf.kind !== record.kind) differ.push('kind');
  if (leaf.caseId !== record.caseId) differ.push('caseId');
  const keys = new Set([...Object.keys(leaf.payload), ...Object.keys(record.payload)]);
  for (const key of keys) {
    const a = leaf.payload[key];
    const b = record.payload[key];
    if (a === undefined || b === undefined || canonicalJson(a) !== canonicalJson(b)) differ.push(key);
  }
  return differ.sort();
}

/**
 * The reason an entry's record fails, or null: missing (the row is gone), or the fields that
 * differ from the leaf. One wording for the API's checks and the offline verifier.
 */
export function recordFailure(index: number, leaf: LedgerLeaf, record: LedgerRecord | null | undefined): string | null {
  if (!record) return `entry ${index}'s ${leaf.kind === LedgerEntryKind.EVIDENCE ? 'evidence item' : 'document'} is not in the database`;
  const differ = recordMismatch(leaf, record);
  return differ.length ? `entry ${index}'s database row differs from its leaf in ${differ.join(', ')}` : null;
}

/** The size (bytes) an entry records, or null when it records none. */
export function loggedSize(leaf: LedgerLeaf): number | null {
  const size = leaf.payload.sizeBytes;
  return typeof size === 'number' && Number.isSafeInteger(size) ? size : null;
}
