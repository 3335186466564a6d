import { createHash } from 'node:crypto';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import { CsvError, parse } from 'csv-parse';
import { from as copyFrom } from 'pg-copy-streams';
import type { PoolClient } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { type Actor, AuditService, InputError, type JobContext, JobsService, NotFoundError, SqlParams, type Viewer, visibleIncident } from '@app/platform';
import { ImportFileError, UNKNOWN_INCIDENT } from '../claimant.errors';
import { MatchingJobs } from '../datasets/matching.jobs';
import { VaultService } from '../vault/vault.service';
import { type CsvEncoding, DecodeStream } from './decode';
import { SealPool, type StagedBatch } from './seal-pool';


/** Records per batch handed to a sealing thread. */
const SEAL_BATCH = 1000;

/** The columns an import understands, with the header names accepted for each (English, Chinese). */
export const IMPORT_COLUMNS = {
  name: ['name', '姓名'],
  id_number: ['id_number', '身份证号', '身份证号码'],
  phone: ['phone', '手机号', '手机号码'],
  email: ['email', '邮箱', '电子邮箱'],
  address: ['address', '地址'],
  consent_given_at: ['consent_given_at', '同意时间'],
  consent_method: ['consent_method', '同意方式'],
  consent_scope: ['consent_scope', '同意范围'],
  harm_types: ['harm_types', '损害类型'],
  loss_fen: ['loss_fen', '损失金额(分)', '损失金额（分）'],
  evidence_refs: ['evidence_refs', '证据'],
  incident_ids: ['incident_ids', '泄露事件'],
} as const;
export type ImportColumn = keyof typeof IMPORT_COLUMNS;
const REQUIRED: ImportColumn[] = ['name', 'id_number', 'phone', 'consent_given_at', 'consent_method', 'consent_scope', 'incident_ids'];

/** `身份证=id_number,电话=phone` -> { 身份证: 'id_number', 电话: 'phone' }. */
export function parseMapping(map: string | undefined): Record<string, ImportColumn> {
  const mapping: Record<string, ImportColumn> = {};
  for (const pair of (map ?? '').split(',').filter(Boolean)) {
    const [header, column] = pair.split('=').map((s) => s.trim());
    if (!header || !column || !Object.hasOwn(IMPORT_COLUMNS, column)) throw new InputError('map', `entries must be header=column with column one of ${Object.keys(IMPORT_COLUMNS).join(', ')}`);
    mapping[header] = column as ImportColumn;
  }
  return mapping;
}

/** Who imports: a user, or the CLI acting for an organisation in its organisation's role (userId null). */
export interface ImportActor extends Viewer {
  userId: string | null;
}

export interface ImportOptions {
  encoding?: CsvEncoding | 'auto';
  /** Extra header names: header text -> column. */
  mapping?: Record<string, ImportColumn>;
  onProgress?: (rowsRead: number) => void;
  /** At most this many rejections are listed in the report (all are counted). */
  maxListedRejections?: number;
}

export interface RowRejection {
  row: number;
  field: string;
  reason: string;
}

/** STAGED: validated and sealed, waiting for its job; COMPLETE: enrolled. */
export type ImportStatus = 'STAGED' | 'COMPLETE';

/**
 * What an import did. `rows` counts data rows (the header excluded); `row` numbers in rejections
 * are CSV record numbers (the header is 1). `accepted` and `alreadyEnrolled` are null until the
 * import is COMPLETE; rejections are all known once the upload is staged.
 */
export interface ImportReport {
  importId: string;
  status: ImportStatus;
  /** The job that enrols the staged rows (`job(id)` shows its progress). */
  jobId: string | null;
  encoding: CsvEncoding;
  rows: number;
  accepted: number | null;
  alreadyEnrolled: number | null;
  rejected: number;
  rejections: RowRejection[];
  /** How many rejections are listed (the first, by row); more may be counted in `rejected`. */
  rejectionsListed: number;
}

/** The job that enrols a staged import. */
export const ENROL_STAGED_IMPORT = 'claimants.import';

/** Rejections kept per import (row, field, reason); beyond this they are only counted. */
export const MAX_RECORDED_REJECTIONS = 100_000;

/** Staged rows enrolled per statement group; the job's progress advances by this many. */
const ENROL_BATCH = 20_000;

interface ImportRow {
  id: string;
  organisation_id: string;
  created_by: string | null;
  status: ImportStatus;
  job_id: string | null;
  encoding: CsvEncoding;
  rows: string;
  accepted: string | null;
  already_enrolled: string | null;
  rejected: string;
}

