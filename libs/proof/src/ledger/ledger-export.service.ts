import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditService, NotFoundError } from '@app/platform';
import { EvidenceLogService } from './evidence-log.service';
import { LedgerChecksService } from './ledger-checks.service';
import { type CaseEntries, caseEntriesBody, type LedgerExport } from './ledger-verifier';
import { decodeLeaf, type LedgerEntryKind } from './ledger-leaf';
import { LedgerRepository } from './ledger.repository';
import { openSignedHead, signNote } from './signed-note';

/** Entries read per statement while exporting. */
const EXPORT_BATCH = 1000;

/**
 * Builds the export of one case's ledger entries that `leakcase ledger export` writes and
 * `leakcase ledger verify` checks offline (ledger-verifier.ts `verifyExport`): a fresh signed
 * head (also stored as a checkpoint), the list of the case's entries at that head signed with
 * the ledger key (ledger-verifier.ts `caseEntriesBody`: an entry dropped from the export, added
 * or reordered fails verification), every entry of the case with its inclusion proof to that
 * head and what the database records of its item or document (compared with the leaf), (an evidence item or generated document whose entry is gone from the log is listed with a
 * null leaf), and every
 * other evidence-log checkpoint: an earlier one with its consistency proof to the head, a larger
 * one (the log lost entries since) as it is, for the verifier to report. Audited (no actor).
 * LedgerIntegrityError (CONFLICT, with an alert) when the log no longer extends its latest
 * checkpoint (nothing is signed then), when an entry below the head is missing (the export
 * would silently leave it out) or a stored subtree is.
 */
@Injectable()
export class LedgerExportService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly log: EvidenceLogService,
    private readonly checks: LedgerChecksService,
    private readonly repository: LedgerRepository,
    private readonly audit: AuditService,
  ) {}

  async export(caseId: string): Promise<LedgerExport> {
    const [found] = await this.dataSource.query(`SELECT 1 FROM legal_case WHERE id::text = $1`, [caseId]);
    if (!found) throw new NotFoundError('Case', caseId);
    const { evidence: checkpoint } = await this.checks.checkpoint();
    const treeSize = Number(checkpoint.tree_size);
    // A deleted row of another entry would not show in the case's entries: refuse rather than export around it.
    const missing = await this.repository.firstMissingEntry(treeSize);
    if (missing !== null) throw await this.checks.refuse('EVIDENCE', null, { index: missing, reason: `entry ${missing} is missing from the log` });
    const entries: LedgerExport['entries'] = [];
    const listed: CaseEntries['entries'] = [];
    for (let after = -1; ; ) {
      const rows = await this.repository.caseEntries(caseId, after, EXPORT_BATCH);
      const records = await this.repository.records(rows.map((r) => Number(r.idx)));
      for (const row of rows) {
        const index = Number(row.idx);
        if (index >= treeSize) break;
        // An entry moved into this case by its case column: the signed list would vouch for an entry
        // whose leaf names another case (a leaf that does not decode is the offline verifier's finding).
        const leaf = decodeLeaf(row.leaf);
        if (typeof leaf !== 'string' && leaf.caseId !== caseId) {
          throw await this.checks.refuse('EVIDENCE', caseId, { index, reason: `entry ${index}'s case column differs from its leaf` });
        }
        const { proof } = await this.log.inclusionProof(index, treeSize);
        listed.push({ index, leafHash: row.leaf_hash.toString('hex') });
        entries.push({
          index,
          kind: row.kind,
          leaf: row.leaf.toString('base64'),
          leafHash: row.leaf_hash.toString('hex'),
          inclusionProof: proof.map((p) => p.toString('hex')),
          record: records.get(index)?.[0] ?? null,
        });
      }
      if (rows.length < EXPORT_BATCH) break;
      after = Number(rows.at(-1)!.idx);
    }
    // Evidence items and generated documents of the case whose log entry is missing (listed so the
    // verifier names them) or names another case in its case column (the entries above are listed by
    // that column, so the entry would be left out unseen: refused, as the full verification finds it).
    const unlisted: { idx: string; kind: LedgerEntryKind; missing: boolean }[] = await this.dataSource.query(
      `SELECT o.idx, o.kind, le.idx IS NULL AS missing
         FROM (SELECT ledger_index AS idx, 'EVIDENCE' AS kind FROM evidence_item WHERE case_id = $1
               UNION ALL
               SELECT log_index, 'DOCUMENT' FROM case_document WHERE case_id = $1 AND log_index IS NOT NULL) o
         LEFT JOIN ledger_entry le ON le.idx = o.idx
        WHERE le.idx IS NULL OR le.case_id IS DISTINCT FROM $1::uuid
        ORDER BY o.idx`,
      [caseId],
    );
    const moved = unlisted.find((o) => !o.missing);
    if (moved) throw await this.checks.refuse('EVIDENCE', caseId, { index: Number(moved.idx), reason: `entry ${moved.idx}'s case column differs from its case's records` });
    const orphans = unlisted.filter((o) => o.missing);
    const orphanRecords = await this.repository.records(orphans.map((o) => Number(o.idx)));
    for (const o of orphans) {
      entries.push({ index: Number(o.idx), kind: o.kind, leaf: null, leafHash: null, inclusionProof: [], record: orphanRecords.get(Number(o.idx))?.[0] ?? null });
    }
    entries.sort((a, b) => a.index - b.index);

    const checkpoints: LedgerExport['checkpoints'] = [];
    const seen = new Set<number>();
    for (const row of await this.repository.allCheckpoints('EVIDENCE')) {
      const size = Number(row.tree_size);
      const head = openSignedHead(row.note, this.log.signer);
      if (size === treeSize || seen.has(size) || typeof head === 'string') continue;
      seen.add(size);
      // A checkpoint beyond the head (entries deleted since) goes in without a proof: the verifier names it.
      const proof = size === 0 || size > treeSize ? [] : (await this.log.consistencyProof(size, treeSize)).proof;
      checkpoints.push({ note: row.note, consistencyProof: proof.map((p) => p.toString('hex')) });
    }
    // The operator's command line, not a user: audited without an actor.
    await this.audit.record(this.dataSource.manager, null, {
      action: 'ledger.export',
      subjectType: 'Case',
      subjectId: caseId,
      caseId,
      details: { entries: entries.length, treeSize },
    });
    const caseEntries = signNote(this.log.signer, caseEntriesBody({ origin: this.log.origins.evidence, caseId, treeSize, rootHash: checkpoint.root_hash, entries: listed }));
    return { format: 'leakcase-ledger-export/2', verifierKey: this.log.verifierKey, caseId, head: checkpoint.note, caseEntries, entries, checkpoints };
  }
}
