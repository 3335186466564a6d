import { parentPort, workerData } from 'node:worker_threads';
// Only pure modules: worker threads must not load Nest or native addons (argon2 aborts in workers).
import { createSealer, type SealerKeys } from '../vault/sealer';
import type { ImportColumn } from './claimant-import.service';
import { stageBatch } from './stage-rows';

/** A sealing thread of bulk enrolment: batches of parsed records in, COPY text and rejections out. */
const sealer = createSealer(workerData as SealerKeys);
parentPort!.on('message', ({ id, importId, header, rows, records }: { id: number; importId: string; header: (ImportColumn | null)[]; rows: number[]; records: string[][] }) => {
  try {
    parentPort!.postMessage({ id, ...stageBatch(sealer, importId, header, rows, records) });
  } catch (error) {
    parentPort!.postMessage({ id, error: `${(error as Error)?.name}: ${(error as Error)?.message}` });
  }
});
