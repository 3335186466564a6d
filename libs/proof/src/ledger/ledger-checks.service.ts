import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig, AuditService, InputError } from '@app/platform';
import { EvidenceLogService } from './evidence-log.service';
import { fileDigest } from './file-hash';
import { decodeLeaf, fileFailure, type LedgerRecord, loggedFile, recordFailure } from './ledger-leaf';
import { LedgerIntegrityError } from './ledger-integrity.error';
import { type HeldHead, type LedgerFailure, LogVerifier } from './ledger-verifier';
import { type CheckpointRow, type LedgerLog, LedgerRepository } from './ledger.repository';
import { verifyConsistency } from './merkle';
import { isSignatureFailure, signHead, type TreeHead } from './signed-note';

/** Leaves read per statement while verifying. */
const VERIFY_BATCH = 5000;
/** Audit rows checked per statement. */
const AUDIT_BATCH = 50_000;

/** Failures a verification lists per log (the rest are counted). */
export const LISTED_FAILURES = 100;

/** The outcome of checking one log. */
export interface LogCheck {
  /** Entries (audit: rows) of the log itself verified: all of them unless `logIntact` is false. */
  checked: number;
  /** The failure of the log itself when there is one, else the first failing entry; null when none. */
  failure: LedgerFailure | null;
  /**
   * Every failing entry, in index order, at most LISTED_FAILURES: findings about single entries
   * (a file, a database row), then the failure of the log itself, if any.
   */
  failures: LedgerFailure[];
  /** How many failures there are, listed or not. */
  failureCount: number;
  /** Whether the log itself (leaves, subtrees, chain, signed heads) verified, its entries' files and rows aside. */
  logIntact: boolean;
}

function logCheck(checked: number, failures: LedgerFailure[], failureCount: number, logIntact: boolean, logFailure?: LedgerFailure): LogCheck {
  return { checked, failure: logFailure ?? failures[0] ?? null, failures, failureCount, logIntact };
}

/** Per-entry findings of a verification: the first LISTED_FAILURES, the count, and the first of each case with its count. */
class Findings {
  readonly listed: LedgerFailure[] = [];
  count = 0;
  private readonly cases = new Map<string | null, { failure: LedgerFailure; count: number }>();

  add(caseId: string | null, failure: LedgerFailure): void {
    if (this.listed.length < LISTED_FAILURES) this.listed.push(failure);
    this.count++;
    const seen = this.cases.get(caseId);
    if (seen) seen.count++;
    else this.cases.set(caseId, { failure, count: 1 });
  }

  /** One alert per affected case: its first failing entry, and how many more of the case fail. */
  perCase(): { caseId: string | null; failure: LedgerFailure }[] {
    return [...this.cases].map(([caseId, { failure, count }]) => ({
      caseId,
      failure: count > 1 ? { index: failure.index, reason: `${failure.reason} (and ${count - 1} more failing entries of this case)` } : failure,
    }));
  }
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
export class LedgerChecksService implements OnModuleInit {
  private readonly logger = new Logger('Ledger');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: LedgerRepository,
    private readonly log: EvidenceLogService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Lets `verifyAuditChain` and `leakcase audit verify` check the chain against the signed audit checkpoints (and a held audit head). */
  onModuleInit(): void {
    this.audit.registerHeadCheck(async (held) => {
      const heads = await this.heads('AUDIT', held);
      if (!Array.isArray(heads)) return { failure: { seq: heads.index, reason: heads.reason }, heads: 0, newestSigned: null, held: false };
      const failure = await this.auditAgainstHeads(heads, (await this.repository.auditHead())?.seq ?? 0);
      return {
        failure: failure && { seq: failure.index, reason: failure.reason },
        heads: heads.length,
        newestSigned: heads.length ? Math.max(...heads.map((h) => h.treeSize)) : null,
        held: Boolean(held),
      };
    });
  }

