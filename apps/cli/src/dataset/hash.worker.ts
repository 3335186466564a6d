import { parentPort, workerData } from 'node:worker_threads';
import { hashChunk, type HashSpec } from './hash-chunk';

/** A hashing thread: receives chunks of lines, answers with their blind indexes (transferred, not copied). */
const spec = { ...(workerData as HashSpec), key: Buffer.from((workerData as HashSpec).key) };
parentPort!.on('message', ({ id, bytes }: { id: number; bytes: Uint8Array }) => {
  const result = hashChunk(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), spec);
  const out = new Uint8Array(result.body.buffer, result.body.byteOffset, result.body.byteLength);
  parentPort!.postMessage({ id, body: out, rows: result.rows, invalid: result.invalid }, [out.buffer as ArrayBuffer]);
});
