import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { Transform } from 'node:stream';
import { finished } from 'node:stream/promises';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import {
  type Actor,
  APP_CONFIG,
  type AppConfig,
  AuditService,
  caseMemberView,
  type Connection,
  ForbiddenError,
  InputError,
  type JobContext,
  JobsService,
  MAX_PAGE_SIZE,
  NotFoundError,
  type Role,
} from '@app/platform';
import { type CaseModel, CasesService, Clock } from '@app/cases';
import { ClassAnomalyKind, type ClassModel, ClassesService } from '@app/classes';
import { documentRecord, EvidenceLogService, type LedgerRecord } from '@app/proof';
import { type Assessment, AssessmentsService, damagesRecipient, DamagesRecipient, type LiabilitySchedule, RemediesService, RemedyKind } from '@app/remedies';
import { BUILDERS } from './content/builders';
import type { CaseFacts, DocumentClass } from './content/case-facts';
import type { RemedyScheduleFacts } from './content/remedy-schedule';
import type { DocumentGeneration, DocumentModel, GenerateDocumentInput } from './document.model';
import { DocumentsRepository } from './documents.repository';
import { renderPdf } from './render/pdf';
import { renderXlsx } from './render/xlsx';
import { DOCUMENT_KINDS, DocumentFormat, DocumentKind, type DocumentLanguage } from './rules/document-kinds';
import { TEXTS } from './texts';

/** The job kind of a large roster. */
export const DOCUMENT_JOB = 'documents.generate';

/** Decisions listed per class in the composition report (the rest are counted). */
export const DECISIONS_LISTED = 200;

/** The SHARED_PHONE anomaly's threshold in the report: this many current members on one number. */
const SHARED_PHONE_THRESHOLD = 5;

/** Documents made before the evidence log existed, logged per transaction at startup. */
const UNLOGGED_BATCH = 500;

/** A job's payload: the request and who made it (ids and enum values only, no personal data). */
interface DocumentJobPayload {
  caseId: string;
  kind: DocumentKind;
  language: DocumentLanguage;
  format: DocumentFormat;
  userId: string;
  role: Role;
  organisationKind: Actor['organisationKind'];
}

/** Every node of a paginated list, page after page (oldest first where the list is). */
async function allPages<T>(page: (after: string | undefined) => Promise<Connection<T>>): Promise<T[]> {
  const nodes: T[] = [];
  let after: string | undefined;
  for (;;) {
    const next = await page(after);
    nodes.push(...next.nodes);
    if (!next.pageInfo.hasNextPage) return nodes;
    after = next.pageInfo.endCursor ?? undefined;
  }
}

/** A downloadable file: its record and a stream of its bytes. */
export interface DocumentFile {
  document: DocumentModel;
  path: string;
  contentType: string;
  fileName: string;
}

