import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig, AuditService } from '@app/platform';
import { EvidenceLogService } from './evidence-log.service';
import { fileSha256 } from './file-hash';
import { decodeLeaf, loggedFile } from './ledger-leaf';
import { type HeldHead, type LedgerFailure, LogVerifier } from './ledger-verifier';
import { type CheckpointRow, type LedgerLog, LedgerRepository } from './ledger.repository';
import { openSignedHead, signHead, type TreeHead } from './signed-note';

/** Leaves read per statement while verifying. */
const VERIFY_BATCH = 5000;
/** Audit rows checked per statement. */
const AUDIT_BATCH = 50_000;

/** The outcome of checking one log. */
export interface LogCheck {
  /** Entries (audit: rows) checked before the first failure, or all of them. */
  checked: number;
  failure: LedgerFailure | null;
}

/** The outcome of a full verification of both logs (the `ledger.verify` job's result). */
export interface LedgerVerification {
  intact: boolean;
  evidence: LogCheck;
  audit: LogCheck;
  filesChecked: number;
}

/** Signed heads a checker holds (signed notes), compared with the logs. */
export interface HeldHeads {
  evidence?: string | null;
  audit?: string | null;
}

/**
 * Checkpoints and checks of the two logs. A checkpoint signs the evidence log's head (RFC 9162
 * size and root) and the audit chain's (last seq and that row's hash), stores each and writes it
 * to LEDGER_CHECKPOINT_DIR as `<log>-<size>-<root>.note`, a file the operator ships elsewhere
 * (the database cannot rewrite it). `verify` recomputes both logs and compares them with every
 * stored checkpoint, every checkpoint file and the heads a court holds: a deleted, edited or
 * reordered row, deleted newest rows, a full rewrite with recomputed hashes, a forged head or a
 * changed evidence file or generated document (ledger-leaf.ts `loggedFile`) fails, naming the first entry to blame; a failure is logged at error
 * level and kept as a ledger alert for ADMIN and the judges of the case.
 */
@Injectable()
export class LedgerChecksService {
  private readonly logger = new Logger('Ledger');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: LedgerRepository,
    private readonly log: EvidenceLogService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Signs, stores and writes out the current head of each log that moved since its last
   * checkpoint (the evidence log's also when it is empty and has none yet); returns the newest
   * checkpoint of each log (null: the audit chain is empty).
   */
  async checkpoint(): Promise<{ evidence: CheckpointRow; audit: CheckpointRow | null }> {
    return this.dataSource.transaction(async (manager) => {
      await this.repository.lock(manager);
      const evidence = await this.checkpointLog(manager, 'EVIDENCE', await this.log.head(manager));
      const auditHead = await this.repository.auditHead(manager);
      const audit = auditHead
        ? await this.checkpointLog(manager, 'AUDIT', { origin: this.log.origins.audit, treeSize: auditHead.seq, rootHash: auditHead.hash })
        : null;
      return { evidence: evidence!, audit };
    });
  }

  private async checkpointLog(manager: EntityManager, log: LedgerLog, head: TreeHead): Promise<CheckpointRow> {
    const latest = await this.repository.latestCheckpoint(log, manager);
    if (latest && Number(latest.tree_size) === head.treeSize && latest.root_hash.equals(head.rootHash)) return latest;
    const note = signHead(this.log.signer, head);
    const row = await this.repository.insertCheckpoint(manager, log, head.treeSize, head.rootHash, note);
    this.writeCheckpointFile(log, head, note);
    return row;
  }

  /** Writes a checkpoint file once (temp name, then rename: a reader never sees half a note). */
  private writeCheckpointFile(log: LedgerLog, head: TreeHead, note: string): void {
    const dir = this.config.ledger.checkpointDir;
    mkdirSync(dir, { recursive: true });
    const name = `${log.toLowerCase()}-${String(head.treeSize).padStart(12, '0')}-${head.rootHash.toString('hex').slice(0, 16)}.note`;
    const path = join(dir, name);
    if (existsSync(path)) return;
    const temp = join(dir, `.${name}.${process.pid}.tmp`);
    writeFileSync(temp, note, { mode: 0o644 });
    renameSync(temp, path);
  }

  /**
   * Every head of `log` the check compares with: the stored checkpoints, the checkpoint files,
   * and the held head. The first one not signed by the ledger key is the failure (a forged head).
   */
  private async heads(log: LedgerLog, held: string | null | undefined): Promise<HeldHead[] | LedgerFailure> {
    const origin = log === 'EVIDENCE' ? this.log.origins.evidence : this.log.origins.audit;
    const notes: { note: string; source: string }[] = (await this.repository.allCheckpoints(log)).map((row) => ({
      note: row.note,
      source: `checkpoint ${row.id}`,
    }));
    const dir = this.config.ledger.checkpointDir;
    const prefix = `${log.toLowerCase()}-`;
    if (existsSync(dir)) {
      for (const file of readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith('.note')).sort()) {
        notes.push({ note: readFileSync(join(dir, file), 'utf8'), source: `checkpoint file ${file}` });
      }
    }
    if (held) notes.push({ note: held, source: 'the held head' });
    const heads: HeldHead[] = [];
    for (const { note, source } of notes) {
      const head = openSignedHead(note, this.log.signer);
      if (typeof head === 'string') return { index: null, reason: `${source}: ${head}; a forged head` };
      if (head.origin !== origin) return { index: null, reason: `${source} is a head of ${head.origin}, not ${origin}` };
      heads.push({ treeSize: head.treeSize, rootHash: head.rootHash, source });
    }
    return heads;
  }

