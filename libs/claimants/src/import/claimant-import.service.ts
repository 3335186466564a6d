import { createHash } from 'node:crypto';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import { CsvError } from 'csv-parse';
import { from as copyFrom } from 'pg-copy-streams';
import type { PoolClient } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { type Actor, APP_CONFIG, type AppConfig, AuditService, DomainError, isUniqueViolation, type JobContext, JobsService, NotFoundError, SqlParams, type Viewer, visibleIncident } from '@app/platform';
import { CLAIMANTS_JOINED_SETTING } from '../../../../migrations/1764400180000-enrolment-import-claimants-joined';
import { ImportFileError, UNKNOWN_INCIDENT } from '../claimant.errors';
import { MatchingJobs } from '../datasets/matching.jobs';
import { VaultService } from '../vault/vault.service';
import type { ImportColumn, ImportDefaults, ImportPlan } from './columns';
import type { CsvEncoding } from './decode';
import { maskHeaderDigits, readHeader } from './plan';
import { SealPool, type StagedBatch } from './seal-pool';
import type { ReportLine } from './sheet-files';
import { type Cell, type Delimiter, openSheet, removeStaleXlsxUploads, type SheetFormat, type SheetRecord } from './sheet';
import { RepeatFilter } from './repeat-filter';
import { ID_INDEX_BYTES, type RowRejection, type RowWarning } from './stage-rows';

export * from './columns';
export { parseMapping, type RawImportDefaults, readImportDefaults } from './plan';
export type { RowRejection, RowWarning } from './stage-rows';

/** Records per batch handed to a sealing thread. */
const SEAL_BATCH = 1000;

/** Who imports: a user, or the CLI acting for an organisation in its organisation's role (userId null). */
export interface ImportActor extends Viewer {
  userId: string | null;
}

export interface ImportOptions {
  encoding?: CsvEncoding | 'auto';
  /** Extra header names: header text -> column. */
  mapping?: Record<string, ImportColumn>;
  /** Values for the whole file; a row's own non-empty cell takes precedence (readImportDefaults). */
  defaults?: ImportDefaults;
  onProgress?: (rowsRead: number) => void;
  /** At most this many rejections are listed in the report (all are counted). */
  maxListedRejections?: number;
}

/** STAGED: validated and sealed, waiting for its job; COMPLETE: enrolled. */
export type ImportStatus = 'STAGED' | 'COMPLETE';

/**
 * What an import did. `rows` counts data rows (the header and skipped all-empty rows excluded);
 * `row` numbers are the sheet's (CSV record number / XLSX row number; the header is usually 1).
 * `accepted` and `alreadyEnrolled` are null until the import is COMPLETE; rejections and warnings
 * are all known once the upload is staged. Nothing in it holds a value of a data row.
 */
export interface ImportReport {
  importId: string;
  status: ImportStatus;
  /** The job that enrols the staged rows (`job(id)` shows its progress). */
  jobId: string | null;
  format: SheetFormat;
  /** The text encoding read ('xlsx' for a workbook). */
  encoding: CsvEncoding | 'xlsx';
  /** A text sheet's separator (`,` or TAB); null for XLSX. */
  delimiter: Delimiter | null;
  /** Header columns not used, `position:header` (at most 40 characters of it): ignored, never a refusal. */
  ignoredColumns: string[];
  /** All-empty rows skipped (not rejections), and the first 1,000 of their row numbers. */
  skipped: number;
  skippedRows: number[];
  rows: number;
  accepted: number | null;
  alreadyEnrolled: number | null;
  rejected: number;
  rejections: RowRejection[];
  /** How many rejections are listed (the first, by row); more may be counted in `rejected`. */
  rejectionsListed: number;
  /** Warnings: rows accepted (staged) with something worth a look; counted, and listed like rejections. */
  warned: number;
  warnings: RowWarning[];
  warningsListed: number;
}

/** The job that enrols a staged import. */
export const ENROL_STAGED_IMPORT = 'claimants.import';

