import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort, httpGql } from '../support/server-process';

const API = join(__dirname, '..', '..', 'dist', 'apps', 'api', 'src', 'main.js');
const LOGIN = `mutation { login(email: "admin@demo.local", password: "leakcase-demo") { token } }`;
/** What must never appear in the output of a clean start and stop. */
const TROUBLE = /unhandled|error|^\s+at /im;

interface Api {
  child: ChildProcess;
  baseUrl: string;
  output(): string;
  exited: Promise<number | null>;
}

const started: ChildProcess[] = [];
const dataDirs: string[] = [];

/** Starts the compiled API on the embedded server of `dataDir` (DATABASE_URL unset). */
function spawnApi(dataDir: string, port: number, extra: NodeJS.ProcessEnv = {}): Api {
  const env: NodeJS.ProcessEnv = { ...process.env, LEAKCASE_DATA_DIR: dataDir, PORT: String(port), NODE_ENV: 'test', LOG_LEVEL: 'info', ...extra };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, [API], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, baseUrl: `http://127.0.0.1:${port}`, output: () => output, exited };
}

/** Starts the API and waits until /health answers. */
async function startApi(dataDir: string, extra: NodeJS.ProcessEnv = {}): Promise<Api> {
  const api = spawnApi(dataDir, await freePort(), extra);
  for (const deadline = Date.now() + 60_000; ; ) {
    if (api.child.exitCode !== null) throw new Error(`API exited with ${api.child.exitCode}:\n${api.output()}`);
    if (await fetch(`${api.baseUrl}/health`).then((r) => r.ok, () => false)) return api;
    if (Date.now() > deadline) throw new Error(`API not healthy within 60 s:\n${api.output()}`);
    await sleep(200);
  }
}

/** Sends `signal` and waits for the exit code. */
async function stopApi(api: Api, signal: NodeJS.Signals): Promise<number | null> {
  api.child.kill(signal);
  return api.exited;
}

/** A data directory of its own, traversable by user postgres (the server's user as root). */
function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'leakcase-fault-'));
  chmodSync(dir, 0o755);
  dataDirs.push(dir);
  return dir;
}

/** PIDs of the postgres processes serving `dataDir`, from /proc. */
function postgresOf(dataDir: string): number[] {
  const needle = `-D\0${join(dataDir, 'pg')}\0`;
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle);
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

