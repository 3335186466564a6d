import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Cell, DocumentSpec } from './spec';
import { continuationName, renderXlsx } from './xlsx';

/** Renders `spec` with at most `sheetRows` data rows a sheet; the workbook read back. */
async function render(spec: DocumentSpec, sheetRows: number): Promise<ExcelJS.Workbook> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await renderXlsx(spec, out, { summary: 'Summary' }, (h) => `${h} (yuan)`, undefined, sheetRows);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
  return workbook;
}

/** A sheet's rows as arrays of values (exceljs's row.values starts at index 1). */
const rowsOf = (sheet: ExcelJS.Worksheet): unknown[][] => sheet.getSheetValues().filter(Boolean).map((r) => (r as unknown[]).slice(1));

describe('renderXlsx past a sheet\'s row limit', () => {
  const columns = [
    { header: 'No.', width: 1, format: 'count' as const },
    { header: 'Loss', width: 2, format: 'fen' as const },
  ];
  const spec = (n: number): DocumentSpec => ({
    title: 'Roster',
    blocks: [
      { kind: 'table', name: 'Totals', columns, rows: [[1, 100], [2, 250]] },
      {
        kind: 'stream-table',
        name: 'Members',
        columns,
        count: n,
        rows: async function* () {
          for (let i = 0; i < n; i += 2) yield Array.from({ length: Math.min(2, n - i) }, (_, j): Cell[] => [i + j + 1, (i + j + 1) * 100]);
        },
      },
    ],
  });

  it('continues a table on further sheets, each with the header row, no row lost or repeated', async () => {
    // 7 rows at 3 a sheet: 3 + 3 + 1, on "Members", "Members (2)", "Members (3)".
    const workbook = await render(spec(7), 3);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Summary', 'Totals', 'Members', 'Members (2)', 'Members (3)']);
    const header = ['No.', 'Loss (yuan)'];
    expect(rowsOf(workbook.getWorksheet('Members')!)).toEqual([header, [1, 1], [2, 2], [3, 3]]);
    expect(rowsOf(workbook.getWorksheet('Members (2)')!)).toEqual([header, [4, 4], [5, 5], [6, 6]]);
    expect(rowsOf(workbook.getWorksheet('Members (3)')!)).toEqual([header, [7, 7]]);
    expect(rowsOf(workbook.getWorksheet('Totals')!)).toEqual([header, [1, 1], [2, 2.5]]);
  });

  it('opens no empty sheet when the rows fill the last one exactly', async () => {
    const workbook = await render(spec(6), 3);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Summary', 'Totals', 'Members', 'Members (2)']);
    expect(rowsOf(workbook.getWorksheet('Members (2)')!)).toHaveLength(4);
  });

  it('names continuation sheets within Excel\'s 31 characters', () => {
    expect(continuationName('当事人名册', 1)).toBe('当事人名册');
    expect(continuationName('当事人名册', 2)).toBe('当事人名册 (2)');
    const long = 'A'.repeat(40);
    expect(continuationName(long, 1)).toBe('A'.repeat(31));
    expect(continuationName(long, 12)).toBe(`${'A'.repeat(26)} (12)`);
  });
});
