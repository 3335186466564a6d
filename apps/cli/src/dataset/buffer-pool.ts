/**
 * A fixed number of reusable buffers, made on first need: `take` waits while all of them are in
 * use. Reusing the same memory for every chunk keeps the CLI's footprint flat; a new Buffer per
 * chunk is only returned to the system when the garbage collector gets to it, so the peak grew
 * with the file.
 *
 * Each buffer owns its whole ArrayBuffer, so it can be transferred to a worker thread and back;
 * `give` takes any view of the memory (the transferred-back one, a subarray) and keeps the whole.
 */
export class BufferPool {
  private readonly free: Buffer[] = [];
  private readonly waiting: ((buffer: Buffer) => void)[] = [];
  private made = 0;

  constructor(
    private readonly count: number,
    private readonly size: number,
  ) {}

  take(): Promise<Buffer> {
    const buffer = this.free.pop();
    if (buffer) return Promise.resolve(buffer);
    if (this.made < this.count) {
      this.made++;
      return Promise.resolve(Buffer.allocUnsafeSlow(this.size));
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Returns the memory behind `view` (it may have been grown past the pool's size: it is kept). */
  give(view: Uint8Array): void {
    const buffer = Buffer.from(view.buffer as ArrayBuffer);
    const waiter = this.waiting.shift();
    if (waiter) waiter(buffer);
    else this.free.push(buffer);
  }
}
