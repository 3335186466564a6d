import { createHash } from 'node:crypto';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CsvError, parse } from 'csv-parse';
import { from as copyFrom } from 'pg-copy-streams';
import type { PoolClient } from 'pg';
import type { DataSource, QueryRunner } from 'typeorm';
import { type Actor, AuditService } from '@app/platform';
import { ImportFileError } from '../claimant.errors';
import { MatchingJobs } from '../datasets/matching.jobs';
import { VaultService } from '../vault/vault.service';
import { type CsvEncoding, DecodeStream } from './decode';
import { SealPool, type StagedBatch } from './seal-pool';

export { parseShanghaiDateTime } from './stage-rows';

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

export interface ImportActor {
  userId: string | null;
  organisationId: string;
}

export interface ImportOptions {
  encoding?: CsvEncoding | 'auto';
  /** Extra header names: header text -> column. */
  mapping?: Record<string, ImportColumn>;
  onProgress?: (rowsRead: number) => void;
  /** At most this many rejections are listed (all are counted). */
  maxListedRejections?: number;
}

export interface RowRejection {
  row: number;
  field: string;
  reason: string;
}

export interface ImportReport {
  importId: string | null;
  encoding: CsvEncoding;
  rows: number;
  accepted: number;
  alreadyEnrolled: number;
  rejected: number;
  rejections: RowRejection[];
  rejectionsListed: number;
}

/**
 * Bulk enrolment from CSV. One streaming pass: bytes are decoded (UTF-8 or GB18030), parsed,
 * every row validated and sealed (encrypted, blind-indexed, masked) and COPY'd into a temporary
 * staging table, all inside one transaction; then duplicates inside the file and unknown
 * incidents are rejected in SQL and the valid rows are inserted set-based. A file-level error
 * (encoding, header, truncation) rolls everything back. Re-importing adds nothing: enrolments are
 * unique per (organisation, claimant). Memory stays constant: rows are never collected in Node.
 */
