import { parentPort, workerData } from 'node:worker_threads';
// Only pure modules: worker threads must not load Nest or native addons (argon2 aborts in workers).
import { createSealer, type SealerKeys } from '../vault/sealer';
import type { ImportPlan } from './columns';
import type { Cell } from './sheet';
import { stageBatch } from './stage-rows';

/** A sealing thread of bulk enrolment: batches of parsed records in, COPY text and rejections out. */
const sealer = createSealer(workerData as SealerKeys);
parentPort!.on('message', ({ id, importId, plan, rows, records }: { id: number; importId: string; plan: ImportPlan; rows: number[]; records: Cell[][] }) => {
  try {
    parentPort!.postMessage({ id, ...stageBatch(sealer, importId, plan, rows, records) });
  } catch (error) {
    parentPort!.postMessage({ id, error: `${(error as Error)?.name}: ${(error as Error)?.message}` });
  }
});
