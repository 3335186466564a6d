import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
    // One data directory for the API and the command, as on one installation: the API's job worker
    // may be the one that runs a document job the command queued, and the command then reads its file.
    const dataDir = mkdtempSync(join(tmpdir(), 'leakcase-e2e-data-'));
    api = await startTestApi({ LEAKCASE_DATA_DIR: dataDir });
    env = { ...process.env, ...testEnv(api.url, { LEAKCASE_DATA_DIR: dataDir }), LOG_LEVEL: 'error' };
  });
  afterAll(() => api.close());

  const leakcase = (...args: string[]) => run(process.execPath, [CLI, ...args], { env });

  it('lists every command group in its help', async () => {
    const { stdout } = await leakcase('--help');
    for (const command of ['migrate', 'seed-demo', 'organisations', 'users', 'audit', 'login', 'dataset', 'claimants', 'calendar', 'documents']) {
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
    expect(stdout).toMatch(/2 rows \(csv, utf-8\): 2 enrolled, 0 already enrolled, 0 rejected, 0 with warnings, 0 empty rows skipped/);
  });

  it('imports an Excel "CSV (逗号分隔)" sheet with the defaults as flags, writes the report sheet, and writes the template', async () => {
    const procurator = await api.login('procurator@demo.local');
    const incident = await api.gql(`mutation($i: RegisterLeakIncidentInput!) { registerLeakIncident(input: $i) { id } }`, { i: INCIDENT_INPUT }, procurator);
    const incidentId = incident.data!.registerLeakIncident.id;
    await shareIncidentsThroughCase(api.gql, procurator, [incidentId], ['CONSUMER_ASSOCIATION', 'PROCURATORATE']);
    const dir = mkdtempSync(join(tmpdir(), 'leakcase-cli-'));
    const report = join(dir, 'report.csv');
    const { stdout } = await leakcase(
      'claimants', 'import', join(__dirname, 'fixtures', 'claimant-sheets', 'excel-csv-gbk.csv'),
      '--org', '示范省消费者权益保护委员会 (Demo Province Consumer Council)',
      '--consent-method', '书面签字', '--consent-scope', '委托诉讼;个人信息处理', '--consent-date', '2025-03-01', '--harm-types', '骚扰电话短信',
      '--incident', incidentId, '--report', report,
    );
    expect(stdout).toBe(
      '5 rows (csv, gb18030): 2 enrolled, 0 already enrolled, 3 rejected, 0 with warnings, 1 empty rows skipped\n' +
        '  ignored columns: 1:序号, 8:备注\n' +
        '  row 5: id_number fails the GB 11643 checksum\n' +
        '  row 6: consent_given_at is a day that does not exist (such as 2025-02-29 or 2025-06-31)\n' +
        '  row 7: loss_yuan has more than two decimals (a fen is the smallest unit)\n' +
        `report written to ${report}\n`,
    );
    expect(readFileSync(report, 'utf8')).toBe(
      '\uFEFF行号 row,结果 decision,列 field,代码 code,原因 reason\r\n' +
        ',IGNORED_COLUMN,序号,,column 1 is not one leakcase reads: ignored\r\n' +
        ',IGNORED_COLUMN,备注,,column 8 is not one leakcase reads: ignored\r\n' +
        '4,SKIPPED,,,all cells empty\r\n' +
        '5,REJECTED,id_number,,fails the GB 11643 checksum\r\n' +
        '6,REJECTED,consent_given_at,,is a day that does not exist (such as 2025-02-29 or 2025-06-31)\r\n' +
        '7,REJECTED,loss_yuan,,has more than two decimals (a fen is the smallest unit)\r\n',
    );

    const template = join(dir, '登记表.csv');
    expect((await leakcase('claimants', 'template', template)).stdout).toBe(`csv template written to ${template}\n`);
    expect(readFileSync(template, 'utf8')).toBe('\uFEFF姓名,身份证号,手机号,邮箱,地址,同意日期,同意方式,同意范围,损害类型,损失金额(元),证据,泄露事件\r\n');
    await leakcase('claimants', 'template', '--format', 'xlsx', join(dir, 'template'));
    expect(readFileSync(join(dir, 'template')).subarray(0, 4)).toEqual(Buffer.from('PK\x03\x04', 'latin1'));
  });

  it('generates documents as the organisation named, a large roster through its job with a progress line', async () => {
    const procurator = await api.login('procurator@demo.local');
    const association = await api.login('association@demo.local');
    const incident = (await api.gql(`mutation($i: RegisterLeakIncidentInput!) { registerLeakIncident(input: $i) { id } }`, { i: INCIDENT_INPUT }, procurator)).data!.registerLeakIncident.id;
    const caseId = await shareIncidentsThroughCase(api.gql, procurator, [incident], ['CONSUMER_ASSOCIATION', 'PROCURATORATE']);
    const dir = mkdtempSync(join(tmpdir(), 'leakcase-cli-'));
    const csv = join(dir, 'claimants.csv');
    writeFileSync(csv, [CSV_HEADER, csvRow(910, incident), csvRow(911, incident)].join('\n'));
    await leakcase('claimants', 'import', csv, '--org', '示范省消费者权益保护委员会 (Demo Province Consumer Council)');
    const formed = await api.gql(`mutation($i: FormClassInput!) { formClass(input: $i) { added } }`, {
      i: { caseId, name: 'CLI class', definition: 'Everyone exposed by the CLI incident', incidentIds: [incident] },
    }, association);
    expect(formed.data!.formClass.added).toBe(2);

    const roster = join(dir, 'roster.pdf');
    const { stdout, stderr } = await run(process.execPath, [CLI, 'documents', 'generate', '--case', caseId, '--kind', 'CLASS_ROSTER', '--lang', 'zh',
      '--org', '示范省消费者权益保护委员会 (Demo Province Consumer Council)', '--out', roster], { env: { ...env, DOCUMENTS_SYNC_ROWS: '1', LEAKCASE_PROGRESS_SECONDS: '0.1' } });
    expect(stdout).toMatch(/^CLASS_ROSTER ZH PDF version 1: .*roster\.pdf \(\d+ bytes, 1 page, sha256 [0-9a-f]{64}\)\n$/);
    expect(stderr).toContain('2/2 rows');
    expect(readFileSync(roster).subarray(0, 5).toString()).toBe('%PDF-');

    const announcement = join(dir, 'announcement.pdf');
    const again = await leakcase('documents', 'generate', '--case', caseId, '--kind', 'PRE_LITIGATION_ANNOUNCEMENT', '--lang', 'en',
      '--org', '示范市人民检察院 (Demo City Procuratorate)', '--out', announcement);
    expect(again.stdout).toMatch(/^PRE_LITIGATION_ANNOUNCEMENT EN PDF version 1: /);
    await expect(leakcase('documents', 'generate', '--case', caseId, '--kind', 'PRE_LITIGATION_ANNOUNCEMENT', '--lang', 'en',
      '--org', '示范省消费者权益保护委员会 (Demo Province Consumer Council)', '--out', announcement)).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('may not make') });
  });

  it('loads a holiday calendar file of the bundled format through the audited service, and refuses a bad one loading nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leakcase-cli-'));
    // Test data, not the real 2027 notice (unpublished when the bundled file was made).
    const year2027 = { year: 2027, notice: 'test notice 2027', holidays: [['2027-10-01', '2027-10-07']], workdays: ['2027-10-09'] };
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ years: [year2027, { ...year2027, year: 2028, holidays: [['2028-10-01', '2028-10-07']], workdays: ['2028-10-11'] }] }));
    await expect(leakcase('calendar', 'load', bad)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('Holiday calendar 2028: workdays[0] "2028-10-11": is a Wednesday'),
    });

    const admin = await api.login('admin@demo.local');
    // Tuesday 2027-10-05: past the days National Day is fixed on (1-3 October), so a working day until the arrangement is loaded.
    const day = `{ calendarDay(date: "2027-10-05") { restDay kind provisional arrangement { notice } } }`;
    expect((await api.gql(day, {}, admin)).data!.calendarDay).toMatchObject({ restDay: false, kind: 'WEEKDAY', provisional: true });

    const file = join(dir, 'holidays.json');
    writeFileSync(file, JSON.stringify({ about: 'test', years: [year2027] }));
    const { stdout } = await leakcase('calendar', 'load', file);
    expect(stdout).toBe('Loaded 2027: test notice 2027; 0 deadline(s) moved or flagged\n');
    expect((await api.gql(day, {}, admin)).data!.calendarDay).toEqual({ restDay: true, kind: 'HOLIDAY', provisional: false, arrangement: { notice: 'test notice 2027' } });

    const audit = await api.gql(`{ auditEvents(filter: { action: "holiday-calendar.load-year" }, first: 5) { nodes { action actorId subjectId } } }`, {}, admin);
    expect(audit.data!.auditEvents.nodes).toContainEqual({ action: 'holiday-calendar.load-year', actorId: null, subjectId: '2027' });
  });

  it('answers a refusal as a message and exit code 1, not a stack trace', async () => {
    await expect(leakcase('users', 'create', '--email', 'x@y.cn', '--name', 'X', '--role', 'JUDGE', '--organisation', 'nope', '--password', 'long-enough-password')).rejects.toMatchObject({
      code: 1,
      stderr: 'leakcase: no organisation named "nope"\n',
    });
  });
});
