import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { from as copyFrom } from 'pg-copy-streams';
import { loadConfig } from '@app/platform';
import { blindIndex, idNumberCheckCharacter, IdentifierKind } from '@app/claimants';
import { createApi } from '../apps/api/src/bootstrap';
import { type BenchFigure, benchDatabase, withClient } from './harness';

const DATASET_ROWS = Number(process.env.BENCH_DATASET_ROWS ?? 10_000_000);
const CLAIMANTS = Number(process.env.BENCH_CLAIMANTS ?? 1_000_000);
const ENROL_ROWS = Number(process.env.BENCH_ENROL_ROWS ?? 100_000);
const KEY = randomBytes(32);
const CLI = join(__dirname, '..', 'apps', 'cli', 'src', 'main.js');

/** Person n's valid ID number (unique for n < 10^8 with these regions and days). */
function idNumber(n: number): string {
  const region = 110000 + (n % 90000);
  const rest = Math.floor(n / 90000);
  const day = String(1 + (rest % 28)).padStart(2, '0');
  const seq = String(Math.floor(rest / 28) % 1000).padStart(3, '0');
  const first17 = `${region}199001${day}${seq}`;
  return first17 + idNumberCheckCharacter(first17);
}
const phone = (n: number) => `13${String(n).padStart(9, '0')}`;