/** Rejections kept per import (row, field, reason), and warnings likewise; beyond this they are only counted. */
export const MAX_RECORDED_REJECTIONS = 100_000;
/** Row numbers of skipped all-empty rows kept per import. */
const MAX_RECORDED_SKIPS = 1000;

/** The enrolment job's statements over the staged rows (claimants, enrolments, exposures): its progress counts each row once per statement. */
const ENROL_STEPS = 3;

/** Memory for the enrolment job's sorts and joins (SET LOCAL work_mem), per sort or hash. */
const ENROL_WORK_MEM = '256MB';

interface ImportRow {
  id: string;
  organisation_id: string;
  created_by: string | null;
  status: ImportStatus;
  job_id: string | null;
  format: SheetFormat;
  delimiter: Delimiter | null;
  ignored_columns: string[];
  skipped: string;
  skipped_rows: number[];
  warned: string;
  encoding: CsvEncoding | 'xlsx';
  rows: string;
  accepted: string | null;
  already_enrolled: string | null;
  rejected: string;
}

/**
 * Bulk enrolment from a claimant sheet (CSV/TSV text or XLSX: sheet.ts), in two steps.
 *
 * `stage` (the upload): one streaming pass reads the sheet (sniffed: XLSX, or text in UTF-8,
 * GB18030 or UTF-16; comma or TAB), applies the per-upload defaults, validates
 * and seals every row (encrypted, blind-indexed, masked: on the sealing threads) and COPYs it
 * into claimant_import_row; then rejects duplicates inside the file (among the keys a Bloom filter
 * saw twice) and rows declaring incidents the importer may not see (checked once per incident) in SQL,
 * records every rejection, and queues the enrolment job, all in one transaction. A file-level
 * error (encoding, header, truncation) rolls everything back. Memory stays constant: rows are
 * never collected in Node.
 *
 * `enrolStaged` (the job): enrols the staged rows in one transaction of three set-based
 * statements (claimants, enrolments, exposures), advancing the job's progress after each by the
 * number of staged rows (total: three times the rows), and removes them. Re-importing adds nothing: enrolments are unique per
 * (organisation, claimant). A job that dies is retried and starts over (its transaction rolled
 * back); a second run of a COMPLETE import changes nothing.
 */
