import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import PDFDocument from 'pdfkit';
import { reclaimer } from './memory';
import type { Block, Cell, Column, DocumentSpec, NumberFormat } from './spec';

const FONT_DIR = dirname(require.resolve('node-source-han-sans-sc/package.json'));
/** Source Han Sans SC (SIL Open Font License), embedded and subset per document: CJK and Latin. */
export const FONT_REGULAR = join(FONT_DIR, 'SourceHanSansSC-Regular.otf');
export const FONT_BOLD = join(FONT_DIR, 'SourceHanSansSC-Bold.otf');

/** A4 in points, and the page frame every document uses. */
export const PAGE = Object.freeze({ size: 'A4' as const, margins: { top: 64, bottom: 64, left: 64, right: 64 } });
const FOOTER_FROM_BOTTOM = 40;
const BODY_SIZE = 11;
const LINE_GAP = 4;

/**
 * The fixed geometry of table rows: a streamed table's pages follow from its row count alone
 * (rows per page = (frame height - header row) / row height), so no page is kept in memory to
 * number them (see renderPdf). A header row is at least headerHeight, taller when a header wraps.
 */
export const TABLE = Object.freeze({ headerHeight: 22, rowHeight: 15, fontSize: 8.5, headerFontSize: 8.5, padding: 4 });

/** What the renderer needs of the document's language. */
export interface PdfLabels {
  /** '第 X 页 / 共 Y 页' or 'Page X of Y'. */
  pageOf(page: number, pages: number): string;
  /** A number in a column's format, for reading ('1,234.56', '12.5%'). */
  number(value: number, format: NumberFormat): string;
  /** The PDF's metadata language tag ('zh-CN', 'en'). */
  lang: string;
}

/** Pages, and rows streamed (for progress). */
export interface PdfResult {
  pages: number;
}

/**
 * Lays out `spec` as an A4 PDF into `out` (which the caller reads: hashing, a file), with "page X
 * of Y" on every page. The total is known before the first page is written, with no page held in
 * memory: a first pass lays out everything but a streamed table's rows into a throwaway document
 * (counting pages), and counts the streamed rows' pages by arithmetic (fixed row height); the
 * second pass writes. Memory stays flat whatever the row count: pages are flushed as they are
 * finished, rows are read in batches, and writing waits when `out` is backed up.
 * `onRows(n)` is called after each batch of streamed rows.
 */
export async function renderPdf(spec: DocumentSpec, out: Writable, labels: PdfLabels, onRows?: (rows: number) => Promise<void>): Promise<PdfResult> {
  const pages = await layout(spec, newDocument(spec, labels), labels, null);
  const doc = newDocument(spec, labels);
  // Each chunk pdfkit emits goes straight into `out`, and the layout waits for `out` to drain
  // (see streamTable). Not doc.pipe(out): pdfkit ignores backpressure, so a piped document,
  // paused while `out` is full, kept in its own buffer every page written meanwhile (a third of a
  // megabyte per thousand rows, the whole file when the layout never yielded).
  doc.on('data', (chunk: Buffer) => out.write(chunk));
  // pdfkit emits 'end' (and `out` then 'finish') asynchronously, after doc.end().
  doc.on('end', () => out.end());
  await layout(spec, doc, labels, pages, out, onRows);
  doc.end();
  await once(out, 'finish');
  return { pages };
}

/** How many streamed pages share one font layout cache (see forgetLayouts). */
const LAYOUT_CACHE_PAGES = 16;

/**
 * Empties pdfkit's per-font cache of laid-out words. It keeps every distinct word for the life of
 * the document (in a roster: every row number and masked ID number), so it would grow with the
 * class; emptied every few pages it keeps the repeated words' speed-up and a flat memory.
 */
function forgetLayouts(doc: PDFKit.PDFDocument): void {
  const families = (doc as unknown as { _fontFamilies: Record<string, { layoutCache?: object }> })._fontFamilies;
  for (const font of Object.values(families)) if (font.layoutCache) font.layoutCache = Object.create(null);
}

function newDocument(spec: DocumentSpec, labels: PdfLabels): PDFKit.PDFDocument {
  const doc = new PDFDocument({
    size: PAGE.size,
    margins: PAGE.margins,
    autoFirstPage: false,
    bufferPages: false,
    lang: labels.lang,
    info: { Title: spec.title, Creator: 'leakcase', Producer: 'leakcase (pdfkit)' },
  });
  fonts ??= { regular: parseFont(FONT_REGULAR), bold: parseFont(FONT_BOLD) };
  // pdfkit takes a parsed font as it takes a file (its typings know only paths and bytes).
  doc.registerFont('regular', fonts.regular as PDFKit.Mixins.PDFFontSource);
  doc.registerFont('bold', fonts.bold as PDFKit.Mixins.PDFFontSource);
  return doc;
}

/**
 * The fonts, read and parsed once per process (about 16 MB each) and shared by every document:
 * each document embeds its own subset of the glyphs it uses. Given a file's bytes, pdfkit would
 * parse the font again in every document that uses it: each of the two passes of every document.
 */
