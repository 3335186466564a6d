import request from 'supertest';
import { startTestApi, type TestApi } from './support/api';
import { CLASS_TEST_KEY, enrol, ok, organisationId, registerIncident } from './support/classes';
import { phoneFor, uniqueIdNumber } from './support/claimants';
import { waitForJob } from './support/jobs';
import { firstPagePng, pdfPages, pdfText, requirePoppler } from './support/poppler';

/**
 * The remedy and distribution schedule (REMEDY_SCHEDULE), generated through the API and read back
 * with pdftotext.
 *
 * Representative action R of the demo association against 甲公司 (FULL) and 王某 (20 % share),
 * over one incident (NAME, PHONE_NUMBER; 150,000 people; 2024-01-01 to 2024-06-30):
 *   1. CESSATION, ordered 2025-03-01; measure "删除数据" due 2025-03-31, never verified: overdue;
 *      measure "关闭接口" due 2099-12-31, verified 2025-04-02. Verified 1/2, overdue.
 *   2. APOLOGY on the website for 30 days, only sought: not overdue.
 *   3. COMPENSATION of 143,200 fen, ordered; 甲公司 pays 100,000, 王某 10,000.
 *      王某's cap: floor(143,200 × 2,000 / 10,000) = 28,640 fen. Paid in all 110,000; outstanding 33,200.
 *      甲公司: answers for 143,200, paid 100,000, remaining min(43,200, 33,200) = 33,200 (CNY 332.00)
 *      王某:   answers for 28,640 (286.40), paid 10,000 (100.00), remaining min(18,640, 33,200) = 18,640 (186.40)
 * The class (P1, P2, P3; P4 opted out) assessed by LOSS with a factor model that prices harms only
 * (no category fen, so the spread and duration multipliers do not enter): moral = Σ harm fen.
 *   P1 fraud loss 50,000 with evidence: property 50,000, moral 10,000, amount 60,000     (FINANCIAL_LOSS)
 *   P2 scam calls, no loss: property 0, moral 3,000, amount 3,000                        (ORDINARY)
 *   P3 fraud loss 20,000 without evidence: property 0 (not proven), moral 10,000          (FINANCIAL_LOSS)
 * By subclass:
 *   FINANCIAL_LOSS 2 members, property 50,000, moral 20,000, total 70,000 (CNY 500.00, 200.00, 700.00)
 *   ORDINARY       1 member,  property 0,      moral 3,000,  total 3,000  (CNY 0.00, 30.00, 30.00)
 *   total          3 members, property 50,000, moral 23,000, total 73,000 (CNY 500.00, 230.00, 730.00)
 */
