import { Transform, type TransformCallback } from 'node:stream';
import iconv from 'iconv-lite';
import { ImportFileError } from '../claimant.errors';

export type CsvEncoding = 'utf-8' | 'gb18030';
const SNIFF_BYTES = 64 * 1024;

/** True when `bytes` is valid UTF-8, allowing a sequence cut at the end of the sample. */
function looksUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * Bytes in, text out. With `encoding` 'auto', the first 64 KiB decide: strict UTF-8 if they
 * decode as such, else GB18030 (a superset of GBK and GB2312, the other encoding Chinese
 * spreadsheets save). A UTF-8 file that turns invalid later is refused, naming the byte offset,
 * rather than decoded into replacement characters. Memory is bounded by the sniff window.
 */
export class DecodeStream extends Transform {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private decoder?: { write(b: Buffer): string; end(): string };
  private offset = 0;
  chosen?: CsvEncoding;

  constructor(private readonly encoding: CsvEncoding | 'auto') {
    super({ readableObjectMode: false, decodeStrings: true, encoding: 'utf8' });
  }

  private choose(sample: Buffer): void {
    this.chosen = this.encoding !== 'auto' ? this.encoding : looksUtf8(sample) ? 'utf-8' : 'gb18030';
    if (this.chosen === 'utf-8') {
      const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
      this.decoder = {
        write: (b) => {
          try {
            return utf8.decode(b, { stream: true });
          } catch {
            throw new ImportFileError('is not valid UTF-8 (give the encoding, e.g. gb18030)', { nearByte: this.offset });
          }
        },
        end: () => {
          try {
            return utf8.decode();
          } catch {
            throw new ImportFileError('ends inside a UTF-8 character (truncated?)');
          }
        },
      };
    } else {
      const gb = iconv.getDecoder('gb18030');
      this.decoder = { write: (b) => gb.write(b), end: () => gb.end() ?? '' };
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
      const text = this.decoder!.write(chunk);
      this.offset += chunk.length;
      done(null, text);
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
