import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type Actor, type Connection, countStatement, type CursorList, decodeCursor, Role, SqlParams, toConnection, visibleCase } from '@app/platform';
import { documentRecord, evidenceRecord, type LedgerEntryKind, type LedgerRecord } from './ledger-leaf';
import { NodeTable } from './ledger-verifier';
import type { NodeId } from './merkle';

/** One stored leaf. */
export interface LedgerEntryRow {
  idx: string;
  kind: LedgerEntryKind;
  case_id: string | null;
  leaf: Buffer;
  leaf_hash: Buffer;
}

/** An evidence_item or case_document row as `records` reads it. */
interface RecordRow {
  kind: 'EVIDENCE' | 'DOCUMENT';
  idx: string;
  id: string;
  case_id: string;
  party_id: string | null;
  sha256: string;
  size_bytes: string;
  content_type: string | null;
  page_count: number | null;
  document_kind: string | null;
  language: string | null;
  format: string | null;
  version: number | null;
  storage_name: string | null;
}

/** Which log a checkpoint signs. */
export type LedgerLog = 'EVIDENCE' | 'AUDIT';

/** A stored signed head (ledger_checkpoint). */
export interface CheckpointRow {
  id: string;
  log: LedgerLog;
  tree_size: string;
  root_hash: Buffer;
  note: string;
  created_at: Date;
}

/** A stored failed verification (ledger_alert). */
export interface AlertRow {
  id: string;
  log: LedgerLog;
  case_id: string | null;
  first_failing: string | null;
  reason: string;
  detected_at: Date;
}

const CHECKPOINTS: CursorList = { name: 'LedgerCheckpoint(treeSize,id)', arity: 2 };
const ALERTS: CursorList = { name: 'LedgerAlert(detectedAt,id)', arity: 2 };

/** The advisory lock that serialises appends (one writer at a time assigns the next index). */
const LEDGER_LOCK = `hashtext('leakcase.ledger')`;

