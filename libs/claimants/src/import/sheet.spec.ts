import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { detectDelimiter, openSheet, removeStaleXlsxUploads, type SheetRecord, textEncoding, type XlsxLimits, xlsxCell } from './sheet';

const root = mkdtempSync(join(tmpdir(), 'sheet-spec-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const LIMITS: XlsxLimits = { tempDir: join(root, 'uploads'), maxUncompressedBytes: 50 * 1024 * 1024, maxSharedStringsBytes: 10 * 1024 * 1024 };

/** Reads a whole sheet given as bytes, in chunks of `chunk` bytes. */
async function read(bytes: Buffer, chunk = 7, limits = LIMITS): Promise<{ format: string; encoding: string | null; delimiter: string | null; records: SheetRecord[] }> {
  const pieces: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) pieces.push(bytes.subarray(i, i + chunk));
  const sheet = await openSheet(Readable.from(pieces), 'auto', limits);
  const records: SheetRecord[] = [];
  const sink = new Writable({
    objectMode: true,
    write(r: SheetRecord, _e, done) {
      records.push(r);
      done();
    },
  });
  await pipeline([sheet.bytes, ...sheet.readers, sink]);
  return { format: sheet.format, encoding: sheet.encoding, delimiter: sheet.delimiter, records };
}

describe('openSheet: the format from the bytes', () => {
  const rows = [
    ['姓名', '手机号', '备注'],
    ['张三', '13800138000', '老客户, 已回访'],
  ];

  it('reads Excel "CSV (逗号分隔)": GBK, CRLF, a quoted comma', async () => {
    const got = await read(iconv.encode('姓名,手机号,备注\r\n张三,13800138000,"老客户, 已回访"\r\n', 'gbk'));
    expect(got).toEqual({ format: 'csv', encoding: 'gb18030', delimiter: ',', records: [{ row: 1, cells: rows[0] }, { row: 2, cells: rows[1] }] });
  });

  it('reads "CSV UTF-8" with its BOM and plain UTF-8 without one', async () => {
    const text = '姓名,手机号,备注\n张三,13800138000,"老客户, 已回访"\n';
    for (const bytes of [Buffer.from(`\uFEFF${text}`), Buffer.from(text)]) {
      const got = await read(bytes, 5);
      expect(got.encoding).toBe('utf-8');
      expect(got.records.map((r) => r.cells)).toEqual(rows);
    }
  });

  it('reads Excel "Unicode 文本" (UTF-16LE with BOM, TAB) and UTF-16BE by its BOM', async () => {
    const text = '姓名\t手机号\t备注\r\n张三\t13800138000\t老客户, 已回访\r\n';
    const le = await read(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    expect(le).toMatchObject({ format: 'csv', encoding: 'utf-16le', delimiter: '\t' });
    expect(le.records.map((r) => r.cells)).toEqual(rows);
    const be = Buffer.from(text, 'utf16le').swap16();
    const got = await read(Buffer.concat([Buffer.from([0xfe, 0xff]), be]));
    expect(got.encoding).toBe('utf-16be');
    expect(got.records.map((r) => r.cells)).toEqual(rows);
  });

  it('numbers records as lines: a blank line and an all-empty row are records of empty cells', async () => {
    const got = await read(Buffer.from('a,b\n\n,\nx,y\n'));
    expect(got.records).toEqual([
      { row: 1, cells: ['a', 'b'] },
      { row: 2, cells: [''] },
      { row: 3, cells: ['', ''] },
      { row: 4, cells: ['x', 'y'] },
    ]);
  });

  it('reads an XLSX workbook by its zip signature, whatever it is called: its first sheet, with typed cells', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('登记表');
    sheet.addRow(['姓名', '身份证号', '同意日期', '损失金额(元)']);
    sheet.addRow(['张三', '110105199003071234', new Date(Date.UTC(2025, 3, 2)), 19.99]);
    sheet.addRow([{ richText: [{ text: '李' }, { text: '四' }] }, 110105199003071000, { formula: 'DATE(2025,4,3)', result: new Date(Date.UTC(2025, 3, 3)) }, { error: '#N/A' }]);
    sheet.getCell('C2').numFmt = 'yyyy-mm-dd';
    sheet.getCell('C3').numFmt = 'yyyy-mm-dd';
    book.addWorksheet('说明').addRow(['not read']);
    const got = await read(Buffer.from(await book.xlsx.writeBuffer()), 1000);
    expect(got).toMatchObject({ format: 'xlsx', encoding: null, delimiter: null });
    expect(got.records).toEqual([
      { row: 1, cells: ['姓名', '身份证号', '同意日期', '损失金额(元)'] },
      { row: 2, cells: ['张三', '110105199003071234', '2025-04-02', 19.99] },
      // A formula's saved result as the streaming reader gives it: a date formula's is its serial number.
      { row: 3, cells: ['李四', 110105199003071000, 45750, { excelError: '#N/A' }] },
    ]);
  });
  it('reads an XLSX row of empty shared-string texts as a record of empty cells (skipped like `,,`), a formats-only row as none', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('登记表');
    sheet.addRow(['姓名', '手机号']);
    sheet.addRow(['', '']); // written as the shared string "" (<si><t></t></si>)
    sheet.getRow(3).height = 30; // a height only: no cell
    sheet.addRow(['张三', '13800138000']);
    const got = await read(Buffer.from(await book.xlsx.writeBuffer()), 1000);
    expect(got.records).toEqual([
      { row: 1, cells: ['姓名', '手机号'] },
      { row: 2, cells: ['', ''] },
      { row: 4, cells: ['张三', '13800138000'] },
    ]);
  });
});

