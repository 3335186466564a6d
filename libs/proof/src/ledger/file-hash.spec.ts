import { createHash } from 'node:crypto';
import { mkdtempSync, openSync, renameSync, rmSync, writeFileSync, writeSync, closeSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHANGED_WHILE_SERVED, fileDigest, openHashed, streamVerified } from './file-hash';

/** Reads a stream to its end: the bytes it gave, and its error if it failed. */
async function drain(stream: NodeJS.ReadableStream): Promise<{ bytes: Buffer; error: Error | null }> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return { bytes: Buffer.concat(chunks), error: null };
  } catch (error) {
    return { bytes: Buffer.concat(chunks), error: error as Error };
  }
}

describe('a stored file hashed and served through one descriptor', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leakcase-file-hash-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // 200,000 bytes: several read chunks (64 KiB each), so a stream that fails has given some but not all.
  const original = Buffer.alloc(200_000, 0x61);
  const sha256 = createHash('sha256').update(original).digest('hex');
  let n = 0;
  const stored = () => {
    const path = join(dir, `file-${n++}`);
    writeFileSync(path, original);
    return path;
  };

  it('gives the SHA-256 and size, and null for a missing file', async () => {
    const path = stored();
    expect(await fileDigest(path)).toEqual({ sha256, sizeBytes: 200_000 });
    expect(await fileDigest(join(dir, 'none'))).toBeNull();
    expect(await openHashed(join(dir, 'none'))).toBeNull();
  });

  it('serves the bytes it hashed when another file is renamed over the path in between', async () => {
    const path = stored();
    const opened = (await openHashed(path))!;
    expect(opened.digest).toEqual({ sha256, sizeBytes: 200_000 });
    writeFileSync(join(dir, 'swap'), Buffer.alloc(200_000, 0x62));
    renameSync(join(dir, 'swap'), path);
    const served = await drain(streamVerified(opened.handle, opened.digest));
    expect(served.error).toBeNull();
    expect(served.bytes.equals(original)).toBe(true);
  });

  it('breaks off before the end, never giving a whole copy, when the file is written in place in between', async () => {
    const path = stored();
    const opened = (await openHashed(path))!;
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.from('b'), 0, 1, 150_000);
    closeSync(fd);
    const served = await drain(streamVerified(opened.handle, opened.digest));
    expect(served.error?.message).toBe(CHANGED_WHILE_SERVED);
    expect(served.bytes.length).toBeLessThan(200_000);
  });

  it('breaks off when the file is truncated in place in between', async () => {
    const path = stored();
    const opened = (await openHashed(path))!;
    truncateSync(path, 100_000);
    const served = await drain(streamVerified(opened.handle, opened.digest));
    expect(served.error?.message).toBe(CHANGED_WHILE_SERVED);
    expect(served.bytes.length).toBeLessThan(100_000);
  });
});
