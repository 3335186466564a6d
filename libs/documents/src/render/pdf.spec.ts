import { PassThrough } from 'node:stream';
import { pdfPages, pdfText } from '../../../../test/support/poppler';
import { EN } from '../texts/en';
import { ZH } from '../texts/zh';
import { renderPdf } from './pdf';

// pdfkit's font engine, its font parser counted.
jest.mock('fontkit', () => {
  const actual = jest.requireActual('fontkit');
  return { ...actual, create: jest.fn(actual.create) };
});
const parsed = () => (require('fontkit').create as jest.Mock).mock.calls.length;
import type { Cell, DocumentSpec } from './spec';

async function render(spec: DocumentSpec, texts = EN): Promise<{ pdf: Buffer; pages: number }> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const { pages } = await renderPdf(spec, out, texts);
  return { pdf: Buffer.concat(chunks), pages };
}

/** A spec with some front matter and a streamed table of `n` rows, read in batches of 7. */
function rosterSpec(n: number, paragraphs = 1): DocumentSpec {
  return {
    title: 'Class Roster',
    blocks: [
      ...Array.from({ length: paragraphs }, (_, i) => ({ kind: 'paragraph' as const, text: `Paragraph ${i + 1}. ${'Lorem ipsum dolor sit amet. '.repeat(20)}` })),
      {
        kind: 'stream-table',
        name: 'rows',
        count: n,
        columns: [
          { header: 'No.', width: 1, format: 'count' },
          { header: 'Name', width: 3 },
        ],
        rows: async function* () {
          for (let i = 0; i < n; i += 7) yield Array.from({ length: Math.min(7, n - i) }, (_, j): Cell[] => [i + j + 1, `row-${i + j + 1}`]);
        },
      },
    ],
  };
}

describe('renderPdf', () => {
  // A4 is 841.89 pt high; with 64 pt margins a page holds floor((713.89 - 22) / 15) = 46 rows under its header.
  it.each([
    [0, 1],
    [10, 1],
    [200, 5],
    [1000, 22],
  ])('numbers the pages of a streamed table of %i rows, counted before writing, as the file has them', async (n, atLeast) => {
    const { pdf, pages } = await render(rosterSpec(n));
    expect(pdfPages(pdf)).toBe(pages);
    expect(pages).toBeGreaterThanOrEqual(atLeast);
    const text = pdfText(pdf);
    expect(text).toContain(`Page ${pages} of ${pages}`);
    expect(text).not.toContain(`Page ${pages + 1} of`);
    if (n) expect(text).toContain(`row-${n}`);
  });

  it('puts 46 rows on each full page of a streamed table', async () => {
    // Front matter that ends exactly at a page start: none (the table starts on page 1 under the title).
    const { pdf } = await render(rosterSpec(46 * 3, 0));
    const pages = pdfText(pdf).split('\f').filter((p) => p.trim());
    // Pages 2 and 3 hold 46 rows each whatever page 1 held.
    const rowsOn = (page: string) => (page.match(/row-\d+/g) ?? []).length;
    expect(rowsOn(pages[1])).toBe(46);
    expect(pages.reduce((s, p) => s + rowsOn(p), 0)).toBe(138);
  });

  it('numbers the pages of front matter that pdfkit breaks in the middle of a paragraph', async () => {
    const { pdf, pages } = await render(rosterSpec(5, 12), ZH);
    expect(pdfPages(pdf)).toBe(pages);
    expect(pages).toBeGreaterThan(1);
    // pdftotext drops the spaces between CJK and Latin characters: compare without whitespace.
    const text = pdfText(pdf).replace(/\s+/g, '');
    for (let p = 1; p <= pages; p++) expect(text).toContain(`第${p}页/共${pages}页`);
  });

  it('parses each font file once per process, not in each pass of each document', async () => {
    await render(rosterSpec(3));
    const zh = await render(rosterSpec(60), ZH);
    const en = await render(rosterSpec(60));
    // Regular and bold, once each, for every document of this file so far (each laid out twice).
    expect(parsed()).toBe(2);
    // Each document still embeds the glyphs it uses.
    expect(pdfText(zh.pdf).replace(/\s+/g, '')).toContain(`第${zh.pages}页/共${zh.pages}页`);
    expect(pdfText(en.pdf)).toContain('row-60');
  });

  it('fails when the rows read are not the rows counted (a changed snapshot)', async () => {
    const spec = rosterSpec(3);
    (spec.blocks[1] as { count: number }).count = 4;
    await expect(render(spec)).rejects.toThrow('3 rows read, 4 counted');
  });
});
