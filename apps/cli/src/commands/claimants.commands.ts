import { createReadStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { DataSource } from 'typeorm';
import { ClaimantImportService, type ImportColumn, IMPORT_COLUMNS } from '@app/claimants';
import { loadConfig } from '@app/platform';
import { withApp } from '../context';
import { uploadDataset } from '../dataset/dataset-upload';
import { readSecretFromStdin } from '../stdin';

const dataDir = () => resolve(process.env.LEAKCASE_DATA_DIR ?? './.leakcase');
const sessionFile = () => join(dataDir(), 'cli-session.json');

/** The API and token: flags, then LEAKCASE_SERVER_URL / LEAKCASE_TOKEN, then `leakcase login`'s session file. */
function session(server?: string): { server: string; token: string } {
  const stored = existsSync(sessionFile()) ? (JSON.parse(readFileSync(sessionFile(), 'utf8')) as { server: string; token: string }) : undefined;
  const url = server ?? process.env.LEAKCASE_SERVER_URL ?? stored?.server ?? 'http://localhost:3000';
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
    .option('--server <url>', 'API base URL', process.env.LEAKCASE_SERVER_URL ?? 'http://localhost:3000')
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

/** `leakcase claimants import FILE --org NAME`: bulk enrolment from CSV, in this process. */
export function claimantsCommand(): Command {
  const claimants = new Command('claimants').description('Claimants and their enrolment');
  claimants
    .command('import')
    .description('Enrol claimants from a CSV file (UTF-8 or GB18030/GBK); prints the report of rejected rows')
    .argument('<file>', 'CSV file with a header row')
    .requiredOption('--org <name>', 'exact name of the enrolling organisation')
    .addOption(new Option('--encoding <encoding>', 'file encoding').choices(['auto', 'utf-8', 'gb18030', 'gbk']).default('auto'))
    .option('--map <pairs>', `extra header names: header=column,… (columns: ${Object.keys(IMPORT_COLUMNS).join(', ')})`)
    .option('--json', 'print the report as JSON')
    .action((file: string, options: { org: string; encoding: string; map?: string; json?: boolean }) =>
      withApp(async (app) => {
        const [organisation] = await app.get(DataSource).query(`SELECT id FROM organisation WHERE name = $1`, [options.org]);
        if (!organisation) throw new InvalidArgumentError(`no organisation named "${options.org}"`);
        const mapping: Record<string, ImportColumn> = {};
        for (const pair of (options.map ?? '').split(',').filter(Boolean)) {
          const [header, column] = pair.split('=');
          if (!(column in IMPORT_COLUMNS)) throw new InvalidArgumentError(`--map: unknown column ${column}`);
          mapping[header] = column as ImportColumn;
        }
        const size = statSync(file).size;
        const bar = new SingleBar({ format: 'claimants [{bar}] {percentage}% | {rows} rows read', stream: process.stderr }, Presets.shades_classic);
        bar.start(size, 0, { rows: 0 });
        const input = createReadStream(file);
        const report = await app
          .get(ClaimantImportService)
          .import({ userId: null, organisationId: organisation.id }, input, {
            encoding: (options.encoding === 'gbk' ? 'gb18030' : options.encoding) as 'auto',
            mapping,
            onProgress: (rows) => bar.update(input.bytesRead, { rows }),
          })
          .finally(() => bar.stop());
        if (options.json) {
          process.stdout.write(`${JSON.stringify(report)}\n`);
          return;
        }
        process.stdout.write(
          `${report.rows} rows (${report.encoding}): ${report.accepted} enrolled, ${report.alreadyEnrolled} already enrolled, ${report.rejected} rejected\n`,
        );
        for (const r of report.rejections) process.stdout.write(`  row ${r.row}: ${r.field} ${r.reason}\n`);
        if (report.rejected > report.rejectionsListed) process.stdout.write(`  … and ${report.rejected - report.rejectionsListed} more\n`);
      }),
    );
  return claimants;
}

/** `leakcase dataset import --incident ID FILE --columns id_number,phone`: hashes locally, uploads hashes only. */
export function datasetCommand(): Command {
  const dataset = new Command('dataset').description('Seized leaked datasets');
  dataset
    .command('import')
    .description('Hash a seized dataset on this machine and upload only the keyed hashes (resumable)')
    .argument('<file>', 'CSV file with a header row')
    .requiredOption('--incident <id>', 'the leak incident the dataset was seized for')
    .requiredOption('--columns <list>', 'kinds and header names: id_number,phone or id_number=身份证号,phone=手机号')
    .option('--source <text>', 'where it came from (e.g. the seizure record number)', 'seized dataset')
    .option('--server <url>', 'API base URL')
    .option('--chunk-rows <n>', 'rows per chunk', (v) => Number(v), 100_000)
    .option('--workers <n>', 'hashing threads (default: all cores)', (v) => Number(v))
    .addOption(new Option('--encoding <encoding>', 'file encoding').choices(['utf-8', 'gb18030']).default('utf-8'))
    .option('--resume <datasetId>', 'resume this dataset upload')
    .action(async (file: string, options: { incident: string; columns: string; source: string; server?: string; chunkRows: number; workers?: number; encoding: 'utf-8' | 'gb18030'; resume?: string }) => {
      const { server, token } = session(options.server);
      const size = statSync(file).size;
      const bar = new SingleBar({ format: 'dataset [{bar}] {percentage}% | {rows} rows | eta {eta}s', stream: process.stderr }, Presets.shades_classic);
      bar.start(size, 0, { rows: 0 });
      const result = await uploadDataset({
        file,
        incidentId: options.incident,
        columns: options.columns,
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
          `${result.invalidIdentifiers} invalid identifiers, sha256 ${result.fileSha256}; matching job ${result.jobId ?? '(already done)'}\n`,
      );
    });
  return dataset;
}