/**
 * Bulk enrolment from CSV, in two steps.
 *
 * `stage` (the upload): one streaming pass decodes the bytes (UTF-8 or GB18030), parses, validates
 * and seals every row (encrypted, blind-indexed, masked: on the sealing threads) and COPYs it
 * into claimant_import_row; then rejects duplicates inside the file and unknown incidents in SQL,
 * records every rejection, and queues the enrolment job, all in one transaction. A file-level
 * error (encoding, header, truncation) rolls everything back. Memory stays constant: rows are
 * never collected in Node.
 *
 * `enrolStaged` (the job): enrols the staged rows in one transaction, advancing the job's progress
 * batch by batch, and deletes them. Re-importing adds nothing: enrolments are unique per
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
  ) {}

  onModuleInit(): void {
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

  /** Validates, seals and stages a CSV file and queues its enrolment job; see the class comment. */
  async stage(actor: ImportActor, input: Readable, options: ImportOptions = {}): Promise<ImportReport> {
    const recorded: RowRejection[] = [];
    let rejected = 0;
    const reject = (r: RowRejection) => {
      rejected++;
      if (recorded.length < MAX_RECORDED_REJECTIONS) recorded.push(r);
    };

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
      const decode = new DecodeStream(options.encoding ?? 'auto');
      const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, trim: true });
      let header: (ImportColumn | null)[] | null = null;
      let rows = 0;
      let recordNo = 0;

      // Records are validated and sealed in batches on the sealing threads, a few batches in
      // flight, and their COPY lines and rejections taken in file order.
      const pool = this.sealPool();
      const inFlight: Promise<StagedBatch>[] = [];
      let batchRows: number[] = [];
      let batchRecords: string[][] = [];
      const send = () => {
        const staged = pool.stage(importId, header!, batchRows, batchRecords);
        staged.catch(() => undefined); // awaited in order below; no unhandled rejection meanwhile
        inFlight.push(staged);
        batchRows = [];
        batchRecords = [];
      };
      const take = (batch: StagedBatch) => {
        for (const r of batch.rejections) reject(r);
        if (batch.text) stage.push(batch.text);
      };
      const stage = new Transform({
        writableObjectMode: true,
        readableObjectMode: false,
        transform: (record: string[], _e, done) => {
          recordNo++;
          if (!header) {
            try {
              header = this.readHeader(record, options.mapping ?? {});
            } catch (error) {
              return done(error as Error);
            }
            return done();
          }
          rows++;
          if (rows % 10_000 === 0) options.onProgress?.(rows);
          batchRows.push(recordNo);
          batchRecords.push(record);
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
        await pipeline(input, tap, decode, parser, stage, copy);
      } catch (error) {
        if (error instanceof CsvError) {
          if (error.code === 'CSV_QUOTE_NOT_CLOSED') throw new ImportFileError('is truncated: a quoted field is not closed', { row: recordNo + 1 });
          throw new ImportFileError(`is not well-formed CSV (${error.code})`, { row: recordNo + 1 });
        }
        throw error;
      }
      if (!header) throw new ImportFileError('is empty');
      if (rows === 0) throw new ImportFileError('has a header but no rows');
      options.onProgress?.(rows);
      // The statements below and the job's join these rows: the planner must know how many there
      // are. The table is emptied after every import, and with the statistics of an empty table
      // the duplicates statement compares rows pairwise (hours for 200,000 rows).
      await manager.query(`ANALYZE claimant_import_row`);

      for (let i = 0; i < recorded.length; i += 10_000) {
        const part = recorded.slice(i, i + 10_000);
        await manager.query(
          `INSERT INTO claimant_import_rejection (import_id, row_no, field, reason)
           SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[])`,
          [importId, part.map((r) => r.row), part.map((r) => r.field), part.map((r) => r.reason)],
        );
      }
      // Duplicates inside the file: the first occurrence stays, later ones are rejected.
      const [{ n: duplicates }] = await manager.query(
        `WITH d AS (
           DELETE FROM claimant_import_row s USING (
             SELECT row_no, min(row_no) OVER (PARTITION BY id_number_index) AS first FROM claimant_import_row WHERE import_id = $1
           ) d WHERE s.import_id = $1 AND s.row_no = d.row_no AND d.row_no <> d.first RETURNING s.row_no, d.first
         ), r AS (
           INSERT INTO claimant_import_rejection (import_id, row_no, field, reason)
           SELECT $1, row_no, 'id_number', format('duplicates row %s of this file', first) FROM d RETURNING 1
         ) SELECT count(*)::int AS n FROM r`,
        [importId],
      );
      // Incidents the importer may not enrol against, missing or not visible to it: one reason for both.
      const ip = new SqlParams();
      const imp = ip.add(importId);
      const visible = visibleIncident(actor, 'l', ip);
      const [{ n: unknownIncidents }] = await manager.query(
        `WITH d AS (
           DELETE FROM claimant_import_row s
            WHERE s.import_id = ${imp}
              AND EXISTS (SELECT 1 FROM unnest(s.incident_ids) i WHERE NOT EXISTS (SELECT 1 FROM leak_incident l WHERE l.id = i AND ${visible}))
           RETURNING row_no
         ), r AS (
           INSERT INTO claimant_import_rejection (import_id, row_no, field, reason)
           SELECT ${imp}, row_no, 'incident_ids', ${ip.add(UNKNOWN_INCIDENT)} FROM d RETURNING 1
         ) SELECT count(*)::int AS n FROM r`,
        ip.values,
      );
      rejected += duplicates + unknownIncidents;

      const job = await this.jobs.enqueue(manager, actor as Actor, ENROL_STAGED_IMPORT, { importId });
      await manager.query(
        `UPDATE claimant_import SET file_sha256 = $2, encoding = $3, rows = $4, rejected = $5, job_id = $6 WHERE id = $1`,
        [importId, sha.digest(), decode.chosen, rows, rejected, job.id],
      );
      await this.audit.record(manager, actor as Actor, {
        action: 'claimant.import.stage',
        subjectType: 'ClaimantImport',
        subjectId: importId,
        details: { rows, rejected, encoding: decode.chosen, jobId: job.id },
      });
      return this.readReport(manager, importId, 0, options.maxListedRejections ?? 10_000);
    });
  }

  /**
   * Enrols the staged rows of an import (the job's work), in one transaction: new claimants (one
   * statement, in blind-index order so that concurrent imports lock keys in the same order), then
   * per batch of rows their enrolments and harm declarations, then the self-declared exposures
   * (one statement, in key order). Imports of one organisation take turns (an advisory lock), so
   * their enrolments never deadlock. Returns the counts; a COMPLETE import is left as it is.
   */
  async enrolStaged(importId: string, onProgress?: (done: number, total: number) => Promise<void>): Promise<{ importId: string; accepted: number; alreadyEnrolled: number }> {
    return this.dataSource.transaction(async (manager) => {
      const [found]: ImportRow[] = await manager.query(`SELECT * FROM claimant_import WHERE id = $1 FOR UPDATE`, [importId]);
      if (!found) throw new Error(`claimant import ${importId} does not exist`);
      if (found.status === 'COMPLETE') return { importId, accepted: Number(found.accepted), alreadyEnrolled: Number(found.already_enrolled) };
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('claimant_import'), hashtext($1))`, [found.organisation_id]);
      // A batch's staged rows are sorted by claimant and joined in memory, not in temporary files.
      await manager.query(`SET LOCAL work_mem = '64MB'`);

      const [{ staged, last }] = await manager.query(
        `SELECT count(*)::int AS staged, coalesce(max(row_no), 0) AS last FROM claimant_import_row WHERE import_id = $1`,
        [importId],
      );
      await manager.query(
        `INSERT INTO claimant (id_number_index, id_number_masked, name_masked)
         SELECT id_number_index, id_number_masked, name_masked FROM claimant_import_row WHERE import_id = $1 ORDER BY id_number_index
         ON CONFLICT (id_number_index) DO NOTHING`,
        [importId],
      );
      // A large import into a young table (the first one, say): with the statistics of an empty
      // table the planner joins each batch to claimant row by row, which takes minutes.
      const [{ stale }] = await manager.query(
        `SELECT reltuples < $1::float8 * 0.5 AS stale FROM pg_class WHERE oid = 'claimant'::regclass`,
        [staged],
      );
      if (stale) await manager.query(`ANALYZE claimant`);
      let accepted = 0;
      let done = 0;
      for (let from = 0; from <= last; from += ENROL_BATCH) {
        const range = [importId, from, from + ENROL_BATCH];
        const [{ n, rows }] = await manager.query(
          `WITH s AS (
             SELECT s.*, c.id AS claimant_id FROM claimant_import_row s JOIN claimant c ON c.id_number_index = s.id_number_index
              WHERE s.import_id = $1 AND s.row_no >= $2 AND s.row_no < $3
           ), enrolled AS (
             INSERT INTO claimant_enrolment (claimant_id, organisation_id, enrolled_by, import_id, name_enc, id_number_enc, phone_enc,
               email_enc, address_enc, phone_index, name_masked, phone_masked, email_masked, consent_given_at, consent_method, consent_scope,
               declared_incident_ids)
             SELECT s.claimant_id, $4, $5, $1, s.name_enc, s.id_number_enc, s.phone_enc, s.email_enc, s.address_enc, s.phone_index,
                    s.name_masked, s.phone_masked, s.email_masked, s.consent_given_at, s.consent_method, s.consent_scope, s.incident_ids
               FROM s ORDER BY s.claimant_id
             ON CONFLICT (organisation_id, claimant_id) DO NOTHING
             RETURNING id, claimant_id
           ), harms AS (
             INSERT INTO harm_declaration (claimant_id, enrolment_id, harm_type, amount_fen, evidence_refs)
             SELECT e.claimant_id, e.id, h.type::harm_type, h.amount::bigint, ARRAY(SELECT jsonb_array_elements_text(h.refs))
               FROM enrolled e JOIN s ON s.claimant_id = e.claimant_id
               CROSS JOIN LATERAL jsonb_to_recordset(s.harms) AS h(type text, amount text, refs jsonb)
           )
           SELECT (SELECT count(*) FROM enrolled)::int AS n, (SELECT count(*) FROM s)::int AS rows`,
          [...range, found.organisation_id, found.created_by],
        );
        accepted += n;
        done += rows;
        await onProgress?.(done, staged);
      }
      // One statement over the whole import, in key order, like the claimants: another
      // organisation's import of the same people locks these keys in the same order.
      await manager.query(
        `INSERT INTO exposure (incident_id, claimant_id, basis)
         SELECT DISTINCT i, e.claimant_id, 'SELF_DECLARED'::exposure_basis
           FROM claimant_enrolment e CROSS JOIN LATERAL unnest(e.declared_incident_ids) AS i
          WHERE e.import_id = $1
          ORDER BY 1, 2
         ON CONFLICT (incident_id, claimant_id, basis) DO NOTHING`,
        [importId],
      );
      await manager.query(`DELETE FROM claimant_import_row WHERE import_id = $1`, [importId]);
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
   * The report of an import of the caller's organisation, listing up to `limit` rejections after
   * row `afterRow`; NOT_FOUND for another organisation's import.
   */
  async report(actor: ImportActor, importId: string, afterRow = 0, limit = 10_000): Promise<ImportReport> {
    if (!isUUID(importId)) throw new NotFoundError('ClaimantImport', importId);
    const [owned] = await this.dataSource.query(`SELECT 1 FROM claimant_import WHERE id = $1 AND organisation_id = $2`, [importId, actor.organisationId]);
    if (!owned) throw new NotFoundError('ClaimantImport', importId);
    return this.readReport(this.dataSource.manager, importId, afterRow, limit);
  }

  private async readReport(manager: EntityManager, importId: string, afterRow: number, limit: number): Promise<ImportReport> {
    const [row]: ImportRow[] = await manager.query(`SELECT * FROM claimant_import WHERE id = $1`, [importId]);
    const rejections: RowRejection[] = await manager.query(
      `SELECT row_no AS row, field, reason FROM claimant_import_rejection WHERE import_id = $1 AND row_no > $2 ORDER BY row_no LIMIT $3`,
      [importId, afterRow, limit],
    );
    const count = (v: string | null) => (v === null ? null : Number(v));
    return {
      importId,
      status: row.status,
      jobId: row.job_id,
      encoding: row.encoding,
      rows: Number(row.rows),
      accepted: count(row.accepted),
      alreadyEnrolled: count(row.already_enrolled),
      rejected: Number(row.rejected),
      rejections,
      rejectionsListed: rejections.length,
    };
  }

  private readHeader(record: string[], mapping: Record<string, ImportColumn>): (ImportColumn | null)[] {
    const byName = new Map<string, ImportColumn>();
    for (const [column, names] of Object.entries(IMPORT_COLUMNS)) for (const n of names) byName.set(n.toLowerCase(), column as ImportColumn);
    for (const [name, column] of Object.entries(mapping)) byName.set(name.toLowerCase(), column);
    const header = record.map((h) => byName.get(h.trim().toLowerCase()) ?? null);
    // Positions, never the cells: a file without a header row would echo a claimant's data here.
    const unknown = header.flatMap((column, i) => (column === null ? [i + 1] : []));
    if (unknown.length) {
      throw new ImportFileError(
        `header has unknown columns at positions ${unknown.slice(0, 10).join(', ')} (expected names such as ${Object.keys(IMPORT_COLUMNS).join(', ')}; map others with --map)`,
      );
    }
    const seen = new Set<string>();
    for (const column of header) {
      if (seen.has(column!)) throw new ImportFileError(`header names column ${column} twice`);
      seen.add(column!);
    }
    const missing = REQUIRED.filter((c) => !seen.has(c));
    if (missing.length) throw new ImportFileError(`header lacks required columns: ${missing.join(', ')}`);
    return header;
  }

}

