/**
 * Reading a claimant sheet as people save it: the format is sniffed from the bytes (never from a
 * file name), then records come out as { row, cells }.
 *
 * - XLSX (a zip: `PK\x03\x04`): written to a private file (XlsxLimits.tempDir, removed when the
 *   sheet is read or refused), its parts read by name from the zip's central directory (styles
 *   and shared strings before the worksheet, whatever their order in the zip: exceljs's own
 *   reader would copy a worksheet that precedes the shared strings to os.tmpdir()), each part's
 *   inflated bytes counted against XlsxLimits (a zip bomb is refused, not inflated), and parsed
 *   with exceljs's streaming parts, first worksheet only. A text
 *   cell is its text; a number cell stays a number (the row rules decide what a number means in
 *   its column); a date cell becomes `YYYY-MM-DD` (with ` HH:MM` when it has a time); rich text
 *   is its text; a formula is its cached result (what Excel showed when the file was saved: the
 *   streaming reader gives a date formula's result as its serial number, which the date column
 *   reads as an Excel date); an error cell (`#N/A` …) or a formula with no saved result is an
 *   ExcelErrorCell, refused by the row.
 * - Text: UTF-16LE/BE by their BOM (Excel's "Unicode 文本"), else UTF-8 (with or without BOM)
 *   when the bytes are UTF-8, else GB18030 (GBK's superset: Excel's "CSV (逗号分隔)" on a
 *   Chinese Windows); separated by TAB when the header line has more TABs than commas, else by
 *   commas; CRLF or LF.
 */
