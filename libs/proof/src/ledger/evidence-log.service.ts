import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig, InputError } from '@app/platform';
import { LedgerIntegrityError } from './ledger-integrity.error';
import { decodeLeaf, encodeLeaf, type LeafValue, type LedgerEntryKind, type LedgerLeaf, type LedgerRecord, type LoggedFile, loggedFile, recordFailure } from './ledger-leaf';
import { LedgerRepository } from './ledger.repository';
import { combineRange, consistencyRanges, inclusionRanges, type LeafRange, leafHash, type NodeId, nodeHash, perfectNodes } from './merkle';
import { noteSigner, type NoteSigner, openSignedHeadWithAny, parseVerifierKey, signHead, type TreeHead, verifierKey } from './signed-note';

/** What `append` returns: the entry's 0-based index, its RFC 9162 leaf hash and the new tree size. */
export interface AppendedEntry {
  index: number;
  leafHash: Buffer;
  treeSize: number;
}

/** A proof as the API returns it: the hashes, and how many stored rows were read to build it. */
export interface BuiltProof {
  proof: Buffer[];
  rowsRead: number;
}

/** The origins of the two logs a checkpoint signs: `<LEDGER_NAME>/evidence` and `<LEDGER_NAME>/audit`. */
export function ledgerOrigins(name: string): { evidence: string; audit: string } {
  return { evidence: `${name}/evidence`, audit: `${name}/audit` };
}

/**
 * The evidence log: an append-only RFC 9162 Merkle tree over every evidence item and generated
 * document, stored as its leaves and the hash of every perfect subtree. Appending writes the
 * leaf and the subtrees it completes (at most log2 n + 1 rows, after reading their left
 * siblings in one statement); a root, an inclusion proof or a consistency proof reads only the
 * O(log n) perfect subtrees its ranges decompose into (merkle.ts).
 */
