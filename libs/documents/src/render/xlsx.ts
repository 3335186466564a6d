import { once } from 'node:events';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { neutraliseFormula } from '@app/platform/spreadsheet/formula-injection';
import { reclaimer } from './memory';
import type { Block, Cell, Column, DocumentSpec, NumberFormat } from './spec';

/** Spreadsheet number formats: counts as integers, money as yuan with two decimals, shares as percentages. */
const NUM_FMT: Record<NumberFormat, string> = { count: '#,##0', fen: '#,##0.00', share: '0.0%' };

/** A cell's stored value: numbers as numbers (money converted from fen to yuan), text neutralised. */
function cellValue(column: Column, value: Cell): string | number | null {
  if (value === null) return null;
  if (typeof value === 'number') return column.format === 'fen' ? value / 100 : value;
  return neutraliseFormula(value);
}

/** Data rows on one sheet: Excel's and WPS's 1,048,576 rows a sheet, less the header row. */
export const SHEET_DATA_ROWS = 1_048_575;

/** A continuation sheet's name: the table's name (cut to Excel's 31 characters) and "(2)", "(3)"…. */
export function continuationName(name: string, part: number): string {
  const suffix = part === 1 ? '' : ` (${part})`;
  return `${name.slice(0, 31 - suffix.length)}${suffix}`;
}

/**
 * Writes `spec` as an XLSX workbook into `out` with exceljs's streaming writer: a first sheet with
 * the title and the text blocks, then one sheet per table (a streamed table row by row, committed
 * as it goes, so memory does not grow with the rows). A table longer than `sheetRows` data rows
 * (a sheet's limit, SHEET_DATA_ROWS) continues on further sheets, "NAME (2)", "NAME (3)"…, each
 * with the header row again, rather than losing rows a spreadsheet cannot show. `moneyHeader`
 * turns a fen column's header into its yuan header. `onRows(n)` is called after each batch of
 * streamed rows.
 */
export async function renderXlsx(
  spec: DocumentSpec,
  out: Writable,
  sheetNames: { summary: string },
  moneyHeader: (header: string) => string,
  onRows?: (rows: number) => Promise<void>,
  sheetRows = SHEET_DATA_ROWS,
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
    const columns = table.columns.map((c) => ({
      header: neutraliseFormula(c.format === 'fen' ? moneyHeader(c.header) : c.header),
      width: Math.max(10, Math.round(c.width * 4)),
      style: c.format ? { numFmt: NUM_FMT[c.format] } : {},
    }));
    const open = (part: number) => {
      const next = workbook.addWorksheet(continuationName(table.name, part), { views: [{ state: 'frozen', ySplit: 1 }] });
      next.columns = columns;
      next.getRow(1).font = { bold: true };
      return next;
    };
    let part = 1;
    let sheet = open(part);
    let onSheet = 0;
    const add = (row: Cell[]) => {
      if (onSheet === sheetRows) {
        sheet.commit();
        sheet = open(++part);
        onSheet = 0;
      }
      sheet.addRow(row.map((v, i) => cellValue(table.columns[i], v))).commit();
      onSheet++;
    };
    if (table.kind === 'table') {
      table.rows.forEach(add);
    } else {
      let written = 0;
      const reclaim = reclaimer();
      for await (const batch of table.rows()) {
        batch.forEach(add);
        written += batch.length;
        // exceljs writes whatever it is given: wait while the file is behind.
        if (out.writableNeedDrain) await once(out, 'drain');
        reclaim(batch.length);
        await onRows?.(written);
      }
    }
    await sheet.commit();
  }
  await workbook.commit();
}