let fonts: { regular: object; bold: object } | undefined;

/**
 * A font file parsed by pdfkit's font engine (a fontkit font), through a throwaway document so
 * that the engine is the very one pdfkit uses.
 */
function parseFont(file: string): object {
  const doc = new PDFDocument({ autoFirstPage: false });
  doc.registerFont('font', readFileSync(file)).font('font');
  return (doc as unknown as { _font: { font: object } })._font.font;
}

/**
 * One pass over the blocks. With `total` null it only counts pages (nothing is read from a
 * streamed table); with the total it writes footers and rows.
 */
async function layout(
  spec: DocumentSpec,
  doc: PDFKit.PDFDocument,
  labels: PdfLabels,
  total: number | null,
  out?: Writable,
  onRows?: (rows: number) => Promise<void>,
): Promise<number> {
  let page = 0;
  const left = PAGE.margins.left;
  const width = () => doc.page.width - PAGE.margins.left - PAGE.margins.right;
  const bottom = () => doc.page.height - PAGE.margins.bottom;
  // The footer goes on as each page is added (pdfkit may add one in the middle of a paragraph),
  // leaving the text position and font as they were.
  doc.on('pageAdded', () => {
    page += 1;
    if (total === null) return;
    const state = doc as unknown as { _font: unknown; _fontSize: number; x: number; y: number };
    const saved = { font: state._font, size: state._fontSize, x: doc.x, y: doc.y };
    const margin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font('regular').fontSize(9).text(labels.pageOf(page, total), left, doc.page.height - FOOTER_FROM_BOTTOM, { width: width(), align: 'center', lineBreak: false });
    doc.page.margins.bottom = margin;
    state._font = saved.font;
    state._fontSize = saved.size;
    doc.x = saved.x;
    doc.y = saved.y;
  });
  doc.addPage();
  const ensure = (height: number) => {
    if (doc.y + height > bottom()) doc.addPage();
  };
  const text = (value: string, options: PDFKit.Mixins.TextOptions & { font?: string; size?: number } = {}) => {
    doc.font(options.font ?? 'regular').fontSize(options.size ?? BODY_SIZE);
    doc.text(value, left, doc.y, { width: width(), lineGap: LINE_GAP, ...options });
  };

  if (spec.issuer) text(spec.issuer, { font: 'bold', size: 15, align: 'center' });
  text(spec.title, { font: 'bold', size: 18, align: 'center', characterSpacing: 1 });
  if (spec.reference) text(spec.reference, { size: 9.5, align: 'center' });
  doc.moveDown(0.8);

  let extraPages = 0;
  for (const block of spec.blocks) {
    if (block.kind === 'stream-table') {
      extraPages = await streamTable(block, total === null);
      continue;
    }
    renderBlock(block);
  }
  return page + extraPages;

  function renderBlock(block: Exclude<Block, { kind: 'stream-table' }>): void {
    switch (block.kind) {
      case 'heading':
        ensure(3 * (BODY_SIZE + LINE_GAP));
        doc.moveDown(0.4);
        text(block.text, { font: 'bold', size: 12 });
        doc.moveDown(0.2);
        return;
      case 'paragraph':
        text(block.text, { indent: block.indent === false ? 0 : 2 * BODY_SIZE, align: 'justify' });
        doc.moveDown(0.3);
        return;
      case 'parties':
        for (const party of block.parties) {
          ensure(2 * (BODY_SIZE + LINE_GAP));
          const labelWidth = 7 * BODY_SIZE;
          const y = doc.y;
          doc.font('bold').fontSize(BODY_SIZE).text(party.label, left, y, { width: labelWidth, lineGap: LINE_GAP });
          doc.font('regular').text(party.lines.join('\n'), left + labelWidth, y, { width: width() - labelWidth, lineGap: LINE_GAP });
          doc.moveDown(0.3);
        }
        return;
      case 'numbered':
        block.items.forEach((item) => {
          text(item, { indent: 2 * BODY_SIZE, align: 'justify' });
          doc.moveDown(0.15);
        });
        doc.moveDown(0.2);
        return;
      case 'table':
        staticTable(block.columns, block.rows);
        return;
      case 'signature': {
        const lines = block.salutation.length + block.author.length + 3;
        ensure(lines * (BODY_SIZE + LINE_GAP));
        doc.moveDown(0.6);
        for (const [i, line] of block.salutation.entries()) text(line, { indent: i === 0 ? 2 * BODY_SIZE : 0 });
        doc.moveDown(1);
        for (const line of block.author) text(line, { align: 'right' });
        text(block.date, { align: 'right' });
        return;
      }
    }
  }

  /** Column x positions and widths across the frame. */
  function columns(cols: Column[]): { x: number; w: number }[] {
    const sum = cols.reduce((s, c) => s + c.width, 0);
    let x = left;
    return cols.map((c) => {
      const w = (width() * c.width) / sum;
      const at = { x, w };
      x += w;
      return at;
    });
  }

  /** The header row's height: its longest header wrapped in its column, at least TABLE.headerHeight. */
  function headerHeightOf(cols: Column[], at: { x: number; w: number }[]): number {
    doc.font('bold').fontSize(TABLE.headerFontSize);
    return Math.max(TABLE.headerHeight, ...cols.map((c, i) => doc.heightOfString(c.header, { width: at[i].w - 2 * TABLE.padding, lineGap: 1 }) + 2 * TABLE.padding));
  }

  function headerRow(cols: Column[], at: { x: number; w: number }[], height: number): void {
    const y = doc.y;
    doc.rect(left, y, width(), height).fillAndStroke('#e8e8e8', '#444444');
    doc.fillColor('black').font('bold').fontSize(TABLE.headerFontSize);
    cols.forEach((c, i) => {
      doc.text(c.header, at[i].x + TABLE.padding, y + TABLE.padding, { width: at[i].w - 2 * TABLE.padding, align: c.format ? 'right' : 'left', lineGap: 1 });
    });
    doc.y = y + height;
  }

  function cellText(column: Column, value: Cell): string {
    if (value === null) return '—';
    if (typeof value === 'number') return labels.number(value, column.format ?? 'count');
    return value;
  }

  /** A table whose rows wrap (few rows: parties, metrics); its header repeats on each new page. */
  function staticTable(cols: Column[], rows: Cell[][]): void {
    const at = columns(cols);
    const headerHeight = headerHeightOf(cols, at);
    ensure(headerHeight + TABLE.rowHeight);
    headerRow(cols, at, headerHeight);
    for (const row of rows) {
      doc.font('regular').fontSize(TABLE.fontSize);
      const texts = row.map((v, i) => cellText(cols[i], v));
      const height = Math.max(TABLE.rowHeight, ...texts.map((t, i) => doc.heightOfString(t, { width: at[i].w - 2 * TABLE.padding, lineGap: 1 }) + 2 * TABLE.padding));
      if (doc.y + height > bottom()) {
        doc.addPage();
        headerRow(cols, at, headerHeight);
        doc.font('regular').fontSize(TABLE.fontSize);
      }
      const y = doc.y;
      texts.forEach((t, i) => {
        doc.text(t, at[i].x + TABLE.padding, y + TABLE.padding, { width: at[i].w - 2 * TABLE.padding, align: cols[i].format ? 'right' : 'left', lineGap: 1 });
      });
      doc.moveTo(left, y + height).lineTo(left + width(), y + height).lineWidth(0.3).stroke('#999999');
      doc.y = y + height;
    }
    doc.x = left;
    doc.moveDown(0.6);
  }

  /**
   * The streamed table in fixed-height single-line rows. Counting (`dry`): the pages it adds,
   * from its row count. Writing: reads the rows batch by batch and adds exactly those pages.
   */
  async function streamTable(block: Extract<Block, { kind: 'stream-table' }>, dry: boolean): Promise<number> {
    const top = PAGE.margins.top;
    const cols = block.columns;
    const at = columns(cols);
    const header = headerHeightOf(cols, at);
    const perPage = Math.floor((bottom() - top - header) / TABLE.rowHeight);
    const breakFirst = doc.y + header + TABLE.rowHeight > bottom();
    if (dry) {
      const startY = breakFirst ? top : doc.y;
      const onFirst = Math.floor((bottom() - startY - header) / TABLE.rowHeight);
      return (breakFirst ? 1 : 0) + (block.count > onFirst ? Math.ceil((block.count - onFirst) / perPage) : 0);
    }
    if (breakFirst) doc.addPage();
    headerRow(cols, at, header);
    doc.font('regular').fontSize(TABLE.fontSize);
    let y = doc.y;
    let written = 0;
    const reclaim = reclaimer();
    for await (const batch of block.rows()) {
      for (const row of batch) {
        if (y + TABLE.rowHeight > bottom()) {
          doc.addPage();
          if (page % LAYOUT_CACHE_PAGES === 0) forgetLayouts(doc);
          headerRow(cols, at, header);
          doc.font('regular').fontSize(TABLE.fontSize);
          y = doc.y;
        }
        for (let i = 0; i < row.length; i++) {
          const column = cols[i];
          let t = cellText(column, row[i]);
          if (column.maxChars && t.length > column.maxChars) t = `${t.slice(0, column.maxChars - 1)}…`;
          const x = column.format ? at[i].x + at[i].w - TABLE.padding - doc.widthOfString(t) : at[i].x + TABLE.padding;
          doc.text(t, x, y + TABLE.padding, { lineBreak: false });
        }
        y += TABLE.rowHeight;
      }
      written += batch.length;
      doc.y = y;
      if (out && out.writableNeedDrain) await once(out, 'drain');
      reclaim(batch.length);
      await onRows?.(written);
    }
    if (written !== block.count) throw new Error(`stream-table ${block.name}: ${written} rows read, ${block.count} counted`);
    doc.x = left;
    return 0;
  }
}