import { mkdir, mkdtemp, open, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { Duplex, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { parse } from 'csv-parse';
import { type CentralDirectoryFile, Open } from 'unzipper';
import { isAlive } from '@app/platform';
import { ImportFileError } from '../claimant.errors';
import { type CsvEncoding, DecodeStream, sniffEncoding } from './decode';

/** An XLSX cell Excel could not give a value for: an error (`#N/A`) or a formula without a saved result. */
export interface ExcelErrorCell {
  excelError: string;
}
/** A cell: text (trimmed), an XLSX number cell's number, or an XLSX error. */
export type Cell = string | number | ExcelErrorCell;
/** One record of a sheet: its row number (the header's is 1 in a file that starts with it) and its cells. */
export interface SheetRecord {
  row: number;
  cells: Cell[];
}

export type SheetFormat = 'csv' | 'xlsx';
/** The separator of a text sheet. */
export type Delimiter = ',' | '\t';

/** An opened sheet: what it is, and the streams that turn its bytes into SheetRecords (pipe them in order). */
export interface Sheet {
  format: SheetFormat;
  /** The text encoding (null for XLSX). */
  encoding: CsvEncoding | null;
  delimiter: Delimiter | null;
  /** The whole input again, its first bytes included. */
  bytes: Readable;
  /** Bytes in, SheetRecords out (object mode), in this order. */
  readers: (Duplex | Transform)[];
}

const SNIFF_BYTES = 64 * 1024;
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/**
 * Bounds on reading an XLSX, whose upload limit counts compressed bytes only: `tempDir` holds the
 * upload while it is read (a private directory per upload, always removed);
 * `maxUncompressedBytes` bounds the inflated bytes of all parts read (workbook, styles, shared
 * strings, the worksheet); `maxSharedStringsBytes` those of the shared strings, which are kept in
 * memory while the worksheet is read. Past a bound the file is refused (ImportFileError).
 */
export interface XlsxLimits {
  tempDir: string;
  maxUncompressedBytes: number;
  maxSharedStringsBytes: number;
}

/** The first bytes of a stream, and a stream of all of it (the first bytes again, then the rest). */
export async function peek(input: Readable, bytes = SNIFF_BYTES): Promise<{ head: Buffer; stream: Readable }> {
  const it = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const chunks: Buffer[] = [];
  let length = 0;
  let ended = false;
  while (length < bytes) {
    const next = await it.next();
    if (next.done) {
      ended = true;
      break;
    }
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    chunks.push(chunk);
    length += chunk.length;
  }
  const head = Buffer.concat(chunks);
  async function* all(): AsyncGenerator<Buffer> {
    if (head.length) yield head;
    if (ended) return;
    for (let next = await it.next(); !next.done; next = await it.next()) yield Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
  }
  return { head, stream: Readable.from(all(), { objectMode: false }) };
}

/** The encoding of a text sheet's first bytes: a UTF-16 BOM decides, else sniffEncoding (UTF-8 or GB18030). */
export function textEncoding(head: Buffer): CsvEncoding {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return sniffEncoding(head);
}

/** TAB when the first line has more TABs than commas (Excel's "Unicode 文本", TSV), else comma. */
export function detectDelimiter(text: string): Delimiter {
  const line = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/, 1)[0] ?? '';
  const count = (c: string) => line.split(c).length - 1;
  return count('\t') > count(',') ? '\t' : ',';
}

/**
 * Opens a sheet: sniffs XLSX by its zip signature, else reads text in `encoding` ('auto':
 * textEncoding decides; a UTF-16 BOM always wins, since such bytes are no other encoding).
 */
export async function openSheet(input: Readable, encoding: CsvEncoding | 'auto', xlsx: XlsxLimits): Promise<Sheet> {
  const { head, stream } = await peek(input);
  if (head.subarray(0, 4).equals(ZIP_MAGIC)) {
    return { format: 'xlsx', encoding: null, delimiter: null, bytes: stream, readers: [xlsxReader(xlsx)] };
  }
  const sniffed = textEncoding(head);
  const chosen = encoding === 'auto' || sniffed.startsWith('utf-16') ? sniffed : encoding;
  // The head may end inside a character: only its first line matters here.
  const text = chosen === 'utf-8' ? new TextDecoder('utf-8').decode(head) : iconv.decode(head, chosen);
  const delimiter = detectDelimiter(text);
  let row = 0;
  const number = new Transform({
    objectMode: true,
    transform(cells: string[], _e, done) {
      done(null, { row: ++row, cells } satisfies SheetRecord);
    },
  });
  const parser = parse({ bom: true, delimiter, relax_column_count: true, skip_empty_lines: false, trim: true });
  return { format: 'csv', encoding: chosen, delimiter, bytes: stream, readers: [new DecodeStream(chosen), parser, number] };
}

/** YYYY-MM-DD (and HH:MM when not midnight) of an exceljs date: it carries the sheet's wall-clock time in UTC fields. */
function excelDateText(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const date = `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}`;
  return d.getUTCHours() || d.getUTCMinutes() ? `${date} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}` : date;
}

/** One exceljs cell value as a Cell (see the module comment). */
export function xlsxCell(value: ExcelJS.CellValue | undefined): Cell {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return excelDateText(value);
  if ('error' in value) return { excelError: String(value.error) };
  if ('richText' in value) return value.richText.map((t) => t.text).join('').trim();
  if ('formula' in value || 'sharedFormula' in value) {
    const result = (value as { result?: ExcelJS.CellValue }).result;
    return result === undefined || result === null ? { excelError: 'a formula with no saved result' } : xlsxCell(result);
  }
  if ('text' in value) return xlsxCell((value as { text: ExcelJS.CellValue }).text);
  return '';
}

/** The XML of a workbook part as text, UTF-8 decoded across chunk boundaries. */
async function* utf8Text(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  for await (const chunk of chunks) yield typeof chunk === 'string' ? chunk : decoder.write(chunk);
  const rest = decoder.end();
  if (rest) yield rest;
}

type Part = { setEncoding(encoding: 'utf8'): unknown };
type ReaderInternals = Record<'_parseRels' | '_parseWorkbook' | '_parseStyles', (entry: Part) => unknown> &
  Record<'_parseSharedStrings', (this: { sharedStrings?: unknown[] }, entry: Part) => AsyncGenerator<unknown>> &
  Record<'_parseWorksheet' | '_parseHyperlinks', (iterator: AsyncIterable<Buffer | string>, sheetNo: string) => unknown>;
const base = ExcelJS.stream.xlsx.WorkbookReader.prototype as unknown as ReaderInternals;

/**
 * exceljs's streaming reader decodes each chunk of a part's XML on its own, so a character cut by
 * a chunk boundary becomes two U+FFFD (a Chinese name in one row of a few thousand; exceljs
 * issues #2063, #2084, unfixed in 4.4.0). This one hands it text decoded across chunks instead:
 * the zip entries set to UTF-8, the worksheet and hyperlink streams decoded by utf8Text.
 * It also keeps an empty shared string (`<si><t/></si>`) as the text "": exceljs caches it as
 * null, which leaves its cells without a value, so a row of empty texts would vanish instead of
 * being skipped and counted like a CSV's `,,,,`.
 */
class Utf8WorkbookReader extends ExcelJS.stream.xlsx.WorkbookReader {}
const own = Utf8WorkbookReader.prototype as unknown as ReaderInternals;
for (const name of ['_parseRels', '_parseWorkbook', '_parseStyles'] as const) {
  own[name] = function (this: unknown, entry: Part) {
    entry.setEncoding('utf8');
    return base[name].call(this, entry);
  };
}
own._parseSharedStrings = async function* (this: { sharedStrings?: unknown[] }, entry: Part) {
  entry.setEncoding('utf8');
  yield* base._parseSharedStrings.call(this, entry);
  const strings = this.sharedStrings ?? [];
  for (let i = 0; i < strings.length; i++) strings[i] ??= '';
};
for (const name of ['_parseWorksheet', '_parseHyperlinks'] as const) {
  own[name] = function (this: unknown, iterator: AsyncIterable<Buffer | string>, sheetNo: string) {
    return base[name].call(this, utf8Text(iterator), sheetNo);
  };
}

type WorkbookReader = Omit<ReaderInternals, '_parseSharedStrings' | '_parseWorksheet'> & {
  _parseSharedStrings(entry: Part): AsyncIterable<unknown>;
  _parseWorksheet(iterator: AsyncIterable<Buffer | string>, sheetNo: string): AsyncIterable<{ eventType: string; value: unknown }>;
};

/** A zip entry's inflated bytes, refused (ImportFileError) once `budget.left` bytes are passed or `partMax` of this part. */
function boundedPart(file: CentralDirectoryFile, budget: { left: number; max: number }, partMax = Infinity, part = 'the workbook'): Readable {
  const refuse = (max: number) =>
    new ImportFileError(`is too large once uncompressed: ${part} exceeds ${max} bytes (save it again from Excel or WPS, split it, or send CSV)`, { maxBytes: max });
  if (file.uncompressedSize > partMax) throw refuse(partMax);
  if (file.uncompressedSize > budget.left) throw refuse(budget.max);
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _e, done) {
      seen += chunk.length;
      budget.left -= chunk.length;
      if (seen > partMax) return done(refuse(partMax));
      if (budget.left < 0) return done(refuse(budget.max));
      done(null, chunk);
    },
  });
  const inflated = file.stream();
  inflated.on('error', (error: Error) => counter.destroy(error));
  counter.on('close', () => inflated.destroy());
  return inflated.pipe(counter);
}

