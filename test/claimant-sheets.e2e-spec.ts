import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { startTestApi, type TestApi } from './support/api';
import { INCIDENT_INPUT, shareIncidentsThroughCase } from './support/claimants';

/**
 * The claimant sheets of test/fixtures/claimant-sheets (see generate.js there), each imported as
 * it is with nothing but the per-upload defaults below. Every expected value is worked out by
 * hand from the fixture's literal cells: the decision, reason and warnings per row, and what the
 * enrolling association reads back (masked identifiers; unmasked where a normalisation is the point).
 */
const FIXTURES = join(__dirname, 'fixtures', 'claimant-sheets');

/** The per-upload defaults, in the words a Chinese user types (the incident is added per file). */
const DEFAULTS = { consentMethod: '书面签字', consentScope: '委托诉讼;个人信息处理', consentDate: '2025-03-01', harmTypes: '骚扰电话短信' };
/** 2025-03-01 00:00 in Asia/Shanghai. */
const DEFAULT_GIVEN_AT = '2025-02-28T16:00:00.000Z';
const BOTH_SCOPES = ['REPRESENTATION', 'DATA_USE'];
const SPAM = { type: 'SCAM_CALLS_OR_SPAM', amountFen: null, evidenceRefs: [] };

const PEOPLE = `query($incident: ID) { claimants(incidentId: $incident, first: 100) { nodes { id nameMasked idNumberMasked phoneMasked emailMasked
  consent { givenAt method scopes } harms { type amountFen evidenceRefs } } } }`;
const IDENTITY = `query($id: ID!) { claimantIdentity(id: $id, reason: "check the import of a claimant sheet") { name idNumber phone } }`;

const NAME_NORMALISED = { code: 'NAME_NORMALISED', message: 'the name was normalised (full-width forms, separator dot or padding inside it)' };
const ID_UPGRADED = {
  code: 'ID_UPGRADED_FROM_15',
  message: 'a 15-digit first-generation ID number was upgraded to 18 digits (19 inserted before the birth year, check character computed)',
};
const NO_SUCH_DAY = 'is a day that does not exist (such as 2025-02-29 or 2025-06-31)';

interface Person {
  id: string;
  nameMasked: string;
  idNumberMasked: string;
  phoneMasked: string;
  emailMasked: string | null;
  consent: { givenAt: string; method: string; scopes: string[] };
  harms: { type: string; amountFen: string | null; evidenceRefs: string[] }[];
}

