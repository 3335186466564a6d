import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
import { type DatasetField, datasetRowBytes, type DatasetStatus, DEFAULT_CHUNK_ROWS } from '@app/claimants/datasets/dataset-protocol';
import { BufferPool } from './buffer-pool';
import { hashChunk, type HashSpec } from './hash-chunk';
import { CliError } from '../cli-error';

export interface DatasetUploadOptions {
  file: string;
  incidentId: string;
  /**
   * `id_number,phone` or `id_number=身份证号,phone=手机`: the kinds and the header names holding
   * them; without a header line (`header: false`), the kinds and their 1-based column numbers:
   * `id_number=1,phone=3`.
   */
  columns: string;
  /**
   * Columns that carry a data category, `header=CATEGORY` each (`medical_card=MEDICAL_HEALTH`): each
   * row tells the server which of them were filled (a bitmask), never their values.
   */
  categories?: string[];
  /** What separates the cells: `,` (default), TAB, `|`, or several characters such as `----`. */
  delimiter?: string;
  /** Whether the first line is a header (default true); without one, every line is a row. */
  header?: boolean;
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
  /** Rows without any valid identifier: blank lines, repeated header lines, nothing readable. Not people. */
  unusableRows: number;
  fileSha256: string;
  jobId: string | null;
}

const KINDS: Record<string, DatasetField> = { id_number: 'ID_NUMBER', phone: 'PHONE' };

interface Hashed {
  body: Buffer;
  rows: number;
  invalid: number;
  unusable: number;
  /** The chunk's memory, handed back by the worker. */
  bytes: Buffer;
}

const view = (m: Uint8Array) => Buffer.from(m.buffer, m.byteOffset, m.byteLength);

