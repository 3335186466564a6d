import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { from as copyFrom } from 'pg-copy-streams';
import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { type Actor, AuditService, ConflictError, InputError, type Job, JobsService, NotFoundError } from '@app/platform';
import { DataCategory } from '@app/leaks';
import {
  type CompleteDatasetRequest,
  type CreateDatasetRequest,
  DATASET_FIELDS,
  type DatasetStatus,
  datasetRowBytes,
  HASH_BYTES,
  MAX_CHUNK_ROWS,
  MAX_DATASET_CATEGORIES,
} from './dataset-protocol';
import { MATCH_DATASET } from './matching.jobs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PGCOPY_HEADER = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);

/**
 * Seized datasets, received as keyed hashes only (the CLI hashes locally). Chunks are applied
 * once each: the chunk row and its COPY commit together, and a chunk sent again is a no-op, so
 * an interrupted upload resumes by sending the chunks the server does not list.
 */
@Injectable()
export class DatasetsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly jobs: JobsService,
  ) {}

  async create(actor: Actor, body: CreateDatasetRequest): Promise<DatasetStatus> {
    if (!body || typeof body.incidentId !== 'string' || !UUID.test(body.incidentId)) throw new InputError('incidentId', 'must be a UUID');
    if (typeof body.source !== 'string' || !body.source.trim() || body.source.length > 500) throw new InputError('source', 'is required (at most 500 characters)');
    const fields = body.fields;
    if (!Array.isArray(fields) || !fields.length || fields.some((f) => !DATASET_FIELDS.includes(f)) || new Set(fields).size !== fields.length) {
      throw new InputError('fields', `must list distinct fields of ${DATASET_FIELDS.join(', ')}`);
    }
    if (!Number.isInteger(body.chunkRows) || body.chunkRows < 1 || body.chunkRows > MAX_CHUNK_ROWS) {
      throw new InputError('chunkRows', `must be an integer from 1 to ${MAX_CHUNK_ROWS}`);
    }
    const categories = body.categories ?? [];
    const known = Object.values(DataCategory) as string[];
    if (!Array.isArray(categories) || categories.length > MAX_DATASET_CATEGORIES || categories.some((c) => !known.includes(c)) || new Set(categories).size !== categories.length) {
      throw new InputError('categories', `must list at most ${MAX_DATASET_CATEGORIES} distinct data categories (${known.join(', ')})`);
    }
    const fileName = typeof body.fileName === 'string' ? body.fileName.slice(0, 300) : null;
    return this.dataSource.transaction(async (manager) => {
      // Only the organisation that registered the incident imports its seized data.
      const [incident] = await manager.query(`SELECT id FROM leak_incident WHERE id = $1 AND organisation_id = $2`, [body.incidentId, actor.organisationId]);
      if (!incident) throw new NotFoundError('LeakIncident', body.incidentId);
      const [row] = await manager.query(
        `INSERT INTO seized_dataset (incident_id, organisation_id, created_by, source, file_name, fields, chunk_rows, categories)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::data_category[]) RETURNING id`,
        [body.incidentId, actor.organisationId, actor.userId, body.source.trim(), fileName, fields, body.chunkRows, categories],
      );
      await manager.query(`SELECT attach_seized_dataset_partition($1)`, [row.id]);
      await this.audit.record(manager, actor, {
        action: 'dataset.create',
        subjectType: 'SeizedDataset',
        subjectId: row.id,
        details: { incidentId: body.incidentId, fields, chunkRows: body.chunkRows, categories },
      });
      return this.status(actor, row.id, manager);
    });
  }

  async status(actor: Actor, id: string, manager = this.dataSource.manager): Promise<DatasetStatus> {
    if (!UUID.test(id)) throw new NotFoundError('SeizedDataset', id);
    const [row] = await manager.query(
      `SELECT d.*, d.categories::text[] AS category_names, encode(d.file_sha256, 'hex') AS sha,
              (SELECT coalesce(array_agg(chunk_no ORDER BY chunk_no), '{}') FROM seized_dataset_chunk WHERE dataset_id = d.id) AS chunks,
              (SELECT coalesce(sum(rows), 0) FROM seized_dataset_chunk WHERE dataset_id = d.id)::bigint AS received
         FROM seized_dataset d WHERE d.id = $1 AND d.organisation_id = $2`,
      [id, actor.organisationId],
    );
    if (!row) throw new NotFoundError('SeizedDataset', id);
    const num = (v: string | null) => (v === null ? null : Number(v));
    return {
      id: row.id,
      incidentId: row.incident_id,
      status: row.status,
      fields: row.fields,
      chunkRows: row.chunk_rows,
      categories: row.category_names,
      receivedChunks: row.chunks,
      rowsReceived: Number(row.received),
      rowCount: num(row.row_count),
      unusableRows: num(row.unusable_rows),
      fileSha256: row.sha,
    };
  }

  /** Applies chunk `chunkNo` once; returns whether it was new. */
  async putChunk(actor: Actor, id: string, chunkNo: number, body: Buffer): Promise<{ applied: boolean; rows: number }> {
    if (!Number.isInteger(chunkNo) || chunkNo < 0 || chunkNo > 10_000_000) throw new InputError('chunk', 'must be a non-negative integer');
    const dataset = await this.status(actor, id);
    if (dataset.status !== 'RECEIVING') throw new ConflictError('The dataset is complete; it takes no more chunks', { datasetId: id });
    const rowBytes = datasetRowBytes(dataset.fields.length, dataset.categories.length);
    if (body.length % rowBytes !== 0) throw new InputError('body', `must be a whole number of ${rowBytes}-byte rows`);
    const rows = body.length / rowBytes;
    if (rows > dataset.chunkRows) throw new InputError('body', `holds ${rows} rows; the dataset's chunks hold at most ${dataset.chunkRows}`);

    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      const inserted = await runner.query(
        `INSERT INTO seized_dataset_chunk (dataset_id, chunk_no, rows) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING chunk_no`,
        [id, chunkNo, rows],
      );
      if (!inserted.length) {
        await runner.rollbackTransaction();
        return { applied: false, rows };
      }
      const client = (runner as unknown as { databaseConnection: PoolClient }).databaseConnection;
      await copyBinary(client, id, layoutOf(dataset), body, rows);
      await runner.commitTransaction();
      return { applied: true, rows };
    } catch (error) {
      await runner.rollbackTransaction();
      throw error;
    } finally {
      await runner.release();
    }
  }

  /**
   * Checks that every chunk arrived and the row count agrees, counts the unusable rows (no valid
   * identifier: all hashes zero, stored as NULLs) and checks the CLI's count when it sent one, then
   * queues the matching job.
   */
  async complete(actor: Actor, id: string, body: CompleteDatasetRequest): Promise<{ dataset: DatasetStatus; job: Job | null }> {
    if (!body || !Number.isInteger(body.chunkCount) || body.chunkCount < 0) throw new InputError('chunkCount', 'must be a non-negative integer');
    if (!Number.isInteger(body.rowCount) || body.rowCount < 0) throw new InputError('rowCount', 'must be a non-negative integer');
    if (body.unusableRows !== undefined && (!Number.isInteger(body.unusableRows) || body.unusableRows < 0)) throw new InputError('unusableRows', 'must be a non-negative integer');
    if (typeof body.fileSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(body.fileSha256)) throw new InputError('fileSha256', 'must be 64 hex digits');
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT 1 FROM seized_dataset WHERE id = $1 AND organisation_id = $2 FOR UPDATE`, [id, actor.organisationId]);
      const dataset = await this.status(actor, id, manager);
      if (dataset.status === 'COMPLETE') {
        if (dataset.fileSha256 !== body.fileSha256) throw new ConflictError('The dataset was completed from another file', { datasetId: id });
        return { dataset, job: null };
      }
      const missing: number[] = [];
      const received = new Set(dataset.receivedChunks);
      for (let n = 0; n < body.chunkCount && missing.length < 20; n++) if (!received.has(n)) missing.push(n);
      if (missing.length) throw new ConflictError('Chunks are missing', { missing: missing.map(String) });
      if (dataset.receivedChunks.some((n) => n >= body.chunkCount)) throw new ConflictError('More chunks were received than declared');
      if (dataset.rowsReceived !== body.rowCount) {
        throw new ConflictError('Row count differs from the rows received', { declared: body.rowCount, received: dataset.rowsReceived });
      }
      // The same file twice would count its rows (and the people still to reach) twice.
      const [twin] = await manager.query(
        `SELECT id FROM seized_dataset WHERE incident_id = $1 AND status = 'COMPLETE' AND file_sha256 = decode($2, 'hex') AND id <> $3 LIMIT 1`,
        [dataset.incidentId, body.fileSha256, id],
      );
      if (twin) throw new ConflictError('This file was already imported for this incident', { datasetId: twin.id });
      const [{ unusable }] = await manager.query(
        `SELECT count(*)::bigint AS unusable FROM seized_dataset_row WHERE dataset_id = $1 AND id_number_index IS NULL AND phone_index IS NULL`,
        [id],
      );
      if (body.unusableRows !== undefined && Number(unusable) !== body.unusableRows) {
        throw new ConflictError('Unusable row count differs from the rows received', { declared: body.unusableRows, received: Number(unusable) });
      }
      await manager.query(
        `UPDATE seized_dataset SET status = 'COMPLETE', row_count = $2, unusable_rows = $3, file_sha256 = decode($4, 'hex'), completed_at = clock_timestamp() WHERE id = $1`,
        [id, body.rowCount, unusable, body.fileSha256],
      );
      await this.audit.record(manager, actor, {
        action: 'dataset.complete',
        subjectType: 'SeizedDataset',
        subjectId: id,
        details: { incidentId: dataset.incidentId, rows: body.rowCount, unusableRows: Number(unusable), chunks: body.chunkCount, fileSha256: body.fileSha256 },
      });
      const job = await this.jobs.enqueue(manager, actor, MATCH_DATASET, { datasetId: id });
      return { dataset: await this.status(actor, id, manager), job };
    });
  }
}

/**
 * Where a chunk row's parts are: the two hashes' field positions (-1: not in the dataset), the
 * number of hashes, and how many categories the bitmask ending the row carries (0: no bitmask).
 */
export interface ChunkLayout {
  idAt: number;
  phoneAt: number;
  fields: number;
  categories: number;
}

function layoutOf(dataset: DatasetStatus): ChunkLayout {
  return { idAt: dataset.fields.indexOf('ID_NUMBER'), phoneAt: dataset.fields.indexOf('PHONE'), fields: dataset.fields.length, categories: dataset.categories.length };
}

/**
 * COPY … FROM STDIN (FORMAT binary) of one chunk: a tuple per row of (dataset_id, id_number_index,
 * phone_index, categories), NULL where the client sent zeros or the dataset has no such field. One
 * pass over the body with plain byte loops (no Buffer or string per row), straight into one COPY.
 */
async function copyBinary(client: PoolClient, datasetId: string, layout: ChunkLayout, body: Buffer, rows: number): Promise<void> {
  const out = encodeCopyRows(datasetId, layout, body, rows);
  const stream = client.query(copyFrom(`COPY seized_dataset_row (dataset_id, id_number_index, phone_index, categories) FROM STDIN (FORMAT binary)`));
  await new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
    stream.end(out);
  });
}

/**
 * The COPY binary stream (header, tuples, trailer) of one chunk body: per row the dataset id, the
 * two hashes and the category bitmask (NULL when zero or absent). A bitmask with a bit beyond the
 * dataset's categories is refused (InputError naming the row). Exported for the unit tests.
 */
export function encodeCopyRows(datasetId: string, layout: ChunkLayout, body: Buffer, rows: number): Buffer {
  const { idAt, phoneAt, fields } = layout;
  const rowBytes = datasetRowBytes(fields, layout.categories);
  const uuid = Buffer.from(datasetId.replace(/-/g, ''), 'hex');
  // Every tuple starts with the field count and the dataset id: 2 + 4 + 16 bytes.
  const lead = Buffer.alloc(22);
  lead.writeInt16BE(4, 0);
  lead.writeInt32BE(16, 2);
  uuid.copy(lead, 6);
  const out = Buffer.allocUnsafe(PGCOPY_HEADER.length + rows * (22 + 2 * (4 + HASH_BYTES) + 8) + 2);
  let o = PGCOPY_HEADER.copy(out, 0);
  const at = [idAt, phoneAt];
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < 22; i++) out[o + i] = lead[i];
    o += 22;
    for (let k = 0; k < 2; k++) {
      const field = at[k];
      let start = -1;
      if (field >= 0) {
        start = r * rowBytes + field * HASH_BYTES;
        let any = 0;
        for (let i = 0; i < HASH_BYTES; i++) any |= body[start + i];
        if (any === 0) start = -1;
      }
      if (start < 0) {
        o = out.writeInt32BE(-1, o);
      } else {
        out[o] = 0;
        out[o + 1] = 0;
        out[o + 2] = 0;
        out[o + 3] = HASH_BYTES;
        o += 4;
        for (let i = 0; i < HASH_BYTES; i++) out[o + i] = body[start + i];
        o += HASH_BYTES;
      }
    }
    const mask = layout.categories ? body.readUInt32BE(r * rowBytes + fields * HASH_BYTES) : 0;
    if (mask >>> layout.categories !== 0) throw new InputError('body', `row ${r + 1} of the chunk sets a category bit beyond the dataset's ${layout.categories} categories`);
    if (mask === 0) {
      o = out.writeInt32BE(-1, o);
    } else {
      o = out.writeInt32BE(4, o);
      o = out.writeInt32BE(mask, o);
    }
  }
  o = out.writeInt16BE(-1, o);
  return out.subarray(0, o);
}
