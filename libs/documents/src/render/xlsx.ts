import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Block, Cell, Column, DocumentSpec, NumberFormat } from './spec';

/** Spreadsheet number formats: counts as integers, money as yuan with two decimals, shares as percentages. */
const NUM_FMT: Record<NumberFormat, string> = { count: '#,##0', fen: '#,##0.00', share: '0.0%' };

/** The first characters that make a spreadsheet read a cell as a formula (or a command in a CSV export of it). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A text cell's value as stored: text that a spreadsheet would read as a formula (it starts with
 * = + - @, a tab or a carriage return) is prefixed with an apostrophe, so it stays text when the
 * sheet is opened, re-typed or saved as CSV (OWASP's advice on formula injection).
 */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** A cell's stored value: numbers as numbers (money converted from fen to yuan), text neutralised. */
function cellValue(column: Column, value: Cell): string | number | null {
  if (value === null) return null;
  if (typeof value === 'number') return column.format === 'fen' ? value / 100 : value;
  return neutraliseFormula(value);
}

/**
 * Writes `spec` as an XLSX workbook into `out` with exceljs's streaming writer: a first sheet with
 * the title and the text blocks, then one sheet per table (a streamed table row by row, committed
 * as it goes, so memory does not grow with the rows). `moneyHeader` turns a fen column's header
 * into its yuan header. `onRows(n)` is called after each batch of streamed rows.
 */
export async function renderXlsx(
  spec: DocumentSpec,
  out: Writable,
  sheetNames: { summary: string },
  moneyHeader: (header: string) => string,
  onRows?: (rows: number) => Promise<void>,
): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = 'leakcase';
  const summary = workbook.addWorksheet(sheetNames.summary);
  summary.getColumn(1).width = 28;
  summary.getColumn(2).width = 90;
  const line = (a: string, b = '') => summary.addRow([neutraliseFormula(a), neutraliseFormula(b)]).commit();
  if (spec.issuer) line(spec.issuer);
  line(spec.title);
  if (spec.reference) line(spec.reference);
  const tables: Extract<Block, { kind: 'table' | 'stream-table' }>[] = [];
  for (const block of spec.blocks) {
    switch (block.kind) {
      case 'heading':
        line('');
        line(block.text);
        break;
      case 'paragraph':
        line('', block.text);
        break;
      case 'parties':
        for (const party of block.parties) party.lines.forEach((l, i) => line(i === 0 ? party.label : '', l));
        break;
      case 'numbered':
        block.items.forEach((item) => line('', item));
        break;
      case 'signature':
        line('');
        for (const l of [...block.author, block.date]) line('', l);
        break;
      default:
        tables.push(block);
    }
  }
  await summary.commit();

  for (const table of tables) {
    const sheet = workbook.addWorksheet(table.name.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = table.columns.map((c) => ({
      header: neutraliseFormula(c.format === 'fen' ? moneyHeader(c.header) : c.header),
      width: Math.max(10, Math.round(c.width * 4)),
      style: c.format ? { numFmt: NUM_FMT[c.format] } : {},
    }));
    sheet.getRow(1).font = { bold: true };
    const add = (row: Cell[]) => sheet.addRow(row.map((v, i) => cellValue(table.columns[i], v))).commit();
    if (table.kind === 'table') {
      table.rows.forEach(add);
    } else {
      let written = 0;
      for await (const batch of table.rows()) {
        batch.forEach(add);
        written += batch.length;
        await onRows?.(written);
      }
    }
    await sheet.commit();
  }
  await workbook.commit();
}
