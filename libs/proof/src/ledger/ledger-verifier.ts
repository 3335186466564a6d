import { decodeLeaf, type FileDigest, fileFailure, type LedgerEntryKind, type LedgerRecord, type LoggedFile, loggedFile, recordFailure } from './ledger-leaf';
import { type Digest, leafDigest, leafHash, sameDigest, TreeFrontier, verifyConsistency, verifyInclusion } from './merkle';
import { isSignatureFailure, openNote, openSignedHead, parseVerifierKey, type TreeHead } from './signed-note';

/**
 * The ledger's verifier, pure: no database, no server, no file system. The API's scheduled and
 * on-demand checks feed it the stored log (`LogVerifier`); the CLI feeds it an export
 * (`verifyExport`). Both name the first entry that fails and why.
 */

/** The first thing that failed: the ledger index of the entry to blame (null when none is), and why. */
export interface LedgerFailure {
  index: number | null;
  reason: string;
}

/** A signed head the verifier compares the log with, and where it came from (for the message). */
export interface HeldHead {
  treeSize: number;
  rootHash: Buffer;
  /** e.g. "checkpoint file evidence-…note", "the held head". */
  source: string;
}

/**
 * Stored perfect-subtree hashes by level and index, as a verification reads them batch by
 * batch: per level, the hashes of a run of consecutive indices from `base`, each as a `Digest`
 * (converted once when read), so that each of the two or so comparisons per entry is a string
 * comparison with the recomputed digest; null for a stored value that is not 32 bytes.
 */
export class NodeTable {
  private readonly levels: { base: number; digests: (Digest | null | undefined)[] }[] = [];

  /** Adds the hash of subtree (level, index); a stored value that is not 32 bytes never matches. */
  set(level: number, index: number, hash: Buffer): void {
    const digest = hash.length === 32 ? hash.toString('latin1') : null;
    const row = this.levels[level];
    if (!row) {
      this.levels[level] = { base: index, digests: [digest] };
    } else if (index >= row.base) {
      row.digests[index - row.base] = digest;
    } else {
      // Below the first index set (batches are read in increasing order, so rare): move the run up.
      row.digests = [digest, ...new Array<undefined>(row.base - index - 1), ...row.digests];
      row.base = index;
    }
  }

  /** Whether subtree (level, index) is stored with hash `digest` (false when it is missing). */
  matches(level: number, index: number, digest: Digest): boolean {
    const row = this.levels[level];
    return row !== undefined && row.digests[index - row.base] === digest;
  }
}

/** One stored leaf as the log holds it. */
export interface StoredLeaf {
  index: number;
  leaf: Buffer;
  leafHash: Buffer;
}

/**
 * Recomputes a whole log from its leaves in index order (a compact range: O(log n) memory, every
 * leaf and interior node hashed once) and checks: indices without gaps, each stored leaf hash
 * against its bytes, each stored perfect subtree against the recomputed one, and the root at
 * every held head's size against that head (a full rewrite with recomputed hashes changes those
 * roots). `finish` reports a held head beyond the end (the newest entries deleted).
 */
export class LogVerifier {
  private readonly tree = new TreeFrontier();
  private readonly heads: HeldHead[];
  private headAt = 0;
  /** The size of the next held head to compare with (Infinity when none is left): one comparison per entry. */
  private nextHeadSize = Infinity;
  failure: LedgerFailure | null = null;

  constructor(heads: readonly HeldHead[]) {
    this.heads = [...heads].sort((a, b) => a.treeSize - b.treeSize);
    this.checkHeads();
  }

  get checked(): number {
    return this.tree.size;
  }