describe('documents: the remedy and distribution schedule', () => {
  let api: TestApi;
  let association: string;
  let judge: string;
  let caseR: string;
  /** Every identifier the fixture gave, in full: none may appear in the document. */
  const identifiers = [1, 2, 3, 4].flatMap((n) => [uniqueIdNumber(n), phoneFor(n), `张${n}`]);

  async function made(token: string, language: string): Promise<{ text: string; layout: string }> {
    const res = await api.gql(`mutation($i: GenerateDocumentInput!) { generateDocument(input: $i) { document { id sha256 pageCount kind } job { id } } }`,
      { i: { caseId: caseR, kind: 'REMEDY_SCHEDULE', language } }, token);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    const document = res.data!.generateDocument.document;
    expect(document.kind).toBe('REMEDY_SCHEDULE');
    const file = await request(api.app.getHttpServer())
      .get(`/documents/${document.id}`)
      .set('authorization', `Bearer ${token}`)
      .buffer(true)
      .parse((r, callback) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => callback(null, Buffer.concat(chunks)));
      });
    expect(file.status).toBe(200);
    const bytes = file.body as Buffer;
    expect(pdfPages(bytes)).toBe(document.pageCount);
    firstPagePng(bytes, `remedy_schedule-${language.toLowerCase()}-${token === judge ? 'court' : 'association'}`);
    const layout = pdfText(bytes);
    const text = layout.replace(/\s+/g, '');
    for (const identifier of identifiers) expect(text).not.toContain(identifier);
    return { text, layout };
  }
  /** The first layout line (spaces collapsed) that holds `cell`: a table row is one line. */
  const row = (layout: string, cell: string) => layout.split('\n').map((line) => line.replace(/\s+/g, ' ').trim()).find((line) => line.includes(cell));

  beforeAll(async () => {
    requirePoppler();
    api = await startTestApi({ BLIND_INDEX_KEY: CLASS_TEST_KEY.toString('base64') });
    [association, judge] = await Promise.all(['association@demo.local', 'judge@demo.local'].map((e) => api.login(e)));
    const court = await organisationId(api, judge, 'COURT');
    const incident = await registerIncident(api, association, { dataCategories: ['NAME', 'PHONE_NUMBER'], estimatedPeople: 150_000, exposureStart: '2024-01-01', exposureEnd: '2024-06-30' });
    const opened = (await ok(api, association, `mutation($i: OpenCaseInput!) { openCase(input: $i) { id parties(role: DEFENDANT) { id } } }`, {
      i: { type: 'REPRESENTATIVE_ACTION', title: '受害人诉甲公司个人信息泄露案', courtId: court, claimantsNumberUncertain: true, incidentIds: [incident],
        defendants: [{ name: '甲公司', role: 'NETWORK_SERVICE_PROVIDER', liabilityBasis: 'PRESUMED_FAULT' }, { name: '王某', role: 'OTHER_HANDLER', liabilityBasis: 'JOINT_TORT' }] },
    })).openCase;
    const [company, officer] = opened.parties.map((p: { id: string }) => p.id);
    caseR = opened.id;

    const person = [
      await enrol(api, association, 1, [incident], { harms: [{ type: 'FRAUD_LOSS', amountFen: '50000', evidenceRefs: ['bank statement'] }] }),
      await enrol(api, association, 2, [incident], { harms: [{ type: 'SCAM_CALLS_OR_SPAM', evidenceRefs: [] }] }),
      await enrol(api, association, 3, [incident], { harms: [{ type: 'FRAUD_LOSS', amountFen: '20000', evidenceRefs: [] }] }),
      await enrol(api, association, 4, [incident]),
    ];
    const classId = (await ok(api, association, `mutation($i: FormClassInput!) { formClass(input: $i) { class { id } } }`, {
      i: { caseId: caseR, name: '受害人', definition: '个人信息自甲公司泄露的全部个人', incidentIds: [incident] },
    })).formClass.class.id;
    await ok(api, association, `mutation($i: MemberReasonInput!) { optOutClassMember(input: $i) { id } }`, { i: { classId, claimantId: person[3], reason: 'opted out in writing' } });
    const model = (await ok(api, association, `mutation($i: DefineDamageModelInput!) { defineDamageModel(input: $i) { id } }`, {
      i: {
        name: 'standard',
        categoryFen: [],
        harmFen: [{ harmType: 'FRAUD_LOSS', fen: 10000 }, { harmType: 'SCAM_CALLS_OR_SPAM', fen: 3000 }],
        spreadTiers: [{ atLeast: 0, multiplierBasisPoints: 10000 }, { atLeast: 100000, multiplierBasisPoints: 15000 }],
        durationTiers: [{ atLeast: 0, multiplierBasisPoints: 10000 }, { atLeast: 180, multiplierBasisPoints: 12000 }],
      },
    })).defineDamageModel.id;
    const queued = (await ok(api, association, `mutation($i: AssessCompensationInput!) { assessCompensation(input: $i) { jobId } }`, { i: { classId, method: 'LOSS', modelId: model } })).assessCompensation;
    expect((await waitForJob(api.gql, association, queued.jobId)).status).toBe('COMPLETED');

    for (const [to, on] of [['INVESTIGATION', '2025-02-03'], ['FILED', '2025-02-17']]) {
      await ok(api, association, `mutation($i: TransitionCaseInput!) { transitionCase(input: $i) { stage } }`, { i: { caseId: caseR, to, on } });
    }

    const seek = async (input: Record<string, unknown>) =>
      (await ok(api, association, `mutation($i: SeekRemedyInput!) { seekRemedy(input: $i) { id measures { id } } }`, {
        i: { caseId: caseR, description: 'as claimed', soughtOn: '2025-02-20', defendants: [{ partyId: company }], ...input },
      })).seekRemedy;
    const order = (remedyId: string, extra: Record<string, unknown> = {}) =>
      ok(api, judge, `mutation($i: TransitionRemedyInput!) { transitionRemedy(input: $i) { id } }`, { i: { remedyId, to: 'ORDERED', on: '2025-03-01', ...extra } });
    const cessation = await seek({ kind: 'CESSATION', dueOn: '2099-12-31', measures: [{ description: '删除数据', dueOn: '2025-03-31' }, { description: '关闭接口', dueOn: '2099-12-31' }] });
    await order(cessation.id);
    await ok(api, judge, `mutation($i: VerifyMeasureInput!) { verifyRemedyMeasure(input: $i) { id } }`, {
      i: { measureId: cessation.measures[1].id, verifiedOn: '2025-04-02', verification: 'gateway logs' },
    });
    await seek({ kind: 'APOLOGY', medium: 'WEBSITE', durationDays: 30 });
    const compensation = await seek({ kind: 'COMPENSATION', amountFen: '143200', defendants: [{ partyId: company }, { partyId: officer, extent: 'SHARE', shareBasisPoints: 2000 }] });
    await order(compensation.id, { dueOn: '2099-12-31' });
    for (const [partyId, amountFen] of [[company, '100000'], [officer, '10000']]) {
      await ok(api, association, `mutation($i: RecordRemedyPaymentInput!) { recordRemedyPayment(input: $i) { remedyId } }`, { i: { remedyId: compensation.id, partyId, amountFen, paidOn: '2025-04-01' } });
    }
  });

  afterAll(() => api?.close());

  it('Chinese, the association: remedies with status, due date, overdue and measures; the liability per defendant; the distribution totals by subclass', async () => {
    const { text, layout } = await made(association, 'ZH');
    expect(text).toContain('责任承担及赔偿分配表');
    expect(row(layout, '停止侵害')).toMatch(/^1 停止侵害 已判决 2025年3月1日 2099年12月31日 是 1\/2$/);
    expect(row(layout, '赔礼道歉')).toMatch(/^2 赔礼道歉 已请求 2025年2月20日 — 否 —$/);
    expect(row(layout, '赔偿损失')).toMatch(/^3 赔偿损失 已判决 2025年3月1日 2099年12月31日 否 —$/);
    expect(row(layout, '删除数据')).toMatch(/^1 删除数据 2025年3月31日 — 是$/);
    expect(row(layout, '关闭接口')).toMatch(/^1 关闭接口 2099年12月31日 2025年4月2日 否$/);
    expect(text).toContain('第三项赔偿：各被告责任');
    expect(row(layout, '甲公司 ')).toMatch(/甲公司 过错推定 全部连带 1,432\.00 1,000\.00 332\.00$/);
    expect(row(layout, '王某')).toMatch(/王某 共同侵权 20% 286\.40 100\.00 186\.40$/);
    expect(text).toContain('赔偿总额1,432.00元，已支付1,100.00元，尚未支付332.00元。');
    expect(text).toContain('群体“受害人”：按实际损失计算，精神损害因素模型第1版。');
    expect(row(layout, '财产损失组')).toMatch(/财产损失组 2 500\.00 200\.00 700\.00$/);
    expect(row(layout, '一般组')).toMatch(/一般组 1 0\.00 30\.00 30\.00$/);
    expect(row(layout, '合计 ')).toMatch(/合计 3 500\.00 230\.00 730\.00$/);
    expect(text).toContain('本表仅列分组合计');
  });

  it('English, the court: the same remedies and liability; the distribution the court may read', async () => {
    const { text, layout } = await made(judge, 'EN');
    expect(layout).toContain('Remedy and Distribution Schedule');
    expect(row(layout, 'Cessation')).toMatch(/^1 Cessation Ordered 1 March 2025 31 December 2099 yes 1\/2$/);
    expect(row(layout, '3 Compensation')).toMatch(/^3 Compensation Ordered 1 March 2025 31 December 2099 no —$/);
    expect(row(layout, 'Apology')).toMatch(/^2 Apology Sought 20 February 2025 — no —$/);
    expect(row(layout, '王某')).toMatch(/王某 .*20% 286\.40 100\.00 186\.40$/);
    expect(text).toContain('TotalCNY1,432.00;paidCNY1,100.00;outstandingCNY332.00.');
    expect(row(layout, 'Total 3')).toMatch(/Total 3 500\.00 230\.00 730\.00$/);
    expect(text).toContain("Preparedfromthecourt'smergedview");
  });
});