@Injectable()
export class EvidenceLogService {
  readonly signer: NoteSigner;
  /** The keys whose signed heads verify: the signer's, then LEDGER_TRUSTED_KEYS (earlier keys, kept over a rotation). */
  readonly trustedKeys: { name: string; publicKey: Buffer }[];
  readonly origins: { evidence: string; audit: string };

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: LedgerRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.signer = noteSigner(config.ledger.signingSeed, config.ledger.name);
    this.trustedKeys = [
      this.signer,
      ...config.ledger.trustedKeys.map((key, i) => {
        try {
          return parseVerifierKey(key);
        } catch (error) {
          throw new RangeError(`LEDGER_TRUSTED_KEYS: key ${i + 1}: ${(error as Error).message}`);
        }
      }),
    ];
    this.origins = ledgerOrigins(config.ledger.name);
  }

  /** A signed head opened with the current key or an earlier trusted one (signed-note.ts openSignedHeadWithAny). */
  openHead(note: string): TreeHead | string {
    return openSignedHeadWithAny(note, this.trustedKeys);
  }

  /** The signed-note verifier key of the ledger ("<name>+<key id>+<base64 key>"): what a court keeps to check heads. */
  get verifierKey(): string {
    return verifierKey(this.signer.name, this.signer.publicKey);
  }

  /**
   * Appends one entry, inside the caller's transaction (`manager`): the entry commits or rolls
   * back with the caller's own rows (an evidence item, a generated document). Appends are
   * serialised by a transaction-scoped advisory lock, so hold the transaction briefly after.
   * `payload` is canonical JSON (ledger-leaf.ts) and must not contain personal data: the leaf
   * is exported to third parties. For a document (libs/documents): `append(manager,
   * LedgerEntryKind.DOCUMENT, caseId, { documentId, sha256, ... })`.
   */
  async append(manager: EntityManager, kind: LedgerEntryKind, caseId: string | null, payload: { [key: string]: LeafValue }): Promise<AppendedEntry> {
    await this.repository.lock(manager);
    const index = await this.repository.size(manager);
    const leaf = encodeLeaf(kind, caseId, payload);
    const hash = leafHash(leaf);
    // The left siblings of the subtrees this leaf completes: at level l, when index >> l is odd.
    const siblings: NodeId[] = [];
    for (let level = 0, i = index; i % 2 === 1; level++, i = (i - 1) / 2) siblings.push({ level, index: i - 1 });
    const stored = await this.repository.nodes(siblings, manager);
    const made: [number, number, Buffer][] = [[0, index, hash]];
    let acc = hash;
    for (const s of siblings) {
      const left = stored.get(`${s.level}/${s.index}`);
      if (!left) throw new LedgerIntegrityError('EVIDENCE', { index: s.index * 2 ** s.level, reason: `the stored subtree hash ${s.level}/${s.index} is missing` });
      acc = nodeHash(left, acc);
      made.push([s.level + 1, s.index / 2, acc]);
    }
    await this.repository.insertEntry(manager, index, kind, caseId, leaf, hash);
    await this.repository.insertNodes(manager, made);
    return { index, leafHash: hash, treeSize: index + 1 };
  }

  /**
   * The entry at `index` checked against what the database records of its item or document
   * (ledger-leaf.ts `recordFailure`): its leaf and the file it vouches for, or the reason they
   * disagree (the entry gone, a field edited; field names only). A download serves the file
   * named here, never the row's.
   */
  async loggedRecord(index: number, record: LedgerRecord): Promise<{ leaf: LedgerLeaf; file: LoggedFile } | string> {
    const entry = await this.repository.entry(index);
    const leaf = entry ? decodeLeaf(entry.leaf) : `the log has no entry ${index}`;
    if (typeof leaf === 'string') return leaf;
    const failure = recordFailure(index, leaf, record);
    if (failure) return failure;
    const file = loggedFile(leaf);
    return typeof file === 'string' ? `entry ${index}: ${file}` : { leaf, file };
  }

  /** The current tree head (size and RFC 9162 root). */
  async head(manager: EntityManager = this.dataSource.manager): Promise<TreeHead> {
    const treeSize = await this.repository.size(manager);
    return { origin: this.origins.evidence, treeSize, rootHash: await this.rootAt(treeSize, manager) };
  }

  /** The root of the tree of the first `treeSize` leaves (MTH(D[0:treeSize])). */
  async rootAt(treeSize: number, manager: EntityManager = this.dataSource.manager): Promise<Buffer> {
    return (await this.hashRanges([{ start: 0, end: treeSize }], manager)).hashes[0];
  }

  /** The current head as a signed checkpoint note (C2SP tlog-checkpoint in a signed-note). */
  async signedHead(): Promise<{ head: TreeHead; note: string }> {
    const head = await this.head();
    return { head, note: signHead(this.signer, head) };
  }

  /**
   * RFC 9162 2.1.3.1 PATH(index, D[0:treeSize]) with the leaf's hash. BAD_USER_INPUT unless
   * 0 <= index < treeSize <= the current size.
   */
  async inclusionProof(index: number, treeSize: number): Promise<BuiltProof & { leafHash: Buffer }> {
    await this.checkSize('treeSize', treeSize);
    if (!Number.isSafeInteger(index) || index < 0 || index >= treeSize) throw new InputError('index', 'must be at least 0 and below treeSize');
    const { hashes, rowsRead } = await this.hashRanges([{ start: index, end: index + 1 }, ...inclusionRanges(index, treeSize)]);
    return { leafHash: hashes[0], proof: hashes.slice(1), rowsRead };
  }

  /** RFC 9162 2.1.4.1 PROOF(from, D[0:to]). BAD_USER_INPUT unless 0 < from <= to <= the current size. */
  async consistencyProof(from: number, to: number): Promise<BuiltProof> {
    await this.checkSize('to', to);
    if (!Number.isSafeInteger(from) || from < 1 || from > to) throw new InputError('from', 'must be at least 1 and at most to');
    const { hashes, rowsRead } = await this.hashRanges(consistencyRanges(from, to));
    return { proof: hashes, rowsRead };
  }

  private async checkSize(field: string, size: number): Promise<void> {
    if (!Number.isSafeInteger(size) || size < 1 || size > (await this.repository.size())) {
      throw new InputError(field, 'must be at least 1 and at most the current tree size');
    }
  }

  /**
   * The MTH of each range, from the stored perfect subtrees they decompose into (one statement).
   * LedgerIntegrityError when one of them is missing.
   */
  private async hashRanges(ranges: LeafRange[], manager: EntityManager = this.dataSource.manager): Promise<{ hashes: Buffer[]; rowsRead: number }> {
    const parts = ranges.map(perfectNodes);
    const ids = parts.flat();
    const stored = await this.repository.nodes(ids, manager);
    const hashes = parts.map((nodes) =>
      combineRange(
        nodes.map((n) => {
          const hash = stored.get(`${n.level}/${n.index}`);
          if (!hash) throw new LedgerIntegrityError('EVIDENCE', { index: n.index * 2 ** n.level, reason: `the stored subtree hash ${n.level}/${n.index} is missing` });
          return hash;
        }),
      ),
    );
    return { hashes, rowsRead: stored.size };
  }
}
