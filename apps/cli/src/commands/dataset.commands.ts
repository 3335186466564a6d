import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
// Deep imports on purpose: these commands run on the procurator's machine with big files, and must
// not load Nest, TypeORM and the job queue (about 150 MB) that the package index would bring.
import { loadConfig, resolveDataDir } from '@app/platform/config/config';
import { uploadDataset } from '../dataset/dataset-upload';
import { readSecretFromStdin } from '../stdin';
import { progressBar } from '../progress';

const dataDir = () => resolveDataDir(process.env);
/** The API of this checkout, on the port it listens on (PORT, as `npm start` reads it). */
const LOCAL_API = `http://localhost:${process.env.PORT ?? 3000}`;
const sessionFile = () => join(dataDir(), 'cli-session.json');

/** The API and token: flags, then LEAKCASE_SERVER_URL / LEAKCASE_TOKEN, then `leakcase login`'s session file. */
function session(server?: string): { server: string; token: string } {
  const stored = existsSync(sessionFile()) ? (JSON.parse(readFileSync(sessionFile(), 'utf8')) as { server: string; token: string }) : undefined;
  const url = server ?? process.env.LEAKCASE_SERVER_URL ?? stored?.server ?? LOCAL_API;
  const token = process.env.LEAKCASE_TOKEN ?? stored?.token;
  if (!token) throw new InvalidArgumentError('not logged in: run `leakcase login` or set LEAKCASE_TOKEN');
  return { server: url.replace(/\/$/, ''), token };
}

/**
 * The blind-index key, and only it: BLIND_INDEX_KEY, or in development the key generated into the
 * data directory. The machine that hashes a seized dataset never needs the decryption key.
 */
function blindIndexKey(): Buffer {
  const given = process.env.BLIND_INDEX_KEY;
  if (given) {
    const key = Buffer.from(given, 'base64');
    if (key.length !== 32) throw new InvalidArgumentError('BLIND_INDEX_KEY must be base64 of exactly 32 bytes');
    return key;
  }
  if (process.env.NODE_ENV === 'production') throw new InvalidArgumentError('BLIND_INDEX_KEY is required when NODE_ENV=production');
  const config = loadConfig({ ...process.env });
  for (const warning of config.warnings) process.stderr.write(`warning: ${warning}\n`);
  return config.vault.blindIndexKey;
}

/** `leakcase login`: stores a bearer token for the CLI's HTTP commands (0600, in the data directory). */
export function loginCommand(): Command {
  return new Command('login')
    .description('Log in to a leakcase API and keep the token in the data directory (file mode 0600)')
    .requiredOption('--email <email>', 'login email')
    .option('--server <url>', 'API base URL', process.env.LEAKCASE_SERVER_URL ?? LOCAL_API)
    .option('--password-stdin', 'read the password from standard input (otherwise LEAKCASE_PASSWORD)')
    .action(async (options: { email: string; server: string; passwordStdin?: boolean }) => {
      const password = options.passwordStdin ? await readSecretFromStdin() : process.env.LEAKCASE_PASSWORD;
      if (!password) throw new InvalidArgumentError('give the password with --password-stdin or LEAKCASE_PASSWORD');
      const server = options.server.replace(/\/$/, '');
      const res = await fetch(`${server}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`, variables: { e: options.email, p: password } }),
      });
      const body = (await res.json()) as { data?: { login: { token: string } }; errors?: { message: string }[] };
      if (!body.data?.login) throw new InvalidArgumentError(`login refused: ${body.errors?.[0]?.message ?? res.status}`);
      mkdirSync(dataDir(), { recursive: true });
      writeFileSync(sessionFile(), JSON.stringify({ server, token: body.data.login.token }), { mode: 0o600 });
      process.stdout.write(`Logged in to ${server}; token kept in ${sessionFile()}\n`);
    });
}

/**
 * `--delimiter`: `tab` (or `\t`) for TAB, anything else literally (`|`, `----`); one or more
 * characters, no quote or line break.
 */
function parseDelimiter(value: string): string {
  const delimiter = /^(tab|\\t)$/i.test(value) ? '\t' : value;
  if (!delimiter || /["\r\n]/.test(delimiter)) throw new InvalidArgumentError('give one or more characters other than a quote or a line break (tab for TAB)');
  return delimiter;
}

/**
 * `leakcase dataset import --incident ID FILE --columns id_number,phone [--category col=CATEGORY …]`:
 * hashes locally, uploads hashes only, and per row which mapped category columns were filled.
 */
export function datasetCommand(): Command {
  const dataset = new Command('dataset').description('Seized leaked datasets');
  dataset
    .command('import')
    .description('Hash a seized dataset on this machine and upload only the keyed hashes (resumable)')
    .argument('<file>', 'CSV or delimited text file, with a header row unless --no-header')
    .requiredOption('--incident <id>', 'the leak incident the dataset was seized for')
    .requiredOption('--columns <list>', 'kinds and header names: id_number,phone or id_number=身份证号,phone=手机号; with --no-header, column numbers from 1: id_number=1,phone=3')
    .option('--delimiter <text>', 'what separates the cells: , (default), tab, |, or several characters such as ----', parseDelimiter, ',')
    .option(
      '--category <column=CATEGORY>',
      'a column carrying a data category (PIPL art. 28), e.g. medical_card=MEDICAL_HEALTH (a column number with --no-header); repeatable. Only whether each row fills it is sent',
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option('--no-header', 'the first line is data, not a header (give --columns as column numbers)')
    .option('--source <text>', 'where it came from (e.g. the seizure record number)', 'seized dataset')
    .option('--server <url>', 'API base URL')
    .option('--chunk-rows <n>', 'rows per chunk', (v) => Number(v), 100_000)
    .option('--workers <n>', 'hashing threads (default: all cores)', (v) => Number(v))
    .addOption(new Option('--encoding <encoding>', 'file encoding').choices(['utf-8', 'gb18030']).default('utf-8'))
    .option('--resume <datasetId>', 'resume this dataset upload')
    .action(async (file: string, options: { incident: string; columns: string; category: string[]; delimiter: string; header: boolean; source: string; server?: string; chunkRows: number; workers?: number; encoding: 'utf-8' | 'gb18030'; resume?: string }) => {
      const { server, token } = session(options.server);
      const size = statSync(file).size;
      const bar = progressBar('dataset [{bar}] {percentage}% | {rows} rows | eta {eta}s');
      bar.start(size, 0, { rows: 0 });
      const result = await uploadDataset({
        file,
        incidentId: options.incident,
        columns: options.columns,
        categories: options.category,
        delimiter: options.delimiter,
        header: options.header,
        server,
        token,
        blindIndexKey: blindIndexKey(),
        source: options.source,
        chunkRows: options.chunkRows,
        workers: options.workers,
        encoding: options.encoding,
        stateDir: dataDir(),
        datasetId: options.resume,
        onProgress: (bytes, rows) => bar.update(bytes, { rows }),
      }).finally(() => bar.stop());
      process.stdout.write(
        `Dataset ${result.datasetId}: ${result.rows} rows in ${result.chunks} chunks (${result.chunksSkipped} already on the server), ` +
          `${result.invalidIdentifiers} invalid identifiers, ${result.unusableRows} unusable rows (blank, repeated header or no valid identifier; not counted as people), ` +
          `sha256 ${result.fileSha256}; matching job ${result.jobId ?? '(already done)'}\n`,
      );
    });
  return dataset;
}
