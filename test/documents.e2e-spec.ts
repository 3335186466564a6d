import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { DocumentsService } from '@app/documents';
import { APP_CONFIG, type AppConfig } from '@app/platform';
import { fileDigest, LedgerExportService, verifyExport, verifyInclusion } from '@app/proof';
import { startTestApi, type TestApi } from './support/api';
import { withClient } from './support/database';
import { CLASS_TEST_KEY, enrol, ok, organisationId, registerIncident, uploadPhones } from './support/classes';
import { phoneFor, uniqueIdNumber } from './support/claimants';
import { waitForJob } from './support/jobs';
import { firstPagePng, pdfPages, pdfRawText, pdfText, requirePoppler } from './support/poppler';
import { PNG, submitEvidence, TWO_PAGE_PDF } from './support/proof';

/**
 * Filing documents, generated through the API and read back as text (pdftotext) and cells
 * (exceljs). The fixture:
 *
 *   incident A   registered by the procuratorate: 某某外卖平台有限公司 (credit code 91110000MA01ABCD2Q),
 *                2024-01-01 to 2024-06-30, names, phones, purchase history; about 120,000 people
 *   case S       SUPPORTED, opened by the association with the designated organisation as co-plaintiff,
 *                the procuratorate supporting; the platform as defendant (presumed fault); filed at the court
 *   members      the association enrols people 0-3 (0: fraud loss 10,000 fen, 1: 30,000 fen, 2: scam calls,
 *                3: nothing); the designated organisation enrols 0 (fraud loss 777,777 fen) and 4 (5,000 fen);
 *                the procuratorate's seized dataset holds the phones of 0 and 1; the court admits 1
 *   case P       CIVIL_PUBLIC_INTEREST of the procuratorate, announced on 2025-03-03
 *   case G       ADMINISTRATIVE_PUBLIC_INTEREST of the procuratorate against 示范市网信办, recommendation 2025-03-03
 *
 * Hand-computed: the association's view has 4 current members, 2 verified (0 and 1 matched), losses
 * 10,000 + 30,000 = 40,000 fen (CNY 400.00); the designated organisation's 2 members, losses
 * 777,777 + 5,000 = 782,777 fen (7,827.77); the court's merged view 5 members, losses by person
 * (the largest per person) 777,777 + 30,000 + 5,000 = 812,777 fen (8,127.77). The announcement's
 * 30 days from 2025-03-03 end on 2025-04-02 (a Wednesday). The recommendation's 2 months from
 * 2025-03-03 end on Saturday 2025-05-03, inside the Labour Day holiday (1-5 May 2025, State
 * Council notice of 2024-11-12): the next working day is Tuesday 2025-05-06.
 */
const CLI = join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
const run = promisify(execFile);

