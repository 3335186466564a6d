import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { detectDelimiter, openSheet, type SheetRecord, textEncoding, xlsxCell } from './sheet';

/** Reads a whole sheet given as bytes, in chunks of `chunk` bytes. */
async function read(bytes: Buffer, chunk = 7): Promise<{ format: string; encoding: string | null; delimiter: string | null; records: SheetRecord[] }> {
  const pieces: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) pieces.push(bytes.subarray(i, i + chunk));
  const sheet = await openSheet(Readable.from(pieces));
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
