import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
import { type DatasetField, type DatasetStatus, DEFAULT_CHUNK_ROWS } from '@app/claimants/datasets/dataset-protocol';
import { hashChunk, type HashSpec } from './hash-chunk';
import { CliError } from '../cli-error';

export interface DatasetUploadOptions {
  file: string;
  incidentId: string;
  /** `id_number,phone` or `id_number=身份证号,phone=手机`: the kinds and the header names holding them. */
  columns: string;
  server: string;
  token: string;
  blindIndexKey: Buffer;
  source?: string;
  chunkRows?: number;
  workers?: number;
  encoding?: 'utf-8' | 'gb18030';
  /** Where the resume state of an upload is kept (the CLI's data directory). */
  stateDir: string;
  /** Resume this dataset instead of looking it up in the state directory. */
  datasetId?: string;
  onProgress?: (bytesRead: number, rows: number) => void;
  /** Tests: stop (as if interrupted) after this many chunks were sent in this run. */
  stopAfterChunks?: number;
}

export interface DatasetUploadResult {
  datasetId: string;
  rows: number;
  chunks: number;
  chunksSent: number;
  chunksSkipped: number;
  invalidIdentifiers: number;
  fileSha256: string;
  jobId: string | null;
}

const KINDS: Record<string, DatasetField> = { id_number: 'ID_NUMBER', phone: 'PHONE' };

/** A small pool of hashing threads (all cores), or inline when running from TypeScript sources. */
class HashPool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, { resolve: (v: { body: Buffer; rows: number; invalid: number }) => void; reject: (e: Error) => void }>();
  private next = 0;

  constructor(private readonly spec: HashSpec, size: number) {
    const script = join(__dirname, 'hash.worker.js');
    if (!existsSync(script)) return; // jest runs the .ts sources: hash on this thread
    for (let i = 0; i < size; i++) {
      const worker = new Worker(script, { workerData: spec });
      worker.on('message', (m: { id: number; body: Uint8Array; rows: number; invalid: number }) => {
        const w = this.waiting.get(m.id)!;
        this.waiting.delete(m.id);
        w.resolve({ body: Buffer.from(m.body.buffer, m.body.byteOffset, m.body.byteLength), rows: m.rows, invalid: m.invalid });
      });
      worker.on('error', (e) => this.waiting.forEach((w) => w.reject(e)));
      this.workers.push(worker);
    }
  }

  hash(bytes: Buffer): Promise<{ body: Buffer; rows: number; invalid: number }> {
    if (!this.workers.length) return Promise.resolve(hashChunk(bytes, this.spec));
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      // A chunk that owns its whole memory (Buffer.concat of a large chunk does) is transferred, not copied.
      let data: Uint8Array = bytes;
      if (bytes.byteOffset !== 0 || bytes.byteLength !== bytes.buffer.byteLength) {
        data = new Uint8Array(bytes.byteLength);
        data.set(bytes);
      }
      this.workers[id % this.workers.length].postMessage({ id, bytes: data }, [data.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

async function api<T>(opts: DatasetUploadOptions, method: string, path: string, body?: unknown): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(`${opts.server}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${opts.token}`,
          ...(Buffer.isBuffer(body) ? { 'content-type': 'application/octet-stream' } : body ? { 'content-type': 'application/json' } : {}),
        },
        body: (Buffer.isBuffer(body) ? body : body ? JSON.stringify(body) : undefined) as never,
      });
      const json = (await res.json().catch(() => ({}))) as T & { message?: string; code?: string };
      if (!res.ok) {
        const error = new CliError(`the server refused ${method} ${path}: ${res.status} ${json.code ?? ''} ${json.message ?? ''}`.trim());
        (error as Error & { status?: number }).status = res.status;
        throw error;
      }
      return json;
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status !== undefined && status < 500) throw error;
      if (attempt >= 4) {
        throw status === undefined
          ? new CliError(`cannot reach the leakcase API at ${opts.server}; run the same command again to resume`)
          : error;
      }
      await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
    }
  }
}

function stateFile(opts: DatasetUploadOptions): string {
  const stat = statSync(opts.file);
  const key = createHash('sha256').update(`${resolve(opts.file)}\0${stat.size}\0${stat.mtimeMs}\0${opts.incidentId}\0${opts.server}`).digest('hex');
  return join(opts.stateDir, 'dataset-uploads', `${key.slice(0, 32)}.json`);
}