describe('documents: filing documents as PDF and XLSX, in Chinese and English', () => {
  let api: TestApi;
  let procurator: string;
  let association: string;
  let designated: string;
  let judge: string;
  let caseS: string;
  let caseP: string;
  let caseG: string;
  let datasetSha256: string;
  const people = [0, 1, 2, 3, 4];
  /** Every identifier the fixture gave, in full: none may appear in any document. */
  const identifiers = people.flatMap((n) => [uniqueIdNumber(n), phoneFor(n), `张${n}`]);
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

  const generate = async (token: string, caseId: string, kind: string, language: string, format = 'PDF') =>
    api.gql(`mutation($i: GenerateDocumentInput!) { generateDocument(input: $i) {
        document { id kind language format version sha256 sizeBytes pageCount logIndex organisationId }
        job { id status } } }`, { i: { caseId, kind, language, format } }, token);
  const download = (token: string, id: string) =>
    request(api.app.getHttpServer())
      .get(`/documents/${id}`)
      .set('authorization', `Bearer ${token}`)
      .buffer(true)
      .parse((res, callback) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => callback(null, Buffer.concat(chunks)));
      });

  /** Generates a document (waiting for its job if it became one), downloads it and checks its hash, size and pages. */
  async function made(token: string, caseId: string, kind: string, language: string, format = 'PDF') {
    const res = await generate(token, caseId, kind, language, format);
    if (res.errors) throw new Error(`${kind}: ${JSON.stringify(res.errors)}`);
    let document = res.data!.generateDocument.document;
    if (!document) {
      const job = await waitForJob(api.gql, token, res.data!.generateDocument.job.id);
      expect(job.status).toBe('COMPLETED');
      const { documentId } = JSON.parse(job.result!);
      const list = await ok(api, token, `query($c: ID!, $k: DocumentKind) { caseDocuments(caseId: $c, kind: $k, first: 50) {
          nodes { id kind language format version sha256 sizeBytes pageCount logIndex organisationId } } }`, { c: caseId, k: kind });
      document = list.caseDocuments.nodes.find((d: { id: string }) => d.id === documentId);
    }
    const file = await download(token, document.id);
    expect(file.status).toBe(200);
    const bytes = file.body as Buffer;
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(document.sha256);
    expect(file.headers['x-content-sha256']).toBe(document.sha256);
    expect(bytes.length).toBe(document.sizeBytes);
    expect(document.logIndex).toMatch(/^\d+$/);
    if (format === 'PDF') {
      expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
      expect(pdfPages(bytes)).toBe(document.pageCount);
      firstPagePng(bytes, `${kind.toLowerCase()}-${language.toLowerCase()}-${document.organisationId.slice(0, 4)}`);
    }
    return { document, bytes };
  }

  /** The evidence-log entry at `index`: its leaf (parsed), stored leaf hash, kind and case. */
  const entryAt = async (index: string) => {
    const { rows } = await withClient(api.url, (db) =>
      db.query(`SELECT leaf, encode(leaf_hash, 'hex') AS leaf_hash, kind, case_id FROM ledger_entry WHERE idx = $1`, [index]),
    );
    const bytes = rows[0].leaf as Buffer;
    return { leaf: JSON.parse(bytes.toString('utf8')), bytes, leafHash: rows[0].leaf_hash as string, kind: rows[0].kind, caseId: rows[0].case_id };
  };

  /** The text of a PDF with all whitespace removed (pdftotext breaks lines and drops CJK spacing). */
  const squashed = (pdf: Buffer) => pdfText(pdf).replace(/\s+/g, '');
  const expectNoIdentifier = (text: string) => {
    for (const identifier of identifiers) expect(text).not.toContain(identifier);
  };

  beforeAll(async () => {
    requirePoppler();
    api = await startTestApi({ BLIND_INDEX_KEY: CLASS_TEST_KEY.toString('base64'), DOCUMENTS_SYNC_ROWS: '3' });
    [procurator, association, designated, judge] = await Promise.all(
      ['procurator@demo.local', 'association@demo.local', 'designated@demo.local', 'judge@demo.local'].map((e) => api.login(e)),
    );
    const court = await organisationId(api, judge, 'COURT');
    const procuratorate = await organisationId(api, judge, 'PROCURATORATE');
    const associationOrg = await organisationId(api, judge, 'CONSUMER_ASSOCIATION');
    const designatedOrg = await organisationId(api, judge, 'DESIGNATED_ORGANISATION');
    const defendant = { name: '某某外卖平台有限公司', unifiedSocialCreditCode: '91110000MA01ABCD2Q', role: 'NETWORK_SERVICE_PROVIDER', liabilityBasis: 'PRESUMED_FAULT' };
    const incident = await registerIncident(api, procurator, {
      handler: { name: '某某外卖平台有限公司', unifiedSocialCreditCode: '91110000MA01ABCD2Q', role: 'NETWORK_SERVICE_PROVIDER' },
      estimatedPeople: 120000,
    });
    const transition = (token: string, caseId: string, to: string, on: string) =>
      ok(api, token, `mutation($i: TransitionCaseInput!) { transitionCase(input: $i) { stage } }`, { i: { caseId, to, on } });

    caseS = (await ok(api, association, `mutation($i: OpenCaseInput!) { openCase(input: $i) { id } }`, {
      i: {
        type: 'SUPPORTED',
        title: '示范省消费者权益保护委员会诉某某外卖平台个人信息保护公益诉讼案',
        courtId: court,
        plaintiffOrganisationIds: [associationOrg, designatedOrg],
        supportingOrganisationId: procuratorate,
        defendants: [defendant],
      },
    })).openCase.id;
    await transition(association, caseS, 'INVESTIGATION', '2025-02-03');
    await transition(association, caseS, 'FILED', '2025-02-17');
    await ok(api, procurator, `mutation($i: LinkLeakIncidentInput!) { linkLeakIncident(input: $i) { id } }`, { i: { caseId: caseS, incidentId: incident } });

    const loss = (fen: string) => ({ type: 'FRAUD_LOSS', amountFen: fen, evidenceRefs: ['bank statement'] });
    for (const [n, harms] of [[0, [loss('10000')]], [1, [loss('30000')]], [2, [{ type: 'SCAM_CALLS_OR_SPAM', evidenceRefs: [] }]], [3, []]] as const) {
      await enrol(api, association, n, [incident], { harms });
    }
    await enrol(api, designated, 0, [incident], { harms: [loss('777777')] });
    await enrol(api, designated, 4, [incident], { harms: [loss('5000')] });
    await uploadPhones(api, procurator, incident, [0, 1]);
    // uploadPhones hashes this very file: its SHA-256 is the dataset's.
    datasetSha256 = createHash('sha256').update(['phone', phoneFor(0), phoneFor(1)].join('\n') + '\n').digest('hex');

    const formed = await ok(api, association, `mutation($i: FormClassInput!) { formClass(input: $i) { class { id } } }`, {
      i: { caseId: caseS, name: '=HYPERLINK("x") 外卖平台 2024 年泄露群体', definition: '2024 年 1 月至 6 月间个人信息自该平台泄露的全部个人', incidentIds: [incident] },
    });
    const classId = formed.formClass.class.id;
    const person1 = (await withClient(api.url, (db) => db.query(`SELECT claimant_id FROM class_member m JOIN claimant c ON c.id = m.claimant_id
        WHERE m.class_id = $1 AND c.id_number_masked = $2`, [classId, `${uniqueIdNumber(1).slice(0, 3)}***********${uniqueIdNumber(1).slice(-4)}`]))).rows[0].claimant_id;
    await ok(api, judge, `mutation($i: ReviewMemberInput!) { reviewClassMember(input: $i) { id } }`, {
      i: { classId, claimantId: person1, action: 'ADMIT', reason: '数据集比对一致，予以确认' },
    });

    caseP = (await ok(api, procurator, `mutation($i: OpenCaseInput!) { openCase(input: $i) { id } }`, {
      i: { type: 'CIVIL_PUBLIC_INTEREST', title: '某某外卖平台个人信息泄露民事公益诉讼案', courtId: court, defendants: [defendant], incidentIds: [incident] },
    })).openCase.id;
    await transition(procurator, caseP, 'INVESTIGATION', '2025-02-03');
    await transition(procurator, caseP, 'ANNOUNCEMENT', '2025-03-03');

    caseG = (await ok(api, procurator, `mutation($i: OpenCaseInput!) { openCase(input: $i) { id } }`, {
      i: { type: 'ADMINISTRATIVE_PUBLIC_INTEREST', title: '示范市网信办怠于履行监管职责行政公益诉讼案', courtId: court, agency: { name: '示范市网信办' }, incidentIds: [incident] },
    })).openCase.id;
    await transition(procurator, caseG, 'INVESTIGATION', '2025-02-03');
    await transition(procurator, caseG, 'RECOMMENDATION', '2025-03-03');
  });
  afterAll(() => api?.close());

  describe('civil public-interest complaint', () => {
    it("states the association's parties, claims with its members' declared losses, facts and articles, in Chinese", async () => {
      const { bytes } = await made(association, caseS, 'CIVIL_PUBLIC_INTEREST_COMPLAINT', 'ZH');
      const text = squashed(bytes);
      for (const expected of [
        '民事公益诉讼起诉书',
        '原告示范省消费者权益保护委员会',
        '原告示范个人信息保护组织',
        '支持起诉人示范市人民检察院',
        '被告某某外卖平台有限公司',
        '统一社会信用代码：91110000MA01ABCD2Q',
        '身份：网络服务提供者',
        '诉讼请求',
        '一、判令被告某某外卖平台有限公司立即停止',
        '四、判令被告赔偿损失人民币400.00元',
        '2024年1月1日至2024年6月30日',
        '涉及约120,000人',
        '本案群体现有成员4人，其中经数据集比对或泄露通知核实2人',
        '申报损失合计人民币400.00元',
        '第六十九条第一款',
        '第七十条',
        '第五十八条第一款',
        '此致示范市中级人民法院',
        `${Number(today.slice(0, 4))}年${Number(today.slice(5, 7))}月${Number(today.slice(8))}日`,
      ]) expect(text).toContain(expected);
      expect(text).toMatch(/第1页\/共\d+页/);
      expectNoIdentifier(text);
    });

    it('says the same in English', async () => {
      const { bytes } = await made(association, caseS, 'CIVIL_PUBLIC_INTEREST_COMPLAINT', 'EN');
      const text = pdfText(bytes).replace(/\s+/g, ' ');
      for (const expected of [
        'Civil Public-Interest Complaint',
        'Unified social credit code: 91110000MA01ABCD2Q',
        'Order the defendants to pay damages of CNY 400.00',
        'from 1 January 2024 to 30 June 2024',
        'about 120,000 people',
        'the class has 4 current members, 2 of them verified',
        'PIPL art. 69(1)',
        'PIPL art. 70',
        'Civil Procedure Law art. 58(1)',
        'Page 1 of',
      ]) expect(text).toContain(expected);
      expectNoIdentifier(text);
    });

    it("lists the procuratorate's own seized dataset with its SHA-256 in the evidence list, and claims no amount it has no member for", async () => {
      const { bytes } = await made(procurator, caseS, 'CIVIL_PUBLIC_INTEREST_COMPLAINT', 'ZH');
      const text = squashed(bytes);
      expect(text).toContain('证据清单');
      expect(text).toContain(datasetSha256);
      expect(text).toContain('数额由人民法院根据实际情况确定');
      expect(text).toContain('本案群体现有成员0人');
      expectNoIdentifier(text);
      // The association's complaint has no evidence list: the dataset is the procuratorate's.
      const own = squashed((await made(association, caseS, 'CIVIL_PUBLIC_INTEREST_COMPLAINT', 'ZH')).bytes);
      expect(own).not.toContain(datasetSha256);
    });

    it('is refused to the court (FORBIDDEN), for an administrative case (BAD_USER_INPUT), as XLSX (BAD_USER_INPUT)', async () => {
      expect((await generate(judge, caseS, 'CIVIL_PUBLIC_INTEREST_COMPLAINT', 'ZH')).errors![0].extensions!.code).toBe('FORBIDDEN');
      const admin = await generate(procurator, caseG, 'CIVIL_PUBLIC_INTEREST_COMPLAINT', 'ZH');
      expect(admin.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'kind' });
      const xlsx = await generate(association, caseS, 'CIVIL_PUBLIC_INTEREST_COMPLAINT', 'ZH', 'XLSX');
      expect(xlsx.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'format' });
    });
  });

  describe('pre-litigation announcement and procuratorial recommendation', () => {
    it('announces the handler, the harm to the public interest and the 30-day period to 2 April 2025', async () => {
      const zh = squashed((await made(procurator, caseP, 'PRE_LITIGATION_ANNOUNCEMENT', 'ZH')).bytes);
      for (const expected of ['示范市人民检察院', '诉前公告', '某某外卖平台有限公司', '损害社会公共利益', '自2025年3月3日公告之次日起算，至2025年4月2日届满', '第十三条', '第五十八条第二款', '请于公告期满前书面告知本院']) {
        expect(zh).toContain(expected);
      }
      const en = pdfText((await made(procurator, caseP, 'PRE_LITIGATION_ANNOUNCEMENT', 'EN')).bytes).replace(/\s+/g, ' ');
      for (const expected of ['Pre-Litigation Announcement', 'publication on 3 March 2025, and ends on 2 April 2025', 'art. 13', 'Civil Procedure Law art. 58(2)']) {
        expect(en).toContain(expected);
      }
      expect((await generate(association, caseP, 'PRE_LITIGATION_ANNOUNCEMENT', 'ZH')).errors![0].extensions!.code).toBe('NOT_FOUND');
      expect((await generate(procurator, caseS, 'PRE_LITIGATION_ANNOUNCEMENT', 'ZH')).errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    });

    it("recommends measures to the agency and sets the response deadline (6 May 2025, after the Labour Day holiday)", async () => {
      const zh = squashed((await made(procurator, caseG, 'PROCURATORIAL_RECOMMENDATION', 'ZH')).bytes);
      for (const expected of ['检察建议书', '示范市网信办：', '未依法履行监督管理职责', '一、依法履行监督管理职责', '两个月内（即2025年5月6日前）', '第二十一条', '第二十五条第四款']) {
        expect(zh).toContain(expected);
      }
      const en = pdfText((await made(procurator, caseG, 'PROCURATORIAL_RECOMMENDATION', 'EN')).bytes).replace(/\s+/g, ' ');
      for (const expected of ['Procuratorial Recommendation', 'To 示范市网信办:', 'within two months of receiving this recommendation, that is by 6 May 2025', 'art. 21', 'Administrative Procedure Law art. 25(4)']) {
        expect(en).toContain(expected);
      }
    });
  });

  it('applies for the preservation of the electronic evidence at risk, naming the measure and CPL art. 84', async () => {
    const zh = squashed((await made(association, caseS, 'EVIDENCE_PRESERVATION_APPLICATION', 'ZH')).bytes);
    for (const expected of ['证据保全申请书', '申请人示范省消费者权益保护委员会', '被申请人某某外卖平台有限公司', '查封、复制或者勘验', '第八十四条', '第二十五条至第二十七条', '此致示范市中级人民法院']) {
      expect(zh).toContain(expected);
    }
    const en = pdfText((await made(association, caseS, 'EVIDENCE_PRESERVATION_APPLICATION', 'EN')).bytes).replace(/\s+/g, ' ');
    for (const expected of ['Application for Evidence Preservation', 'Respondent', 'sealing, copying or inspection', 'Civil Procedure Law art. 84']) expect(en).toContain(expected);
    expectNoIdentifier(zh);
  });

  describe('class roster', () => {
    const masked = (n: number) => `${uniqueIdNumber(n).slice(0, 3)}***********${uniqueIdNumber(n).slice(-4)}`;

    it("lists the association's own enrollees only (a job: more rows than DOCUMENTS_SYNC_ROWS), masked", async () => {
      const res = await generate(association, caseS, 'CLASS_ROSTER', 'ZH');
      expect(res.data!.generateDocument).toMatchObject({ document: null, job: { id: expect.any(String) } });
      const job = await waitForJob(api.gql, association, res.data!.generateDocument.job.id);
      expect(job).toMatchObject({ status: 'COMPLETED', done: 4, total: 4 });
      const { bytes } = await made(association, caseS, 'CLASS_ROSTER', 'ZH');
      const text = squashed(bytes);
      expect(text).toContain('当事人名册');
      expect(text).toContain('本名册仅列明示范省消费者权益保护委员会(DemoProvinceConsumerCouncil)登记的群体成员');
      for (const n of [0, 1, 2, 3]) expect(text).toContain(masked(n));
      expect(text).not.toContain(masked(4));
      expect(text).toContain('张*');
      expect(text).toContain('300.00'); // person 1's 30,000 fen
      expectNoIdentifier(text);
    });

    it("gives the court the merged view of every party's members, and the designated organisation its own two", async () => {
      const court = squashed((await made(judge, caseS, 'CLASS_ROSTER', 'EN')).bytes);
      for (const n of people) expect(court).toContain(masked(n));
      expect(court).toContain('admitted');
      expect(court).toContain('7,777.77'); // person 0's largest declared loss across the parties
      expectNoIdentifier(court);
      const own = squashed((await made(designated, caseS, 'CLASS_ROSTER', 'ZH')).bytes);
      expect(own).toContain(masked(0));
      expect(own).toContain(masked(4));
      for (const n of [1, 2, 3]) expect(own).not.toContain(masked(n));
      expectNoIdentifier(own);
    });

    it('comes as XLSX with masked identifiers, numbers as numbers and no cell read as a formula', async () => {
      const { bytes } = await made(association, caseS, 'CLASS_ROSTER', 'ZH', 'XLSX');
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
      const roster = workbook.getWorksheet('名册')!;
      const rows = roster.getSheetValues().filter(Boolean) as unknown as unknown[][];
      expect(rows).toHaveLength(1 + 4);
      const byId = new Map(rows.slice(1).map((r) => [r[4], r]));
      expect(byId.get(masked(1))![8]).toBe(300); // 30,000 fen as yuan, a number
      expect(byId.get(masked(1))![1]).toEqual(expect.any(Number));
      const classes = workbook.getWorksheet('群体')!;
      expect(classes.getCell('B2').value).toBe(`'=HYPERLINK("x") 外卖平台 2024 年泄露群体`);
      const cells: unknown[] = [];
      workbook.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => cells.push(cell.value))));
      expect(cells.some((v) => typeof v === 'object' && v !== null && 'formula' in v)).toBe(false);
      expectNoIdentifier(JSON.stringify(cells));
    });
  });

  describe('class composition report', () => {
    it("gives the court the merged metrics, anomalies and decisions", async () => {
      const text = squashed((await made(judge, caseS, 'CLASS_COMPOSITION_REPORT', 'ZH')).bytes);
      for (const expected of ['群体构成报告', '人民法院合并视图', '现有成员（人）5', '经核实成员（人）240.0%', '申报损失合计（元）8,127.77', '申报损失最高额（元）7,777.77', '确认成员', '数据集比对一致，予以确认', '已确认1', '仅有本人申报3']) {
        expect(text).toContain(expected);
      }
      expectNoIdentifier(text);
    });

    it("gives the association its own members' figures, in English and as XLSX", async () => {
      const text = pdfText((await made(association, caseS, 'CLASS_COMPOSITION_REPORT', 'EN')).bytes).replace(/\s+/g, ' ');
      for (const expected of ['Class Composition Report', 'Computed only over the members enrolled by', 'Current members 4', 'Declared losses, total (CNY) 400.00', 'Declared loss, median (CNY) 200.00']) {
        expect(text).toContain(expected);
      }
      const { bytes } = await made(association, caseS, 'CLASS_COMPOSITION_REPORT', 'EN', 'XLSX');
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
      const metrics = workbook.getWorksheet('Class 1 metrics')!;
      const values = new Map((metrics.getSheetValues().filter(Boolean) as unknown as unknown[][]).map((r) => [r[1], r[2]]));
      expect(values.get('Current members')).toBe(4);
      expect(values.get('Verified members')).toBe(2);
      const money = new Map((workbook.getWorksheet('Class 1 metrics ¥')!.getSheetValues().filter(Boolean) as unknown as unknown[][]).map((r) => [r[1], r[2]]));
      expect(money.get('Declared losses, total (CNY)')).toBe(400);
    });
  });

  describe('evidence list', () => {
    it('lists each item the viewer may see in log order, with its source, what it proves, pages, SHA-256 and log position, in both languages', async () => {
      const elements = (await ok(api, association, `mutation($c: ID!) { generateObligations(caseId: $c) { elements { id rule } } }`, { c: caseS }))
        .generateObligations.elements as { id: string; rule: string }[];
      const obligation = (rule: string) => elements.find((e) => e.rule === rule)!.id;
      const parties = (await ok(api, judge, `query($id: ID!) { case(id: $id) { parties { id role } } }`, { id: caseS })).case.parties as { id: string; role: string }[];
      const submit = async (token: string, file: Buffer, query: Record<string, string>) => {
        const res = await submitEvidence(api, token, caseS, file, query);
        expect(res.status).toBe(201);
        return res.body as { id: string; sha256: string; ledgerIndex: string };
      };
      // A: the association's two-page PDF on two elements; B: the procuratorate's note; C: the defendant's PNG, recorded and exchanged by the court.
      const a = await submit(association, TWO_PAGE_PDF, { title: '公安机关扣押笔录', source: '示范市公安局', obligationIds: `${obligation('HANDLING')},${obligation('INFRINGING_ACT')}` });
      const b = await submit(procurator, Buffer.from('出警记录：扣押硬盘一块。\n'), { title: '检察机关调查笔录', source: '示范市人民检察院' });
      const c = await submit(judge, PNG, { title: '同意记录截图', source: '被告提交', partyId: parties.find((p) => p.role === 'DEFENDANT')!.id, obligationIds: obligation('LAWFUL_BASIS') });
      await ok(api, judge, `mutation($id: ID!) { exchangeEvidence(id: $id) { id } }`, { id: c.id });
      expect(Number(a.ledgerIndex)).toBeLessThan(Number(b.ledgerIndex));
      expect(Number(b.ledgerIndex)).toBeLessThan(Number(c.ledgerIndex));
      /** The text in drawing order, whitespace removed: each table row reads number, title, source, what it proves, pages, hash, log position. */
      const rows = (pdf: Buffer) => pdfRawText(pdf).replace(/\s+/g, '');
      const zhA = `公安机关扣押笔录示范市公安局被告处理了受害人的个人信息；侵权行为（泄露、出售或者非法提供）2${a.sha256}${a.ledgerIndex}`;
      const zhB = `检察机关调查笔录示范市人民检察院—${b.sha256}${b.ledgerIndex}`;
      const zhC = `同意记录截图被告提交处理有合法依据、敏感个人信息经单独同意—${c.sha256}${c.ledgerIndex}`;

      const court = rows((await made(judge, caseS, 'EVIDENCE_LIST', 'ZH')).bytes);
      for (const expected of ['证据清单', '本清单列明本案全部证据，由示范市中级人民法院', `1${zhA}`, `2${zhB}`, `3${zhC}`]) expect(court).toContain(expected);

      const own = rows((await made(association, caseS, 'EVIDENCE_LIST', 'EN')).bytes);
      for (const expected of [
        'EvidenceList',
        'Theevidencesubmittedby示范省消费者权益保护委员会(DemoProvinceConsumerCouncil)andtheitemsthecourthasexchanged',
        `1公安机关扣押笔录示范市公安局handlingofthepersonalinformation;theinfringingact(leak,sale,unlawfulprovision)2${a.sha256}${a.ledgerIndex}`,
        `2同意记录截图被告提交lawfulbasis,separateconsentforsensitivedata—${c.sha256}${c.ledgerIndex}`,
      ]) expect(own).toContain(expected);
      expect(own).not.toContain(b.sha256);

      const procuratorate = rows((await made(procurator, caseS, 'EVIDENCE_LIST', 'ZH')).bytes);
      for (const expected of [`1${zhB}`, `2${zhC}`]) expect(procuratorate).toContain(expected);
      expect(procuratorate).not.toContain(a.sha256);
      for (const text of [court, own, procuratorate]) expectNoIdentifier(text);
    });
  });

  describe('versions and access', () => {
    it('keeps every version: regenerating adds one, each with its own file and hash, and each is logged', async () => {
      const before = await ok(api, association, `query($c: ID!) { caseDocuments(caseId: $c, kind: PRE_LITIGATION_ANNOUNCEMENT, first: 10) { totalCount } }`, { c: caseS });
      expect(before.caseDocuments.totalCount).toBe(0);
      const first = await made(association, caseS, 'EVIDENCE_PRESERVATION_APPLICATION', 'EN');
      const second = await made(association, caseS, 'EVIDENCE_PRESERVATION_APPLICATION', 'EN');
      expect(second.document.version).toBe(first.document.version + 1);
      const list = await ok(api, association, `query($c: ID!) { caseDocuments(caseId: $c, kind: EVIDENCE_PRESERVATION_APPLICATION, first: 1) {
          totalCount pageInfo { hasNextPage endCursor } nodes { id version language } } }`, { c: caseS });
      // ZH once and EN three times (once above, twice here): newest first, paginated.
      expect(list.caseDocuments.totalCount).toBe(4);
      expect(list.caseDocuments.nodes[0]).toMatchObject({ id: second.document.id, version: second.document.version, language: 'EN' });
      expect(list.caseDocuments.pageInfo.hasNextPage).toBe(true);
      const next = await ok(api, association, `query($c: ID!, $a: String) { caseDocuments(caseId: $c, kind: EVIDENCE_PRESERVATION_APPLICATION, first: 1, after: $a) { nodes { id } } }`, {
        c: caseS,
        a: list.caseDocuments.pageInfo.endCursor,
      });
      expect(next.caseDocuments.nodes[0].id).toBe(first.document.id);
      expect((await download(association, first.document.id)).status).toBe(200);
      const events = await withClient(api.url, (db) =>
        db.query(`SELECT subject_id, details->>'sha256' AS sha256, (details->>'version')::int AS version FROM audit_event
                   WHERE action = 'document.generate' AND subject_id = ANY($1::text[]) ORDER BY occurred_at`, [[first.document.id, second.document.id]]),
      );
      expect(events.rows).toEqual([
        { subject_id: first.document.id, sha256: first.document.sha256, version: first.document.version },
        { subject_id: second.document.id, sha256: second.document.sha256, version: second.document.version },
      ]);
      // Each version has its own entry in the evidence log, naming its version and its file's hash.
      expect(Number(second.document.logIndex)).toBeGreaterThan(Number(first.document.logIndex));
      for (const { document } of [first, second]) {
        expect((await entryAt(document.logIndex)).leaf.payload).toMatchObject({ documentId: document.id, version: document.version, sha256: document.sha256 });
      }
    });

    it("answers another organisation's document exactly like a missing one, the court's and the other party's alike", async () => {
      const { document } = await made(association, caseS, 'CLASS_COMPOSITION_REPORT', 'ZH');
      const missing = await download(judge, '00000000-0000-4000-8000-000000000000');
      expect(missing.status).toBe(404);
      for (const token of [judge, designated, procurator]) {
        const theirs = await download(token, document.id);
        expect(theirs.status).toBe(missing.status);
        expect(JSON.parse(theirs.body.toString()).code).toBe('NOT_FOUND');
      }
      expect((await download(association, 'not-a-uuid')).status).toBe(404);
      const listed = await ok(api, judge, `query($c: ID!) { caseDocuments(caseId: $c, first: 50) { nodes { organisationId } } }`, { c: caseS });
      expect(new Set(listed.caseDocuments.nodes.map((d: { organisationId: string }) => d.organisationId)).size).toBe(1);
    });
  });
  /**
   * Each generated document is an entry of the evidence log (issue 11): its leaf, by hand, is
   * SHA-256(0x00 || canonical JSON of { caseId, kind: DOCUMENT, payload, v: 1 }) (RFC 9162 2.1.1).
   * Last in the file: the final test changes a byte of a stored document.
   */
  describe('the evidence log', () => {
    const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    let announcement: { id: string; logIndex: string; version: number; sha256: string; sizeBytes: number };
    const config = () => api.app.get<AppConfig>(APP_CONFIG);

    /** The API's full check of the ledger (a job), as the judge runs it. */
    async function apiCheck() {
      const started = await ok(api, judge, `mutation { verifyLedger { id } }`);
      const job = await waitForJob(api.gql, judge, started.verifyLedger.id);
      expect(job.status).toBe('COMPLETED');
      return JSON.parse(job.result!);
    }

    it('appends a generated document with its facts and file, and its inclusion proof verifies against the signed head', async () => {
      announcement = (await made(procurator, caseP, 'PRE_LITIGATION_ANNOUNCEMENT', 'EN')).document;
      const entry = await entryAt(announcement.logIndex);
      expect(entry).toMatchObject({ kind: 'DOCUMENT', caseId: caseP });
      expect(entry.leaf).toEqual({
        v: 1,
        kind: 'DOCUMENT',
        caseId: caseP,
        payload: {
          documentId: announcement.id,
          documentKind: 'PRE_LITIGATION_ANNOUNCEMENT',
          language: 'EN',
          format: 'PDF',
          version: announcement.version,
          sha256: announcement.sha256,
          sizeBytes: announcement.sizeBytes,
          file: `${caseP}/${announcement.id}.pdf`,
        },
      });
      expect(entry.leafHash).toBe(sha256(Buffer.concat([Buffer.from([0]), entry.bytes])));

      const head = (await ok(api, judge, `{ evidenceLogHead { treeSize rootHash note } }`)).evidenceLogHead;
      const exported = await api.app.get(LedgerExportService).export(caseP);
      expect(exported.head).toBe(head.note);
      const logged = exported.entries.find((e) => e.index === Number(announcement.logIndex))!;
      expect(logged).toMatchObject({ kind: 'DOCUMENT', leafHash: entry.leafHash });
      const proof = logged.inclusionProof.map((p) => Buffer.from(p, 'hex'));
      expect(verifyInclusion(Number(announcement.logIndex), Number(head.treeSize), Buffer.from(entry.leafHash, 'hex'), proof, Buffer.from(head.rootHash, 'hex'))).toBeNull();
      // Every document of case P is in its export, and each file is intact.
      const { rows } = await withClient(api.url, (db) => db.query(`SELECT log_index::int AS i FROM case_document WHERE case_id = $1 ORDER BY log_index`, [caseP]));
      expect(exported.entries.map((e) => e.index)).toEqual(rows.map((r: { i: number }) => r.i));
      const offline = await verifyExport(JSON.parse(JSON.stringify(exported)), { fileHash: (file) => fileDigest(join(config().documents.dir, file.name)) });
      expect(offline).toMatchObject({ ok: true, entriesChecked: rows.length, filesChecked: rows.length });
    });

    it('appends documents made before the log existed at startup, oldest first, once', async () => {
      // Two documents as the pre-log code left them: a file and a record without a log index, the second made first.
      const source = readFileSync(join(config().documents.dir, caseP, `${announcement.id}.pdf`));
      const ids = [randomUUID(), randomUUID()];
      for (const [i, id] of ids.entries()) {
        writeFileSync(join(config().documents.dir, caseP, `${id}.pdf`), source);
        await withClient(api.url, (db) =>
          db.query(
            `INSERT INTO case_document (id, case_id, organisation_id, kind, language, format, version, sha256, size_bytes, page_count, storage_name, created_at)
             SELECT $1, case_id, organisation_id, kind, language, format, $2, sha256, size_bytes, page_count, $3, now() - $4 * interval '1 day'
               FROM case_document WHERE id = $5`,
            [id, 100 + i, `${caseP}/${id}.pdf`, 1 + i, announcement.id],
          ),
        );
      }
      const size = Number((await ok(api, judge, `{ evidenceLogHead { treeSize } }`)).evidenceLogHead.treeSize);
      expect(await api.app.get(DocumentsService).logUnlogged()).toBe(2);
      const { rows } = await withClient(api.url, (db) => db.query(`SELECT id, log_index::int AS i FROM case_document WHERE id = ANY($1::uuid[])`, [ids]));
      // ids[1] is a day older than ids[0]: it comes first.
      expect(Object.fromEntries(rows.map((r: { id: string; i: number }) => [r.id, r.i]))).toEqual({ [ids[1]]: size, [ids[0]]: size + 1 });
      expect((await entryAt(String(size))).leaf.payload).toMatchObject({ documentId: ids[1], version: 101, sha256: announcement.sha256, file: `${caseP}/${ids[1]}.pdf` });
      expect(await api.app.get(DocumentsService).logUnlogged()).toBe(0);
      expect(Number((await ok(api, judge, `{ evidenceLogHead { treeSize } }`)).evidenceLogHead.treeSize)).toBe(size + 2);
      const listed = await ok(api, procurator, `query($c: ID!) { caseDocuments(caseId: $c, kind: PRE_LITIGATION_ANNOUNCEMENT, first: 50) { nodes { id logIndex } } }`, { c: caseP });
      expect(listed.caseDocuments.nodes).toContainEqual({ id: ids[0], logIndex: String(size + 1) });
    });

    it('detects a changed byte in a stored document, through the API check and `leakcase ledger verify --files`', async () => {
      const entries = Number((await ok(api, judge, `{ evidenceLogHead { treeSize } }`)).evidenceLogHead.treeSize);
      expect(await apiCheck()).toMatchObject({ intact: true, evidence: { checked: entries, failure: null }, filesChecked: entries });
      const dir = mkdtempSync(join(tmpdir(), 'leakcase-documents-ledger-'));
      // Pinned to the installation's key, as a court would (without --key or --head the command exits 3).
      const key = (await ok(api, judge, `{ evidenceLogHead { verifierKey } }`)).evidenceLogHead.verifierKey;
      const files = ['--files', config().ledger.evidenceDir, '--files', config().documents.dir, '--key', key];
      const offlineEnv = { PATH: process.env.PATH };
      writeFileSync(join(dir, 'before.json'), JSON.stringify(await api.app.get(LedgerExportService).export(caseP)));
      const intact = await run(process.execPath, [CLI, 'ledger', 'verify', join(dir, 'before.json'), ...files], { env: offlineEnv });
      expect(intact.stdout).toMatch(/^OK: \d+ entries in the signed tree of \d+, \d+ files intact/);

      const name = `${caseP}/${announcement.id}.pdf`;
      const path = join(config().documents.dir, name);
      const bytes = readFileSync(path);
      bytes[bytes.length >> 1] ^= 1;
      writeFileSync(path, bytes);

      const index = Number(announcement.logIndex);
      const result = await apiCheck();
      expect(result).toMatchObject({ intact: false, evidence: { failure: { index, reason: `entry ${index}'s file ${name} has changed (its bytes hash to ${sha256(bytes)})` } } });
      writeFileSync(join(dir, 'after.json'), JSON.stringify(await api.app.get(LedgerExportService).export(caseP)));
      const refused = await run(process.execPath, [CLI, 'ledger', 'verify', join(dir, 'after.json'), ...files], { env: offlineEnv }).catch((e) => e);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toBe(`leakcase: verification FAILED at entry ${index}: entry ${index}'s file ${name} has changed (its bytes hash to ${sha256(bytes)})\n`);
    });
  });
});
