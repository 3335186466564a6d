import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { testEnv } from './support/api';
import { CSV_HEADER, csvRow, INCIDENT_INPUT, phoneFor, shareIncidentsThroughCase, uniqueIdNumber } from './support/claimants';
import { createTestDatabase, withClient } from './support/database';
import { freePort, httpGql, type ServerProcess, startServerProcess } from './support/server-process';

const CLI = join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
const run = promisify(execFile);
const ORG = '示范省消费者权益保护委员会 (Demo Province Consumer Council)';
const ROWS = 3000;

/** The compiled CLI while the compiled API, with its job worker, runs on the same database. */
describe('the command line beside a running API', () => {
  let api: ServerProcess;
  let env: NodeJS.ProcessEnv;
  let drop: () => Promise<void>;
  let procurator: string;
  let incidentId: string;
  const dir = mkdtempSync(join(tmpdir(), 'leakcase-cli-api-'));

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    // One data directory for both: the CLI uses the development keys the API generated there.
    env = { ...testEnv(database.url, { JOB_SUPERVISE_SECONDS: '1' }), LEAKCASE_PROGRESS_SECONDS: '0.1' };
    api = await startServerProcess(env, await freePort());
    const gql = (query: string, variables?: Record<string, unknown>, token?: string) => httpGql(api.baseUrl, query, variables, token);
    procurator = (await gql(`mutation { login(email: "procurator@demo.local", password: "leakcase-demo") { token } }`)).data.login.token;
    incidentId = (await gql(`mutation($i: RegisterLeakIncidentInput!) { registerLeakIncident(input: $i) { id } }`, { i: INCIDENT_INPUT }, procurator)).data
      .registerLeakIncident.id;
    await shareIncidentsThroughCase(gql, procurator, [incidentId], ['CONSUMER_ASSOCIATION', 'PROCURATORATE']);
  }, 120_000);
  afterAll(async () => {
    await api?.stop('SIGKILL');
    await drop?.();
  });

  const leakcase = (...args: string[]) => run(process.execPath, [CLI, ...args], { env: { ...process.env, ...env, LOG_LEVEL: 'error' } });

  it('runs an import\'s enrolment job once (one attempt), printing progress lines to a non-terminal stderr', async () => {
    const file = join(dir, 'claimants.csv');
    writeFileSync(file, [CSV_HEADER, ...Array.from({ length: ROWS }, (_, n) => csvRow(n, incidentId))].join('\n'));
    const { stdout, stderr } = await leakcase('claimants', 'import', file, '--org', ORG);
    expect(stdout).toContain(`${ROWS} rows (csv, utf-8): ${ROWS} enrolled, 0 already enrolled, 0 rejected, 0 with warnings, 0 empty rows skipped`);
    // Plain lines (no bar, no cursor codes) from both phases.
    expect(stderr).toMatch(/^claimants staging \d+% \| \d+ rows$/m);
    expect(stderr).toMatch(/^claimants enrolling \d+% \| \d+ rows$/m);
    expect(stderr).not.toContain('\x1b');

    await withClient(env.DATABASE_URL!, async (db) => {
      const { rows: jobs } = await db.query(`SELECT status, attempts FROM job WHERE kind = 'claimants.import'`);
      expect(jobs).toEqual([{ status: 'COMPLETED', attempts: 1 }]);
      // created_at defaults to now(), the enrolling transaction's start; completed_at is when it ended.
      // Compared in SQL: the difference may be below a JavaScript Date's millisecond.
      const { rows } = await db.query(
        `SELECT i.accepted::int AS accepted, i.completed_at > w.written AS after_rows, i.completed_at < clock_timestamp() AS before_now
           FROM claimant_import i, LATERAL (SELECT max(created_at) AS written FROM claimant_enrolment e WHERE e.import_id = i.id) w`,
      );
      expect(rows).toEqual([{ accepted: ROWS, after_rows: true, before_now: true }]);
    });
  });

  it('prints progress lines of a dataset import to a non-terminal stderr', async () => {
    const file = join(dir, 'dataset.csv');
    writeFileSync(file, ['身份证号,手机号', ...Array.from({ length: 50 }, (_, n) => `${uniqueIdNumber(n)},${phoneFor(n)}`)].join('\n'));
    const { stdout, stderr } = await run(
      process.execPath,
      [CLI, 'dataset', 'import', file, '--incident', incidentId, '--columns', 'id_number=身份证号,phone=手机号', '--server', api.baseUrl, '--workers', '1'],
      { env: { ...process.env, ...env, LEAKCASE_TOKEN: procurator, LOG_LEVEL: 'error' } },
    );
    expect(stdout).toMatch(/Dataset [0-9a-f-]+: 50 rows/);
    expect(stderr).toMatch(/^dataset \d+% \| \d+ rows \| eta \S+s$/m);
    expect(stderr).not.toContain('\x1b');
  });

  it('sends, per row, which mapped category columns are filled (--category, repeatable, hashed in worker threads), never their values', async () => {
    const file = join(dir, 'dataset-categories.csv');
    // Row n: a medical card when n % 3 = 0, an address when n % 4 = 0: 17 rows with a card (0, 3, …, 48), 13 with an address (0, 4, …, 48).
    const rows = Array.from({ length: 50 }, (_, n) => `${uniqueIdNumber(1000 + n)},${phoneFor(1000 + n)},${n % 3 === 0 ? `YB${n}` : ''},${n % 4 === 0 ? `示范市某路${n}号` : ''}`);
    writeFileSync(file, ['身份证号,手机号,医保卡号,住址', ...rows].join('\n'));
    const env2 = { env: { ...process.env, ...env, LEAKCASE_TOKEN: procurator, LOG_LEVEL: 'error' } };
    const args = [CLI, 'dataset', 'import', file, '--incident', incidentId, '--columns', 'id_number=身份证号,phone=手机号', '--server', api.baseUrl, '--workers', '2'];
    const refused = await run(process.execPath, [...args, '--category', '医保卡号=MEDICAL_CARD'], env2).catch((e: { stderr: string }) => e);
    expect((refused as { stderr: string }).stderr).toMatch(/categories/);
    const { stdout } = await run(process.execPath, [...args, '--category', '医保卡号=MEDICAL_HEALTH', '--category', '住址=address'], env2);
    const datasetId = /Dataset ([0-9a-f-]+): 50 rows/.exec(stdout)![1];
    await withClient(env.DATABASE_URL!, async (db) => {
      const { rows: [dataset] } = await db.query(`SELECT categories::text[] AS categories FROM seized_dataset WHERE id = $1`, [datasetId]);
      expect(dataset.categories).toEqual(['MEDICAL_HEALTH', 'ADDRESS']);
      const { rows: [bits] } = await db.query(
        `SELECT count(*) FILTER (WHERE categories & 1 <> 0)::int AS medical, count(*) FILTER (WHERE categories & 2 <> 0)::int AS address,
                count(*) FILTER (WHERE categories IS NULL)::int AS none, count(*)::int AS total
           FROM seized_dataset_row WHERE dataset_id = $1`,
        [datasetId],
      );
      // Neither: 50 - |card ∪ address| = 50 - (17 + 13 - 5 with both: 0, 12, 24, 36, 48) = 25.
      expect(bits).toEqual({ medical: 17, address: 13, none: 25, total: 50 });
    });
  });
});
