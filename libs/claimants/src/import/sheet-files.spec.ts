import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import { claimantTemplate, reportSheet, toCsv } from './sheet-files';
import { openSheet, type SheetRecord } from './sheet';

const TEMPLATE_HEADERS = ['姓名', '身份证号', '手机号', '邮箱', '地址', '同意日期', '同意方式', '同意范围', '损害类型', '损失金额(元)', '证据', '泄露事件'];

async function records(bytes: Buffer): Promise<SheetRecord[]> {
  const sheet = await openSheet(Readable.from([bytes]), 'auto', { tempDir: join(tmpdir(), `sheet-files-spec-${process.pid}`), maxUncompressedBytes: 1 << 26, maxSharedStringsBytes: 1 << 24 });
  const out: SheetRecord[] = [];
  await pipeline([sheet.bytes, ...sheet.readers, new Writable({ objectMode: true, write: (r: SheetRecord, _e, done) => (out.push(r), done()) })]);
  return out;
}

describe('toCsv', () => {
  it('neutralises a formula after a separator a spreadsheet may split at (red team F8), and quotes the cell so it stays one', () => {
    expect(toCsv([['', 'IGNORED_COLUMN', 'x;=1+1'], ['', 'IGNORED_COLUMN', 'y\t=1+1'], ['a;b']]).toString('utf8')).toBe(
      '\uFEFF,IGNORED_COLUMN,"\'x;=1+1"\r\n,IGNORED_COLUMN,"\'y\t=1+1"\r\n"a;b"\r\n',
    );
  });

  it('writes UTF-8 with a BOM, CRLF, quotes where RFC 4180 needs them', () => {
    expect(toCsv([['a', 'b,c'], [1, 'say "hi"'], ['=cmd', 'x\ny']]).toString('utf8')).toBe('\uFEFFa,"b,c"\r\n1,"say ""hi"""\r\n\'=cmd,"x\ny"\r\n');
  });
});

describe('claimantTemplate', () => {
  it('XLSX: Chinese headers, ID and phone columns as text, drop-down lists, and no data rows (an import of it reads the header only)', async () => {
    const bytes = await claimantTemplate('xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as never);
    const sheet = book.worksheets[0];
    expect(sheet.name).toBe('登记表');
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(TEMPLATE_HEADERS);
    expect(sheet.getColumn(2).numFmt).toBe('@');
    expect(sheet.getColumn(3).numFmt).toBe('@');
    expect(sheet.getCell('G2').dataValidation).toMatchObject({ type: 'list', formulae: ['"书面签字,电子签名,线上表单,录音"'] });
    expect(sheet.getCell('H100').dataValidation).toMatchObject({ type: 'list', formulae: ['"委托诉讼;个人信息处理,委托诉讼,个人信息处理"'] });
    expect(sheet.getCell('I2').dataValidation).toMatchObject({
      type: 'list',
      formulae: ['"诈骗损失,骚扰电话短信,身份冒用,账户被盗,名誉受损,精神损害,其他"'],
    });
    expect(book.worksheets[1].name).toBe('说明');
    expect(await records(bytes)).toEqual([{ row: 1, cells: TEMPLATE_HEADERS }]);
  });

  it('CSV: the header row', async () => {
    expect((await claimantTemplate('csv')).toString('utf8')).toBe(`\uFEFF${TEMPLATE_HEADERS.join(',')}\r\n`);
  });

  it('is shipped in examples/ as generated (leakcase claimants template examples/claimants-template.xlsx, .csv)', async () => {
    const examples = join(__dirname, '..', '..', '..', '..', 'examples');
    expect(readFileSync(join(examples, 'claimants-template.csv'))).toEqual(await claimantTemplate('csv'));
    const model = async (bytes: Buffer) => {
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(bytes as never);
      return book.worksheets.map((w) => ({ name: w.name, values: w.getSheetValues(), formats: w.columns.map((c) => c.numFmt), validations: (w as never as { dataValidations: { model: unknown } }).dataValidations.model }));
    };
    expect(await model(readFileSync(join(examples, 'claimants-template.xlsx')))).toEqual(await model(await claimantTemplate('xlsx')));
  });
});

describe('reportSheet', () => {
  const lines = [
    { row: '' as const, decision: 'IGNORED_COLUMN' as const, field: '=HYPERLINK("x")', code: '', reason: 'column 4 is not one leakcase reads: ignored' },
    { row: 2, decision: 'REJECTED' as const, field: 'phone', code: '', reason: 'is required' },
  ];

  it('CSV: the header, then one line each, the formula-looking header neutralised', async () => {
    expect((await reportSheet(lines, 'csv')).toString('utf8')).toBe(
      '\uFEFF行号 row,结果 decision,列 field,代码 code,原因 reason\r\n' +
        ',IGNORED_COLUMN,"\'=HYPERLINK(""x"")",,column 4 is not one leakcase reads: ignored\r\n' +
        '2,REJECTED,phone,,is required\r\n',
    );
  });

  it('XLSX: the same lines, as text cells (a spreadsheet never evaluates them) and row numbers', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await reportSheet(lines, 'xlsx')) as never);
    const sheet = book.worksheets[0];
    expect(sheet.getCell('C2').value).toBe('=HYPERLINK("x")');
    expect(sheet.getCell('C2').type).toBe(ExcelJS.ValueType.String);
    expect(sheet.getCell('A3').value).toBe(2);
    expect(sheet.rowCount).toBe(3);
  });
});