describe('claimant sheets as associations have them: imported with only the per-upload defaults', () => {
  let api: TestApi;
  let association: string;
  let procurator: string;
  const incidents: string[] = [];
  let nextIncident = 0;

  beforeAll(async () => {
    api = await startTestApi();
    [association, procurator] = await Promise.all(['association@demo.local', 'procurator@demo.local'].map((e) => api.login(e)));
    for (let i = 0; i < 8; i++) {
      const res = await api.gql(`mutation($i: RegisterLeakIncidentInput!) { registerLeakIncident(input: $i) { id } }`, { i: INCIDENT_INPUT }, procurator);
      incidents.push(res.data!.registerLeakIncident.id);
    }
    await shareIncidentsThroughCase(api.gql, procurator, incidents, ['CONSUMER_ASSOCIATION', 'PROCURATORATE']);
  });
  afterAll(() => api.close());

  /** Imports a fixture under a neutral name (the format is sniffed, never taken from the name) against a fresh incident. */
  async function importSheet(file: string): Promise<{ report: Record<string, any>; incidentId: string; people: Person[] }> {
    const incidentId = incidents[nextIncident++];
    const res = await request(api.app.getHttpServer())
      .post('/claimants/import')
      .query({ ...DEFAULTS, incidentIds: incidentId })
      .set('authorization', `Bearer ${association}`)
      .set('prefer', 'wait=30')
      .attach('file', readFileSync(join(FIXTURES, file)), { filename: 'upload', contentType: 'application/octet-stream' });
    expect(res.status).toBe(200);
    const listed = await api.gql(PEOPLE, { incident: incidentId }, association);
    const people = (listed.data!.claimants.nodes as Person[]).sort((a, b) => a.phoneMasked.localeCompare(b.phoneMasked));
    return { report: res.body, incidentId, people };
  }
  /** A person without the id, harms in type order (the API keeps no order among one person's harms). */
  const masked = ({ id: _id, harms, ...rest }: Person) => ({ ...rest, harms: [...harms].sort((a, b) => a.type.localeCompare(b.type)) });

  it('Excel "CSV (逗号分隔)": GBK, CRLF, Chinese headers, yuan with a thousands separator, a remarks column, an all-empty row', async () => {
    const { report, people } = await importSheet('excel-csv-gbk.csv');
    expect(report).toMatchObject({
      status: 'COMPLETE',
      format: 'csv',
      encoding: 'gb18030',
      delimiter: ',',
      rows: 5,
      accepted: 2,
      rejected: 3,
      skipped: 1,
      skippedRows: [4],
      ignoredColumns: ['1:序号', '8:备注'],
      warned: 0,
    });
    expect(report.rejections).toEqual([
      { row: 5, field: 'id_number', reason: 'fails the GB 11643 checksum' },
      { row: 6, field: 'consent_given_at', reason: NO_SUCH_DAY },
      { row: 7, field: 'loss_yuan', reason: 'has more than two decimals (a fen is the smallest unit)' },
    ]);
    expect(people.map(masked)).toEqual([
      {
        nameMasked: '张*',
        idNumberMasked: '110***********0012',
        phoneMasked: '138****0001',
        emailMasked: null,
        consent: { givenAt: '2025-04-01T16:00:00.000Z', method: 'WRITTEN_SIGNATURE', scopes: BOTH_SCOPES },
        harms: [{ type: 'FRAUD_LOSS', amountFen: '123450', evidenceRefs: [] }],
      },
      {
        nameMasked: '李*',
        idNumberMasked: '310***********002X',
        phoneMasked: '138****0002',
        emailMasked: null,
        consent: { givenAt: '2025-04-02T16:00:00.000Z', method: 'WRITTEN_SIGNATURE', scopes: BOTH_SCOPES },
        harms: [SPAM],
      },
    ]);
  });

  it('Excel "CSV UTF-8": BOM, CRLF, consent in Chinese words per row, fen, evidence; the cells override the defaults', async () => {
    const { report, people } = await importSheet('excel-csv-utf8.csv');
    expect(report).toMatchObject({ format: 'csv', encoding: 'utf-8', delimiter: ',', rows: 4, accepted: 1, rejected: 3, skipped: 1, skippedRows: [6], ignoredColumns: [], warned: 0 });
    expect(report.rejections).toEqual([
      { row: 3, field: 'consent_scope', reason: 'must include REPRESENTATION' },
      {
        row: 4,
        field: 'consent_method',
        reason: 'must be one of WRITTEN_SIGNATURE (书面签字), ELECTRONIC_SIGNATURE (电子签名), ONLINE_FORM (线上表单), RECORDED_ORAL (录音)',
      },
      { row: 5, field: 'loss_fen', reason: 'must be a whole number of fen (a decimal point suggests yuan)' },
    ]);
    expect(people.map(masked)).toEqual([
      {
        nameMasked: '刘*',
        idNumberMasked: '420***********006X',
        phoneMasked: '138****0006',
        emailMasked: 'l***@example.com',
        consent: { givenAt: '2025-03-14T16:00:00.000Z', method: 'ELECTRONIC_SIGNATURE', scopes: BOTH_SCOPES },
        harms: [
          { type: 'FRAUD_LOSS', amountFen: '250000', evidenceRefs: ['转账记录'] },
          { type: 'SCAM_CALLS_OR_SPAM', amountFen: null, evidenceRefs: ['转账记录'] },
        ],
      },
    ]);
  });

  it('Excel "Unicode 文本": UTF-16LE, TAB; a padded name and a 15-digit ID are accepted with warnings; scientific notation and a day-first date refused', async () => {
    const { report, people } = await importSheet('excel-unicode-text.txt');
    expect(report).toMatchObject({ format: 'csv', encoding: 'utf-16le', delimiter: '\t', rows: 5, accepted: 3, rejected: 2, skipped: 0, ignoredColumns: ['5:备注'], warned: 2 });
    expect(report.rejections).toEqual([
      { row: 4, field: 'id_number', reason: 'Excel destroyed the digits (scientific notation): export the column as text' },
      {
        row: 5,
        field: 'consent_given_at',
        reason: 'is ambiguous: day and month cannot be told apart in a day-first or month-first date (02/04/2025); write the year first, as 2025-04-02',
      },
    ]);
    expect(report.warnings).toEqual([
      { row: 2, field: 'name', ...NAME_NORMALISED },
      { row: 2, field: 'id_number', ...ID_UPGRADED },
    ]);
    const at = '2025-04-05T16:00:00.000Z';
    expect(people.map(masked)).toEqual([
      { nameMasked: '王*', idNumberMasked: '110***********0215', phoneMasked: '138****0010', emailMasked: null, consent: { givenAt: at, method: 'WRITTEN_SIGNATURE', scopes: BOTH_SCOPES }, harms: [SPAM] },
      { nameMasked: '孙*', idNumberMasked: '610***********0102', phoneMasked: '138****0011', emailMasked: null, consent: { givenAt: at, method: 'WRITTEN_SIGNATURE', scopes: BOTH_SCOPES }, harms: [SPAM] },
      {
        nameMasked: '朱*',
        idNumberMasked: '500***********013X',
        phoneMasked: '138****0014',
        emailMasked: null,
        consent: { givenAt: '2025-04-06T16:00:00.000Z', method: 'WRITTEN_SIGNATURE', scopes: BOTH_SCOPES },
        harms: [SPAM],
      },
    ]);
    // 110105 85 03 12 021 -> 110105 19 85 03 12 021 and the check character 5 (GB 11643: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, sum 172, 172 mod 11 = 7 -> '5').
    const identity = await api.gql(IDENTITY, { id: people[0].id }, association);
    expect(identity.data!.claimantIdentity).toEqual({ name: '王芳', idNumber: '110105198503120215', phone: '13800000010' });
  });

  it('WPS "CSV": GBK, all quoted, LF; full-width digits, ￥ yuan without a unit in the header, a lost character, a row with an extra field', async () => {
    const { report, people } = await importSheet('wps-export.csv');
    expect(report).toMatchObject({ format: 'csv', encoding: 'gb18030', delimiter: ',', rows: 5, accepted: 3, rejected: 2, skipped: 0, ignoredColumns: [], warned: 0 });
    expect(report.rejections).toEqual([
      { row: 4, field: 'name', reason: 'holds "?" or U+FFFD where the file\'s encoding lost a character: unrecoverable, export the file again as UTF-8' },
      { row: 6, field: 'row', reason: 'has 8 fields where the header has 7: a value holding the separator without quotes, or a column without a header' },
    ]);
    const consent = { givenAt: DEFAULT_GIVEN_AT, method: 'ONLINE_FORM', scopes: BOTH_SCOPES };
    expect(people.map(masked)).toEqual([
      { nameMasked: '郭*', idNumberMasked: '450***********014X', phoneMasked: '138****0015', emailMasked: null, consent, harms: [{ type: 'FRAUD_LOSS', amountFen: '300000', evidenceRefs: [] }] },
      { nameMasked: '黄*', idNumberMasked: '140***********0151', phoneMasked: '138****0016', emailMasked: null, consent, harms: [{ type: 'IDENTITY_MISUSE', amountFen: null, evidenceRefs: [] }] },
      {
        nameMasked: '洪**',
        idNumberMasked: '130***********0177',
        phoneMasked: '138****0018',
        emailMasked: null,
        consent: { ...consent, method: 'WRITTEN_SIGNATURE' },
        harms: [
          { type: 'MENTAL_DISTRESS', amountFen: null, evidenceRefs: [] },
          { type: 'REPUTATION', amountFen: null, evidenceRefs: [] },
        ],
      },
    ]);
  });

  it('plain UTF-8 without BOM, English headers: a date-time, lower-case enum words, ¥ yuan, a separator look-alike, a blank line, a remarks column', async () => {
    const { report, people } = await importSheet('plain-utf8-english.csv');
    expect(report).toMatchObject({ format: 'csv', encoding: 'utf-8', delimiter: ',', rows: 3, accepted: 2, rejected: 1, skipped: 1, skippedRows: [4], ignoredColumns: ['11:remarks'], warned: 1 });
    expect(report.rejections).toEqual([{ row: 5, field: 'consent_given_at', reason: NO_SUCH_DAY }]);
    expect(report.warnings).toEqual([{ row: 3, field: 'name', ...NAME_NORMALISED }]);
    expect(people.map(masked)).toEqual([
      {
        nameMasked: 'Z********',
        idNumberMasked: '110***********0196',
        phoneMasked: '138****0020',
        emailMasked: 'z***@example.com',
        consent: { givenAt: '2025-03-01T02:30:00.000Z', method: 'ONLINE_FORM', scopes: BOTH_SCOPES },
        harms: [{ type: 'FRAUD_LOSS', amountFen: '8880', evidenceRefs: ['bank statement'] }],
      },
      {
        nameMasked: '阿******',
        idNumberMasked: '310***********0201',
        phoneMasked: '138****0021',
        emailMasked: null,
        consent: { givenAt: '2025-03-01T16:00:00.000Z', method: 'WRITTEN_SIGNATURE', scopes: BOTH_SCOPES },
        harms: [SPAM],
      },
    ]);
    const identity = await api.gql(IDENTITY, { id: people[1].id }, association);
    expect(identity.data!.claimantIdentity.name).toBe('阿卜杜·热合曼');
  });

  it('an XLSX workbook: text and number ID cells, a number phone, date cells and a serial, rich text, a formula, an error cell, a formatted empty row', async () => {
    const { report, people } = await importSheet('excel-workbook.xlsx');
    expect(report).toMatchObject({ format: 'xlsx', encoding: 'xlsx', delimiter: null, rows: 6, accepted: 4, rejected: 2, ignoredColumns: ['7:备注'], warned: 3 });
    // Row 6 holds formats only: no value, so no row at all (neither a rejection nor a skipped row).
    expect(report).toMatchObject({ skipped: 0, skippedRows: [] });
    expect(report.rejections).toEqual([
      { row: 3, field: 'id_number', reason: 'Excel stored it as a number, so the digits past the 15th are gone: format the column as text (@) and type it again' },
      { row: 7, field: 'phone', reason: 'is an Excel error cell (#N/A)' },
    ]);
    expect(report.warnings).toEqual([
      { row: 4, field: 'phone', code: 'STORED_AS_NUMBER', message: 'Excel stored it as a number (read exactly, but format the column as text)' },
      { row: 8, field: 'id_number', code: 'STORED_AS_NUMBER', message: 'Excel stored it as a number (read exactly, but format the column as text)' },
      { row: 8, field: 'id_number', ...ID_UPGRADED },
    ]);
    const consent = (givenAt: string) => ({ givenAt, method: 'WRITTEN_SIGNATURE', scopes: BOTH_SCOPES });
    expect(people.map(masked)).toEqual([
      { nameMasked: '冯*', idNumberMasked: '440***********0033', phoneMasked: '138****0023', emailMasked: null, consent: consent('2025-04-07T16:00:00.000Z'), harms: [{ type: 'FRAUD_LOSS', amountFen: '250050', evidenceRefs: [] }] },
      // Serial 45759: 2025-01-01 is 45658, plus 31 + 28 + 31 + 11 days = 2025-04-12.
      { nameMasked: '卫*', idNumberMasked: '110***********034X', phoneMasked: '138****0025', emailMasked: null, consent: consent('2025-04-11T16:00:00.000Z'), harms: [SPAM] },
      { nameMasked: '蒋*', idNumberMasked: '110***********0454', phoneMasked: '138****0026', emailMasked: null, consent: consent('2025-04-08T16:00:00.000Z'), harms: [SPAM] },
      { nameMasked: '韩*', idNumberMasked: '310***********0338', phoneMasked: '138****0027', emailMasked: null, consent: consent('2025-04-09T16:00:00.000Z'), harms: [SPAM] },
    ]);
    const identity = await api.gql(IDENTITY, { id: people[3].id }, association);
    expect(identity.data!.claimantIdentity.idNumber).toBe('310104197001010338');
  });

  describe('the report, the template and the defaults', () => {
    const server = () => api.app.getHttpServer();
    const download = (path: string, token = association) =>
      request(server())
        .get(path)
        .set('authorization', `Bearer ${token}`)
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        });

    it('downloads an import\'s report as CSV (formula-looking cells neutralised) and XLSX: ignored columns, skipped rows, rejections, warnings, never a value', async () => {
      const sheet =
        '姓名,身份证号,手机号,"=HYPERLINK(""http://x"")"\r\n' +
        '吕布,530102940505067,13800000030,\r\n' +
        ',,,\r\n' +
        '貂蝉,110105199304040568,13800000031,\r\n';
      const imported = await request(server())
        .post('/claimants/import')
        .query({ ...DEFAULTS, incidentIds: incidents[nextIncident++] })
        .set('authorization', `Bearer ${association}`)
        .set('prefer', 'wait=30')
        .attach('file', Buffer.from(sheet), { filename: 'sheet.csv', contentType: 'text/csv' });
      expect(imported.body).toMatchObject({ rows: 2, accepted: 1, rejected: 1, warned: 1, skipped: 1 });

      const csv = await download(`/claimants/imports/${imported.body.importId}/report`);
      expect(csv.status).toBe(200);
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(csv.headers['content-disposition']).toBe(`attachment; filename="claimant-import-${imported.body.importId}-report.csv"`);
      expect(csv.body.toString('utf8')).toBe(
        '\uFEFF行号 row,结果 decision,列 field,代码 code,原因 reason\r\n' +
          ',IGNORED_COLUMN,"\'=HYPERLINK(""http://x"")",,column 4 is not one leakcase reads: ignored\r\n' +
          `2,WARNING,id_number,ID_UPGRADED_FROM_15,"${ID_UPGRADED.message}"\r\n` +
          '3,SKIPPED,,,all cells empty\r\n' +
          '4,REJECTED,id_number,,fails the GB 11643 checksum\r\n',
      );
      expect(csv.body.toString('utf8')).not.toContain('110105199304040568'.slice(3, 14));

      const xlsx = await download(`/claimants/imports/${imported.body.importId}/report?format=xlsx`);
      expect(xlsx.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(xlsx.body);
      const rows = book.worksheets[0].getSheetValues().slice(1).map((r) => (r as unknown[]).slice(1).map((v) => v ?? ''));
      expect(rows).toEqual([
        ['行号 row', '结果 decision', '列 field', '代码 code', '原因 reason'],
        ['', 'IGNORED_COLUMN', '=HYPERLINK("http://x")', '', 'column 4 is not one leakcase reads: ignored'],
        [2, 'WARNING', 'id_number', 'ID_UPGRADED_FROM_15', ID_UPGRADED.message],
        [3, 'SKIPPED', '', '', 'all cells empty'],
        [4, 'REJECTED', 'id_number', '', 'fails the GB 11643 checksum'],
      ]);

      const designated = await api.login('designated@demo.local');
      expect((await download(`/claimants/imports/${imported.body.importId}/report`, designated)).status).toBe(404);
      expect((await download(`/claimants/imports/${imported.body.importId}/report?format=pdf`)).status).toBe(400);
    });

    it('hands out the XLSX template, and the template filled in Excel\'s way imports with only the incident as a default', async () => {
      const res = await download('/claimants/import/template');
      expect(res.status).toBe(200);
      expect(res.headers['content-disposition']).toBe('attachment; filename="claimants-template.xlsx"');
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(res.body);
      const sheet = book.worksheets[0];
      // Filled in as a user would: text in the text-formatted ID and phone columns, a date cell, the drop-down words.
      sheet.getRow(2).values = ['吕蒙', '110105199304040567', '13800000032', '', '', new Date(Date.UTC(2025, 4, 6)), '录音', '委托诉讼;个人信息处理', '精神损害'];
      const filled = Buffer.from(await book.xlsx.writeBuffer());
      const imported = await request(server())
        .post('/claimants/import')
        .query({ incidentIds: incidents[nextIncident] })
        .set('authorization', `Bearer ${association}`)
        .set('prefer', 'wait=30')
        .attach('file', filled, { filename: '登记表.xlsx', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
      expect(imported.body).toMatchObject({ format: 'xlsx', rows: 1, accepted: 1, rejected: 0, skipped: 0, ignoredColumns: [], warned: 0 });
      const listed = await api.gql(PEOPLE, { incident: incidents[nextIncident++] }, association);
      expect(listed.data!.claimants.nodes.map(masked)).toEqual([
        {
          nameMasked: '吕*',
          idNumberMasked: '110***********0567',
          phoneMasked: '138****0032',
          emailMasked: null,
          consent: { givenAt: '2025-05-05T16:00:00.000Z', method: 'RECORDED_ORAL', scopes: BOTH_SCOPES },
          harms: [{ type: 'MENTAL_DISTRESS', amountFen: null, evidenceRefs: [] }],
        },
      ]);
    });

    it('refuses a bad default by its parameter, and a file lacking a column that has no default, staging nothing', async () => {
      const post = (query: Record<string, string>) =>
        request(server())
          .post('/claimants/import')
          .query(query)
          .set('authorization', `Bearer ${association}`)
          .attach('file', Buffer.from('姓名,身份证号,手机号\r\n吕蒙,110105199304040567,13800000032\r\n'), { filename: 'x.csv', contentType: 'text/csv' });
      const bad = await post({ ...DEFAULTS, consentMethod: '微信', incidentIds: incidents[0] });
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ code: 'BAD_USER_INPUT', field: 'consentMethod' });
      const lacking = await post({ consentMethod: '录音', consentScope: 'REPRESENTATION,DATA_USE', consentDate: '2025-03-01' });
      expect(lacking.status).toBe(400);
      expect(lacking.body.message).toBe('file: has no column incident_ids and no default for it (incidentIds= / --incident)');
    });
  });
});
