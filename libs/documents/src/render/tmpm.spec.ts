import { createWriteStream } from 'node:fs';
import { renderPdf } from './pdf';
import { ZH } from '../texts/zh';
it('m', async () => {
  const n = 30000;
  const out = createWriteStream('/tmp/docs14-probe/mem.pdf');
  const t0 = Date.now();
  const lines: string[] = [];
  await renderPdf({ title: 'x', blocks: [{ kind: 'stream-table', name: 'r', count: n, columns: [
    { header: 'No', width: 7, format: 'count' }, { header: 'c', width: 6, format: 'count' }, { header: 'n', width: 7 }, { header: 'id', width: 17 },
    { header: 'b', width: 24 }, { header: 's', width: 12 }, { header: 'st', width: 8 }, { header: 'l', width: 10, format: 'fen' }],
    rows: async function* () { for (let i = 0; i < n; i += 2000) { yield Array.from({ length: 2000 }, (_, j) => [i + j + 1, 1, '张*', `110***********${String((i + j) % 10000).padStart(4, '0')}`, '数据集比对、本人申报', '一般组', '待审查', (i + j) % 10 === 0 ? 1234567 : null]); } } }] },
    out, ZH, async (rows) => { lines.push(`${rows} rss ${Math.round(process.memoryUsage().rss / 1048576)} heap ${Math.round(process.memoryUsage().heapUsed / 1048576)} ms ${Date.now() - t0}`); });
  require('node:fs').writeFileSync('/tmp/docs14-probe/log.txt', lines.join('\n'));
});