  /**
   * Signs, stores and writes out the current head of each log that moved since its last
   * checkpoint (the evidence log's also when it is empty and has none yet); returns the newest
   * checkpoint of each log (null: the audit chain is empty). Before signing, the head must
   * extend the latest checkpoint row and the latest checkpoint file of its log (evidence: an
   * RFC 9162 consistency proof from the stored subtrees; audit: the row the checkpoint signed
   * still has its hash): otherwise nothing is signed, an alert is raised (case null: the whole
   * log) and LedgerIntegrityError (CONFLICT) is thrown.
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
    const failure = await this.extendsLatest(log, head, latest);
    if (failure) throw await this.refuse(log, null, failure);
    if (latest && Number(latest.tree_size) === head.treeSize && latest.root_hash.equals(head.rootHash)) return latest;
    const note = signHead(this.log.signer, head);
    const row = await this.repository.insertCheckpoint(manager, log, head.treeSize, head.rootHash, note);
    this.writeCheckpointFile(log, head, note);
    return row;
  }

  /**
   * Whether `head` extends the latest signed checkpoint of `log`: the newest row (`latest`) and
   * the newest file. Null when it does (or there is none), else the failure: a head not signed
   * by the ledger key, fewer entries than signed, another root at the same size, or no
   * consistency with the signed root.
   */
  private async extendsLatest(log: LedgerLog, head: TreeHead, latest: CheckpointRow | undefined): Promise<LedgerFailure | null> {
    const notes: { note: string; source: string }[] = latest ? [{ note: latest.note, source: `checkpoint ${latest.id}` }] : [];
    const file = this.checkpointFiles(log).at(-1);
    if (file) notes.push({ note: readFileSync(join(this.config.ledger.checkpointDir, file), 'utf8'), source: `checkpoint file ${file}` });
    for (const { note, source } of notes) {
      const signed = this.log.openHead(note);
      if (typeof signed === 'string') return { index: null, reason: `${source}: ${signed}; a forged head` };
      if (signed.origin !== head.origin) return { index: null, reason: `${source} is a head of ${signed.origin}, not ${head.origin}` };
      const what = log === 'EVIDENCE' ? 'entries' : 'rows';
      if (signed.treeSize > head.treeSize) return { index: head.treeSize, reason: `the log has ${head.treeSize} ${what} but ${source} signed ${signed.treeSize}: ${what} were deleted` };
      if (signed.treeSize === 0) continue;
      if (log === 'AUDIT') {
        const hash = await this.repository.auditHash(signed.treeSize);
        if (!hash || !hash.equals(signed.rootHash)) return { index: signed.treeSize, reason: `audit row ${signed.treeSize} differs from ${source}: the chain was rewritten` };
      } else if (signed.treeSize === head.treeSize) {
        if (!signed.rootHash.equals(head.rootHash)) return { index: null, reason: `the root of the ${head.treeSize} entries differs from ${source}: the log was rewritten` };
      } else {
        const { proof } = await this.log.consistencyProof(signed.treeSize, head.treeSize);
        const failed = verifyConsistency(signed.treeSize, head.treeSize, proof, signed.rootHash, head.rootHash);
        if (failed) return { index: null, reason: `the log of ${head.treeSize} entries is not an extension of ${source} (${failed}): the log was rewritten` };
      }
    }
    return null;
  }

  /**
   * Records a failed check of `log`: an error log line and a ledger alert (for ADMIN, the judges
   * of `caseId`, and every judge when `caseId` is null); returns the error to throw.
   */
  async refuse(log: LedgerLog, caseId: string | null, failure: LedgerFailure): Promise<LedgerIntegrityError> {
    await this.raise(log, caseId, failure);
    return new LedgerIntegrityError(log, failure);
  }

  private async raise(log: LedgerLog, caseId: string | null, failure: LedgerFailure): Promise<void> {
    this.logger.error(`ledger verification failed: ${log} log, entry ${failure.index ?? '-'}: ${failure.reason}`);
    // Outside the caller's transaction: the alert stays when the refused operation rolls back.
    await this.dataSource.query(`INSERT INTO ledger_alert (log, case_id, first_failing, reason) VALUES ($1, $2, $3, $4)`, [log, caseId, failure.index, failure.reason]);
  }

  /** The checkpoint files of `log` in LEDGER_CHECKPOINT_DIR, smallest tree first (names carry the zero-padded size). */
  private checkpointFiles(log: LedgerLog): string[] {
    const dir = this.config.ledger.checkpointDir;
    const prefix = `${log.toLowerCase()}-`;
    return existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith('.note')).sort() : [];
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
   * A head a caller holds (`verifyLedger(heldEvidenceHead | heldAuditHead)`), opened: it must be
   * a note of `log` signed by the ledger's key or an earlier trusted one (trailing whitespace
   * aside). BAD_USER_INPUT on `field` otherwise, and no alert: what a caller hands in says
   * nothing about the stored logs.
   */
  openHeld(log: LedgerLog, note: string, field: string): HeldHead {
    const head = this.log.openHead(note);
    if (typeof head === 'string') {
      throw new InputError(field, isSignatureFailure(head) ? `is not signed by this ledger's key (${head})` : `is not a signed tree head (${head})`);
    }
    const origin = log === 'EVIDENCE' ? this.log.origins.evidence : this.log.origins.audit;
    if (head.origin !== origin) throw new InputError(field, `is a head of ${head.origin}, not of ${origin}`);
    return { treeSize: head.treeSize, rootHash: head.rootHash, source: 'the held head' };
  }

