import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const run = (globalThis as { __leakcaseCluster?: { cluster: { stop(): Promise<void> }; dataDir: string } })
    .__leakcaseCluster;
  if (!run) return;
  await run.cluster.stop();
  rmSync(run.dataDir, { recursive: true, force: true });
}