/** The SQL of the evidence ledger: leaves, perfect-subtree hashes, checkpoints and alerts. */
@Injectable()
export class LedgerRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Takes the append lock until the end of the caller's transaction. */
  async lock(manager: EntityManager): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(${LEDGER_LOCK})`);
  }

  /** Number of leaves (the next index): an index-only read of the primary key's last entry. */
  async size(manager: EntityManager = this.dataSource.manager): Promise<number> {
    const [{ size }] = await manager.query(`SELECT coalesce(max(idx) + 1, 0)::bigint AS size FROM ledger_entry`);
    return Number(size);
  }

  /** The stored hashes of `ids`, keyed "level/index" (one statement, one primary-key probe each). */
  async nodes(ids: readonly NodeId[], manager: EntityManager = this.dataSource.manager): Promise<Map<string, Buffer>> {
    if (ids.length === 0) return new Map();
    const rows: { level: number; idx: string; hash: Buffer }[] = await manager.query(
      `SELECT n.level, n.idx, n.hash FROM unnest($1::smallint[], $2::bigint[]) AS w(level, idx)
         JOIN ledger_node n ON n.level = w.level AND n.idx = w.idx`,
      [ids.map((i) => i.level), ids.map((i) => i.index)],
    );
    return new Map(rows.map((r) => [`${r.level}/${r.idx}`, r.hash]));
  }

  async insertEntry(manager: EntityManager, index: number, kind: LedgerEntryKind, caseId: string | null, leaf: Buffer, leafHash: Buffer): Promise<void> {
    await manager.query(`INSERT INTO ledger_entry (idx, kind, case_id, leaf, leaf_hash) VALUES ($1, $2, $3, $4, $5)`, [index, kind, caseId, leaf, leafHash]);
  }

  async insertNodes(manager: EntityManager, nodes: readonly [number, number, Buffer][]): Promise<void> {
    await manager.query(`INSERT INTO ledger_node (level, idx, hash) SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])`, [
      nodes.map((n) => n[0]),
      nodes.map((n) => n[1]),
      nodes.map((n) => n[2]),
    ]);
  }

  /** The stored leaf at `index`, if any. */
  async entry(index: number): Promise<LedgerEntryRow | undefined> {
    const [row] = await this.dataSource.query(`SELECT idx, kind, case_id, leaf, leaf_hash FROM ledger_entry WHERE idx = $1`, [index]);
    return row;
  }

  /** Leaves with index >= `from`, in index order, at most `limit`. */
  entries(from: number, limit: number): Promise<LedgerEntryRow[]> {
    return this.dataSource.query(`SELECT idx, kind, case_id, leaf, leaf_hash FROM ledger_entry WHERE idx >= $1 ORDER BY idx LIMIT $2`, [from, limit]);
  }

  /**
   * What the database records about the entries at `indices` (evidence_item.ledger_index,
   * case_document.log_index), in the leaves' terms (ledger-leaf.ts `evidenceRecord`,
   * `documentRecord`), by index: normally one record each; two when an item and a document
   * claim the same entry. One statement over the two unique indexes.
   */
  async records(indices: readonly number[], manager: EntityManager = this.dataSource.manager): Promise<Map<number, LedgerRecord[]>> {
    const rows: RecordRow[] = await manager.query(
      `SELECT 'EVIDENCE' AS kind, ev.ledger_index AS idx, ev.id, ev.case_id, ev.party_id, encode(ev.sha256, 'hex') AS sha256, ev.size_bytes::text AS size_bytes,
              ev.content_type, ev.page_count, NULL AS document_kind, NULL AS language, NULL AS format, NULL::int AS version, NULL AS storage_name
         FROM evidence_item ev WHERE ev.ledger_index = ANY($1::bigint[])
       UNION ALL
       SELECT 'DOCUMENT', d.log_index, d.id, d.case_id, NULL, encode(d.sha256, 'hex'), d.size_bytes::text, NULL, NULL, d.kind, d.language, d.format, d.version, d.storage_name
         FROM case_document d WHERE d.log_index = ANY($1::bigint[])`,
      [indices],
    );
    const byIndex = new Map<number, LedgerRecord[]>();
    for (const r of rows) {
      const record =
        r.kind === 'EVIDENCE'
          ? evidenceRecord({ id: r.id, caseId: r.case_id, partyId: r.party_id!, sha256: r.sha256, sizeBytes: Number(r.size_bytes), contentType: r.content_type!, pageCount: r.page_count })
          : documentRecord({
              id: r.id,
              caseId: r.case_id,
              kind: r.document_kind!,
              language: r.language!,
              format: r.format!,
              version: r.version!,
              sha256: r.sha256,
              sizeBytes: Number(r.size_bytes),
              file: r.storage_name!.split('\\').join('/'),
            });
      const list = byIndex.get(Number(r.idx)) ?? [];
      list.push(record);
      byIndex.set(Number(r.idx), list);
    }
    return byIndex;
  }

  /** Evidence items and documents that claim an entry at or beyond `size` (none the log holds), at most `limit`, by index. */
  unloggedRecords(size: number, limit: number): Promise<{ idx: string; case_id: string; kind: LedgerEntryKind }[]> {
    return this.dataSource.query(
      `SELECT * FROM (SELECT ledger_index AS idx, case_id, 'EVIDENCE' AS kind FROM evidence_item WHERE ledger_index >= $1
                      UNION ALL SELECT log_index, case_id, 'DOCUMENT' FROM case_document WHERE log_index >= $1) o ORDER BY idx LIMIT $2`,
      [size, limit],
    );
  }

  /**
   * The first index below `treeSize` without a stored leaf (a deleted row), or null when
   * [0, treeSize) is complete: a count over the primary key, and a scan for the gap only when
   * the count is short.
   */
  async firstMissingEntry(treeSize: number): Promise<number | null> {
    const [{ count }] = await this.dataSource.query(`SELECT count(*)::bigint AS count FROM ledger_entry WHERE idx < $1`, [treeSize]);
    if (Number(count) === treeSize) return null;
    const [gap] = await this.dataSource.query(
      `SELECT s.prev + 1 AS missing FROM (SELECT idx, lag(idx, 1, -1::bigint) OVER (ORDER BY idx) AS prev FROM ledger_entry WHERE idx < $1) s
        WHERE s.idx <> s.prev + 1 ORDER BY s.idx LIMIT 1`,
      [treeSize],
    );
    return gap ? Number(gap.missing) : Number(count);
  }

  /** The leaves of one case, in index order. */
  caseEntries(caseId: string, afterIndex: number, limit: number): Promise<LedgerEntryRow[]> {
    return this.dataSource.query(
      `SELECT idx, kind, case_id, leaf, leaf_hash FROM ledger_entry WHERE case_id = $1 AND idx > $2 ORDER BY idx LIMIT $3`,
      [caseId, afterIndex, limit],
    );
  }

  /**
   * The stored perfect subtrees completed by leaves [from, to): level l holds those with index
   * in [ceil((from + 1) / 2^l) - 1, floor(to / 2^l) - 1]. One statement over the primary key.
   */
  async nodesCompletedBy(from: number, to: number): Promise<NodeTable> {
    const levels: number[] = [];
    const lows: number[] = [];
    const highs: number[] = [];
    for (let level = 0; 2 ** level <= to; level++) {
      const span = 2 ** level;
      const low = Math.ceil((from + 1) / span) - 1;
      const high = Math.floor(to / span) - 1;
      if (high >= low) levels.push(level), lows.push(low), highs.push(high);
    }
    const rows: { level: number; idx: string; hash: Buffer }[] = await this.dataSource.query(
      `SELECT n.level, n.idx, n.hash FROM unnest($1::smallint[], $2::bigint[], $3::bigint[]) AS w(level, low, high)
         JOIN ledger_node n ON n.level = w.level AND n.idx BETWEEN w.low AND w.high ORDER BY n.level, n.idx`,
      [levels, lows, highs],
    );
    const table = new NodeTable();
    for (const r of rows) table.set(r.level, Number(r.idx), r.hash);
    return table;
  }

  async insertCheckpoint(manager: EntityManager, log: LedgerLog, treeSize: number, rootHash: Buffer, note: string): Promise<CheckpointRow> {
    const [row] = await manager.query(
      `INSERT INTO ledger_checkpoint (log, tree_size, root_hash, note) VALUES ($1, $2, $3, $4) RETURNING *`,
      [log, treeSize, rootHash, note],
    );
    return row;
  }

  /** The newest checkpoint of `log`, if any. */
  async latestCheckpoint(log: LedgerLog, manager: EntityManager = this.dataSource.manager): Promise<CheckpointRow | undefined> {
    const [row] = await manager.query(`SELECT * FROM ledger_checkpoint WHERE log = $1 ORDER BY created_at DESC, id DESC LIMIT 1`, [log]);
    return row;
  }

  /** Every checkpoint of `log` (a few a day: small). */
  allCheckpoints(log: LedgerLog): Promise<CheckpointRow[]> {
    return this.dataSource.query(`SELECT * FROM ledger_checkpoint WHERE log = $1 ORDER BY tree_size, created_at`, [log]);
  }

  /** The audit chain's head: its last seq and that row's hash (none when empty). */
  async auditHead(manager: EntityManager = this.dataSource.manager): Promise<{ seq: number; hash: Buffer } | undefined> {
    const [row] = await manager.query(`SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1`);
    return row ? { seq: Number(row.seq), hash: row.hash } : undefined;
  }

  /** The hash of audit row `seq`, if it exists. */
  async auditHash(seq: number): Promise<Buffer | undefined> {
    const [row] = await this.dataSource.query(`SELECT hash FROM audit_event WHERE seq = $1`, [seq]);
    return row?.hash;
  }

  /** Checkpoints of `log`, newest (largest) first, keyset-paginated on (tree_size, id). */
  async listCheckpoints(log: LedgerLog, first: number, after?: string): Promise<Connection<CheckpointRow>> {
    const p = new SqlParams();
    const where = [`log = ${p.add(log)}`];
    const count = countStatement(this.dataSource, `SELECT count(*)::int AS count FROM ledger_checkpoint WHERE ${where[0]}`, p.values);
    if (after) {
      const [size, id] = decodeCursor(CHECKPOINTS, after);
      where.push(`(tree_size, id) < (${p.add(size)}::bigint, ${p.add(id)}::uuid)`);
    }
    const rows: CheckpointRow[] = await this.dataSource.query(
      `SELECT * FROM ledger_checkpoint WHERE ${where.join(' AND ')} ORDER BY tree_size DESC, id DESC LIMIT ${p.add(first + 1)}`,
      p.values,
    );
    return toConnection(CHECKPOINTS, rows, first, count, (r) => [String(r.tree_size), r.id]);
  }

  /**
   * Alerts `actor` may see, newest first: ADMIN all of them, a judge those of the cases it sees
   * (the cases filed at its court) and every log-wide one (case null: a truncated, rewritten or
   * forged log affects every case).
   */
  async listAlerts(actor: Actor, first: number, after?: string): Promise<Connection<AlertRow>> {
    const p = new SqlParams();
    const where = [
      actor.role === Role.ADMIN ? 'true' : `(a.case_id IS NULL OR EXISTS (SELECT 1 FROM legal_case c WHERE c.id = a.case_id AND ${visibleCase(actor, 'c', p)}))`,
    ];
    const count = countStatement(this.dataSource, `SELECT count(*)::int AS count FROM ledger_alert a WHERE ${where[0]}`, p.values);
    if (after) {
      const [at, id] = decodeCursor(ALERTS, after);
      where.push(`(a.detected_at, a.id) < (${p.add(at)}::timestamptz, ${p.add(id)}::uuid)`);
    }
    const rows: (AlertRow & { at: string })[] = await this.dataSource.query(
      `SELECT a.*, a.detected_at::text AS at FROM ledger_alert a WHERE ${where.join(' AND ')}
        ORDER BY a.detected_at DESC, a.id DESC LIMIT ${p.add(first + 1)}`,
      p.values,
    );
    return toConnection(ALERTS, rows, first, count, (r) => [r.at, r.id]);
  }
}
