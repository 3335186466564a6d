import { parentPort, workerData } from 'node:worker_threads';
import { hashChunk, type HashSpec } from './hash-chunk';

/**
 * A hashing thread: receives a chunk of lines and the buffer to write its blind indexes into, and
 * transfers both back (the caller reuses their memory; nothing is copied or allocated per chunk).
 */
const spec = { ...(workerData as HashSpec), key: Buffer.from((workerData as HashSpec).key) };
const buffer = (view: Uint8Array) => Buffer.from(view.buffer, view.byteOffset, view.byteLength);
parentPort!.on('message', ({ id, bytes, into }: { id: number; bytes: Uint8Array; into: Uint8Array }) => {
  const result = hashChunk(buffer(bytes), spec, buffer(into));
  const body = new Uint8Array(result.body.buffer, result.body.byteOffset, result.body.byteLength);
  parentPort!.postMessage({ id, bytes, body, rows: result.rows, invalid: result.invalid, unusable: result.unusable }, [bytes.buffer as ArrayBuffer, body.buffer as ArrayBuffer]);
});
