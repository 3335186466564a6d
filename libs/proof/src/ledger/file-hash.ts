import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import type { FileDigest } from './ledger-leaf';

/** The SHA-256 (hex) and size of a file, streamed; null when it does not exist. Shared by the API's checks and the CLI. */
export async function fileDigest(path: string): Promise<FileDigest | null> {
  if (!existsSync(path)) return null;
  const hash = createHash('sha256');
  let sizeBytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    sizeBytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), sizeBytes };
}
