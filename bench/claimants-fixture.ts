import { createWriteStream } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { from as copyFrom } from 'pg-copy-streams';
import { loadConfig } from '@app/platform';
import { idNumberCheckCharacter } from '@app/claimants';
import { createApi } from '../apps/api/src/bootstrap';
import { benchDatabase, demoActors, withClient } from './harness';

/** Nine GB/T 2260 province codes: 90,000 regions of four digits each (an ID's region must name a province). */
const PROVINCES = [11, 12, 13, 14, 15, 21, 22, 23, 31];

/** Person n's valid ID number (unique for n < 10^8 with these regions and days). */
export function idNumber(n: number): string {
  const k = n % 90000;
  const region = `${PROVINCES[Math.floor(k / 10000)]}${String(k % 10000).padStart(4, '0')}`;
  const rest = Math.floor(n / 90000);
  const day = String(1 + (rest % 28)).padStart(2, '0');
  const seq = String(Math.floor(rest / 28) % 1000).padStart(3, '0');
  const first17 = `${region}199001${day}${seq}`;
  return first17 + idNumberCheckCharacter(first17);
}
export const phone = (n: number) => `13${String(n).padStart(9, '0')}`;

export async function writeLines(file: string, header: string, count: number, line: (i: number) => string): Promise<void> {
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
export async function rawCopySeconds(url: string, rows: number, width = 32): Promise<number> {
  return withClient(url, async (c) => {
    await c.query(`CREATE UNLOGGED TABLE IF NOT EXISTS bench_raw (v bytea)`);
    await c.query(`TRUNCATE bench_raw`);
    const started = performance.now();
    const stream = c.query(copyFrom(`COPY bench_raw FROM STDIN`));
    const value = `\\\\x${'ab'.repeat(width)}\n`;
    const batch = value.repeat(10_000);
    for (let i = 0; i < rows; i += 10_000) {
      const n = Math.min(10_000, rows - i);
      if (!stream.write(n === 10_000 ? batch : value.repeat(n))) await new Promise((r) => stream.once('drain', r));
    }
    await new Promise<void>((resolve, reject) => stream.end(() => resolve()).once('error', reject));
    const seconds = (performance.now() - started) / 1000;
    await c.query(`DROP TABLE bench_raw`);
    return seconds;
  });
}

/** The API on a fresh benchmark database, with the demo users, and a leak incident registered by the procuratorate and shared with the association. */
export async function benchApi(dir: string) {
  const database = await benchDatabase();
  const key = randomBytes(32);
  const env = {
    NODE_ENV: 'development',
    DATABASE_URL: database.url,
    LEAKCASE_DATA_DIR: dir,
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-00',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
    BLIND_INDEX_KEY: key.toString('base64'),
  };
  const app = await createApi(loadConfig(env));
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const gql = async (query: string, variables: object, token?: string) =>
    (await (
      await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      })
    ).json()) as any;
  const login = async (e: string) => (await gql(`mutation { login(email: "${e}", password: "leakcase-demo") { token } }`, {})).data.login.token as string;
  const procurator = await login('procurator@demo.local');
  const association = await login('association@demo.local');
  const incidentId: string = (
    await gql(
      `mutation($i: RegisterLeakIncidentInput!) { registerLeakIncident(input: $i) { id } }`,
      {
        i: {
          handler: { name: 'bench', role: 'NETWORK_SERVICE_PROVIDER' },
          dataCategories: ['ID_NUMBER', 'PHONE_NUMBER'],
          exposureStart: '2024-01-01',
          discoveredOn: '2024-05-01',
          discoveryChannel: 'POLICE_SEIZURE',
        },
      },
      procurator,
    )
  ).data.registerLeakIncident.id;
  // Associations enrol only against incidents they can see: the procuratorate shares it with the demo association.
  const { association: associationOrganisation } = await withClient(database.url, demoActors);
  const shared = await gql(
    `mutation($i: ShareLeakIncidentInput!) { shareLeakIncident(input: $i) { id } }`,
    { i: { incidentId, organisationIds: [associationOrganisation] } },
    procurator,
  );
  if (shared.errors) throw new Error(`bench: sharing the incident failed: ${JSON.stringify(shared.errors)}`);
  return {
    key,
    env,
    url: database.url,
    base,
    procurator,
    association,
    incidentId,
    close: () => app.close(),
  };
}

/**
 * The shape of an EXPLAIN (ANALYZE) plan: its node lines, indented as in the plan, with the actual
 * rows and time kept and the cost estimates dropped, plus the hash nodes' batch counts.
 */
export function planShape(lines: string[]): string {
  return lines
    .filter((l, i) => i === 0 || l.includes('->') || /Batches:|Execution Time|Trigger/.test(l))
    .map((l) => l.replace(/\(cost=[^)]*\)\s*/, '').replace(/\(actual time=[\d.]+\.\.([\d.]+) rows=(\d+) loops=(\d+)\)/, '(rows=$2, $1 ms, loops=$3)'))
    .join('\n');
}
