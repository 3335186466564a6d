import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testEnv } from './support/api';
import { createTestDatabase, withClient } from './support/database';
import { freePort, httpGql } from './support/server-process';
import { CSV_HEADER, csvRow, enrolInput, INCIDENT_INPUT, phoneFor, shareIncidentsThroughCase, uniqueIdNumber } from './support/claimants';

const API = join(__dirname, '..', 'dist', 'apps', 'api', 'src', 'main.js');
const CLI = join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');

/** Runs a compiled entry point, collecting everything it writes. */
function run(script: string, args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  return { child, output: () => output, exited };
}

describe('no plaintext identifier in the database or the logs', () => {
  it('finds no ID number, phone number or name after single and bulk enrolment, unmask, bad rows and a dataset import', async () => {
    if (!existsSync(API) || !existsSync(CLI)) throw new Error('build first (npx nest build api)');
    const database = await createTestDatabase();
    const env = testEnv(database.url, { LOG_LEVEL: 'trace' });
    const port = await freePort();
    const api = run(API, [], { ...env, PORT: String(port) });
    const base = `http://127.0.0.1:${port}`;
    try {
      for (let i = 0; ; i++) {
        try {
          if ((await fetch(`${base}/health`)).ok) break;
        } catch {
          if (i > 300) throw new Error('API did not start');
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      const login = async (email: string) =>
        (await httpGql(base, `mutation { login(email: "${email}", password: "leakcase-demo") { token } }`)).data.login.token as string;
      const association = await login('association@demo.local');
      const procurator = await login('procurator@demo.local');
      const incidentId = (await httpGql(base, `mutation($i: RegisterLeakIncidentInput!) { registerLeakIncident(input: $i) { id } }`, { i: INCIDENT_INPUT }, procurator)).data
        .registerLeakIncident.id;
      await shareIncidentsThroughCase((q, v, t) => httpGql(base, q, v, t), procurator, [incidentId], ['CONSUMER_ASSOCIATION', 'PROCURATORATE']);

      const secrets: string[] = [];
      const names: string[] = [];
      for (let n = 0; n < 3; n++) {
        const name = `欧阳测试${n}`;
        names.push(name);
        const res = await httpGql(base, `mutation($i: EnrolClaimantInput!) { enrolClaimant(input: $i) { id } }`, { i: enrolInput(n, incidentId, { name, email: `person${n}@example.com` }) }, association);
        expect(res.errors).toBeUndefined();
        if (n === 0) {
          await httpGql(base, `query($id: ID!) { claimantIdentity(id: $id, reason: "roster check") { idNumber } }`, { id: res.data.enrolClaimant.id }, association);
        }
        secrets.push(uniqueIdNumber(n), phoneFor(n), `person${n}@example.com`);
      }
      // A bad enrolment: the refusal must not echo the value either.
      await httpGql(base, `mutation($i: EnrolClaimantInput!) { enrolClaimant(input: $i) { id } }`, { i: enrolInput(9, incidentId, { phone: '19912' }) }, association);
      secrets.push(uniqueIdNumber(9));

      const rows = [CSV_HEADER];
      for (let n = 10; n < 20; n++) {
        rows.push(csvRow(n, incidentId, { name: `司马导入${n}` }));
        names.push(`司马导入${n}`);
        secrets.push(uniqueIdNumber(n), phoneFor(n));
      }
      rows.push(csvRow(20, incidentId, { phone: '123' }));
      secrets.push(uniqueIdNumber(20));
      const form = new FormData();
      form.append('file', new Blob([rows.join('\n')]), 'c.csv');
      const imported = await fetch(`${base}/claimants/import`, { method: 'POST', headers: { authorization: `Bearer ${association}`, prefer: 'wait=30' }, body: form });
      expect(await imported.json()).toMatchObject({ accepted: 10, rejected: 1 });

      // The dataset goes through the compiled CLI (worker threads), with the server's key.
      const dir = mkdtempSync(join(tmpdir(), 'leakcase-plain-'));
      const file = join(dir, 'seized.csv');
      const lines = ['id_number,phone,name'];
      for (let n = 0; n < 40; n++) {
        lines.push(`${uniqueIdNumber(n + 5)},${phoneFor(n + 5)},泄露${n}`);
        secrets.push(uniqueIdNumber(n + 5), phoneFor(n + 5));
      }
      writeFileSync(file, lines.join('\n') + '\n');
      const cli = run(CLI, ['dataset', 'import', '--incident', incidentId, file, '--columns', 'id_number,phone', '--server', base, '--chunk-rows', '16'], {
        ...env,
        LEAKCASE_TOKEN: procurator,
      });
      expect({ code: await cli.exited, error: cli.output().includes("leakcase:") }).toEqual({ code: 0, error: false });
      expect(cli.output()).toMatch(/40 rows in 3 chunks/);

      // Let the matching job run (and log) before dumping.
      for (let i = 0; ; i++) {
        const { rows: done } = await withClient(database.url, (db) => db.query(`SELECT count(*)::int AS n FROM seized_dataset WHERE matched_at IS NOT NULL`));
        if (done[0].n > 0) break;
        if (i > 200) throw new Error('the matching job did not run');
        await new Promise((r) => setTimeout(r, 100));
      }
      const { rows: exposures } = await withClient(database.url, (db) => db.query(`SELECT count(*)::int AS n FROM exposure WHERE basis = 'DATASET_MATCH'`));
      expect(exposures[0].n).toBe(10); // people 10-19: enrolled in bulk and in the dataset (5-44)
      const dump = await withClient(database.url, async (db) => {
        const { rows: tables } = await db.query(
          `SELECT format('%I.%I', table_schema, table_name) AS t FROM information_schema.tables
            WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
        );
        const parts: string[] = [];
        for (const { t } of tables) {
          const { rows: data } = await db.query(`SELECT row_to_json(x)::text AS j FROM ${t} x`);
          parts.push(...data.map((d) => d.j));
        }
        return parts.join('\n');
      });
      const logs = api.output() + cli.output();
      expect(logs.length).toBeGreaterThan(1000);
      const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');
      for (const secret of [...secrets, ...names]) {
        expect({ secret, inDatabase: dump.includes(secret) || dump.includes(hex(secret)) }).toEqual({ secret, inDatabase: false });
        expect({ secret, inLogs: logs.includes(secret) }).toEqual({ secret, inLogs: false });
      }
    } finally {
      api.child.kill('SIGKILL');
      await api.exited;
      await database.drop();
    }
  });
});