  /**
   * Feeds the next leaf with the stored subtree hashes it completes (pass null to skip that
   * comparison). Returns the failure, once there is one.
   */
  next(entry: StoredLeaf, storedNodes: NodeTable | null): LedgerFailure | null {
    if (this.failure) return this.failure;
    const expected = this.tree.size;
    if (entry.index !== expected) return this.fail(expected, entry.index > expected ? `entry ${expected} is missing` : `entry ${entry.index} is out of order`);
    const hash = leafDigest(entry.leaf);
    if (!sameDigest(hash, entry.leafHash)) return this.fail(expected, `entry ${expected}'s leaf does not hash to its stored leaf hash`);
    const completed = this.tree.push(hash);
    if (storedNodes) {
      const nodes = this.tree.completed;
      for (let level = 0, index = expected; level < completed; level++, index = (index - 1) / 2) {
        if (!storedNodes.matches(level, index, nodes[level])) {
          // Blame the subtree's first entry: each of its entries matched its own stored leaf hash, so any of them may be the edited one.
          return this.fail(index * 2 ** level, `the stored subtree hash ${level}/${index} does not match entries ${index * 2 ** level}-${(index + 1) * 2 ** level - 1}`);
        }
      }
    }
    return expected + 1 === this.nextHeadSize ? this.checkHeads() : null;
  }

  /** The failure when a held head is beyond the log's end, or null. */
  finish(): LedgerFailure | null {
    if (this.failure) return this.failure;
    const beyond = this.heads.find((h) => h.treeSize > this.tree.size);
    if (beyond) return this.fail(this.tree.size, `the log has ${this.tree.size} entries but ${beyond.source} signed ${beyond.treeSize}: entries were deleted`);
    return null;
  }

  private checkHeads(): LedgerFailure | null {
    while (this.headAt < this.heads.length && this.heads[this.headAt].treeSize === this.tree.size) {
      const head = this.heads[this.headAt++];
      if (!this.tree.root().equals(head.rootHash)) {
        return this.fail(head.treeSize === 0 ? null : head.treeSize - 1, `the root of the first ${head.treeSize} entries differs from ${head.source}: the log was rewritten`);
      }
    }
    this.nextHeadSize = this.heads[this.headAt]?.treeSize ?? Infinity;
    return null;
  }

  private fail(index: number | null, reason: string): LedgerFailure {
    this.failure = { index, reason };
    return this.failure;
  }
}

/** The first line of a signed list of a case's entries (`caseEntriesBody`). */
const CASE_ENTRIES_FORMAT = 'leakcase-case-entries/1';

/** Which log entries belong to a case at a tree size: what `caseEntriesBody` lists and `openCaseEntries` returns. */
export interface CaseEntries {
  /** The log's origin, as in its signed heads. */
  origin: string;
  caseId: string;
  /** The tree size and root the list is about (the export's head). */
  treeSize: number;
  rootHash: Buffer;
  /** The case's entries below `treeSize`, in index order, with their leaf hashes (hex). */
  entries: { index: number; leafHash: string }[];
}

/**
 * The text of the signed list of a case's entries an export carries (signed as a C2SP signed
 * note with the ledger key, like the heads): "leakcase-case-entries/1", the origin, the tree
 * size, the base64 root, the case id, the number of entries, then one line per entry "<index>
 * <hex leaf hash>" in index order; each line ends with a newline.
 */
