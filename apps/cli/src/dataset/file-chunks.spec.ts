import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BufferPool } from './buffer-pool';
import { fileChunks } from './dataset-upload';

describe('fileChunks', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'leakcase-file-chunks-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The chunks of `content` as text, each buffer given back to the pool as the upload does. */
  async function chunksOf(content: string | Buffer, chunkRows: number, pool = new BufferPool(2, 8)) {
    const file = join(dir, 'data.csv');
    writeFileSync(file, content);
    const seen: Buffer[] = [];
    const chunks: { text: string; lines: number }[] = [];
    for await (const chunk of fileChunks(file, chunkRows, pool, (buf) => seen.push(Buffer.from(buf)))) {
      chunks.push({ text: chunk.bytes.toString(), lines: chunk.lines });
      pool.give(chunk.bytes);
    }
    return { chunks, seen: Buffer.concat(seen) };
  }

  it('cuts the lines after the header into chunks of chunkRows lines, in order', async () => {
    const { chunks } = await chunksOf('h\na\nb\nc\nd\ne\n', 2);
    expect(chunks).toEqual([
      { text: 'a\nb\n', lines: 2 },
      { text: 'c\nd\n', lines: 2 },
      { text: 'e\n', lines: 1 },
    ]);
  });

  it('counts a last line without a newline', async () => {
    const { chunks } = await chunksOf('h\na\nb\nc', 2);
    expect(chunks).toEqual([
      { text: 'a\nb\n', lines: 2 },
      { text: 'c', lines: 1 },
    ]);
  });

  it('yields nothing for a header alone, and no empty chunk when the last one is full', async () => {
    expect((await chunksOf('h\n', 2)).chunks).toEqual([]);
    expect((await chunksOf('h\na\nb\n', 2)).chunks).toEqual([{ text: 'a\nb\n', lines: 2 }]);
  });

  it('shows every byte of the file to onData, header included', async () => {
    const content = `header\n${'x,y\n'.repeat(300_000)}`;
    const { seen } = await chunksOf(content, 1000);
    expect(seen.toString()).toBe(content);
  });

  it('grows a buffer when a chunk needs more than the pool size, across reads of the file', async () => {
    const line = `${'1'.repeat(18)},${'2'.repeat(11)}\n`;
    const content = `id,phone\n${line.repeat(100_000)}`;
    const { chunks } = await chunksOf(content, 60_000);
    expect(chunks.map((c) => c.lines)).toEqual([60_000, 40_000]);
    expect(chunks.map((c) => c.text).join('')).toBe(line.repeat(100_000));
  });

  it('waits for a chunk to be given back before reading the next when the pool is used up', async () => {
    const file = join(dir, 'wait.csv');
    writeFileSync(file, 'h\na\nb\n');
    const pool = new BufferPool(1, 8);
    const chunks = fileChunks(file, 1, pool, () => undefined);
    const first = (await chunks.next()).value as { bytes: Buffer };
    let second: { bytes: Buffer } | undefined;
    const next = chunks.next().then((r) => (second = r.value as { bytes: Buffer }));
    await new Promise((r) => setTimeout(r, 20));
    expect(second).toBeUndefined();
    pool.give(first.bytes);
    await next;
    expect(second!.bytes.toString()).toBe('b\n');
    expect(second!.bytes.buffer).toBe(first.bytes.buffer);
    await chunks.return(undefined); // closes the file
  });
});