  /**
   * Every head of `log` the check compares with: the stored checkpoints, the checkpoint files,
   * and the held head (BAD_USER_INPUT when it is not a signed head: `openHeld`). The first stored
   * one not signed by the ledger key (or an earlier trusted key) is the failure (a forged head).
   */
  private async heads(log: LedgerLog, held: string | null | undefined): Promise<HeldHead[] | LedgerFailure> {
    const origin = log === 'EVIDENCE' ? this.log.origins.evidence : this.log.origins.audit;
    const notes: { note: string; source: string }[] = (await this.repository.allCheckpoints(log)).map((row) => ({
      note: row.note,
      source: `checkpoint ${row.id}`,
    }));
    for (const file of this.checkpointFiles(log)) {
      notes.push({ note: readFileSync(join(this.config.ledger.checkpointDir, file), 'utf8'), source: `checkpoint file ${file}` });
    }
    const heldHead = held ? this.openHeld(log, held, log === 'EVIDENCE' ? 'heldEvidenceHead' : 'heldAuditHead') : null;
    const heads: HeldHead[] = [];
    for (const { note, source } of notes) {
      const head = this.log.openHead(note);
      if (typeof head === 'string') return { index: null, reason: `${source}: ${head}; a forged head` };
      if (head.origin !== origin) return { index: null, reason: `${source} is a head of ${head.origin}, not ${origin}` };
      heads.push({ treeSize: head.treeSize, rootHash: head.rootHash, source });
    }
    if (heldHead) heads.push(heldHead);
    return heads;
  }

  /**
   * Verifies both logs in full (see the class comment); `progress` is told the evidence entries
   * checked. A file or database row that no longer matches its entry is a finding about that
   * entry, and verification goes on past it; a failure of the log itself (a leaf, a subtree, a
   * signed head) stops it. Logs at error level and records an alert per affected case (the
   * first failing entry of the case, and how many more); a failure of a log itself is its one
   * alert (every entry is in doubt then; the entries' findings are still listed).
   */
  async verify(held: HeldHeads = {}, progress?: (done: number, total: number) => Promise<void>): Promise<LedgerVerification> {
    const { check: evidence, filesChecked, alerts } = await this.verifyEvidence(held.evidence, progress);
    const { check: audit, caseId: auditCaseId } = await this.verifyAudit(held.audit);
    for (const alert of alerts) await this.raise('EVIDENCE', alert.caseId, alert.failure);
    if (audit.failure) await this.raise('AUDIT', auditCaseId, audit.failure);
    return { intact: !evidence.failure && !audit.failure, evidence, audit, filesChecked };
  }

  private async verifyEvidence(
    held: string | null | undefined,
    progress?: (done: number, total: number) => Promise<void>,
  ): Promise<{ check: LogCheck; filesChecked: number; alerts: { caseId: string | null; failure: LedgerFailure }[] }> {
    const heads = await this.heads('EVIDENCE', held);
    if (!Array.isArray(heads)) return { check: logCheck(0, [heads], 1, false), filesChecked: 0, alerts: [{ caseId: null, failure: heads }] };
    const verifier = new LogVerifier(heads);
    const findings = new Findings();
    const total = await this.repository.size();
    let filesChecked = 0;
    let logFailure: { caseId: string | null; failure: LedgerFailure } | null = null;
    batches: for (let from = 0; ; ) {
      const rows = await this.repository.entries(from, VERIFY_BATCH);
      if (rows.length === 0) break;
      const [nodes, records] = await Promise.all([
        this.repository.nodesCompletedBy(from, Number(rows.at(-1)!.idx) + 1),
        this.repository.records(rows.map((r) => Number(r.idx))),
      ]);
      for (const row of rows) {
        const index = Number(row.idx);
        const failure = verifier.next({ index, leaf: row.leaf, leafHash: row.leaf_hash }, nodes);
        if (failure) {
          // The log itself fails here (a row edited, missing or rewritten): every later entry of
          // every case is in doubt, so the alert is log-wide (ADMIN and every judge), like a truncation.
          logFailure = { caseId: null, failure };
          break batches;
        }
        const reasons = await this.checkEntry(index, row.leaf, row.case_id, records.get(index) ?? []);
        if (reasons.fileChecked) filesChecked++;
        if (reasons.failed.length) findings.add(reasons.caseId, { index, reason: reasons.failed.join('; ') });
      }
      from = Number(rows.at(-1)!.idx) + 1;
      await progress?.(verifier.checked, total);
    }
    const beyond = logFailure ? null : verifier.finish();
    if (beyond) logFailure = { caseId: null, failure: beyond };
    if (!logFailure) {
      for (const o of await this.repository.unloggedRecords(verifier.checked, LISTED_FAILURES)) {
        const what = o.kind === 'EVIDENCE' ? 'an evidence item' : 'a document';
        findings.add(o.case_id, { index: Number(o.idx), reason: `${what} names entry ${o.idx}, which the log (${verifier.checked} entries) does not hold` });
      }
    }
    if (!logFailure) return { check: logCheck(verifier.checked, findings.listed, findings.count, true), filesChecked, alerts: findings.perCase() };
    // A log that fails itself is the one alert: its entries' findings are listed, but every entry is in doubt.
    findings.add(logFailure.caseId, logFailure.failure);
    return { check: logCheck(verifier.checked, findings.listed, findings.count, false, logFailure.failure), filesChecked, alerts: [logFailure] };
  }