export function caseEntriesBody(list: CaseEntries): string {
  const lines = [CASE_ENTRIES_FORMAT, list.origin, String(list.treeSize), list.rootHash.toString('base64'), list.caseId, String(list.entries.length)];
  for (const e of list.entries) lines.push(`${e.index} ${e.leafHash}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Opens a signed list of a case's entries (`caseEntriesBody`) with `key`: the list, or the
 * reason it cannot be trusted (signature, or a malformed body: indices not increasing, a
 * count that does not match).
 */
export function openCaseEntries(note: string, key: { name: string; publicKey: Buffer }): CaseEntries | string {
  const opened = openNote(note, key);
  if (typeof opened === 'string') return opened;
  const lines = opened.text.split('\n').slice(0, -1);
  const [format, origin, size, root, caseId, count] = lines;
  const rootHash = Buffer.from(root ?? '', 'base64');
  if (format !== CASE_ENTRIES_FORMAT || lines.length < 6 || !/^(0|[1-9]\d{0,15})$/.test(size) || !/^(0|[1-9]\d{0,15})$/.test(count)) return 'the list is malformed';
  if (rootHash.length !== 32 || rootHash.toString('base64') !== root) return 'the list\'s root hash is malformed';
  if (Number(count) !== lines.length - 6) return 'the list\'s count does not match its lines';
  const entries: CaseEntries['entries'] = [];
  for (const line of lines.slice(6)) {
    const match = /^(0|[1-9]\d{0,15}) ([0-9a-f]{64})$/.exec(line);
    if (!match || (entries.length > 0 && Number(match[1]) <= entries[entries.length - 1].index)) return 'the list\'s entries are malformed or not in increasing order';
    entries.push({ index: Number(match[1]), leafHash: match[2] });
  }
  return { origin, caseId, treeSize: Number(size), rootHash, entries };
}

/** An export of one case's ledger entries (`leakcase ledger export`), as JSON. */
export interface LedgerExport {
  format: 'leakcase-ledger-export/2';
  /** signed-note verifier key of the ledger. */
  verifierKey: string;
  caseId: string;
  /** The signed head every inclusion proof leads to. */
  head: string;
  /**
   * Which entries of the log belong to the case at the head's size, signed by the ledger key
   * (`caseEntriesBody`): the verifier refuses an export whose entries are not exactly these
   * (one dropped, one added, one reordered or replaced).
   */
  caseEntries: string;
  /**
   * The case's entries in index order; `leaf` null for an evidence item or document whose entry
   * is gone. `record`: what the database lists for the entry's item or document (what the API
   * shows and serves), null when its row is gone; the verifier compares it with the leaf.
   */
  entries: { index: number; kind: LedgerEntryKind; leaf: string | null; leafHash: string | null; inclusionProof: string[]; record: LedgerRecord | null }[];
  /** Earlier signed heads, each with the consistency proof (hex) from it to `head`. */
  checkpoints: { note: string; consistencyProof: string[] }[];
}

/** What the offline verifier was given besides the export. */
export interface VerifyExportOptions {
  /**
   * SHA-256 (hex) and size of the file an entry vouches for (an evidence file or a generated
   * document, ledger-leaf.ts `loggedFile`), or null when it is absent (`--files DIR`).
   */
  fileHash?: (file: LoggedFile) => Promise<FileDigest | null>;
  /** A signed head the checker kept (`--head HEAD.json`): the export must be consistent with it. */
  heldHead?: string;
  /**
   * The installation's verifier keys the checker trusts (`--key`, or LEDGER_TRUSTED_KEYS;
   * signed-note verifier keys): the export must be signed by one of them. Without them (and
   * without `heldHead`) the export's own key is trusted, so a fully re-signed forgery passes.
   */
  pinnedKeys?: readonly string[];
}

/** The outcome of an offline verification: the entries checked, and the first failure if any. */
export interface ExportVerification {
  ok: boolean;
  treeSize: number;
  entriesChecked: number;
  filesChecked: number;
  failure: LedgerFailure | null;
}

const HEX32 = /^[0-9a-f]{64}$/;

/**
 * Checks an export without the server or the database: the head's signature, every earlier
 * checkpoint's signature and consistency with the head, the signed list of the case's entries
 * (the export holds exactly those, in order: none dropped, added or replaced), each entry's leaf hash and inclusion
 * proof, each entry's database record against its leaf, each evidence file and generated
 * document (when `fileHash` is given: bytes and size) and a held head (truncation, rewrite,
 * forgery). Stops at the first failure and names it.
 */
export async function verifyExport(exp: LedgerExport, options: VerifyExportOptions = {}): Promise<ExportVerification> {
  let entriesChecked = 0;
  let filesChecked = 0;
  let treeSize = 0;
  const result = (failure: LedgerFailure | null): ExportVerification => ({ ok: !failure, treeSize, entriesChecked, filesChecked, failure });
  if ((exp?.format as string) === 'leakcase-ledger-export/1') {
    return result({ index: null, reason: "a format-1 export carries no signed list of the case's entries: export it again" });
  }
  if (exp?.format !== 'leakcase-ledger-export/2' || !Array.isArray(exp.entries) || !Array.isArray(exp.checkpoints) || typeof exp.caseEntries !== 'string') {
    return result({ index: null, reason: 'not a leakcase ledger export (format 2)' });
  }
  let key: { name: string; publicKey: Buffer };
  try {
    key = parseVerifierKey(exp.verifierKey);
  } catch (error) {
    return result({ index: null, reason: `verifierKey: ${(error as Error).message}` });
  }
  if (options.pinnedKeys !== undefined) {
    const pinned: { name: string; publicKey: Buffer }[] = [];
    for (const [i, text] of options.pinnedKeys.entries()) {
      try {
        pinned.push(parseVerifierKey(text.trim()));
      } catch (error) {
        return result({ index: null, reason: `pinned key ${i + 1}: ${(error as Error).message}` });
      }
    }
    if (!pinned.some((p) => p.name === key.name && p.publicKey.equals(key.publicKey))) {
      const listed = options.pinnedKeys.map((k) => k.trim()).join(', ');
      return result({ index: null, reason: `the export is signed by ${exp.verifierKey}, not by ${pinned.length === 1 ? 'the pinned key' : 'any of the pinned keys'} ${listed}: a forged export` });
    }
  }
  const head = openSignedHead(exp.head, key);
  if (typeof head === 'string') return result({ index: null, reason: `the export's head: ${head}` });
  treeSize = head.treeSize;

  if (options.heldHead !== undefined) {
    const failure = checkHeld(options.heldHead, key, head, exp);
    if (failure) return result(failure);
  }
  for (const checkpoint of exp.checkpoints) {
    const failure = checkCheckpoint(checkpoint, key, head);
    if (failure) return result(failure);
  }

  const listed = openCaseEntries(exp.caseEntries, key);
  if (typeof listed === 'string') return result({ index: null, reason: `the signed list of the case's entries: ${listed}` });
  if (listed.origin !== head.origin || listed.caseId !== exp.caseId || listed.treeSize !== head.treeSize || !listed.rootHash.equals(head.rootHash)) {
    return result({ index: null, reason: "the signed list of the case's entries is about another case or head than the export" });
  }
  /** The next entry of the signed list the export must hold. */
  let at = 0;
  let previous = -1;
  for (const entry of exp.entries) {
    const index = entry.index;
    if (!Number.isSafeInteger(index) || index <= previous) return result({ index: Number.isSafeInteger(index) ? index : null, reason: 'entries are not in increasing index order' });
    previous = index;
    if (index >= head.treeSize) return result({ index, reason: `entry ${index} is beyond the signed head (${head.treeSize} entries)` });
    if (entry.leaf === null) return result({ index, reason: `entry ${index} is missing from the log` });
    const want = listed.entries[at];
    if (want && want.index < index) {
      const moved = exp.entries.some((e) => e?.index === want.index);
      return result({
        index: want.index,
        reason: moved
          ? `entry ${want.index} is out of order: the signed list of the case's entries has it before entry ${index}`
          : `entry ${want.index} of the case is missing from the export (the signed list of the case's entries holds it)`,
      });
    }
    if (!want || want.index > index) return result({ index, reason: `entry ${index} is not in the signed list of the case's entries` });
    if (want.leafHash !== entry.leafHash) return result({ index, reason: `entry ${index}'s leaf hash differs from the signed list of the case's entries` });
    at++;
    const leaf = Buffer.from(entry.leaf, 'base64');
    const hash = leafHash(leaf);
    if (entry.leafHash !== hash.toString('hex')) return result({ index, reason: `entry ${index}'s leaf does not hash to its leaf hash` });
    const decoded = decodeLeaf(leaf);
    if (typeof decoded === 'string') return result({ index, reason: `entry ${index}: ${decoded}` });
    if (decoded.caseId !== exp.caseId) return result({ index, reason: `entry ${index} is not about case ${exp.caseId}` });
    if (!Array.isArray(entry.inclusionProof) || entry.inclusionProof.some((p) => !HEX32.test(p))) return result({ index, reason: `entry ${index}'s proof is malformed` });
    const failed = verifyInclusion(index, head.treeSize, hash, entry.inclusionProof.map((p) => Buffer.from(p, 'hex')), head.rootHash);
    if (failed) return result({ index, reason: `entry ${index} is not in the signed tree: ${failed}` });
    const recorded = recordFailure(index, decoded, entry.record);
    if (recorded) return result({ index, reason: recorded });
    if (options.fileHash) {
      const file = loggedFile(decoded);
      if (typeof file === 'string') return result({ index, reason: `entry ${index}: ${file}` });
      const failed = fileFailure(index, file, await options.fileHash(file));
      if (failed) return result({ index, reason: failed });
      filesChecked++;
    }
    entriesChecked++;
  }
  const left = listed.entries[at];
  if (left) return result({ index: left.index, reason: `entry ${left.index} of the case is missing from the export (the signed list of the case's entries holds it)` });
  return result(null);
}

/** A held head against the export's head: same key, not beyond it, and consistent with it. */
function checkHeld(note: string, key: { name: string; publicKey: Buffer }, head: TreeHead, exp: LedgerExport): LedgerFailure | null {
  const held = openSignedHead(note, key);
  if (typeof held === 'string') {
    return { index: null, reason: isSignatureFailure(held) ? `the held head: ${held} (not signed by the export's key)` : `the held head is not a signed tree head: ${held}` };
  }
  if (held.origin !== head.origin) return { index: null, reason: `the held head is of log ${held.origin}, the export of ${head.origin}` };
  if (held.treeSize > head.treeSize) {
    return { index: head.treeSize, reason: `the held head has ${held.treeSize} entries, the export's head ${head.treeSize}: entries were deleted` };
  }
  if (held.treeSize === head.treeSize) {
    return held.rootHash.equals(head.rootHash) ? null : { index: null, reason: 'the held head and the export head have the same size and different roots: the log was rewritten' };
  }
  const match = exp.checkpoints.find((c) => {
    const opened = openSignedHead(c.note, key);
    return typeof opened !== 'string' && opened.treeSize === held.treeSize;
  });
  if (!match) return { index: null, reason: `the export has no consistency proof from the held head's size ${held.treeSize}` };
  const failed = verifyConsistency(held.treeSize, head.treeSize, match.consistencyProof.map((p) => Buffer.from(p, 'hex')), held.rootHash, head.rootHash);
  return failed ? { index: null, reason: `the log is not an extension of the held head (${failed}): it was rewritten` } : null;
}

/** An earlier checkpoint of the export: signed by the key, and the head extends it. */
function checkCheckpoint(checkpoint: { note: string; consistencyProof: string[] }, key: { name: string; publicKey: Buffer }, head: TreeHead): LedgerFailure | null {
  const opened = openSignedHead(checkpoint?.note ?? '', key);
  if (typeof opened === 'string') return { index: null, reason: `a checkpoint: ${opened}` };
  if (!Array.isArray(checkpoint.consistencyProof) || checkpoint.consistencyProof.some((p) => !HEX32.test(p))) {
    return { index: null, reason: `the checkpoint of size ${opened.treeSize} has a malformed proof` };
  }
  if (opened.treeSize > head.treeSize) return { index: head.treeSize, reason: `a checkpoint signed ${opened.treeSize} entries, the head ${head.treeSize}: entries were deleted` };
  const failed =
    opened.treeSize === 0
      ? null
      : verifyConsistency(opened.treeSize, head.treeSize, checkpoint.consistencyProof.map((p) => Buffer.from(p, 'hex')), opened.rootHash, head.rootHash);
  return failed ? { index: null, reason: `the head is not an extension of the checkpoint of size ${opened.treeSize} (${failed}): the log was rewritten` } : null;
}
