import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestApi, type TestApi, testEnv } from './support/api';
import { CSV_HEADER, csvRow, INCIDENT_INPUT, shareIncidentsThroughCase } from './support/claimants';

const CLI = join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
const run = promisify(execFile);

/** The compiled `leakcase` command against a test database: every command group wires up. */
describe('the leakcase command line', () => {
  let api: TestApi;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    api = await startTestApi();
    env = { ...process.env, ...testEnv(api.url), LOG_LEVEL: 'error' };
  });
  afterAll(() => api.close());

  const leakcase = (...args: string[]) => run(process.execPath, [CLI, ...args], { env });

  it('lists every command group in its help', async () => {
    const { stdout } = await leakcase('--help');
    for (const command of ['migrate', 'seed-demo', 'organisations', 'users', 'audit', 'login', 'dataset', 'claimants']) {
      expect(stdout).toContain(command);
    }
  });

  it('opens the same services as the API: lists organisations and bulk-enrols from a CSV', async () => {
    const { stdout: organisations } = await leakcase('organisations', 'list');
    expect(organisations).toMatch(/CONSUMER_ASSOCIATION\s+示范省消费者权益保护委员会/);

    const procurator = await api.login('procurator@demo.local');
    const incident = await api.gql(`mutation($i: RegisterLeakIncidentInput!) { registerLeakIncident(input: $i) { id } }`, { i: INCIDENT_INPUT }, procurator);
    await shareIncidentsThroughCase(api.gql, procurator, [incident.data!.registerLeakIncident.id], ['CONSUMER_ASSOCIATION', 'PROCURATORATE']);
    const file = join(mkdtempSync(join(tmpdir(), 'leakcase-cli-')), 'claimants.csv');
    writeFileSync(file, [CSV_HEADER, csvRow(900, incident.data!.registerLeakIncident.id), csvRow(901, incident.data!.registerLeakIncident.id)].join('\n'));
    const { stdout } = await leakcase('claimants', 'import', file, '--org', '示范省消费者权益保护委员会 (Demo Province Consumer Council)');
    expect(stdout).toMatch(/2 rows \(utf-8\): 2 enrolled, 0 already enrolled, 0 rejected/);
  });

  it('answers a refusal as a message and exit code 1, not a stack trace', async () => {
    await expect(leakcase('users', 'create', '--email', 'x@y.cn', '--name', 'X', '--role', 'JUDGE', '--organisation', 'nope', '--password', 'long-enough-password')).rejects.toMatchObject({
      code: 1,
      stderr: 'leakcase: no organisation named "nope"\n',
    });
  });
});