  /**
   * One entry whose leaf is in the verified tree: the leaf decodes, the entry's case column
   * names the leaf's case (an export lists a case's entries by that column, so an entry moved
   * out of it would leave the export unseen), the database's row of its item or document
   * matches the leaf, and its file is there with the hash and size it records. `caseId`: the
   * case to alert, the leaf's when it decodes (the tree vouches for it), else the column's.
   */
  private async checkEntry(
    index: number,
    bytes: Buffer,
    caseColumn: string | null,
    records: LedgerRecord[],
  ): Promise<{ failed: string[]; fileChecked: boolean; caseId: string | null }> {
    const leaf = decodeLeaf(bytes);
    if (typeof leaf === 'string') return { failed: [`entry ${index}: ${leaf}`], fileChecked: false, caseId: caseColumn };
    const failed: string[] = [];
    if (leaf.caseId !== caseColumn) failed.push(`entry ${index}'s case column differs from its leaf`);
    const recorded = records.length > 1 ? `entry ${index} is claimed by ${records.length} database rows` : recordFailure(index, leaf, records[0]);
    if (recorded) failed.push(recorded);
    const file = loggedFile(leaf);
    if (typeof file === 'string') return { failed: [...failed, `entry ${index}: ${file}`], fileChecked: false, caseId: leaf.caseId };
    const wrong = fileFailure(index, file, await fileDigest(join(file.store === 'evidence' ? this.config.ledger.evidenceDir : this.config.documents.dir, file.name)));
    if (wrong) failed.push(wrong);
    return { failed, fileChecked: !wrong, caseId: leaf.caseId };
  }

  private async verifyAudit(held: string | null | undefined): Promise<{ check: LogCheck; caseId: string | null }> {
    const heads = await this.heads('AUDIT', held);
    if (!Array.isArray(heads)) return { check: logCheck(0, [heads], 1, false), caseId: null };
    const last = (await this.repository.auditHead())?.seq ?? 0;
    for (let from = 1; from <= last; from += AUDIT_BATCH) {
      const report = await this.audit.verifyRange(from, Math.min(from + AUDIT_BATCH - 1, last));
      if (!report.intact) {
        const seq = Number(report.firstBrokenSeq);
        return { check: logCheck(seq - 1, [{ index: seq, reason: `audit row ${seq} does not chain to the row before it` }], 1, false), caseId: null };
      }
    }
    const failure = await this.auditAgainstHeads(heads, last);
    return { check: failure ? logCheck(last, [failure], 1, false) : logCheck(last, [], 0, true), caseId: null };
  }

  /** The audit chain (last row `last`) against signed heads: each must be a row with the hash it signed. */
  private async auditAgainstHeads(heads: HeldHead[], last: number): Promise<LedgerFailure | null> {
    for (const head of heads.sort((a, b) => b.treeSize - a.treeSize)) {
      if (head.treeSize > last) return { index: last, reason: `the audit chain ends at ${last} but ${head.source} signed ${head.treeSize}: rows were deleted` };
      const hash = await this.repository.auditHash(head.treeSize);
      if (!hash || !hash.equals(head.rootHash)) return { index: head.treeSize, reason: `audit row ${head.treeSize} differs from ${head.source}: the chain was rewritten` };
    }
    return null;
  }
}