@Injectable()
export class ClaimantImportService implements OnModuleDestroy {
  private pool?: SealPool;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly vault: VaultService,
    private readonly audit: AuditService,
    private readonly matching: MatchingJobs,
  ) {}

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

  async import(actor: ImportActor, input: Readable, options: ImportOptions = {}): Promise<ImportReport> {
    const maxListed = options.maxListedRejections ?? 10_000;
    const rejections: RowRejection[] = [];
    let rejected = 0;
    const reject = (r: RowRejection) => {
      rejected++;
      if (rejections.length < maxListed) rejections.push(r);
    };

    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      await runner.query(`
        CREATE TEMP TABLE claimant_import_stage (
          row_no integer NOT NULL, id_number_index bytea NOT NULL, phone_index bytea NOT NULL,
          name_enc bytea NOT NULL, id_number_enc bytea NOT NULL, phone_enc bytea NOT NULL, email_enc bytea, address_enc bytea,
          name_masked text NOT NULL, id_number_masked text NOT NULL, phone_masked text NOT NULL, email_masked text,
          consent_given_at timestamptz NOT NULL, consent_method consent_method NOT NULL, consent_scope consent_scope[] NOT NULL,
          harms jsonb NOT NULL, incident_ids uuid[] NOT NULL
        ) ON COMMIT DROP`);
      const client = (runner as unknown as { databaseConnection: PoolClient }).databaseConnection;
      const copy = client.query(copyFrom(`COPY claimant_import_stage FROM STDIN`));

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
        const staged = pool.stage(header!, batchRows, batchRecords);
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
      // Statistics for the set-based statements below (a temporary table has none until analysed).
      await runner.query(`ANALYZE claimant_import_stage`);

      // Duplicates inside the file: the first occurrence stays, later ones are rejected.
      const dupes: { row_no: number; first: number }[] = await runner.query(
        `DELETE FROM claimant_import_stage s USING (
           SELECT row_no, min(row_no) OVER (PARTITION BY id_number_index) AS first FROM claimant_import_stage
         ) d WHERE s.row_no = d.row_no AND d.row_no <> d.first RETURNING s.row_no, d.first`,
      ).then((r) => (Array.isArray(r[0]) ? r[0] : r));
      for (const d of dupes.sort((a, b) => a.row_no - b.row_no)) {
        reject({ row: d.row_no, field: 'id_number', reason: `duplicates row ${d.first} of this file` });
      }
      const unknown: { row_no: number }[] = await runner.query(
        `DELETE FROM claimant_import_stage s
          WHERE EXISTS (SELECT 1 FROM unnest(s.incident_ids) i WHERE NOT EXISTS (SELECT 1 FROM leak_incident l WHERE l.id = i))
          RETURNING row_no`,
      ).then((r) => (Array.isArray(r[0]) ? r[0] : r));
      for (const u of unknown.sort((a, b) => a.row_no - b.row_no)) {
        reject({ row: u.row_no, field: 'incident_ids', reason: 'names a leak incident that does not exist' });
      }

      const [importRow] = await runner.query(
        `INSERT INTO claimant_import (organisation_id, created_by, file_sha256, encoding, rows, accepted, already_enrolled, rejected)
         VALUES ($1, $2, $3, $4, $5, 0, 0, 0) RETURNING id`,
        [actor.organisationId, actor.userId, sha.digest(), decode.chosen, rows],
      );
      const importId: string = importRow.id;
      // Sorted so that two imports of overlapping people lock claimant keys in the same order.
      await runner.query(
        `INSERT INTO claimant (id_number_index, id_number_masked, name_masked)
         SELECT id_number_index, id_number_masked, name_masked FROM claimant_import_stage ORDER BY id_number_index
         ON CONFLICT (id_number_index) DO NOTHING`,
      );
      const [{ staged }] = await runner.query(`SELECT count(*)::int AS staged FROM claimant_import_stage`);
      const inserted = await runner.query(
        `WITH ins AS (
           INSERT INTO claimant_enrolment (claimant_id, organisation_id, enrolled_by, import_id, name_enc, id_number_enc, phone_enc,
             email_enc, address_enc, phone_index, name_masked, phone_masked, email_masked, consent_given_at, consent_method, consent_scope,
             declared_incident_ids)
           SELECT c.id, $1, $2, $3, s.name_enc, s.id_number_enc, s.phone_enc, s.email_enc, s.address_enc, s.phone_index,
                  s.name_masked, s.phone_masked, s.email_masked, s.consent_given_at, s.consent_method, s.consent_scope, s.incident_ids
             FROM claimant_import_stage s JOIN claimant c ON c.id_number_index = s.id_number_index
            ORDER BY c.id
           ON CONFLICT (organisation_id, claimant_id) DO NOTHING
           RETURNING 1
         ) SELECT count(*)::int AS n FROM ins`,
        [actor.organisationId, actor.userId, importId],
      );
      const acceptedCount: number = inserted[0].n;
      await runner.query(
        `INSERT INTO harm_declaration (claimant_id, enrolment_id, harm_type, amount_fen, evidence_refs)
         SELECT e.claimant_id, e.id, h.type::harm_type, h.amount::bigint, ARRAY(SELECT jsonb_array_elements_text(h.refs))
           FROM claimant_import_stage s
           JOIN claimant c ON c.id_number_index = s.id_number_index
           JOIN claimant_enrolment e ON e.claimant_id = c.id AND e.organisation_id = $1 AND e.import_id = $2
           CROSS JOIN LATERAL jsonb_to_recordset(s.harms) AS h(type text, amount text, refs jsonb)`,
        [actor.organisationId, importId],
      );
      await runner.query(
        `INSERT INTO exposure (incident_id, claimant_id, basis)
         SELECT DISTINCT i, c.id, 'SELF_DECLARED'::exposure_basis
           FROM claimant_import_stage s JOIN claimant c ON c.id_number_index = s.id_number_index
           CROSS JOIN LATERAL unnest(s.incident_ids) AS i
          ORDER BY 1, 2
         ON CONFLICT (incident_id, claimant_id, basis) DO NOTHING`,
      );
      const alreadyEnrolled = staged - acceptedCount;
      await runner.query(`UPDATE claimant_import SET accepted = $2, already_enrolled = $3, rejected = $4 WHERE id = $1`, [
        importId,
        acceptedCount,
        alreadyEnrolled,
        rejected,
      ]);
      await this.audit.record(runner.manager, actor as Actor, {
        action: 'claimant.import',
        subjectType: 'ClaimantImport',
        subjectId: importId,
        details: { rows, accepted: acceptedCount, alreadyEnrolled, rejected, encoding: decode.chosen },
      });
      if (acceptedCount > 0 && actor.userId) await this.matching.queueRematch(runner.manager, actor as Actor);
      await runner.commitTransaction();
      return { importId, encoding: decode.chosen!, rows, accepted: acceptedCount, alreadyEnrolled, rejected, rejections, rejectionsListed: rejections.length };
    } catch (error) {
      await runner.rollbackTransaction();
      throw error;
    } finally {
      await runner.release();
    }
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