@Injectable()
export class ClaimantImportService implements OnModuleInit, OnModuleDestroy {
  private pool?: SealPool;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly vault: VaultService,
    private readonly audit: AuditService,
    private readonly jobs: JobsService,
    private readonly matching: MatchingJobs,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await removeStaleXlsxUploads(this.config.importXlsx.tempDir);
    this.jobs.register(ENROL_STAGED_IMPORT, (ctx: JobContext<{ importId: string }>) =>
      this.enrolStaged(ctx.payload.importId, (done, total) => ctx.progress(done, total)),
    );
  }

  /** The sealing threads, started on the first import and kept (replaced if one died). */
  private sealPool(): SealPool {
    if (!this.pool || this.pool.broken) {
      void this.pool?.close();
      this.pool = new SealPool(this.vault.keys);
    }
    return this.pool;
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool?.close();
  }

  /** Validates, seals and stages a claimant sheet and queues its enrolment job; see the class comment. */
  async stage(actor: ImportActor, input: Readable, options: ImportOptions = {}): Promise<ImportReport> {
    const recorded: RowRejection[] = [];
    const warnings: RowWarning[] = [];
    let rejected = 0;
    let warned = 0;
    const reject = (r: RowRejection) => {
      rejected++;
      if (recorded.length < MAX_RECORDED_REJECTIONS) recorded.push(r);
    };
    const warn = (w: RowWarning) => {
      warned++;
      if (warnings.length < MAX_RECORDED_REJECTIONS) warnings.push(w);
    };
    const defaults = options.defaults ?? {};
    // The format is sniffed from the first 64 KiB before a connection is taken: a slow or
    // abandoned upload holds none while it is sniffed.
    const sheet = await openSheet(input, options.encoding ?? 'auto', this.config.importXlsx);

    return this.dataSource.transaction(async (manager) => {
      const [{ id: importId }] = await manager.query(
        `INSERT INTO claimant_import (organisation_id, created_by, encoding, rows, rejected) VALUES ($1, $2, 'utf-8', 0, 0) RETURNING id`,
        [actor.organisationId, actor.userId],
      );
      const client = (manager.queryRunner as unknown as { databaseConnection: PoolClient }).databaseConnection;
      const copy = client.query(copyFrom(`COPY claimant_import_row FROM STDIN`));

      const sha = createHash('sha256');
      const tap = new Transform({
        transform(chunk: Buffer, _e, done) {
          sha.update(chunk);
          done(null, chunk);
        },
      });
      let plan: ImportPlan | null = null;
      let ignoredColumns: string[] = [];
      let rows = 0;
      let lastRow = 0;
      let skipped = 0;
      const skippedRows: number[] = [];

      // Records are validated and sealed in batches on the sealing threads, a few batches in
      // flight, and their COPY lines, rejections and warnings taken in file order.
      const pool = this.sealPool();
      const inFlight: Promise<StagedBatch>[] = [];
      let batchRows: number[] = [];
      let batchRecords: Cell[][] = [];
      const send = () => {
        const staged = pool.stage(importId, plan!, batchRows, batchRecords);
        staged.catch(() => undefined); // awaited in order below; no unhandled rejection meanwhile
        inFlight.push(staged);
        batchRows = [];
        batchRecords = [];
      };
      // What the statements after the COPY check as a set: which keys may repeat, which incidents are declared.
      const repeats = new RepeatFilter();
      const declared = new Set<string>();
      const take = (batch: StagedBatch) => {
        for (const r of batch.rejections) reject(r);
        for (const w of batch.warnings) warn(w);
        repeats.addAll(batch.idIndexes, ID_INDEX_BYTES);
        for (const id of batch.incidentIds) declared.add(id);
        if (batch.text) stage.push(batch.text);
      };
      const stage = new Transform({
        writableObjectMode: true,
        readableObjectMode: false,
        transform: ({ row, cells }: SheetRecord, _e, done) => {
          lastRow = row;
          // All-empty rows (`,,,,`, blank lines, formatted but empty XLSX rows) are skipped, not rejected.
          if (cells.every((c) => c === '')) {
            if (plan) {
              skipped++;
              if (skippedRows.length < MAX_RECORDED_SKIPS) skippedRows.push(row);
            }
            return done();
          }
          if (!plan) {
            try {
              const read = readHeader(cells, options.mapping ?? {}, defaults);
              plan = { header: read.header, defaults, format: sheet.format };
              ignoredColumns = read.ignored;
            } catch (error) {
              return done(error as Error);
            }
            return done();
          }
          rows++;
          if (rows % 10_000 === 0) options.onProgress?.(rows);
          batchRows.push(row);
          batchRecords.push(cells);
          if (batchRecords.length < SEAL_BATCH) return done();
          send();
          if (inFlight.length < pool.size * 2) return done();
          inFlight.shift()!.then((batch) => {
            take(batch);
            done();
          }, done);
        },
        flush: (done) => {
          if (batchRecords.length) send();
          (async () => {
            while (inFlight.length) take(await inFlight.shift()!);
          })().then(() => done(), done);
        },
      });

      try {
        await pipeline([sheet.bytes, tap, ...sheet.readers, stage, copy]);
      } catch (error) {
        if (error instanceof CsvError) {
          if (error.code === 'CSV_QUOTE_NOT_CLOSED') throw new ImportFileError('is truncated: a quoted field is not closed', { row: lastRow + 1 });
          throw new ImportFileError(`is not well-formed CSV (${error.code})`, { row: lastRow + 1 });
        }
        // The workbook reader's own errors (a damaged or foreign zip) say nothing of the rows.
        if (sheet.format === 'xlsx' && !(error instanceof DomainError)) throw new ImportFileError('is not a readable XLSX workbook (save it again from Excel or WPS, or as CSV)');
        throw error;
      }
      if (!plan) throw new ImportFileError('is empty');
      if (rows === 0) throw new ImportFileError('has a header but no rows');
      options.onProgress?.(rows);
      // The statements below and the job's join these rows: the planner must know how many there
      // are. The table is emptied after every import, and with the statistics of an empty table
      // the duplicates statement compares rows pairwise (hours for 200,000 rows). Only the columns
      // those statements filter and join on: the row count comes with any of them.
      await manager.query(`ANALYZE claimant_import_row (import_id, id_number_index, harms)`);

      for (let i = 0; i < recorded.length; i += 10_000) {
        const part = recorded.slice(i, i + 10_000);
        await manager.query(
          `INSERT INTO claimant_import_rejection (import_id, row_no, field, reason)
           SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[])`,
          [importId, part.map((r) => r.row), part.map((r) => r.field), part.map((r) => r.reason)],
        );
      }
      // Warnings come in row order: a row's are numbered 1, 2, …
      const seqs = warnings.map((w, i): number => (i > 0 && warnings[i - 1].row === w.row ? 0 : 1));
      for (let i = 1; i < seqs.length; i++) if (seqs[i] === 0) seqs[i] = seqs[i - 1] + 1;
      for (let i = 0; i < warnings.length; i += 10_000) {
        const part = warnings.slice(i, i + 10_000);
        await manager.query(
          `INSERT INTO claimant_import_warning (import_id, row_no, seq, field, code, message)
           SELECT $1, * FROM unnest($2::int[], $3::int[], $4::text[], $5::text[], $6::text[])`,
          [importId, part.map((w) => w.row), seqs.slice(i, i + 10_000), part.map((w) => w.field), part.map((w) => w.code), part.map((w) => w.message)],
        );
      }
      // Duplicates inside the file: the first occurrence stays, later ones are rejected. Only the
      // keys the filter saw more than once are looked at (none, usually).
      const repeated = repeats.repeated();
      const [{ n: duplicates }] = repeated.length === 0 ? [{ n: 0 }] : await manager.query(
        `WITH d AS (
           DELETE FROM claimant_import_row s USING (
             SELECT row_no, min(row_no) OVER (PARTITION BY id_number_index) AS first FROM claimant_import_row
              WHERE import_id = $1 AND id_number_index IN (SELECT decode(k, 'hex') FROM unnest($2::text[]) k)
           ) d WHERE s.import_id = $1 AND s.row_no = d.row_no AND d.row_no <> d.first RETURNING s.row_no, d.first
         ), r AS (
           INSERT INTO claimant_import_rejection (import_id, row_no, field, reason)
           SELECT $1, row_no, 'id_number', format('duplicates row %s of this file', first) FROM d RETURNING 1
         ) SELECT count(*)::int AS n FROM r`,
        [importId, repeated],
      );
      // Incidents the importer may not enrol against, missing or not visible to it: one reason for
      // both. The declared incidents are few: checked once each, and only the rows declaring one
      // that fails are looked for.
      const ip = new SqlParams();
      const declaredIds = ip.add([...declared]);
      const visible = visibleIncident(actor, 'l', ip);
      const refused: { id: string }[] = await manager.query(
        `SELECT i AS id FROM unnest(${declaredIds}::uuid[]) i WHERE NOT EXISTS (SELECT 1 FROM leak_incident l WHERE l.id = i AND ${visible})`,
        ip.values,
      );
      const [{ n: unknownIncidents }] = refused.length === 0 ? [{ n: 0 }] : await manager.query(
        `WITH d AS (
           DELETE FROM claimant_import_row s WHERE s.import_id = $1 AND s.incident_ids && $2::uuid[] RETURNING row_no
         ), r AS (
           INSERT INTO claimant_import_rejection (import_id, row_no, field, reason)
           SELECT $1, row_no, 'incident_ids', $3 FROM d RETURNING 1
         ) SELECT count(*)::int AS n FROM r`,
        [importId, refused.map((r) => r.id), UNKNOWN_INCIDENT],
      );
      rejected += duplicates + unknownIncidents;

      const job = await this.jobs.enqueue(manager, actor as Actor, ENROL_STAGED_IMPORT, { importId });
      await manager.query(
        `UPDATE claimant_import SET file_sha256 = $2, encoding = $3, rows = $4, rejected = $5, job_id = $6, format = $7, delimiter = $8,
                ignored_columns = $9, skipped = $10, skipped_rows = $11, warned = $12 WHERE id = $1`,
        [importId, sha.digest(), sheet.encoding ?? 'xlsx', rows, rejected, job.id, sheet.format, sheet.delimiter, ignoredColumns, skipped, skippedRows, warned],
      );
      await this.audit.record(manager, actor as Actor, {
        action: 'claimant.import.stage',
        subjectType: 'ClaimantImport',
        subjectId: importId,
        details: { rows, rejected, warned, skipped, format: sheet.format, encoding: sheet.encoding ?? 'xlsx', jobId: job.id },
      });
      return this.readReport(manager, importId, 0, options.maxListedRejections ?? 10_000);
    });
  }

  /**
   * Enrols the staged rows of an import (the job's work), in one transaction of set-based
   * statements over all its rows: new claimants (in blind-index order, so that concurrent imports
   * lock keys in the same order), then the enrolments with their harm declarations and
   * self-declared exposures (exposures in key order, for the same reason). Progress is reported
   * after each. Imports of one organisation take turns (an advisory lock), so their enrolments
   * never deadlock. Returns the counts; a COMPLETE import is left as it is.
   *
   * The staging already guarantees what would otherwise be checked per row: one row per person
   * (duplicates in the file rejected), incidents the importer may see, and valid, sealed values;
   * claimant_enrolment's references are checked once per statement (see migration 1764400120000),
   * except the claimants of the job's own enrolment statement, which takes them from claimant
   * (migration 1764400180000).
   */
  async enrolStaged(importId: string, onProgress?: (done: number, total: number) => Promise<void>): Promise<{ importId: string; accepted: number; alreadyEnrolled: number }> {
    return this.dataSource.transaction(async (manager) => {
      const [found]: ImportRow[] = await manager.query(`SELECT * FROM claimant_import WHERE id = $1 FOR UPDATE`, [importId]);
      if (!found) throw new Error(`claimant import ${importId} does not exist`);
      if (found.status === 'COMPLETE') return { importId, accepted: Number(found.accepted), alreadyEnrolled: Number(found.already_enrolled) };
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('claimant_import'), hashtext($1))`, [found.organisation_id]);
      // The staged rows are joined to their claimants and sorted by claimant id in memory rather
      // than in temporary files (a million rows: about 400 MB, spilled beyond this).
      await manager.query(`SET LOCAL work_mem = '${ENROL_WORK_MEM}'`);

      // Every data row was staged or rejected (the duplicates and unknown incidents taken out of the staged rows count as rejected).
      const staged = Number(found.rows) - Number(found.rejected);
      // Progress counts staged rows through the three statements below: claimants, enrolments, exposures.
      const total = ENROL_STEPS * staged;
      await onProgress?.(0, total);
      // The new claimants' ids are random, drawn as many as there are new people and handed out in
      // ascending order with the blind indexes: claimant's primary key is then written in one
      // ordered pass instead of a random leaf per person.
      await this.insertNew(
        manager,
        'claimant_id_number_index_key',
        (onConflict) =>
          `WITH s AS (
             SELECT id_number_index, id_number_masked, name_masked, row_number() OVER (ORDER BY id_number_index) AS n FROM claimant_import_row s
              WHERE import_id = $1${onConflict ? '' : ' AND NOT EXISTS (SELECT 1 FROM claimant c WHERE c.id_number_index = s.id_number_index)'}
           ), i AS (
             SELECT id, row_number() OVER (ORDER BY id) AS n FROM (SELECT gen_random_uuid() AS id FROM generate_series(1, (SELECT count(*) FROM s))) g
           )
           INSERT INTO claimant (id, id_number_index, id_number_masked, name_masked)
           SELECT i.id, s.id_number_index, s.id_number_masked, s.name_masked FROM s JOIN i USING (n) ORDER BY s.n
           ${onConflict ? 'ON CONFLICT (id_number_index) DO NOTHING' : ''}`,
        [importId],
      );
      await onProgress?.(staged, total);
      // A large import into a young table (the first one, say): with the statistics of an empty
      // table the planner would join the staged rows to claimant row by row.
      const [{ stale }] = await manager.query(
        `SELECT reltuples < $1::float8 * 0.5 AS stale FROM pg_class WHERE oid = 'claimant'::regclass`,
        [staged],
      );
      if (stale) await manager.query(`ANALYZE claimant`);
      // Enrolments in claimant order (index locality), with the harm declarations of the few rows
      // that have any (claimant_import_row_harms_idx finds them); the new enrolments' claimants and
      // declared incidents are kept for the exposures (a temporary table: no WAL).
      await manager.query(`CREATE TEMPORARY TABLE claimant_import_enrolled (claimant_id uuid NOT NULL, incident_ids uuid[] NOT NULL) ON COMMIT DROP`);
      // Its claimant ids come from claimant in the same statement (never deleted): the references
      // trigger is told so and leaves out its claimant check for this import's rows (migration 1764400180000).
      await manager.query(`SELECT set_config($1, $2, true)`, [CLAIMANTS_JOINED_SETTING, importId]);
      const [{ accepted }] = await this.insertNew(
        manager,
        'claimant_enrolment_organisation_key',
        (onConflict) => `WITH enrolled AS (
           INSERT INTO claimant_enrolment (claimant_id, organisation_id, enrolled_by, import_id, name_enc, id_number_enc, phone_enc,
             email_enc, address_enc, phone_index, name_masked, phone_masked, email_masked, consent_given_at, consent_method, consent_scope,
             declared_incident_ids, address_index)
           SELECT c.id, $2, $3, $1, s.name_enc, s.id_number_enc, s.phone_enc, s.email_enc, s.address_enc, s.phone_index,
                  s.name_masked, s.phone_masked, s.email_masked, s.consent_given_at, s.consent_method, s.consent_scope, s.incident_ids,
                  s.address_index
             FROM claimant_import_row s JOIN claimant c ON c.id_number_index = s.id_number_index
            WHERE s.import_id = $1${onConflict ? '' : ' AND NOT EXISTS (SELECT 1 FROM claimant_enrolment x WHERE x.organisation_id = $2 AND x.claimant_id = c.id)'}
            ORDER BY c.id
           ${onConflict ? 'ON CONFLICT (organisation_id, claimant_id) DO NOTHING' : ''}
           RETURNING id, claimant_id, declared_incident_ids
         ), harms AS (
           INSERT INTO harm_declaration (claimant_id, enrolment_id, harm_type, amount_fen, evidence_refs)
           SELECT e.claimant_id, e.id, h.type::harm_type, h.amount::bigint, ARRAY(SELECT jsonb_array_elements_text(h.refs))
             FROM claimant_import_row s
             JOIN claimant c ON c.id_number_index = s.id_number_index
             JOIN enrolled e ON e.claimant_id = c.id
             CROSS JOIN LATERAL jsonb_to_recordset(s.harms) AS h(type text, amount text, refs jsonb)
            WHERE s.import_id = $1 AND s.harms <> '[]'::jsonb
         ), kept AS (
           INSERT INTO claimant_import_enrolled (claimant_id, incident_ids) SELECT claimant_id, declared_incident_ids FROM enrolled RETURNING 1
         )
         SELECT count(*)::int AS accepted FROM kept`,
        [importId, found.organisation_id, found.created_by],
      );
      await manager.query(`SELECT set_config($1, '', true)`, [CLAIMANTS_JOINED_SETTING]);
      await onProgress?.(2 * staged, total);
      // The self-declared exposures in key order, like the claimants: another organisation's
      // import of the same people locks them in the same order. A claimant is enrolled once per
      // organisation and a row's incidents are distinct (stageRow): no pair repeats.
      await this.insertNew(
        manager,
        'exposure_pkey',
        (onConflict) =>
          `INSERT INTO exposure (incident_id, claimant_id, basis)
           SELECT i, e.claimant_id, 'SELF_DECLARED'::exposure_basis FROM claimant_import_enrolled e CROSS JOIN LATERAL unnest(e.incident_ids) AS i
           ${onConflict ? '' : `WHERE NOT EXISTS (SELECT 1 FROM exposure x WHERE x.incident_id = i AND x.claimant_id = e.claimant_id AND x.basis = 'SELF_DECLARED')`}
            ORDER BY 1, 2
           ${onConflict ? 'ON CONFLICT (incident_id, claimant_id, basis) DO NOTHING' : ''}`,
        [],
      );
      await onProgress?.(total, total);
      await this.removeStagedRows(manager, importId);
      const alreadyEnrolled = staged - accepted;
      // The time the work ended, not now(): that is the transaction's start, minutes earlier on a big import.
      await manager.query(
        `UPDATE claimant_import SET status = 'COMPLETE', accepted = $2, already_enrolled = $3, completed_at = clock_timestamp() WHERE id = $1`,
        [importId, accepted, alreadyEnrolled],
      );
      const actor = { userId: found.created_by, organisationId: found.organisation_id } as Actor;
      await this.audit.record(manager, actor, {
        action: 'claimant.import',
        subjectType: 'ClaimantImport',
        subjectId: importId,
        details: { rows: Number(found.rows), accepted, alreadyEnrolled, rejected: Number(found.rejected), encoding: found.encoding },
      });
      if (accepted > 0) await this.matching.queueRematch(manager, actor);
      return { importId, accepted, alreadyEnrolled };
    });
  }

  /**
   * Runs one of the enrolment job's bulk inserts, `statement(false)`: the rows that no committed row
   * conflicts with (an anti-join in the statement), inserted plainly. ON CONFLICT's speculative
   * insertion (a probe of the arbiter index, then an insert confirmed by a WAL record of its own)
   * cost a fifth of the job's SQL. When another transaction commits a row with one of the same keys
   * (on the unique index `arbiter`) after the statement began, the insert fails with
   * unique_violation: it is rolled back to a savepoint and `statement(true)` runs instead, with ON
   * CONFLICT DO NOTHING, which skips such rows. A transaction still open on a same key is waited
   * for either way. Returns the statement's rows.
   */
  private async insertNew(manager: EntityManager, arbiter: string, statement: (onConflict: boolean) => string, params: unknown[]): Promise<any[]> {
    await manager.query(`SAVEPOINT enrol_insert`);
    try {
      const rows = await manager.query(statement(false), params);
      await manager.query(`RELEASE SAVEPOINT enrol_insert`);
      return rows;
    } catch (error) {
      if (!isUniqueViolation(error, arbiter)) throw error;
      await manager.query(`ROLLBACK TO SAVEPOINT enrol_insert`);
      await manager.query(`RELEASE SAVEPOINT enrol_insert`);
      return manager.query(statement(true), params);
    }
  }

  /**
   * Removes an enrolled import's staged rows, in the job's transaction. When they are the only
   * rows staged and no other transaction uses the table (the usual case), the table is truncated:
   * a new empty file instead of a million deleted rows and their WAL. Otherwise (another import
   * staged, staging, or being enrolled) they are deleted. The lock is not waited for: another
   * import's job may be waiting for this one's claimants while it holds the table.
   */
  private async removeStagedRows(manager: EntityManager, importId: string): Promise<void> {
    await manager.query(`SAVEPOINT remove_staged_rows`);
    try {
      await manager.query(`LOCK TABLE claimant_import_row IN ACCESS EXCLUSIVE MODE NOWAIT`);
      await manager.query(`RELEASE SAVEPOINT remove_staged_rows`);
    } catch {
      await manager.query(`ROLLBACK TO SAVEPOINT remove_staged_rows`);
      await manager.query(`DELETE FROM claimant_import_row WHERE import_id = $1`, [importId]);
      return;
    }
    // No other import's rows: nothing below or above this import id in the primary key.
    const [{ only }] = await manager.query(
      `SELECT NOT EXISTS (SELECT 1 FROM claimant_import_row WHERE import_id < $1) AND NOT EXISTS (SELECT 1 FROM claimant_import_row WHERE import_id > $1) AS only`,
      [importId],
    );
    if (only) await manager.query(`TRUNCATE claimant_import_row`);
    else await manager.query(`DELETE FROM claimant_import_row WHERE import_id = $1`, [importId]);
  }

  /**
   * The report of an import of the caller's organisation, listing up to `limit` rejections and as
   * many warnings after row `afterRow`; NOT_FOUND for another organisation's import.
   */
  async report(actor: ImportActor, importId: string, afterRow = 0, limit = 10_000): Promise<ImportReport> {
    if (!isUUID(importId)) throw new NotFoundError('ClaimantImport', importId);
    const [owned] = await this.dataSource.query(`SELECT 1 FROM claimant_import WHERE id = $1 AND organisation_id = $2`, [importId, actor.organisationId]);
    if (!owned) throw new NotFoundError('ClaimantImport', importId);
    return this.readReport(this.dataSource.manager, importId, afterRow, limit);
  }

  /**
   * Every line of an import's report, for the downloadable sheet: ignored columns, then by row the
   * skipped rows, rejections and warnings (those recorded: MAX_RECORDED_REJECTIONS of each).
   * NOT_FOUND for another organisation's import.
   */
  async reportLines(actor: ImportActor, importId: string): Promise<ReportLine[]> {
    if (!isUUID(importId)) throw new NotFoundError('ClaimantImport', importId);
    const [found]: ImportRow[] = await this.dataSource.query(`SELECT * FROM claimant_import WHERE id = $1 AND organisation_id = $2`, [importId, actor.organisationId]);
    if (!found) throw new NotFoundError('ClaimantImport', importId);
    const lines: ReportLine[] = await this.dataSource.query(
      `SELECT row, decision, field, code, reason FROM (
         SELECT row_no AS row, 'REJECTED' AS decision, field, '' AS code, reason, 0 AS kind, 0 AS seq FROM claimant_import_rejection WHERE import_id = $1
         UNION ALL
         SELECT row_no, 'WARNING', field, code, message, 1, seq FROM claimant_import_warning WHERE import_id = $1
         UNION ALL
         SELECT r, 'SKIPPED', '', '', 'all cells empty', 0, 0 FROM unnest($2::int[]) AS r
       ) l ORDER BY row, kind, seq`,
      [importId, found.skipped_rows],
    );
    const ignored: ReportLine[] = found.ignored_columns.map((c) => {
      const at = c.indexOf(':');
      // Masked again: imports staged before headers were masked stored them as they were.
      return { row: '', decision: 'IGNORED_COLUMN', field: maskHeaderDigits(c.slice(at + 1)), code: '', reason: `column ${c.slice(0, at)} is not one leakcase reads: ignored` };
    });
    return [...ignored, ...lines];
  }

  private async readReport(manager: EntityManager, importId: string, afterRow: number, limit: number): Promise<ImportReport> {
    const [row]: ImportRow[] = await manager.query(`SELECT * FROM claimant_import WHERE id = $1`, [importId]);
    const rejections: RowRejection[] = await manager.query(
      `SELECT row_no AS row, field, reason FROM claimant_import_rejection WHERE import_id = $1 AND row_no > $2 ORDER BY row_no LIMIT $3`,
      [importId, afterRow, limit],
    );
    const warnings: RowWarning[] = await manager.query(
      `SELECT row_no AS row, field, code, message FROM claimant_import_warning WHERE import_id = $1 AND row_no > $2 ORDER BY row_no, seq LIMIT $3`,
      [importId, afterRow, limit],
    );
    const count = (v: string | null) => (v === null ? null : Number(v));
    return {
      importId,
      status: row.status,
      jobId: row.job_id,
      format: row.format,
      encoding: row.encoding,
      delimiter: row.delimiter,
      ignoredColumns: row.ignored_columns,
      skipped: Number(row.skipped),
      skippedRows: row.skipped_rows,
      rows: Number(row.rows),
      accepted: count(row.accepted),
      alreadyEnrolled: count(row.already_enrolled),
      rejected: Number(row.rejected),
      rejections,
      rejectionsListed: rejections.length,
      warned: Number(row.warned),
      warnings,
      warningsListed: warnings.length,
    };
  }
}