  /**
   * Verifies both logs in full (see the class comment); `progress` is told the evidence entries
   * checked. Records an alert and logs at error level for each log that fails.
   */
  async verify(held: HeldHeads = {}, progress?: (done: number, total: number) => Promise<void>): Promise<LedgerVerification> {
    const { check: evidence, filesChecked, caseId } = await this.verifyEvidence(held.evidence, progress);
    const { check: audit, caseId: auditCaseId } = await this.verifyAudit(held.audit);
    for (const [log, check, affected] of [['EVIDENCE', evidence, caseId], ['AUDIT', audit, auditCaseId]] as const) {
      if (!check.failure) continue;
      this.logger.error(`ledger verification failed: ${log} log, entry ${check.failure.index ?? '-'}: ${check.failure.reason}`);
      await this.dataSource.query(`INSERT INTO ledger_alert (log, case_id, first_failing, reason) VALUES ($1, $2, $3, $4)`, [
        log,
        affected,
        check.failure.index,
        check.failure.reason,
      ]);
    }
    return { intact: !evidence.failure && !audit.failure, evidence, audit, filesChecked };
  }

  private async verifyEvidence(
    held: string | null | undefined,
    progress?: (done: number, total: number) => Promise<void>,
  ): Promise<{ check: LogCheck; filesChecked: number; caseId: string | null }> {
    const heads = await this.heads('EVIDENCE', held);
    if (!Array.isArray(heads)) return { check: { checked: 0, failure: heads }, filesChecked: 0, caseId: null };
    const verifier = new LogVerifier(heads);
    const total = await this.repository.size();
    let filesChecked = 0;
    const fail = (failure: LedgerFailure, caseId: string | null) => ({ check: { checked: verifier.checked, failure }, filesChecked, caseId });
    for (let from = 0; ; ) {
      const rows = await this.repository.entries(from, VERIFY_BATCH);
      if (rows.length === 0) break;
      const nodes = await this.repository.nodesCompletedBy(from, Number(rows.at(-1)!.idx) + 1);
      for (const row of rows) {
        const index = Number(row.idx);
        const failure = verifier.next({ index, leaf: row.leaf, leafHash: row.leaf_hash }, nodes);
        if (failure) return fail(failure, row.case_id);
        const leaf = decodeLeaf(row.leaf);
        if (typeof leaf === 'string') return fail({ index, reason: `entry ${index}: ${leaf}` }, row.case_id);
        const file = loggedFile(leaf);
        if (typeof file === 'string') return fail({ index, reason: `entry ${index}: ${file}` }, row.case_id);
        const actual = await fileSha256(join(file.store === 'evidence' ? this.config.ledger.evidenceDir : this.config.documents.dir, file.name));
        if (actual !== file.sha256) {
          return fail({ index, reason: actual === null ? `entry ${index}'s file ${file.name} is missing` : `entry ${index}'s file ${file.name} has changed` }, row.case_id);
        }
        filesChecked++;
      }
      from = Number(rows.at(-1)!.idx) + 1;
      await progress?.(verifier.checked, total);
    }
    const failure = verifier.finish();
    return failure ? fail(failure, null) : { check: { checked: verifier.checked, failure: null }, filesChecked, caseId: null };
  }

  private async verifyAudit(held: string | null | undefined): Promise<{ check: LogCheck; caseId: string | null }> {
    const heads = await this.heads('AUDIT', held);
    if (!Array.isArray(heads)) return { check: { checked: 0, failure: heads }, caseId: null };
    const last = (await this.repository.auditHead())?.seq ?? 0;
    for (let from = 1; from <= last; from += AUDIT_BATCH) {
      const report = await this.audit.verifyRange(from, Math.min(from + AUDIT_BATCH - 1, last));
      if (!report.intact) {
        const seq = Number(report.firstBrokenSeq);
        return { check: { checked: seq - 1, failure: { index: seq, reason: `audit row ${seq} does not chain to the row before it` } }, caseId: null };
      }
    }
    for (const head of heads.sort((a, b) => b.treeSize - a.treeSize)) {
      if (head.treeSize > last) {
        return { check: { checked: last, failure: { index: last, reason: `the audit chain ends at ${last} but ${head.source} signed ${head.treeSize}: rows were deleted` } }, caseId: null };
      }
      const hash = await this.repository.auditHash(head.treeSize);
      if (!hash || !hash.equals(head.rootHash)) {
        return {
          check: { checked: last, failure: { index: head.treeSize, reason: `audit row ${head.treeSize} differs from ${head.source}: the chain was rewritten` } },
          caseId: null,
        };
      }
    }
    return { check: { checked: last, failure: null }, caseId: null };
  }
}
