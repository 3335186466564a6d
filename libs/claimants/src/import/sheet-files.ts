/**
 * Files the import hands out: the claimant sheet template (XLSX and CSV) and an import's report
 * as a sheet (CSV and XLSX). Pure: no Nest, no database.
 */
import ExcelJS from 'exceljs';
import { neutraliseFormula } from '@app/platform/spreadsheet/formula-injection';
import { CONSENT_METHOD_WORDS, CONSENT_SCOPE_WORDS, ConsentScope, HARM_TYPE_WORDS } from '../claimant.enums';
import { IMPORT_COLUMNS, type ImportColumn } from './columns';

/** The downloadable sheet formats. */
export type SheetFileFormat = 'xlsx' | 'csv';

/** Content types of the sheet formats. */
export const SHEET_CONTENT_TYPES: Record<SheetFileFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
};

/** The template's columns, in order: every column an import reads but fen (the template takes yuan). */
export const TEMPLATE_COLUMNS: readonly ImportColumn[] = (Object.keys(IMPORT_COLUMNS) as ImportColumn[]).filter((c) => c !== 'loss_fen');
/** Rows of the XLSX template that carry the drop-down lists (the text formats are the columns'). */
export const TEMPLATE_ROWS = 2000;

/** A column's header in the template: its first Chinese name. */
export const templateHeader = (column: ImportColumn): string => IMPORT_COLUMNS[column][1];

/**
 * RFC 4180 CSV, UTF-8 with a BOM (so Excel reads Chinese), CRLF, every cell neutralised, and
 * quoted when it holds a separator of any locale (`,`, `;`, TAB), a quote or a line break, so
 * that the apostrophe keeps the whole cell text.
 */
export function toCsv(rows: readonly (readonly (string | number)[])[]): Buffer {
  const cell = (v: string | number) => {
    const text = neutraliseFormula(String(v));
    return /[",;\t\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return Buffer.from(`\uFEFF${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`, 'utf8');
}

/**
 * The claimant sheet template. XLSX: one sheet 登记表 with the Chinese headers, the ID number and
 * phone columns formatted as text (`@`: Excel keeps every digit), the consent date as a date,
 * drop-down lists of the standard words for consent method, consent scope and harm type (other
 * words a row may use are still accepted: the lists warn, they do not forbid), and a second sheet
 * 说明 listing the enum words (the import reads the first sheet only). CSV: the header row.
 */
export async function claimantTemplate(format: SheetFileFormat): Promise<Buffer> {
  const headers = TEMPLATE_COLUMNS.map(templateHeader);
  if (format === 'csv') return toCsv([headers]);
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('登记表', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.addRow(headers).font = { bold: true };
  const lists: Partial<Record<ImportColumn, string[]>> = {
    consent_method: Object.values(CONSENT_METHOD_WORDS).map((w) => w[0]),
    consent_scope: [`${CONSENT_SCOPE_WORDS[ConsentScope.REPRESENTATION][0]};${CONSENT_SCOPE_WORDS[ConsentScope.DATA_USE][0]}`, ...Object.values(CONSENT_SCOPE_WORDS).map((w) => w[0])],
    harm_types: Object.values(HARM_TYPE_WORDS).map((w) => w[0]),
  };
  // exceljs keeps a sheet's validations by address or range; its typings omit the collection.
  const validations = (sheet as unknown as { dataValidations: { add(range: string, v: ExcelJS.DataValidation): void } }).dataValidations;
  TEMPLATE_COLUMNS.forEach((column, i) => {
    const col = sheet.getColumn(i + 1);
    col.width = column === 'id_number' || column === 'incident_ids' ? 22 : 14;
    if (column === 'id_number' || column === 'phone') col.numFmt = '@';
    if (column === 'consent_given_at') col.numFmt = 'yyyy-mm-dd';
    const list = lists[column];
    // One validation over the column's range: per-cell validations would create TEMPLATE_ROWS empty rows.
    if (list) {
      validations.add(`${col.letter}2:${col.letter}${TEMPLATE_ROWS + 1}`, {
        type: 'list',
        allowBlank: true,
        formulae: [`"${list.join(',')}"`],
        showErrorMessage: column !== 'harm_types',
        errorStyle: 'warning',
        error: '请从列表中选择（也可填写说明中的其他写法）',
      });
    }
  });
  const help = book.addWorksheet('说明');
  help.addRow(['列', 'column', '可用的写法 accepted words']).font = { bold: true };
  for (const column of TEMPLATE_COLUMNS) help.addRow([templateHeader(column), column, IMPORT_COLUMNS[column].join(' / ')]);
  help.addRow([]);
  for (const [title, words] of [
    ['同意方式 consent_method', CONSENT_METHOD_WORDS],
    ['同意范围 consent_scope', CONSENT_SCOPE_WORDS],
    ['损害类型 harm_types', HARM_TYPE_WORDS],
  ] as const) {
    for (const [value, forms] of Object.entries(words)) help.addRow([title, value, (forms as readonly string[]).join(' / ')]);
  }
  help.getColumn(1).width = 24;
  help.getColumn(2).width = 24;
  help.getColumn(3).width = 60;
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** One line of an import's report sheet. `row` is empty for an ignored column. */
export interface ReportLine {
  row: number | '';
  /** REJECTED, WARNING, SKIPPED (an all-empty row) or IGNORED_COLUMN. */
  decision: 'REJECTED' | 'WARNING' | 'SKIPPED' | 'IGNORED_COLUMN';
  field: string;
  code: string;
  reason: string;
}

/** The report sheet's header row. */
export const REPORT_HEADER = ['行号 row', '结果 decision', '列 field', '代码 code', '原因 reason'] as const;

/**
 * An import's report as a sheet, one line per ReportLine. CSV cells are neutralised against
 * formulas; XLSX cells are typed text (a spreadsheet never evaluates them), row numbers numbers.
 */
export async function reportSheet(lines: readonly ReportLine[], format: SheetFileFormat): Promise<Buffer> {
  const rows = lines.map((l) => [l.row, l.decision, l.field, l.code, l.reason]);
  if (format === 'csv') return toCsv([[...REPORT_HEADER], ...rows]);
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('导入报告', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.addRow([...REPORT_HEADER]).font = { bold: true };
  for (const row of rows) sheet.addRow(row);
  [8, 16, 18, 22, 80].forEach((w, i) => (sheet.getColumn(i + 1).width = w));
  return Buffer.from(await book.xlsx.writeBuffer());
}
