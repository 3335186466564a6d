import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';

/** The SHA-256 (hex) of a file, streamed; null when it does not exist. Shared by the API's check and the CLI. */
export async function fileSha256(path: string): Promise<string | null> {
  if (!existsSync(path)) return null;
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