async function writeLines(file: string, header: string, count: number, line: (i: number) => string): Promise<void> {
  const out = createWriteStream(file);
  out.write(`${header}\n`);
  let buf = '';
  for (let i = 0; i < count; i++) {
    buf += `${line(i)}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = '';
    }
  }
  out.write(buf);
  await new Promise<void>((r) => out.end(() => r()));
}

/** Seconds for a raw COPY of `rows` 32-byte values into an unindexed table (the baseline). */
async function rawCopySeconds(url: string, rows: number, width = 32): Promise<number> {
  return withClient(url, async (c) => {
    await c.query(`CREATE UNLOGGED TABLE IF NOT EXISTS bench_raw (v bytea)`);
    await c.query(`TRUNCATE bench_raw`);
    const started = performance.now();
    const stream = c.query(copyFrom(`COPY bench_raw FROM STDIN`));
    const value = `\\\\x${'ab'.repeat(width)}\n`;
    const batch = value.repeat(10_000);
    for (let i = 0; i < rows; i += 10_000) if (!stream.write(batch)) await new Promise((r) => stream.once('drain', r));
    await new Promise<void>((resolve, reject) => stream.end(() => resolve()).once('error', reject));
    const seconds = (performance.now() - started) / 1000;
    await c.query(`DROP TABLE bench_raw`);
    return seconds;
  });
}

/**
 * bench/dataset-match: import DATASET_ROWS rows through the compiled CLI (hashing in worker
 * threads, chunked upload, COPY) and match them against CLAIMANTS enrolled claimants, end to end
 * (until the matching job is done), against a raw COPY of as many 32-byte rows. Also the CLI's
 * peak RSS. bench/enrol: bulk enrolment of ENROL_ROWS through the REST upload, against a raw COPY.
 */
export async function claimantsBench(): Promise<BenchFigure[]> {
  const database = await benchDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'leakcase-bench-claimants-'));
  const env = {
    NODE_ENV: 'development',
    DATABASE_URL: database.url,
    LEAKCASE_DATA_DIR: dir,
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-00',
    LOG_LEVEL: 'silent',
    BLIND_INDEX_KEY: KEY.toString('base64'),
  };
  const api = await createApi(loadConfig(env));
  await api.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(api.getHttpServer().address() as AddressInfo).port}`;
  const gql = async (query: string, variables: object, token?: string) =>
    (await (await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ query, variables }) })).json()) as any;
  const login = async (e: string) => (await gql(`mutation { login(email: "${e}", password: "leakcase-demo") { token } }`, {})).data.login.token as string;
  try {
    const procurator = await login('procurator@demo.local');
    const association = await login('association@demo.local');
    const incidentId = (await gql(`mutation($i: RegisterLeakIncidentInput!) { registerLeakIncident(input: $i) { id } }`, {
      i: { handler: { name: 'bench', role: 'NETWORK_SERVICE_PROVIDER' }, dataCategories: ['ID_NUMBER', 'PHONE_NUMBER'], exposureStart: '2024-01-01', discoveredOn: '2024-05-01', discoveryChannel: 'POLICE_SEIZURE' },
    }, procurator)).data.registerLeakIncident.id;

    // bench/enrol: the real bulk path (validation, encryption, blind indexes, dedupe) over HTTP.
    const enrolFile = join(dir, 'enrol.csv');
    await writeLines(enrolFile, 'name,id_number,phone,consent_given_at,consent_method,consent_scope,incident_ids', ENROL_ROWS, (i) =>
      `测试${i},${idNumber(50_000_000 + i)},${phone(500_000_000 + i)},2025-03-01,WRITTEN_SIGNATURE,REPRESENTATION;DATA_USE,${incidentId}`,
    );
    const enrolStarted = performance.now();
    const form = new FormData();
    form.append('file', new Blob([readFileSync(enrolFile)]), 'enrol.csv');
    const report = (await (await fetch(`${base}/claimants/import`, { method: 'POST', headers: { authorization: `Bearer ${association}` }, body: form })).json()) as any;
    const enrolSeconds = (performance.now() - enrolStarted) / 1000;
    if (report.accepted !== ENROL_ROWS) throw new Error(`enrol bench: ${JSON.stringify(report).slice(0, 300)}`);
    const enrolCopy = await rawCopySeconds(database.url, ENROL_ROWS);

    // Claimants for the matching side, inserted directly (their enrolment cost is bench/enrol's).
    await withClient(database.url, async (c) => {
      const [{ id: org }] = (await c.query(`SELECT id FROM organisation WHERE kind = 'CONSUMER_ASSOCIATION' LIMIT 1`)).rows;
      const idCopy = c.query(copyFrom(`COPY claimant (id, id_number_index, id_number_masked, name_masked) FROM STDIN`));
      let a = '';
      let e = '';
      const ids: string[] = [];
      for (let i = 0; i < CLAIMANTS; i++) {
        const id = crypto.randomUUID();
        ids.push(id);
        a += `${id}\t\\\\x${blindIndex(KEY, IdentifierKind.ID_NUMBER, idNumber(i)).toString('hex')}\t110***********0000\t张*\n`;
        if (a.length > 1 << 20) {
          if (!idCopy.write(a)) await new Promise((r) => idCopy.once('drain', r));
          a = '';
        }
      }
      await new Promise<void>((r) => idCopy.end(a, () => r()));
      const stream = c.query(copyFrom(`COPY claimant_enrolment (claimant_id, organisation_id, name_enc, id_number_enc, phone_enc, phone_index, name_masked, phone_masked, consent_given_at, consent_method, consent_scope) FROM STDIN`));
      for (let i = 0; i < CLAIMANTS; i++) {
        e += `${ids[i]}\t${org}\t\\\\x01\t\\\\x01\t\\\\x01\t\\\\x${blindIndex(KEY, IdentifierKind.PHONE, phone(i)).toString('hex')}\t张*\t138****0000\t2025-03-01\tWRITTEN_SIGNATURE\t{REPRESENTATION,DATA_USE}\n`;
        if (e.length > 1 << 20) {
          if (!stream.write(e)) await new Promise((r) => stream.once('drain', r));
          e = '';
        }
      }
      await new Promise<void>((r) => stream.end(e, () => r()));
      await c.query(`ANALYZE claimant; ANALYZE claimant_enrolment`);
    });

    // The dataset: every 10th row is an enrolled claimant.
    const file = join(dir, 'seized.csv');
    await writeLines(file, 'id_number,phone', DATASET_ROWS, (i) => {
      const n = i % 10 === 0 && i / 10 < CLAIMANTS ? i / 10 : 100_000_000 + i;
      return `${idNumber(n % 90_000_000)},${phone(n)}`;
    });
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, 'dataset', 'import', '--incident', incidentId, file, '--columns', 'id_number,phone', '--server', base], {
      env: { ...process.env, ...env, LEAKCASE_TOKEN: procurator },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    let peakKb = 0;
    child.stdout.on('data', (d) => (out += d));
    const sampler = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        // exited
      }
    }, 200);
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    clearInterval(sampler);
    if (code !== 0) throw new Error(`CLI exited with ${code}: ${out}`);
    const datasetId = /Dataset ([0-9a-f-]{36})/.exec(out)![1];
    const uploaded = performance.now();
    for (;;) {
      const done = await withClient(database.url, (c) => c.query(`SELECT matched_claimants FROM seized_dataset WHERE id = $1 AND matched_at IS NOT NULL`, [datasetId]));
      if (done.rows.length) {
        if (Number(done.rows[0].matched_claimants) !== Math.min(CLAIMANTS, Math.ceil(DATASET_ROWS / 10))) throw new Error(`matched ${done.rows[0].matched_claimants}`);
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const endToEnd = (performance.now() - started) / 1000;
    const matchOnly = (performance.now() - uploaded) / 1000;
    const copy = await rawCopySeconds(database.url, DATASET_ROWS);
    writeFileSync(join(dir, 'done'), '');
    process.stderr.write(`dataset-match: upload ${((uploaded - started) / 1000).toFixed(1)} s, match ${matchOnly.toFixed(1)} s, CLI peak RSS ${(peakKb / 1024).toFixed(0)} MB\n`);
    return [
      { benchmark: 'dataset-match', measure: `${DATASET_ROWS} rows vs ${CLAIMANTS} claimants, end to end`, value: endToEnd, unit: 's', baseline: 'raw COPY of as many 32-byte rows', baselineValue: copy, ratio: endToEnd / copy },
      { benchmark: 'dataset-match', measure: 'CLI peak RSS', value: peakKb / 1024, unit: 'MB', baseline: 'limit', baselineValue: 300, ratio: peakKb / 1024 / 300 },
      { benchmark: 'enrol', measure: `${ENROL_ROWS} claimants bulk-enrolled (REST upload)`, value: enrolSeconds, unit: 's', baseline: 'raw COPY of as many 32-byte rows', baselineValue: enrolCopy, ratio: enrolSeconds / enrolCopy },
    ];
  } finally {
    await api.close();
    await database.close();
  }
}
