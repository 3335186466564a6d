import { Transform, type TransformCallback } from 'node:stream';
import iconv from 'iconv-lite';

/** The text encodings a claimant sheet is read in (UTF-16 only by its BOM: see sheet.ts). */
export type CsvEncoding = 'utf-8' | 'gb18030' | 'utf-16le' | 'utf-16be';
const SNIFF_BYTES = 64 * 1024;

/**
 * The encoding a sample is in: UTF-8 when it decodes as UTF-8, or when its valid non-ASCII
 * characters outnumber the invalid bytes (a UTF-8 file with a stray byte: decoding it as
 * GB18030 would turn every name into mojibake); else GB18030 (a superset of GBK and GB2312, the
 * other encoding Chinese spreadsheets save), whose text read as UTF-8 is mostly invalid.
 */
export function sniffEncoding(sample: Buffer): 'utf-8' | 'gb18030' {
  const text = new TextDecoder('utf-8').decode(sample, { stream: true });
  let invalid = 0;
  let valid = 0;
  for (const ch of text) {
    if (ch === REPLACEMENT) invalid++;
    else if (ch.charCodeAt(0) > 0x7f) valid++;
  }
  return invalid === 0 || valid > invalid ? 'utf-8' : 'gb18030';
}

/** What a decoder puts where bytes are not valid in the encoding; rows holding it are refused. */
export const REPLACEMENT = '\uFFFD';

/**
 * Bytes in, text out. With `encoding` 'auto', the first 64 KiB decide (sniffEncoding). Bytes
 * that are not valid in the chosen encoding become U+FFFD, and the import refuses the rows that
 * hold one, so one bad cell costs its row, not the file, and is never stored as mojibake.
 * Memory is bounded by the sniff window.
 */
export class DecodeStream extends Transform {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private decoder?: { write(b: Buffer): string; end(): string };
  chosen?: CsvEncoding;

  constructor(private readonly encoding: CsvEncoding | 'auto') {
    super({ readableObjectMode: false, decodeStrings: true, encoding: 'utf8' });
  }

  private choose(sample: Buffer): void {
    this.chosen = this.encoding !== 'auto' ? this.encoding : sniffEncoding(sample);
    if (this.chosen === 'utf-8') {
      const utf8 = new TextDecoder('utf-8', { ignoreBOM: false });
      this.decoder = { write: (b) => utf8.decode(b, { stream: true }), end: () => utf8.decode() };
    } else {
      // iconv strips a UTF-16 BOM; GB18030 has none.
      const other = iconv.getDecoder(this.chosen);
      this.decoder = { write: (b) => other.write(b), end: () => other.end() ?? '' };
    }
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      if (!this.decoder) {
        this.pending.push(chunk);
        this.pendingBytes += chunk.length;
        if (this.pendingBytes < SNIFF_BYTES) return done();
        const sample = Buffer.concat(this.pending);
        this.pending = [];
        this.choose(sample);
        chunk = sample;
      }
      done(null, this.decoder!.write(chunk));
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      let text = '';
      if (!this.decoder) {
        const sample = Buffer.concat(this.pending);
        this.choose(sample);
        text += this.decoder!.write(sample);
      }
      text += this.decoder!.end();
      done(null, text);
    } catch (error) {
      done(error as Error);
    }
  }
}