/** A small pool of hashing threads (all cores), or inline when running from TypeScript sources. */
class HashPool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, { resolve: (v: Hashed) => void; reject: (e: Error) => void }>();
  private next = 0;

  constructor(private readonly spec: HashSpec, size: number) {
    const script = join(__dirname, 'hash.worker.js');
    if (!existsSync(script)) return; // jest runs the .ts sources: hash on this thread
    for (let i = 0; i < size; i++) {
      const worker = new Worker(script, { workerData: spec });
      worker.on('message', (m: { id: number; bytes: Uint8Array; body: Uint8Array; rows: number; invalid: number; unusable: number }) => {
        const w = this.waiting.get(m.id)!;
        this.waiting.delete(m.id);
        w.resolve({ body: view(m.body), rows: m.rows, invalid: m.invalid, unusable: m.unusable, bytes: view(m.bytes) });
      });
      worker.on('error', (e) => this.waiting.forEach((w) => w.reject(e)));
      this.workers.push(worker);
    }
  }

  /**
   * Hashes `bytes` into `into`. Both must own their whole memory (BufferPool's do): they are
   * transferred to the worker and back, not copied, and are unusable until this resolves.
   */
  hash(bytes: Buffer, into: Buffer): Promise<Hashed> {
    if (!this.workers.length) return Promise.resolve({ ...hashChunk(bytes, this.spec, into), bytes });
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.workers[id % this.workers.length].postMessage({ id, bytes, into }, [bytes.buffer as ArrayBuffer, into.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * One HTTP exchange and its JSON answer ({} when it has none). node:http rather than fetch: fetch
 * copies every request body (a chunk's hashes), which then waits for the garbage collector.
 */
function request(url: URL, method: string, headers: Record<string, string>, body?: Buffer | string): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => {
        let json = {};
        try {
          json = JSON.parse(text);
        } catch {
          // not JSON: an error page, or nothing
        }
        resolve({ status: res.statusCode!, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function api<T>(opts: DatasetUploadOptions, method: string, path: string, body?: unknown): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await request(
        new URL(`${opts.server}${path}`),
        method,
        {
          authorization: `Bearer ${opts.token}`,
          ...(Buffer.isBuffer(body) ? { 'content-type': 'application/octet-stream' } : body ? { 'content-type': 'application/json' } : {}),
        },
        Buffer.isBuffer(body) ? body : body ? JSON.stringify(body) : undefined,
      );
      const json = res.json as T & { message?: string; code?: string };
      if (res.status < 200 || res.status >= 300) {
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
 * has are skipped (read and checksummed, not hashed or sent). Memory stays flat whatever the file
 * size: the chunks in flight live in fixed pools of reused buffers (hashFileChunks).
 */
export async function uploadDataset(opts: DatasetUploadOptions): Promise<DatasetUploadResult> {
  const chunkRows = opts.chunkRows ?? DEFAULT_CHUNK_ROWS;
  const encoding = opts.encoding ?? 'utf-8';
  const delimiter = opts.delimiter ?? ',';
  const header = opts.header ?? true;
  const { columns, fields, categoryColumns, categories, headerLine } = await resolveColumns(opts.file, opts.columns, encoding, delimiter, header, opts.categories ?? []);

  // Find or create the dataset on the server.
  mkdirSync(join(opts.stateDir, 'dataset-uploads'), { recursive: true, mode: 0o700 });
  const state = stateFile(opts);
  const saved = existsSync(state) ? (JSON.parse(readFileSync(state, 'utf8')) as { datasetId: string; delimiter?: string; header?: boolean }) : undefined;
  let datasetId = opts.datasetId ?? saved?.datasetId;
  // The server does not know how the cells were cut: the state file does (older ones: comma, header).
  if (!opts.datasetId && saved && ((saved.delimiter ?? ',') !== delimiter || (saved.header ?? true) !== header)) {
    throw new CliError(`the dataset being resumed was started with another --delimiter or --no-header (delete ${state} to start over)`);
  }
  let status: DatasetStatus | undefined;
  if (datasetId) status = await api<DatasetStatus>(opts, 'GET', `/datasets/${datasetId}`).catch(() => undefined);
  if (!status) {
    status = await api<DatasetStatus>(opts, 'POST', '/datasets', {
      incidentId: opts.incidentId,
      source: opts.source ?? 'seized dataset',
      fileName: opts.file.split('/').pop(),
      fields,
      chunkRows,
      categories,
    });
    datasetId = status.id;
    writeFileSync(state, JSON.stringify({ datasetId, delimiter, header }), { mode: 0o600 });
  }
  if (status.chunkRows !== chunkRows || status.fields.join() !== fields.join() || (status.categories ?? []).join() !== categories.join()) {
    throw new CliError('the dataset being resumed was started with other --columns, --category or --chunk-rows');
  }
  const received = new Set(status.receivedChunks);

  const sha = createHash('sha256');
  let rows = 0;
  let sent = 0;
  let skipped = 0;
  let invalid = 0;
  let unusable = 0;
  let bytesRead = 0;
  const { chunks } = await hashFileChunks({
    file: opts.file,
    chunkRows,
    header,
    spec: { key: opts.blindIndexKey, encoding, columns, fields, delimiter, categoryColumns, headerLine },
    workers: opts.workers,
    onData: (buf) => {
      sha.update(buf);
      bytesRead += buf.length;
      opts.onProgress?.(bytesRead, rows);
    },
    wanted: (n, lines) => {
      rows += lines;
      if (received.has(n)) {
        skipped++;
        return false;
      }
      if (opts.stopAfterChunks !== undefined && sent >= opts.stopAfterChunks) {
        throw Object.assign(new Error('upload interrupted (test)'), { interrupted: true });
      }
      sent++;
      return true;
    },
    use: async (n, hashed) => {
      invalid += hashed.invalid;
      unusable += hashed.unusable;
      await api(opts, 'PUT', `/datasets/${datasetId}/chunks/${n}`, hashed.body);
    },
  });
  opts.onProgress?.(bytesRead, rows);

  const fileSha256 = sha.digest('hex');
  const completed = await api<{ dataset: DatasetStatus; job: { id: string } | null }>(opts, 'POST', `/datasets/${datasetId}/complete`, {
    chunkCount: chunks,
    rowCount: rows,
    // Only known when every chunk was hashed in this run; the server counts them in any case.
    ...(skipped ? {} : { unusableRows: unusable }),
    fileSha256,
  });
  rmSync(state, { force: true });
  return {
    datasetId: datasetId!,
    rows,
    chunks,
    chunksSent: sent,
    chunksSkipped: skipped,
    invalidIdentifiers: invalid,
    unusableRows: completed.dataset.unusableRows ?? unusable,
    fileSha256,
    jobId: completed.job?.id ?? null,
  };
}

/**
 * The field kinds of `--columns` and their positions: in the file's header line (cut on
 * `delimiter`), or, without a header, the 1-based column numbers given; and those of the
 * `--category column=CATEGORY` columns with their categories (checked by the server).
 */
async function resolveColumns(
  file: string,
  spec: string,
  encoding: 'utf-8' | 'gb18030',
  delimiter: string,
  hasHeader: boolean,
  categorySpecs: string[] = [],
): Promise<{ columns: number[]; fields: DatasetField[]; categoryColumns: number[]; categories: string[]; headerLine?: Buffer }> {
  const wanted = spec.split(',').map((c) => c.trim()).filter(Boolean).map((c) => {
    const [kind, header] = c.split('=').map((s) => s.trim());
    if (!KINDS[kind.toLowerCase()]) throw new CliError(`--columns: unknown kind "${kind}" (id_number, phone)`);
    return { field: KINDS[kind.toLowerCase()], header: header ?? kind };
  });
  if (!wanted.length) throw new CliError('--columns: name at least one of id_number, phone');
  if (new Set(wanted.map((w) => w.field)).size !== wanted.length) throw new CliError('--columns: name each kind once');
  const categorySpecsParsed = categorySpecs.map((c) => {
    const eq = c.lastIndexOf('=');
    const category = c.slice(eq + 1).trim().toUpperCase();
    if (eq < 1 || !category) throw new CliError(`--category: give a column and its category, as medical_card=MEDICAL_HEALTH`);
    return { name: c.slice(0, eq).trim(), category };
  });
  if (new Set(categorySpecsParsed.map((m) => m.category)).size !== categorySpecsParsed.length) throw new CliError('--category: each category once (map one column to it)');
  let position: (name: string, option: string) => number;
  let headerLine: Buffer | undefined;
  if (!hasHeader) {
    position = (name, option) => {
      if (!/^[1-9]\d{0,3}$/.test(name)) throw new CliError(`${option}: without a header, give each column its number from 1 (id_number=1,phone=3)`);
      return Number(name) - 1;
    };
  } else {
    const headerBytes = await readFirstLine(file);
    headerLine = withoutBomOrCr(headerBytes);
    const headerText = encoding === 'utf-8' ? headerBytes.toString('utf8') : iconv.decode(headerBytes, 'gb18030');
    const header = ((parse(headerText.replace(/^\uFEFF/, '').replace(/\r$/, ''), { delimiter, relax_quotes: true, relax_column_count: true }) as string[][])[0] ?? []).map((h) => h.trim().toLowerCase());
    position = (name, option) => {
      const at = header.indexOf(name.toLowerCase());
      if (at < 0) throw new CliError(`${option}: the header has no column "${name}"`);
      return at;
    };
  }
  const columns = wanted.map((w) => position(w.header, '--columns'));
  const mapped = categorySpecsParsed.map((m) => ({ at: position(m.name, '--category'), category: m.category }));
  return { columns, fields: wanted.map((w) => w.field), categoryColumns: mapped.map((m) => m.at), categories: mapped.map((m) => m.category), headerLine };
}

/** A header line's bytes as a repeated header would be written: without a UTF-8 BOM or a final CR. */
function withoutBomOrCr(line: Buffer): Buffer {
  const from = line[0] === 0xef && line[1] === 0xbb && line[2] === 0xbf ? 3 : 0;
  const to = line.length > from && line[line.length - 1] === 0x0d ? line.length - 1 : line.length;
  return line.subarray(from, to);
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
 * The pipeline of an upload and of the benchmark's crypto floor: the file's chunks, in order, each
 * hashed in the worker pool unless `wanted` says otherwise (a resumed upload skips the chunks the
 * server has), then given to `use`; at most 2 × workers chunks in flight. The chunks and their
 * hashes live in two fixed pools of buffers, one of each per chunk in flight: the hashes' memory is
 * reused once `use` resolves.
 */
async function hashFileChunks(o: {
  file: string;
  chunkRows: number;
  /** Whether the file's first line is a header (not hashed). */
  header: boolean;
  spec: HashSpec;
  workers?: number;
  onData: (buf: Buffer) => void;
  wanted?: (n: number, lines: number) => boolean;
  use: (n: number, hashed: Hashed) => Promise<void>;
}): Promise<{ chunks: number }> {
  const workers = o.workers ?? availableParallelism();
  const limit = Math.max(2, workers * 2);
  const pool = new HashPool(o.spec, workers);
  const chunkBuffers = new BufferPool(limit, CHUNK_BUFFER_BYTES);
  const hashBuffers = new BufferPool(limit, o.chunkRows * datasetRowBytes(o.spec.fields.length, o.spec.categoryColumns?.length ?? 0));
  const inFlight = new Set<Promise<void>>();
  let failure: Error | undefined;
  let n = 0;
  try {
    for await (const chunk of fileChunks(o.file, o.chunkRows, chunkBuffers, o.onData, o.header)) {
      const chunkNo = n++;
      if (o.wanted && !o.wanted(chunkNo, chunk.lines)) {
        chunkBuffers.give(chunk.bytes);
        continue;
      }
      const task = (async () => {
        const hashed = await pool.hash(chunk.bytes, await hashBuffers.take());
        chunkBuffers.give(hashed.bytes);
        try {
          await o.use(chunkNo, hashed);
        } finally {
          hashBuffers.give(hashed.body);
        }
      })().catch((e: Error) => {
        failure ??= e;
      });
      const tracked = task.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
      while (inFlight.size >= limit) await Promise.race(inFlight);
      if (failure) throw failure;
    }
    await Promise.all(inFlight);
    if (failure) throw failure;
  } finally {
    await Promise.allSettled(inFlight);
    await pool.close();
  }
  return { chunks: n };
}

/** What a chunk buffer starts at; one grows (once, kept in the pool) when a chunk's lines need more. */
const CHUNK_BUFFER_BYTES = 4 << 20;
const READ_BYTES = 1 << 20;

/**
 * The file's data lines (after the header, when `header`) in chunks of `chunkRows` lines, in order, each copied
 * into a buffer taken from `buffers` (the caller gives it back when done with it); the file is
 * read 1 MiB at a time into one reused buffer. `onData` sees every byte read (header included),
 * for the checksum and progress, before the next read. A last line without a newline counts.
 */
export async function* fileChunks(file: string, chunkRows: number, buffers: BufferPool, onData: (buf: Buffer) => void, header = true): AsyncGenerator<{ bytes: Buffer; lines: number }> {
  const handle = await open(file, 'r');
  try {
    const read = Buffer.allocUnsafeSlow(READ_BYTES);
    let chunk = await buffers.take();
    let filled = 0;
    let lines = 0;
    let inHeader = header;
    const append = (from: number, to: number) => {
      if (filled + to - from > chunk.length) {
        const bigger = Buffer.allocUnsafeSlow(Math.max(chunk.length * 2, filled + to - from));
        chunk.copy(bigger, 0, 0, filled);
        chunk = bigger;
      }
      read.copy(chunk, filled, from, to);
      filled += to - from;
    };
    for (;;) {
      const { bytesRead } = await handle.read(read, 0, READ_BYTES, null);
      if (!bytesRead) break;
      const buf = read.subarray(0, bytesRead);
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
          append(start, pos);
          yield { bytes: chunk.subarray(0, filled), lines };
          chunk = await buffers.take();
          filled = 0;
          lines = 0;
          start = pos;
        }
      }
      append(start, buf.length);
    }
    const tail = filled && chunk[filled - 1] !== 10 ? 1 : 0; // a last line without a newline
    if (lines + tail > 0) yield { bytes: chunk.subarray(0, filled), lines: lines + tail };
    else buffers.give(chunk);
  } finally {
    await handle.close();
  }
}

/**
 * The hashing alone, for benchmarks: reads and checksums the file and hashes every chunk with the
 * same pipeline as an upload (worker pool, buffers, chunks in flight), and sends nothing. Its time
 * is the floor of an upload on this machine.
 */
export async function hashDatasetFile(opts: { file: string; columns: string; blindIndexKey: Buffer; chunkRows?: number; workers?: number; encoding?: 'utf-8' | 'gb18030' }): Promise<{ rows: number; invalid: number; fileSha256: string }> {
  const encoding = opts.encoding ?? 'utf-8';
  const { columns, fields, headerLine } = await resolveColumns(opts.file, opts.columns, encoding, ',', true);
  const sha = createHash('sha256');
  let rows = 0;
  let invalid = 0;
  await hashFileChunks({
    file: opts.file,
    chunkRows: opts.chunkRows ?? DEFAULT_CHUNK_ROWS,
    header: true,
    spec: { key: opts.blindIndexKey, encoding, columns, fields, headerLine },
    workers: opts.workers,
    onData: (buf) => sha.update(buf),
    use: async (_, hashed) => {
      rows += hashed.rows;
      invalid += hashed.invalid;
    },
  });
  return { rows, invalid, fileSha256: sha.digest('hex') };
}
