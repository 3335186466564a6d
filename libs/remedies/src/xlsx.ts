import ExcelJS from 'exceljs';

/** Fen (decimal string or bigint) as a number of yuan, shown to the fen with the `0.00` format. */
export function yuan(fen: string | bigint): number {
  return Number(BigInt(fen)) / 100;
}

/** A column of an export: its header, width, and for money the `0.00` format. */
export interface ExportColumn {
  header: string;
  key: string;
  width: number;
  money?: boolean;
}

/** Sets the sheet's columns and bolds the header row. */
export function setColumns(sheet: ExcelJS.Worksheet, columns: ExportColumn[]): void {
  sheet.columns = columns.map((c) => ({ header: c.header, key: c.key, width: c.width }));
  sheet.getRow(1).font = { bold: true };
}

/**
 * Adds a row of `values` by column key, money cells formatted `0.00` (set on each cell: the
 * streaming writer does not carry column styles to its cells). Returns the row (the streaming
 * writer's caller commits it).
 */
export function addRow(sheet: ExcelJS.Worksheet, columns: ExportColumn[], values: Record<string, string | number | null>): ExcelJS.Row {
  const row = sheet.addRow(values);
  columns.forEach((c, i) => {
    if (c.money) row.getCell(i + 1).numFmt = '0.00';
  });
  return row;
}
