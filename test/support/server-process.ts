import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../libs/platform/src/database/embedded-postgres';

export { freePort };

const MAIN = join(__dirname, '..', '..', 'dist', 'apps', 'api', 'src', 'main.js');

/** The compiled API running as a child process, to be killed like a real server. */
export interface ServerProcess {
  baseUrl: string;
  child: ChildProcess;
  /** Kills it with `signal` and waits for the process to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts `node dist/apps/api/src/main.js` (built by `npm test`) and waits for /health. With
 * `output: 'pipe'` its stdout and stderr are readable from `child` (they must then be read).
 */
export async function startServerProcess(env: NodeJS.ProcessEnv, port: number, output: 'ignore' | 'pipe' = 'ignore'): Promise<ServerProcess> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run the tests with \`npm test\` (it builds first)`);
  const child = spawn(process.execPath, [MAIN], { env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', output, output] });
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`API process exited with code ${child.exitCode}`);
    try {
      if ((await fetch(`${baseUrl}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('API process did not become healthy within 60 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    baseUrl,
    child,
    stop: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

/** A GraphQL call over real HTTP to a server process. */
export async function httpGql<T = any>(baseUrl: string, query: string, variables: Record<string, unknown> = {}, token?: string) {
  const res = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}