/**
 * Imports a seized dataset without its plaintext leaving this machine: the file is streamed,
 * cut into chunks of `chunkRows` lines, each chunk hashed in worker threads (the same normalise +
 * blindIndex code as enrolment) and sent as keyed hashes. The upload resumes after an
 * interruption: the dataset id is kept in the state directory and the chunks the server already
 * has are skipped (read and checksummed, not hashed or sent). Memory is bounded by the chunks in
 * flight, whatever the file size.
 */
export async function uploadDataset(opts: DatasetUploadOptions): Promise<DatasetUploadResult> {
  const chunkRows = opts.chunkRows ?? DEFAULT_CHUNK_ROWS;
  const encoding = opts.encoding ?? 'utf-8';
  const { columns, fields } = await resolveColumns(opts.file, opts.columns, encoding);

  // Find or create the dataset on the server.
  mkdirSync(join(opts.stateDir, 'dataset-uploads'), { recursive: true, mode: 0o700 });
  const state = stateFile(opts);
  let datasetId = opts.datasetId ?? (existsSync(state) ? (JSON.parse(readFileSync(state, 'utf8')).datasetId as string) : undefined);
  let status: DatasetStatus | undefined;
  if (datasetId) status = await api<DatasetStatus>(opts, 'GET', `/datasets/${datasetId}`).catch(() => undefined);
  if (!status) {
    status = await api<DatasetStatus>(opts, 'POST', '/datasets', {
      incidentId: opts.incidentId,
      source: opts.source ?? 'seized dataset',
      fileName: opts.file.split('/').pop(),
      fields,
      chunkRows,
    });
    datasetId = status.id;
    writeFileSync(state, JSON.stringify({ datasetId }), { mode: 0o600 });
  }
  if (status.chunkRows !== chunkRows || status.fields.join() !== fields.join()) {
    throw new CliError('the dataset being resumed was started with other --columns or --chunk-rows');
  }
  const received = new Set(status.receivedChunks);

  const pool = new HashPool({ key: opts.blindIndexKey, encoding, columns, fields }, opts.workers ?? availableParallelism());
  const sha = createHash('sha256');
  const inFlight = new Set<Promise<void>>();
  const limit = Math.max(2, (opts.workers ?? availableParallelism()) * 2);
  let chunkNo = 0;
  let rows = 0;
  let sent = 0;
  let skipped = 0;
  let invalid = 0;
  let bytesRead = 0;
  let failure: Error | undefined;

  const dispatch = async (n: number, bytes: Buffer, lines: number) => {
    rows += lines;
    if (received.has(n)) {
      skipped++;
      return;
    }
    if (opts.stopAfterChunks !== undefined && sent >= opts.stopAfterChunks) {
      throw Object.assign(new Error('upload interrupted (test)'), { interrupted: true });
    }
    sent++;
    const task = (async () => {
      const hashed = await pool.hash(bytes);
      invalid += hashed.invalid;
      await api(opts, 'PUT', `/datasets/${datasetId}/chunks/${n}`, hashed.body);
    })().catch((e: Error) => {
      failure ??= e;
    });
    const tracked = task.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    while (inFlight.size >= limit) await Promise.race(inFlight);
    if (failure) throw failure;
  };

  try {
    for await (const chunk of fileChunks(opts.file, chunkRows, (buf) => {
      sha.update(buf);
      bytesRead += buf.length;
      opts.onProgress?.(bytesRead, rows);
    })) {
      await dispatch(chunkNo++, chunk.bytes, chunk.lines);
    }
    await Promise.all(inFlight);
    if (failure) throw failure;
  } finally {
    await Promise.allSettled(inFlight);
    await pool.close();
  }
  opts.onProgress?.(bytesRead, rows);

  const fileSha256 = sha.digest('hex');
  const completed = await api<{ dataset: DatasetStatus; job: { id: string } | null }>(opts, 'POST', `/datasets/${datasetId}/complete`, {
    chunkCount: chunkNo,
    rowCount: rows,
    fileSha256,
  });
  rmSync(state, { force: true });
  return { datasetId: datasetId!, rows, chunks: chunkNo, chunksSent: sent, chunksSkipped: skipped, invalidIdentifiers: invalid, fileSha256, jobId: completed.job?.id ?? null };
}