const CONTENT_TYPE: Record<DocumentFormat, string> = {
  [DocumentFormat.PDF]: 'application/pdf',
  [DocumentFormat.XLSX]: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/**
 * Filing documents: generates a kind of document for a case in the caller's view and language,
 * stores the file (written under a temporary name, hashed while written, then renamed) and records
 * the version. Who may make which kind is the kinds table's; who may see the case is the cases
 * library's; what the document shows of members is the visibility policy's (the caller's own
 * enrolments, or the court's merged view), read in one snapshot. A document is its organisation's:
 * another organisation's is NOT_FOUND, like a missing one. Every document is appended to the
 * evidence log (libs/proof, LedgerEntryKind.DOCUMENT) in the transaction that records it, so the
 * ledger's checks and its offline verifier vouch for its bytes.
 */
@Injectable()
export class DocumentsService implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('Documents');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: DocumentsRepository,
    private readonly cases: CasesService,
    private readonly classes: ClassesService,
    private readonly remedies: RemediesService,
    private readonly assessments: AssessmentsService,
    private readonly jobs: JobsService,
    private readonly audit: AuditService,
    private readonly evidenceLog: EvidenceLogService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    // A retry starts the file again (a roster is rewritten from its first row): its record is
    // written once, by the attempt that finishes.
    this.jobs.register<DocumentJobPayload>(DOCUMENT_JOB, (ctx) => this.runJob(ctx), { retryLimit: 2 });
  }

  /** Documents made before they were logged are appended when the application starts. */
  async onApplicationBootstrap(): Promise<void> {
    const logged = await this.logUnlogged();
    if (logged) this.logger.log(`appended ${logged} earlier document(s) to the evidence log`);
  }

  /**
   * Appends every document not yet in the evidence log (made before the log existed), oldest
   * first, each in a transaction with its log index; idempotent, and safe to run from several
   * instances at once (the rows are locked). Audited without an actor. Returns how many it logged.
   */
  async logUnlogged(): Promise<number> {
    let logged = 0;
    for (;;) {
      const batch = await this.dataSource.transaction(async (manager) => {
        const documents = await this.repository.lockUnlogged(manager, UNLOGGED_BATCH);
        for (const document of documents) {
          const { logIndex } = await this.appendToLog(manager, document);
          await this.audit.record(manager, null, {
            action: 'document.log',
            subjectType: 'Document',
            subjectId: document.id,
            caseId: document.caseId,
            details: { logIndex },
          });
        }
        return documents.length;
      });
      if (batch === 0) return logged;
      logged += batch;
    }
  }

  /**
   * Appends a recorded document to the evidence log in the caller's transaction and stores its
   * index. The leaf holds no personal data: the ids, kind, language, format, version, the file's
   * SHA-256 and size, and its path in the documents store (where the ledger's checks find it).
   */
  private async appendToLog(manager: EntityManager, document: DocumentModel): Promise<DocumentModel> {
    const { kind, caseId, payload } = this.record(document);
    const { index } = await this.evidenceLog.append(manager, kind, caseId, payload);
    await this.repository.setLogIndex(manager, document.id, index);
    return { ...document, logIndex: String(index) };
  }

  /** What the document's ledger entry records (its path in the store "/"-separated). */
  private record(document: DocumentModel): LedgerRecord {
    return documentRecord({ ...document, file: document.storageName.split(sep).join('/') });
  }

  /**
   * Generates a document, or queues the job of a roster longer than DOCUMENTS_SYNC_ROWS rows.
   * NOT_FOUND for a case the caller may not see; FORBIDDEN for a kind its role may not make;
   * BAD_USER_INPUT for a kind the case's type has not, or a format the kind has not.
   */
  async generate(actor: Actor, input: GenerateDocumentInput): Promise<DocumentGeneration> {
    const caseModel = await this.cases.get(actor, input.caseId);
    const format = input.format ?? DocumentFormat.PDF;
    const rule = DOCUMENT_KINDS[input.kind];
    if (!rule.roles.includes(actor.role)) throw new ForbiddenError(`Your role may not make a ${input.kind}`);
    if (!rule.caseTypes.includes(caseModel.type)) throw new InputError('kind', `a ${caseModel.type} case has no ${input.kind}`);
    if (!rule.formats.includes(format)) throw new InputError('format', `a ${input.kind} is made as ${rule.formats.join(' or ')}`);
    if (rule.perMember) {
      const classes = await this.caseClasses(actor, caseModel.id);
      const rows = await this.repository.rosterCount(this.dataSource.manager, classes.map((k) => k.id), caseMemberView(actor));
      if (rows > this.config.documents.syncRows) {
        const payload: DocumentJobPayload = {
          caseId: caseModel.id,
          kind: input.kind,
          language: input.language,
          format,
          userId: actor.userId,
          role: actor.role,
          organisationKind: actor.organisationKind,
        };
        const job = await this.dataSource.transaction((manager) => this.jobs.enqueue(manager, actor, DOCUMENT_JOB, { ...payload }));
        return { document: null, job };
      }
    }
    return { document: await this.produce(actor, caseModel, input.kind, input.language, format, null), job: null };
  }

  /** The caller's organisation's documents of a case it may see, newest first. */
  async list(actor: Actor, caseId: string, kind: DocumentKind | undefined, first: number, after?: string): Promise<Connection<DocumentModel>> {
    await this.cases.get(actor, caseId);
    return this.repository.list(caseId, actor.organisationId, kind, first, after);
  }

  /**
   * A document's file for download: the caller's organisation's, of a case it may still see;
   * NOT_FOUND otherwise (another organisation's document is answered like a missing one). A
   * logged document is served from the path its ledger entry names; when its row no longer
   * agrees with the entry (hash, size, file, kind, version… edited) nothing is served: the cause
   * (field names) is logged at error level and a plain Error (500) is thrown.
   */
  async file(actor: Actor, id: string): Promise<DocumentFile> {
    const document = await this.repository.findOwn(id, actor.organisationId);
    if (!document) throw new NotFoundError('Document', id);
    try {
      await this.cases.get(actor, document.caseId);
    } catch (error) {
      if (error instanceof NotFoundError) throw new NotFoundError('Document', id);
      throw error;
    }
    const extension = document.format === DocumentFormat.PDF ? 'pdf' : 'xlsx';
    let storageName = document.storageName;
    if (document.logIndex !== null) {
      // Served as its ledger entry names it: a row edited to point at another file is refused.
      const logged = await this.evidenceLog.loggedRecord(Number(document.logIndex), this.record(document));
      if (typeof logged === 'string') {
        this.logger.error(`document ${id}: ${logged}; not served`);
        throw new Error('the document does not match its ledger entry');
      }
      storageName = logged.file.name;
    }
    return {
      document,
      path: join(this.config.documents.dir, storageName),
      contentType: CONTENT_TYPE[document.format],
      fileName: `${document.kind.toLowerCase()}-${document.language.toLowerCase()}-v${document.version}.${extension}`,
    };
  }

  /** Opens a document's bytes. */
  open(file: DocumentFile): NodeJS.ReadableStream {
    return createReadStream(file.path);
  }

  private async runJob(ctx: JobContext<DocumentJobPayload>): Promise<Record<string, unknown>> {
    const p = ctx.payload;
    const done = await this.dataSource.query(`SELECT id, version FROM case_document WHERE job_id = $1`, [ctx.id]);
    if (done.length) return { documentId: done[0].id, version: done[0].version };
    const actor: Actor = { userId: p.userId, organisationId: ctx.organisationId, role: p.role, organisationKind: p.organisationKind };
    const caseModel = await this.cases.get(actor, p.caseId);
    const document = await this.produce(actor, caseModel, p.kind, p.language, p.format, ctx);
    return { documentId: document.id, version: document.version };
  }

  /** Every class of the case the caller may see, oldest first. */
  private caseClasses(actor: Actor, caseId: string): Promise<ClassModel[]> {
    return allPages((after) => this.classes.list(actor, caseId, MAX_PAGE_SIZE, after));
  }

  /**
   * The remedy schedule's facts in the caller's view: the case's remedies and each compensation's
   * liability schedule (whoever may see the case sees them), and for a representative action each
   * class's latest completed assessment the caller may read (AssessmentsService.list: the court
   * every party's, an organisation its own, computed from its own enrolments), read through the
   * remedies library's services.
   */
  private async remedyFacts(actor: Actor, caseModel: CaseModel): Promise<RemedyScheduleFacts> {
    const remedies = await allPages((after) => this.remedies.list(actor, { caseId: caseModel.id, first: MAX_PAGE_SIZE, after }));
    const liability = new Map<string, LiabilitySchedule>();
    for (const r of remedies) {
      if (r.kind === RemedyKind.COMPENSATION) liability.set(r.id, await this.remedies.liabilitySchedule(actor, r.id));
    }
    const toMembers = damagesRecipient(caseModel.type) === DamagesRecipient.MEMBERS;
    const distributions: RemedyScheduleFacts['distributions'] = [];
    if (toMembers) {
      const latest = new Map<string, Assessment>();
      for (const a of await allPages((after) => this.assessments.list(actor, caseModel.id, MAX_PAGE_SIZE, after))) {
        if (a.completed) latest.set(a.classId, a);
      }
      for (const klass of await this.caseClasses(actor, caseModel.id)) {
        const assessment = latest.get(klass.id);
        if (assessment) distributions.push({ className: klass.name, assessment });
      }
    }
    return { remedies, liability, distributions, toMembers };
  }

  /**
   * What the document says of its case, in the caller's view; of its classes nothing (`none`),
   * their compositions (`counts`), or with their anomalies and decisions too (`full`).
   */
  private async facts(actor: Actor, caseModel: CaseModel, manager: EntityManager, classDetail: 'none' | 'counts' | 'full'): Promise<CaseFacts> {
    const view = caseMemberView(actor);
    // One after the other: `manager` is the snapshot's one connection.
    const author = await this.repository.organisation(manager, actor.organisationId);
    const court = await this.repository.organisation(manager, caseModel.courtId);
    const parties = await this.repository.parties(manager, caseModel.id);
    const incidents = await this.repository.incidents(manager, caseModel.id);
    const datasets = await this.repository.ownDatasets(manager, caseModel.id, actor.organisationId);
    const announcement = await this.repository.deadline(manager, caseModel.id, 'PRE_LITIGATION_ANNOUNCEMENT');
    const recommendation = await this.repository.deadline(manager, caseModel.id, 'PROCURATORIAL_RECOMMENDATION_RESPONSE');
    const members = await this.repository.memberTotals(manager, caseModel.id, view);
    const evidence = await this.repository.evidence(manager, caseModel.id, actor);
    const classes: DocumentClass[] = [];
    if (classDetail !== 'none') {
      const full = classDetail === 'full';
      for (const klass of await this.caseClasses(actor, caseModel.id)) {
        const [composition, decisions, anomalies] = await Promise.all([
          this.classes.composition(actor, klass.id),
          full ? this.classes.decisions(actor, klass.id, DECISIONS_LISTED) : null,
          Promise.all(
            (full ? Object.values(ClassAnomalyKind) : []).map(async (kind) => ({
              kind,
              members: await (await this.classes.anomalies(actor, klass.id, kind, SHARED_PHONE_THRESHOLD, 1)).totalCount,
            })),
          ),
        ]);
        classes.push({ klass, composition, anomalies, decisions: decisions?.nodes ?? [], decisionsTotal: decisions ? await decisions.totalCount : 0 });
      }
    }
    return {
      caseModel,
      court: court.name,
      author,
      parties,
      incidents,
      datasets,
      announcement,
      recommendation: recommendation && { trigger: recommendation.trigger, due: recommendation.due, urgent: recommendation.urgent },
      evidence,
      classes,
      members,
      today: this.clock.today(),
    };
  }

  /**
   * Writes the file and records the version. Facts and rows are read in one REPEATABLE READ
   * snapshot, so a roster's count and its rows agree; the file is hashed as it is written, under a
   * temporary name, renamed once complete, and removed if the record cannot be written. The
   * record and its evidence-log entry commit together.
   */
  private async produce(
    actor: Actor,
    caseModel: CaseModel,
    kind: DocumentKind,
    language: DocumentLanguage,
    format: DocumentFormat,
    job: JobContext<unknown> | null,
  ): Promise<DocumentModel> {
    const t = TEXTS[language];
    const view = caseMemberView(actor);
    const id = randomUUID();
    const storageName = join(caseModel.id, `${id}.${format === DocumentFormat.PDF ? 'pdf' : 'xlsx'}`);
    const path = join(this.config.documents.dir, storageName);
    const temporary = join(dirname(path), `.${id}.tmp`);
    await mkdir(dirname(path), { recursive: true });
    const hash = createHash('sha256');
    let size = 0;
    let pages: number | null = null;
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction('REPEATABLE READ');
      const rule = DOCUMENT_KINDS[kind];
      const detail = kind === DocumentKind.CLASS_COMPOSITION_REPORT ? 'full' : rule.perMember ? 'counts' : 'none';
      const facts = await this.facts(actor, caseModel, runner.manager, detail);
      const classIds = facts.classes.map((k) => k.klass.id);
      const roster = rule.perMember
        ? { count: await this.repository.rosterCount(runner.manager, classIds, view), rows: () => this.repository.rosterRows(runner.manager, classIds, view) }
        : undefined;
      const remedies = kind === DocumentKind.REMEDY_SCHEDULE ? await this.remedyFacts(actor, caseModel) : undefined;
      const spec = BUILDERS[kind]({ facts, t, merged: view.merged, roster, remedies });
      // Opened now, not asynchronously by the stream, so the rm below always finds what it removes.
      const file = (await open(temporary, 'wx')).createWriteStream();
      const out = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          hash.update(chunk);
          size += chunk.length;
          callback(null, chunk);
        },
      });
      out.pipe(file);
      const onRows = job ? (rows: number) => job.progress(rows, roster?.count ?? null) : undefined;
      if (format === DocumentFormat.PDF) pages = (await renderPdf(spec, out, t, onRows)).pages;
      else await renderXlsx(spec, out, { summary: t.summarySheet }, t.moneyHeader, onRows);
      await finished(file);
      await runner.commitTransaction();
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await rm(temporary, { force: true });
      throw error;
    } finally {
      await runner.release();
    }
    await rename(temporary, path);
    try {
      return await this.dataSource.transaction(async (manager) => {
        const inserted = await this.repository.insert(manager, {
          id,
          caseId: caseModel.id,
          organisationId: actor.organisationId,
          kind,
          language,
          format,
          sha256: hash.digest(),
          sizeBytes: size,
          pageCount: pages,
          storageName,
          createdBy: actor.userId,
          jobId: job?.id ?? null,
        });
        const document = await this.appendToLog(manager, inserted);
        await this.audit.record(manager, actor, {
          action: 'document.generate',
          subjectType: 'Document',
          subjectId: id,
          caseId: caseModel.id,
          details: { kind, language, format, version: document.version, sha256: document.sha256, pages, sizeBytes: size, logIndex: document.logIndex },
        });
        return document;
      });
    } catch (error) {
      await rm(path, { force: true });
      throw error;
    }
  }
}
