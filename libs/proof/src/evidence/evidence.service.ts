import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { isUUID } from 'class-validator';
import { type Actor, APP_CONFIG, type AppConfig, AuditService, type Connection, InputError, NotFoundError } from '@app/platform';
import { CasesService } from '@app/cases';
import { actingParty } from '../acting-party';
import { EvidenceLogService } from '../ledger/evidence-log.service';
import { evidenceRecord, type LoggedFile } from '../ledger/ledger-leaf';
import { receiveFile, sweepStaleParts } from './evidence-file';
import type { EvidenceItem } from './evidence.model';
import { EvidenceRepository } from './evidence.repository';
import type { SubmitEvidenceQuery } from './evidence.inputs';

/**
 * Where a stored evidence file is and how to serve it, as the item's ledger entry records it:
 * `file` names it by its SHA-256 and size (ledger-leaf.ts `loggedFile`), `index` the entry.
 */
export interface EvidenceFile {
  path: string;
  contentType: string;
  file: LoggedFile;
  index: number;
}

/**
 * Evidence items: files received as streams into the evidence store under their SHA-256, each
 * appended to the evidence log in the same transaction as its row. Who may submit: the plaintiff
 * side for its own party of a case it sees, the court of the case for a defendant, agency or
 * representative (whose submissions it receives). Who may read: see `visibleEvidence`.
 */
@Injectable()
export class EvidenceService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Evidence');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: EvidenceRepository,
    private readonly cases: CasesService,
    private readonly log: EvidenceLogService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** At start-up: deletes the partial uploads a killed server left in `<EVIDENCE_DIR>/.incoming` (sweepStaleParts). */
  onApplicationBootstrap(): void {
    const swept = sweepStaleParts(this.config.ledger.evidenceDir);
    if (swept.length) this.logger.warn(`deleted ${swept.length} stale partial upload(s) from ${join(this.config.ledger.evidenceDir, '.incoming')}`);
  }

  /**
   * Checks who submits for which party, then reads the upload (`open()` is called only then),
   * stores the file, and in one transaction appends the log entry, inserts the item and its
   * obligations and audits it; the file is moved into the store just before the commit. Any
   * refusal (NOT_FOUND for a case the caller cannot see, BAD_USER_INPUT for a party or obligation
   * not of the case, an empty, oversize or interrupted upload) stores nothing and leaves no file.
   */
  async submit(actor: Actor, caseId: string, input: SubmitEvidenceQuery, open: () => Readable): Promise<EvidenceItem> {
    if (!isUUID(caseId)) throw new NotFoundError('Case', caseId);
    await this.cases.get(actor, caseId);
    const partyId = await this.submittingParty(actor, caseId, input.partyId);
    const obligationIds = [...new Set(input.obligationIds ?? [])];
    const known = await this.repository.obligationsOfCase(caseId, obligationIds);
    const unknown = obligationIds.find((id) => !known.has(id));
    if (unknown) throw new InputError('obligationIds', `names an obligation that is not of this case: ${unknown}`);

    const file = await receiveFile(open(), this.config.ledger.evidenceDir);
    const id = randomUUID();
    try {
      await this.dataSource.transaction(async (manager) => {
        const record = evidenceRecord({ id, caseId, partyId, sha256: file.sha256, sizeBytes: file.sizeBytes, contentType: file.contentType, pageCount: file.pageCount });
        const entry = await this.log.append(manager, record.kind, record.caseId, record.payload);
        await this.repository.insert(
          manager,
          {
            id,
            caseId,
            partyId,
            organisationId: actor.organisationId,
            submittedBy: actor.userId,
            title: input.title,
            source: input.source,
            sha256: file.sha256,
            sizeBytes: file.sizeBytes,
            contentType: file.contentType,
            pageCount: file.pageCount,
            ledgerIndex: entry.index,
          },
          obligationIds,
        );
        await this.audit.record(manager, actor, {
          action: 'evidence.submit',
          subjectType: 'EvidenceItem',
          subjectId: id,
          caseId,
          details: { partyId, ledgerIndex: entry.index, sha256: file.sha256, sizeBytes: file.sizeBytes, obligations: obligationIds.length },
        });
        file.keep();
      });
    } catch (error) {
      file.discard();
      throw error;
    }
    return (await this.repository.findVisible(actor, id))!;
  }

  /** The party the caller submits for: its own organisation's party, or (the court) the defendant, agency or representative named. */
  private async submittingParty(actor: Actor, caseId: string, given: string | undefined): Promise<string> {
    return actingParty(actor, await this.repository.parties(caseId), given, 'evidence');
  }

  /** The items of a case `actor` sees (NOT_FOUND for a case it cannot see), in log order. */
  async list(actor: Actor, caseId: string, first: number, after?: string): Promise<Connection<EvidenceItem>> {
    await this.cases.get(actor, caseId);
    return this.repository.list(actor, caseId, first, after);
  }

  /** The item, if `actor` may see it; NOT_FOUND otherwise (the same for one that does not exist). */
  async get(actor: Actor, id: string): Promise<EvidenceItem> {
    const item = isUUID(id) ? await this.repository.findVisible(actor, id) : null;
    if (!item) throw new NotFoundError('EvidenceItem', id);
    return item;
  }

  /** The items among `ids` that `actor` may see, in one query (for DataLoaders); ids that are not uuids are skipped. */
  visibleByIds(actor: Actor, ids: readonly string[]): Promise<EvidenceItem[]> {
    return this.repository.findVisibleByIds(actor, ids.filter((id) => isUUID(id)));
  }

  /**
   * The file of an item `actor` may see, audited as a download: the one its ledger entry names,
   * with the type the entry records. When the item's row no longer agrees with its entry (its
   * hash, size, type, pages, party or case edited, or the entry gone) nothing is served: the
   * cause (field names only) is logged at error level and a plain Error (500) is thrown.
   */
  async file(actor: Actor, id: string): Promise<EvidenceFile> {
    const item = await this.get(actor, id);
    const index = Number(item.ledgerIndex);
    const logged = await this.log.loggedRecord(index, evidenceRecord({ ...item, sizeBytes: Number(item.sizeBytes) }));
    if (typeof logged === 'string') {
      this.logger.error(`evidence item ${id}: ${logged}; not served`);
      throw new Error('the evidence item does not match its ledger entry');
    }
    await this.audit.record(this.dataSource.manager, actor, {
      action: 'evidence.download',
      subjectType: 'EvidenceItem',
      subjectId: id,
      caseId: item.caseId,
    });
    return { path: join(this.config.ledger.evidenceDir, logged.file.name), contentType: String(logged.leaf.payload.contentType), file: logged.file, index };
  }

  /**
   * The court exchanges an item to the other parties (SPC evidence provisions (2019) arts.
   * 56-58): from then on every party of the case sees it. Idempotent; audited once.
   */
  async exchange(actor: Actor, id: string): Promise<EvidenceItem> {
    const item = await this.get(actor, id);
    await this.dataSource.transaction(async (manager) => {
      if (await this.repository.markExchanged(manager, id)) {
        await this.audit.record(manager, actor, { action: 'evidence.exchange', subjectType: 'EvidenceItem', subjectId: id, caseId: item.caseId });
      }
    });
    return this.get(actor, id);
  }
}
