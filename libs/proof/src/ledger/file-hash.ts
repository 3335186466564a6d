import { createHash } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
import { pipeline, type Readable, Transform } from 'node:stream';
import type { FileDigest } from './ledger-leaf';

/** The SHA-256 (hex) and size of a file, streamed; null when it does not exist. Shared by the API's checks and the CLI. */
export async function fileDigest(path: string): Promise<FileDigest | null> {
  const opened = await openHashed(path);
  if (!opened) return null;
  await opened.handle.close();
  return opened.digest;
}

/**
 * Opens `path` once and hashes it through that descriptor: the open handle and the digest of
 * what it read, or null when the file does not exist. Serve the file with `streamVerified` from
 * the same handle: a file renamed or written over the path in between is not what gets served.
 * The caller closes the handle when it serves nothing.
 */
export async function openHashed(path: string): Promise<{ handle: FileHandle; digest: FileDigest } | null> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const hash = createHash('sha256');
    let sizeBytes = 0;
    for await (const chunk of handle.createReadStream({ start: 0, autoClose: false })) {
      hash.update(chunk as Buffer);
      sizeBytes += (chunk as Buffer).length;
    }
    return { handle, digest: { sha256: hash.digest('hex'), sizeBytes } };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** The error message of a `streamVerified` stream whose file changed after it was hashed. */
export const CHANGED_WHILE_SERVED = 'the file changed while it was served';

/**
 * The bytes of an `openHashed` handle from its start, checked again as they go: hashed while
 * streaming, the last chunk held back until the whole matches `digest`. When the file was
 * written in place since it was hashed, the stream fails before its end (a reader never gets
 * a complete copy of other bytes than the ones verified), with CHANGED_WHILE_SERVED. Closes the
 * handle when done, failed or abandoned.
 */
export function streamVerified(handle: FileHandle, digest: FileDigest): Readable {
  // Through pipeline: the check failing, or its reader going away, destroys the source and closes the handle.
  const hash = createHash('sha256');
  let sizeBytes = 0;
  let held: Buffer | null = null;
  const check = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      sizeBytes += chunk.length;
      const previous = held;
      held = chunk;
      done(null, previous ?? undefined);
    },
    flush(done) {
      if (hash.digest('hex') !== digest.sha256 || sizeBytes !== digest.sizeBytes) return done(new Error(CHANGED_WHILE_SERVED));
      done(null, held ?? undefined);
    },
  });
  return pipeline(handle.createReadStream({ start: 0 }), check, () => undefined);
}