describe('openSheet: Chinese text across the zip\'s chunks', () => {
  // exceljs's own streaming reader garbles a character that a 16 KiB inflate chunk cuts in two.
  const names = Array.from({ length: 4000 }, (_, i) => `测试${i}号·${'欧阳'.repeat(10)}`);

  it('reads every Chinese shared string of a workbook intact', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('登记表');
    for (const name of names) sheet.addRow([name]);
    const got = await read(Buffer.from(await book.xlsx.writeBuffer()), 65536);
    expect(got.records.map((r) => r.cells[0])).toEqual(names);
  });

  it('reads every Chinese inline string of a streamed workbook intact', async () => {
    const chunks: Buffer[] = [];
    const out = new Writable({ write: (c: Buffer, _e, done) => (chunks.push(c), done()) });
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false });
    const sheet = writer.addWorksheet('登记表');
    for (const name of names) sheet.addRow([name]).commit();
    sheet.commit();
    await writer.commit();
    const got = await read(Buffer.concat(chunks), 65536);
    expect(got.records.map((r) => r.cells[0])).toEqual(names);
  });
});

describe('the sniffing rules', () => {
  it('takes the encoding from a UTF-16 BOM before anything else', () => {
    expect(textEncoding(Buffer.from([0xff, 0xfe, 0x41, 0x00]))).toBe('utf-16le');
    expect(textEncoding(Buffer.from([0xfe, 0xff, 0x00, 0x41]))).toBe('utf-16be');
    expect(textEncoding(Buffer.from('name,phone'))).toBe('utf-8');
  });

  it('separates by TAB only when the header line has more TABs than commas', () => {
    expect(detectDelimiter('姓名\t手机号\t备注\n张三,x')).toBe('\t');
    expect(detectDelimiter('姓名,手机号\t备注,地址\r\n')).toBe(',');
    expect(detectDelimiter('\uFEFF姓名')).toBe(',');
  });

  it('reads XLSX cell values: text trimmed, booleans, formula results, a formula without a result refused', () => {
    expect(xlsxCell('  张三 ')).toBe('张三');
    expect(xlsxCell(true)).toBe('TRUE');
    expect(xlsxCell(null)).toBe('');
    expect(xlsxCell(new Date(Date.UTC(2025, 2, 1, 10, 30)))).toBe('2025-03-01 10:30');
    expect(xlsxCell({ formula: 'A1', result: '13800138000' } as never)).toBe('13800138000');
    expect(xlsxCell({ formula: 'A1' } as never)).toEqual({ excelError: 'a formula with no saved result' });
    expect(xlsxCell({ text: '邮箱', hyperlink: 'mailto:a@b.cn' } as never)).toBe('邮箱');
  });
});