/**
 * The first worksheet's SheetRecords of a zip on disk: relationships, workbook, styles and shared
 * strings first (by name), then the first worksheet in the central directory (see XlsxLimits).
 */
async function* workbookRecords(path: string, limits: XlsxLimits): AsyncGenerator<SheetRecord> {
  const { files } = await Open.file(path);
  const byPath = new Map(files.filter((f) => f.type === 'File').map((f) => [f.path, f]));
  const budget = { left: limits.maxUncompressedBytes, max: limits.maxUncompressedBytes };
  const reader = new Utf8WorkbookReader(Readable.from([]), { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'ignore' }) as unknown as WorkbookReader;
  const rels = byPath.get('xl/_rels/workbook.xml.rels');
  if (rels) await reader._parseRels(boundedPart(rels, budget));
  const workbook = byPath.get('xl/workbook.xml');
  if (workbook) await reader._parseWorkbook(boundedPart(workbook, budget));
  const styles = byPath.get('xl/styles.xml');
  if (styles) await reader._parseStyles(boundedPart(styles, budget));
  const strings = byPath.get('xl/sharedStrings.xml');
  // Cached by the reader: the generator yields nothing when shared strings are cached.
  if (strings) for await (const event of reader._parseSharedStrings(boundedPart(strings, budget, limits.maxSharedStringsBytes, 'its shared strings'))) void event;
  const sheet = files.find((f) => /^xl\/worksheets\/sheet\d+\.xml$/.test(f.path));
  if (!sheet) throw new ImportFileError('is not a readable XLSX workbook (save it again from Excel or WPS, or as CSV)');
  const sheetNo = /(\d+)\.xml$/.exec(sheet.path)![1];
  for await (const { eventType, value } of reader._parseWorksheet(boundedPart(sheet, budget), sheetNo)) {
    if (eventType !== 'worksheet') continue;
    for await (const row of value as AsyncIterable<ExcelJS.Row>) {
      const values = row.values as ExcelJS.CellValue[];
      // A row without a value (a height or formats only) is no row a user sees: not even a skipped one.
      if (values.length <= 1) continue;
      const cells: Cell[] = [];
      for (let i = 1; i < values.length; i++) cells.push(xlsxCell(values[i]));
      yield { row: row.number, cells } satisfies SheetRecord;
    }
  }
}

/**
 * Removes what a process that died (crashed, killed) left in `tempDir`: the upload directories of
 * processes no longer running (their names carry the process id).
 */
export async function removeStaleXlsxUploads(tempDir: string): Promise<void> {
  const names = await readdir(tempDir).catch(() => [] as string[]);
  for (const name of names) {
    const pid = Number(/^xlsx-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid || isAlive(pid)) continue;
    await rm(join(tempDir, name), { recursive: true, force: true });
  }
}

/**
 * XLSX bytes in, the first worksheet's SheetRecords out (other worksheets are never read). The
 * bytes go to a private directory under `limits.tempDir` (mode 0700, the file 0600), removed
 * once the sheet is read, refused or abandoned.
 */
function xlsxReader(limits: XlsxLimits): Duplex {
  return Duplex.from(async function* (source: AsyncIterable<Buffer>) {
    await mkdir(limits.tempDir, { recursive: true, mode: 0o700 });
    const dir = await mkdtemp(join(limits.tempDir, `xlsx-${process.pid}-`));
    try {
      const path = join(dir, 'upload.xlsx');
      // Opened before any byte arrives, so a failing upload cannot create the file after the rm below.
      const file = await open(path, 'wx', 0o600);
      await pipeline(Readable.from(source), file.createWriteStream());
      yield* workbookRecords(path, limits);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}
