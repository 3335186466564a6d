/**
 * A filing document as data, independent of its file format: the content builders produce it,
 * the PDF and XLSX renderers lay it out. Text is final (already in the document's language);
 * numbers stay numbers so that a spreadsheet keeps them as such.
 */

/** A table cell: text, or a number shown with its column's format. */
export type Cell = string | number | null;

/** How a numeric column is shown: integer counts, money in fen shown as yuan, a share 0..1 as a percentage. */
export type NumberFormat = 'count' | 'fen' | 'share';

export interface Column {
  header: string;
  /** Relative width (the table spans the text width). */
  width: number;
  format?: NumberFormat;
  /** Longest text kept in a fixed-height (streamed) row; longer text ends with '…'. */
  maxChars?: number;
}

export type Block =
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; text: string; indent?: boolean }
  /** The parties block: a label and its lines. */
  | { kind: 'parties'; parties: { label: string; lines: string[] }[] }
  | { kind: 'numbered'; items: string[] }
  | { kind: 'table'; name: string; columns: Column[]; rows: Cell[][] }
  /**
   * A table of `count` rows read once, in batches, from `rows` (a database cursor): laid out in
   * fixed-height rows so that its pages are known from the count alone. The last block.
   */
  | { kind: 'stream-table'; name: string; columns: Column[]; count: number; rows: () => AsyncIterable<Cell[][]> }
  /** The closing: addressee lines (此致 / To), the author, the date. */
  | { kind: 'signature'; salutation: string[]; author: string[]; date: string };

export interface DocumentSpec {
  /** The issuing organisation above the title (procuratorate documents), if any. */
  issuer?: string;
  title: string;
  /** A reference line under the title (case title). */
  reference?: string;
  blocks: Block[];
}
