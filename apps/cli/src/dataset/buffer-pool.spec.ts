import { BufferPool } from './buffer-pool';

describe('BufferPool', () => {
  it('makes buffers of its size on demand, each owning its whole memory (transferable)', async () => {
    const pool = new BufferPool(2, 16);
    const a = await pool.take();
    expect(a.length).toBe(16);
    expect(a.byteOffset).toBe(0);
    expect(a.buffer.byteLength).toBe(16);
  });

  it('hands back the same memory once given back, whatever view of it is given', async () => {
    const pool = new BufferPool(1, 16);
    const a = await pool.take();
    a[0] = 42;
    pool.give(a.subarray(3, 5));
    const again = await pool.take();
    expect(again.buffer).toBe(a.buffer);
    expect(again.length).toBe(16);
    expect(again[0]).toBe(42);
  });

  it('never holds more than its count: take waits until a buffer is given back', async () => {
    const pool = new BufferPool(2, 16);
    const a = await pool.take();
    await pool.take();
    let third: Buffer | undefined;
    const waiting = pool.take().then((b) => (third = b));
    await new Promise((r) => setImmediate(r));
    expect(third).toBeUndefined();
    pool.give(a);
    await waiting;
    expect(third!.buffer).toBe(a.buffer);
  });

  it('keeps a buffer grown past its size in place of the one it replaced', async () => {
    const pool = new BufferPool(1, 16);
    await pool.take();
    pool.give(Buffer.allocUnsafeSlow(64));
    expect((await pool.take()).length).toBe(64);
  });
});
