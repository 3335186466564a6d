import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InputError } from '@app/platform';

/** How many leading bytes decide the content type. */
const HEAD_BYTES = 64 * 1024;
/** Bytes kept from the end of one chunk for patterns that straddle two. */
const CARRY = 64;

export const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * The content type of a file from its bytes, never from what the client says: magic numbers
 * for PDF, PNG, JPEG and ZIP (DOCX and XLSX being ZIPs with `word/` or `xl/` parts, seen in
 * `zipParts`), plain text for UTF-8 without control characters, application/octet-stream else.
 */
export function sniffContentType(head: Buffer, zipParts: { word: boolean; xl: boolean }): string {
  const starts = (hex: string) => head.subarray(0, hex.length / 2).equals(Buffer.from(hex, 'hex'));
  if (starts('255044462d')) return 'application/pdf'; // %PDF-
  if (starts('89504e470d0a1a0a')) return 'image/png';
  if (starts('ffd8ff')) return 'image/jpeg';
  if (starts('504b0304')) return zipParts.word ? DOCX : zipParts.xl ? XLSX : 'application/zip';
  if (isPlainText(head)) return 'text/plain; charset=utf-8';
  return 'application/octet-stream';
}

/** UTF-8 (a sequence cut at the end of `head` allowed) with no control characters but tab, LF, FF, CR. */
function isPlainText(head: Buffer): boolean {
  if (/[\x00-\x08\x0b\x0e-\x1f\x7f]/.test(head.toString('latin1'))) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, head.length - trailingPartial(head)));
    return true;
  } catch {
    return false;
  }
}

/** Bytes of an incomplete UTF-8 sequence at the end of `b` (0 to 3). */
function trailingPartial(b: Buffer): number {
  for (let back = 1; back <= Math.min(3, b.length); back++) {
    const byte = b[b.length - back];
    if ((byte & 0xc0) !== 0x80) {
      const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
      return need > back ? back : 0;
    }
  }
  return 0;
}

/** A received file in its temporary place: its facts, and how to keep or drop it. */
export interface ReceivedFile {
  sha256: string;
  sizeBytes: number;
  contentType: string;
  /** Pages of a PDF (its `/Type /Page` objects), null for other types or when none are visible (compressed object streams). */
  pageCount: number | null;
  /** Moves the file to `<dir>/<sha256>` (the same bytes may already be there: they are replaced by themselves). */
  keep(): void;
  /** Deletes the temporary file. */
  discard(): void;
}

/** A partial upload untouched this long (ms) belongs to no live upload: an upload in progress writes every chunk. */
export const STALE_PART_MS = 10 * 60 * 1000;

/**
 * Deletes the partial uploads `<dir>/.incoming/*.part` last written more than `olderThanMs`
 * before `now` (ms since the epoch), left by a server killed mid-upload; a fresher one may be
 * another instance's upload in progress and stays. Returns the names deleted.
 */
export function sweepStaleParts(dir: string, olderThanMs: number = STALE_PART_MS, now: number = Date.now()): string[] {
  const incoming = join(dir, '.incoming');
  if (!existsSync(incoming)) return [];
  const swept: string[] = [];
  for (const name of readdirSync(incoming).filter((n) => n.endsWith('.part'))) {
    const path = join(incoming, name);
    if (now - statSync(path).mtimeMs > olderThanMs) {
      rmSync(path, { force: true });
      swept.push(name);
    }
  }
  return swept;
}

/**
 * Streams an upload to `<dir>/.incoming/<random>.part`, hashing (SHA-256) and sniffing as it
 * goes; nothing is buffered whole. The upload stream's own errors (too large, interrupted,
 * malformed: uploadStream) and an empty file (BAD_USER_INPUT on `file`) delete the partial file
 * before the error propagates, so a refused upload leaves nothing behind. The caller keeps the
 * file only once its database rows are written (`keep`), or discards it.
 */
export async function receiveFile(upload: Readable, dir: string): Promise<ReceivedFile> {
  const incoming = join(dir, '.incoming');
  mkdirSync(incoming, { recursive: true });
  const temp = join(incoming, `${randomUUID()}.part`);
  const hash = createHash('sha256');
  let size = 0;
  let head = Buffer.alloc(0);
  let carry = '';
  let pages = 0;
  const zipParts = { word: false, xl: false };
  const scan = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      if (head.length < HEAD_BYTES) head = Buffer.concat([head, chunk.subarray(0, HEAD_BYTES - head.length)]);
      const text = carry + chunk.toString('latin1');
      // A pattern wholly inside the carried-over tail was counted with the previous chunk.
      const counted = (re: RegExp) => [...text.matchAll(re)].filter((m) => m.index! + m[0].length > carry.length).length;
      pages += counted(/\/Type\s*\/Page(?![a-zA-Z])/g);
      zipParts.word ||= text.includes('word/document.xml');
      zipParts.xl ||= text.includes('xl/workbook.xml');
      carry = text.slice(-CARRY);
      done(null, chunk);
    },
  });
  // Opened here, not by the stream: a stream opens its file asynchronously, so an upload refused
  // at once (too large) could create the file after the catch below had already removed it.
  const out = createWriteStream(temp, { fd: openSync(temp, 'wx', 0o640) });
  try {
    await pipeline(upload, scan, out);
    if (size === 0) throw new InputError('file', 'is empty');
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  const sha256 = hash.digest('hex');
  const contentType = sniffContentType(head, zipParts);
  return {
    sha256,
    sizeBytes: size,
    contentType,
    pageCount: contentType === 'application/pdf' && pages > 0 ? pages : null,
    keep: () => renameSync(temp, join(dir, sha256)),
    discard: () => rmSync(temp, { force: true }),
  };
}