/** A direct connection to the leakcase database of a running embedded server. */
async function connect(dataDir: string): Promise<Client> {
  const port = readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[3];
  const password = readFileSync(join(dataDir, 'secrets', 'pg-password'), 'utf8').trim();
  const client = new Client({ host: '127.0.0.1', port: Number(port), user: 'leakcase', password, database: 'leakcase' });
  await client.connect();
  return client;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

afterAll(() => {
  // Whatever a failed test left running: the APIs, then their servers.
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dataDirs) for (const pid of postgresOf(dir)) process.kill(pid, 'SIGKILL');
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

describe('the embedded server across stops, kills and crashes', () => {
  it('stops cleanly on SIGINT and SIGTERM with a job running, and keeps the data and the job', async () => {
    const dataDir = newDataDir();
    let api = await startApi(dataDir);
    // An audit log long enough to take many checkpoints at 100 events a batch.
    let db = await connect(dataDir);
    await db.query(`INSERT INTO audit_event (action, subject_type) SELECT 'test.fill', 'Test' FROM generate_series(1, 20000)`);
    let token = (await httpGql(api.baseUrl, LOGIN)).data.login.token;
    const jobId: string = (await httpGql(api.baseUrl, `mutation { verifyAuditChain(batchSize: 100) { id } }`, {}, token)).data.verifyAuditChain.id;

    let done = 0;
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      // Once the job is running past its previous checkpoint, hold its row: the next checkpoint
      // waits on it, so the job is still running when the signal arrives.
      for (;;) {
        const { rows } = await db.query(`SELECT status, progress_done::int AS done FROM job WHERE id = $1`, [jobId]);
        if (rows[0].status === 'RUNNING' && rows[0].done > done) break;
        await sleep(20);
      }
      await db.query('BEGIN');
      await db.query(`SELECT 1 FROM job WHERE id = $1 FOR UPDATE`, [jobId]);
      api.child.kill(signal);
      while (!api.output().includes(`${signal}: stopping`)) await sleep(20);
      await db.query('ROLLBACK');
      await db.end();

      expect(await api.exited).toBe(0);
      expect(api.output()).toContain('handed back');
      expect(api.output()).not.toMatch(TROUBLE);
      expect(postgresOf(dataDir)).toEqual([]);

      api = await startApi(dataDir);
      db = await connect(dataDir);
      const { rows } = await db.query(
        `SELECT (SELECT count(*) FROM audit_event WHERE action = 'test.fill')::int AS filled, progress_done::int AS done FROM job WHERE id = $1`,
        [jobId],
      );
      expect(rows[0].filled).toBe(20000);
      expect(rows[0].done).toBeGreaterThan(done);
      done = rows[0].done;
    }
    await db.end();
    token = (await httpGql(api.baseUrl, LOGIN)).data.login.token;
    expect(token).toEqual(expect.any(String));
    expect(await stopApi(api, 'SIGTERM')).toBe(0);
    expect(postgresOf(dataDir)).toEqual([]);
  });

  it('after a kill -9, the next start takes over the server left running and stops it on exit', async () => {
    const dataDir = newDataDir();
    const first = await startApi(dataDir);
    await stopApi(first, 'SIGKILL');
    expect(postgresOf(dataDir)).not.toEqual([]);

    const second = await startApi(dataDir);
    expect((await httpGql(second.baseUrl, LOGIN)).data.login.token).toEqual(expect.any(String));
    expect(await stopApi(second, 'SIGTERM')).toBe(0);
    expect(second.output()).toContain('Adopting');
    expect(second.output()).not.toMatch(TROUBLE);
    expect(postgresOf(dataDir)).toEqual([]);
  });

  it('starts over a postmaster.pid and a socket lock file left by a power cut whose PID now belongs to another process', async () => {
    const dataDir = newDataDir();
    // A fixed port, so that the second start's socket is the one whose lock file the power cut left.
    const fixed = { EMBEDDED_PG_PORT: String(await freePort()) };
    const first = await startApi(dataDir, fixed);
    const pidFile = join(dataDir, 'pg', 'postmaster.pid');
    const lockFile = join(dataDir, 'pg', `.s.PGSQL.${fixed.EMBEDDED_PG_PORT}.lock`);
    const [, ...rest] = readFileSync(pidFile, 'utf8').split('\n');
    const [, ...lockRest] = readFileSync(lockFile, 'utf8').split('\n');
    expect(await stopApi(first, 'SIGTERM')).toBe(0);
    // The PID now belongs to a live process of the server's own user, which PostgreSQL cannot tell from a postmaster.
    const foreign = spawn('sleep', ['60'], { uid: statSync(join(dataDir, 'pg')).uid });
    started.push(foreign);
    try {
      writeFileSync(pidFile, [String(foreign.pid), ...rest].join('\n'));
      writeFileSync(lockFile, [String(foreign.pid), ...lockRest].join('\n'));
      const second = await startApi(dataDir, fixed);
      expect((await httpGql(second.baseUrl, LOGIN)).data.login.token).toEqual(expect.any(String));
      expect(await stopApi(second, 'SIGTERM')).toBe(0);
      expect(second.output()).toContain('is not a PostgreSQL server');
      expect(second.output()).toContain(`.s.PGSQL.${fixed.EMBEDDED_PG_PORT}.lock: left by the same server`);
      expect(postgresOf(dataDir)).toEqual([]);
    } finally {
      foreign.kill('SIGKILL');
    }
  });

  const asRoot = process.getuid?.() === 0;
  (asRoot ? it : it.skip)(`as root, refuses a data directory user postgres cannot reach, naming it${asRoot ? '' : ' (skipped: not running as root)'}`, async () => {
    const closed = mkdtempSync(join(tmpdir(), 'leakcase-fault-closed-'));
    dataDirs.push(closed);
    chmodSync(closed, 0o700);
    const dataDir = join(closed, 'inner', 'data');
    mkdirSync(dataDir, { recursive: true });
    const api = spawnApi(dataDir, await freePort());
    expect(await api.exited).toBe(1);
    expect(api.output()).toContain(`cannot enter ${closed} `);
    expect(api.output()).toContain('LEAKCASE_DATA_DIR');
    expect(api.output()).not.toMatch(/^\s+at /m);
    expect(existsSync(join(dataDir, 'pg'))).toBe(false);
  });
});
