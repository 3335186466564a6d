import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SealerKeys } from '../vault/sealer';
import { createSealer } from '../vault/sealer';
import type { ImportPlan } from './columns';
import type { Cell } from './sheet';
import { type StagedBatch, stageBatch } from './stage-rows';

export type { StagedBatch } from './stage-rows';

/**
 * Worker threads that validate and seal batches of bulk-enrolment records (encryption and blind
 * indexes are the import's cost: this puts every core on them). Batches are answered in any
 * order; callers keep their own order. When the compiled worker script is absent (tests run the
 * TypeScript sources), batches are sealed on the calling thread.
 */
export class SealPool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, { resolve: (b: StagedBatch) => void; reject: (e: Error) => void }>();
  private readonly inline?: ReturnType<typeof createSealer>;
  private next = 0;
  readonly size: number;
  /** A worker died: the owner replaces the pool. */
  broken = false;

  constructor(keys: SealerKeys, size = availableParallelism()) {
    const script = join(__dirname, 'seal.worker.js');
    if (!existsSync(script)) {
      this.inline = createSealer(keys);
      this.size = 1;
      return;
    }
    this.size = size;
    for (let i = 0; i < size; i++) {
      const worker = new Worker(script, { workerData: keys });
      worker.on('message', (m: StagedBatch & { id: number; error?: string }) => {
        const w = this.waiting.get(m.id);
        if (!w) return;
        this.waiting.delete(m.id);
        if (m.error) w.reject(new Error(`sealing worker failed: ${m.error}`));
        else w.resolve(m);
      });
      worker.on('error', (e) => this.failAll(e));
      worker.on('exit', (code) => code !== 0 && this.failAll(new Error(`sealing worker exited with ${code}`)));
      worker.unref();
      this.workers.push(worker);
    }
  }

  /** Stages one batch of records (see stageBatch) on a thread. */
  stage(importId: string, plan: ImportPlan, rows: number[], records: Cell[][]): Promise<StagedBatch> {
    if (this.inline) {
      try {
        return Promise.resolve(stageBatch(this.inline, importId, plan, rows, records));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.workers[id % this.workers.length].postMessage({ id, importId, plan, rows, records });
    });
  }

  private failAll(error: Error): void {
    this.broken = true;
    for (const w of this.waiting.values()) w.reject(error);
    this.waiting.clear();
  }

  async close(): Promise<void> {
    this.broken = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
