import { mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pbkdf2 } from 'node:crypto';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { DOCX, receiveFile, sniffContentType, sweepStaleParts, XLSX } from './evidence-file';

const none = { word: false, xl: false };

describe('the content type of an evidence file, from its bytes', () => {
  it('knows PDF, PNG and JPEG by their magic numbers, whatever follows', () => {
    expect(sniffContentType(Buffer.from('%PDF-1.7\n%\xe2\xe3', 'latin1'), none)).toBe('application/pdf');
    expect(sniffContentType(Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), none)).toBe('image/png');
    expect(sniffContentType(Buffer.from('ffd8ffe000104a464946', 'hex'), none)).toBe('image/jpeg');
  });

  it('tells a DOCX and an XLSX from another ZIP by their parts', () => {
    const zip = Buffer.from('504b030414000600', 'hex');
    expect(sniffContentType(zip, { word: true, xl: false })).toBe(DOCX);
    expect(sniffContentType(zip, { word: false, xl: true })).toBe(XLSX);
    expect(sniffContentType(zip, none)).toBe('application/zip');
  });

  it('takes UTF-8 without control characters as plain text, a sequence cut at the end of the sniffed head included', () => {
    expect(sniffContentType(Buffer.from('出警记录\r\n\t第一页\f'), none)).toBe('text/plain; charset=utf-8');
    expect(sniffContentType(Buffer.from('记录').subarray(0, 5), none)).toBe('text/plain; charset=utf-8');
  });

  it('calls anything else application/octet-stream, never what the client claimed', () => {
    expect(sniffContentType(Buffer.from([0x00, 0x01, 0x02]), none)).toBe('application/octet-stream');
    expect(sniffContentType(Buffer.from('c328', 'hex'), none)).toBe('application/octet-stream');
    // GB18030 text is not UTF-8.
    expect(sniffContentType(Buffer.from('b3f6beafbcc7c2bc', 'hex'), none)).toBe('application/octet-stream');
  });
});

describe('the start-up sweep of partial uploads', () => {
  it('deletes a .part left untouched for more than the threshold and keeps a fresh one, stored files and other names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leakcase-sweep-'));
    mkdirSync(join(dir, '.incoming'));
    const now = Date.parse('2026-12-07T12:00:00Z');
    const at = (name: string, iso: string) => {
      writeFileSync(join(dir, '.incoming', name), 'x');
      utimesSync(join(dir, '.incoming', name), new Date(iso), new Date(iso));
    };
    at('killed.part', '2026-12-07T11:49:59Z'); // 10 min 1 s before now
    at('live.part', '2026-12-07T11:59:00Z');
    at('notes.txt', '2026-01-01T00:00:00Z');
    writeFileSync(join(dir, 'a'.repeat(64)), 'stored');
    expect(sweepStaleParts(dir, 10 * 60 * 1000, now)).toEqual(['killed.part']);
    expect(readdirSync(join(dir, '.incoming')).sort()).toEqual(['live.part', 'notes.txt']);
    expect(readdirSync(dir).sort()).toEqual(['.incoming', 'a'.repeat(64)]);
  });

  it('does nothing when no upload ever started', () => {
    expect(sweepStaleParts(mkdtempSync(join(tmpdir(), 'leakcase-sweep-')))).toEqual([]);
  });
});

describe('receiving an upload that fails', () => {
  it('leaves no partial file when the upload fails before the file is open (a too-large body, a busy thread pool)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evidence-'));
    // Occupy libuv's thread pool so that a file opened asynchronously would open only after the refusal.
    const busy = Array.from({ length: 8 }, () => promisify(pbkdf2)('x', 'y', 200_000, 32, 'sha256'));
    const refused = new Readable({ read() {} });
    refused.on('error', () => undefined);
    process.nextTick(() => refused.destroy(new Error('request entity too large')));
    await expect(receiveFile(refused, dir)).rejects.toThrow('request entity too large');
    await Promise.all(busy);
    await new Promise((r) => setTimeout(r, 20));
    expect(readdirSync(join(dir, '.incoming'))).toEqual([]);
  });
});