/** The field kinds of `--columns` and their positions in the file's header line. */
async function resolveColumns(file: string, spec: string, encoding: 'utf-8' | 'gb18030'): Promise<{ columns: number[]; fields: DatasetField[] }> {
  const wanted = spec.split(',').map((c) => c.trim()).filter(Boolean).map((c) => {
    const [kind, header] = c.split('=').map((s) => s.trim());
    if (!KINDS[kind.toLowerCase()]) throw new CliError(`--columns: unknown kind "${kind}" (id_number, phone)`);
    return { field: KINDS[kind.toLowerCase()], header: header ?? kind };
  });
  if (!wanted.length) throw new CliError('--columns: name at least one of id_number, phone');
  const headerBytes = await readFirstLine(file);
  const headerText = encoding === 'utf-8' ? headerBytes.toString('utf8') : iconv.decode(headerBytes, 'gb18030');
  const header = ((parse(headerText.replace(/^\uFEFF/, ''), { relax_column_count: true }) as string[][])[0] ?? []).map((h) => h.trim().toLowerCase());
  const columns = wanted.map((w) => {
    const at = header.indexOf(w.header.toLowerCase());
    if (at < 0) throw new CliError(`--columns: the header has no column "${w.header}"`);
    return at;
  });
  return { columns, fields: wanted.map((w) => w.field) };
}

async function readFirstLine(file: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const data of createReadStream(file, { highWaterMark: 64 * 1024 })) {
    const buf = data as Buffer;
    const nl = buf.indexOf(10);
    if (nl >= 0) {
      parts.push(buf.subarray(0, nl));
      break;
    }
    parts.push(buf);
  }
  return Buffer.concat(parts);
}

/**
 * The file's data lines (after the header) in chunks of `chunkRows` lines, in order, read 1 MiB
 * at a time; `onData` sees every byte read (header included), for the checksum and progress.
 * A last line without a newline counts as a line.
 */
export async function* fileChunks(file: string, chunkRows: number, onData: (buf: Buffer) => void): AsyncGenerator<{ bytes: Buffer; lines: number }> {
  let parts: Buffer[] = [];
  let lines = 0;
  let inHeader = true;
  for await (const data of createReadStream(file, { highWaterMark: 1 << 20 })) {
    const buf = data as Buffer;
    onData(buf);
    let start = 0;
    if (inHeader) {
      const nl = buf.indexOf(10);
      if (nl < 0) continue;
      inHeader = false;
      start = nl + 1;
    }
    let pos = start;
    for (;;) {
      const nl = buf.indexOf(10, pos);
      if (nl < 0) break;
      lines++;
      pos = nl + 1;
      if (lines === chunkRows) {
        parts.push(buf.subarray(start, pos));
        yield { bytes: Buffer.concat(parts), lines };
        parts = [];
        lines = 0;
        start = pos;
      }
    }
    if (start < buf.length) parts.push(buf.subarray(start));
  }
  const rest = Buffer.concat(parts);
  const tail = rest.length && rest[rest.length - 1] !== 10 ? 1 : 0; // a last line without a newline
  if (lines + tail > 0) yield { bytes: rest, lines: lines + tail };
}

/**
 * The hashing alone, for benchmarks: reads and checksums the file and hashes every chunk with the
 * same worker pool and the same bound on chunks in flight as an upload, and sends nothing. Its
 * time is the floor of an upload on this machine.
 */
export async function hashDatasetFile(opts: { file: string; columns: string; blindIndexKey: Buffer; chunkRows?: number; workers?: number; encoding?: 'utf-8' | 'gb18030' }): Promise<{ rows: number; invalid: number; fileSha256: string }> {
  const { columns, fields } = await resolveColumns(opts.file, opts.columns, opts.encoding ?? 'utf-8');
  const workers = opts.workers ?? availableParallelism();
  const pool = new HashPool({ key: opts.blindIndexKey, encoding: opts.encoding ?? 'utf-8', columns, fields }, workers);
  const sha = createHash('sha256');
  const inFlight = new Set<Promise<void>>();
  let rows = 0;
  let invalid = 0;
  try {
    for await (const chunk of fileChunks(opts.file, opts.chunkRows ?? DEFAULT_CHUNK_ROWS, (buf) => sha.update(buf))) {
      const task: Promise<void> = pool.hash(chunk.bytes).then((h) => {
        rows += h.rows;
        invalid += h.invalid;
      });
      const tracked = task.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
      while (inFlight.size >= Math.max(2, workers * 2)) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    await pool.close();
  }
  return { rows, invalid, fileSha256: sha.digest('hex') };
}