describe('openSheet: XLSX bounds and temporary files', () => {
  /** An XLSX as exceljs (and Excel) write it: the worksheet before xl/sharedStrings.xml in the zip. */
  async function workbook(rows: (string | number)[][]): Promise<Buffer> {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('登记表');
    for (const row of rows) sheet.addRow(row);
    const bytes = Buffer.from(await book.xlsx.writeBuffer());
    const names = bytes.toString('latin1');
    expect(names.indexOf('xl/worksheets/sheet1.xml')).toBeLessThan(names.indexOf('xl/sharedStrings.xml'));
    return bytes;
  }
  const uploads = (dir: string) => readdirSync(dir);

  it('refuses shared strings past their bound, a small file that inflates to a large part, and leaves no file', async () => {
    const tempDir = join(root, 'bomb-sst');
    // 40 strings of 5,000 characters: 200,000 characters in xl/sharedStrings.xml, a few KB zipped.
    const bomb = await workbook([Array.from({ length: 40 }, (_, i) => `${i}`.padEnd(5000, '汉'))]);
    expect(bomb.length).toBeLessThan(20_000);
    const limits = { tempDir, maxUncompressedBytes: 10 * 1024 * 1024, maxSharedStringsBytes: 100_000 };
    await expect(read(bomb, 1000, limits)).rejects.toThrow('file: is too large once uncompressed: its shared strings exceeds 100000 bytes');
    expect(uploads(tempDir)).toEqual([]);
  });

  it('refuses a workbook whose parts inflate past the total bound (a worksheet of spaces), and leaves no file', async () => {
    const tempDir = join(root, 'bomb-sheet');
    const bomb = await workbook([['姓名', '身份证号', '手机号'], ...Array.from({ length: 3000 }, (_, i) => [i, i, i])]);
    const limits = { tempDir, maxUncompressedBytes: 50_000, maxSharedStringsBytes: 50_000 };
    await expect(read(bomb, 1000, limits)).rejects.toThrow('file: is too large once uncompressed: the workbook exceeds 50000 bytes');
    expect(uploads(tempDir)).toEqual([]);
    // The same file within generous bounds is read whole.
    expect((await read(bomb, 1000, { ...limits, maxUncompressedBytes: 10 * 1024 * 1024 })).records).toHaveLength(3001);
    expect(uploads(tempDir)).toEqual([]);
  });

  it('reads a sheet-first workbook without writing anywhere but its own directory, and removes it when the reader is refused mid-way', async () => {
    const tempDir = join(root, 'refused');
    const bytes = await workbook([['姓名', '身份证号'], ['王芳', '310104198807120020']]);
    const sheet = await openSheet(Readable.from([bytes]), 'auto', { ...LIMITS, tempDir });
    const refuse = new Writable({ objectMode: true, write: (_r: SheetRecord, _e, done) => done(new Error('header lacks required columns: phone')) });
    await expect(pipeline([sheet.bytes, ...sheet.readers, refuse])).rejects.toThrow('phone');
    // The reader's finally runs as the pipeline is torn down.
    await new Promise((r) => setTimeout(r, 50));
    expect(uploads(tempDir)).toEqual([]);
    expect((await read(bytes, 1000, { ...LIMITS, tempDir })).records.map((r) => r.cells)).toEqual([
      ['姓名', '身份证号'],
      ['王芳', '310104198807120020'],
    ]);
    expect(uploads(tempDir)).toEqual([]);
  });

  it('removes the upload directories of processes no longer running, and keeps those of running ones', async () => {
    const tempDir = join(root, 'stale');
    // 2^22 + 1 exceeds Linux's largest process id (pid_max ≤ 2^22).
    for (const name of [`xlsx-${2 ** 22 + 1}-abc`, `xlsx-${process.pid}-def`]) {
      mkdirSync(join(tempDir, name), { recursive: true });
      writeFileSync(join(tempDir, name, 'upload.xlsx'), 'x');
    }
    await removeStaleXlsxUploads(tempDir);
    expect(uploads(tempDir)).toEqual([`xlsx-${process.pid}-def`]);
  });
});
