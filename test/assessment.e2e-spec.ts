import ExcelJS from 'exceljs';
import request from 'supertest';
import { startTestApi, type TestApi } from './support/api';
import { CLASS_TEST_KEY, enrol, ok, organisationId, registerIncident, uploadSeized } from './support/classes';
import { phoneFor } from './support/claimants';
import { waitForJob } from './support/jobs';
import { countSqlStatements } from './support/sql-statements';

/**
 * Compensation assessments with hand-computed amounts.
 *
 * Representative action B of the demo association, over two incidents argued to be one source:
 *   incA: NAME, PHONE_NUMBER; about 150,000 people; exposed 2024-01-01 to 2024-06-30 (182 days)
 *   incM: NAME, MEDICAL_HEALTH; about 20,000 people; exposed 2024-03-01 to 2024-03-31 (31 days)
 * The class's spread is the largest estimate, 150,000 people; its duration the longest window, 182 days.
 *
 * Factor model "standard" v1 (fen): NAME 1,000; PHONE_NUMBER 2,000; MEDICAL_HEALTH 30,000;
 * FRAUD_LOSS 10,000; SCAM_CALLS_OR_SPAM 3,000; spread × 1 from 0, × 1.5 from 100,000 people;
 * duration × 1 from 0, × 1.2 from 180 days. So the class's multipliers are 15,000 and 12,000 bp:
 * × 1.8.
 *
 * A member's data categories are its own: those of the seized rows its phone matched (the
 * phone itself, PHONE_NUMBER, and the columns mapped to a category). incA's dataset holds P1's and
 * P2's phones with a name (NAME); incM's holds P2's with a name and a medical-card number
 * (MEDICAL_HEALTH). P3 is in neither and declares no category: it has none.
 *
 *   P1 declares incA; fraud loss 50,000 fen with evidence:
 *      categories 1,000 + 2,000 = 3,000 -> floor(3,000 × 1.8) = 5,400; + FRAUD_LOSS 10,000 = moral 15,400
 *      LOSS: property 50,000 -> 65,400                                            (FINANCIAL_LOSS)
 *   P2 declares incA and incM; scam calls, no evidence:
 *      categories 1,000 + 2,000 + 30,000 = 33,000 -> 59,400; + 3,000 = moral 62,400
 *      LOSS: property 0 -> 62,400                                                 (SENSITIVE_DATA)
 *   P3 declares incA; fraud loss 20,000 fen without evidence; in no seized row:
 *      categories 0 -> 0; + FRAUD_LOSS 10,000 = moral 10,000
 *      LOSS: the loss is not proven, property 0 -> 10,000                         (FINANCIAL_LOSS)
 *   P4 declares incA; no harm; opted out: no amount, no line in the schedule.
 *
 * LOSS total: 65,400 + 62,400 + 10,000 = 137,800 fen.
 */
describe('compensation assessment', () => {
  let api: TestApi;
  let association: string;
  let classB: string;
  let caseB: string;
  const person = new Map<number, string>();
  let modelV1: string;
  let flatModel: string;

  const ASSESSMENT = `id method modelVersion merged recipient dividedTotalFen spreadPeople spreadBasisPoints exposureDays durationBasisPoints
    jobId completed members totalFen bySubclass { subclass members propertyFen moralFen amountFen }`;
  const define = async (name: string, over: Record<string, unknown> = {}) =>
    (await ok(api, association, `mutation($i: DefineDamageModelInput!) { defineDamageModel(input: $i) { id version } }`, {
      i: {
        name,
        categoryFen: [{ category: 'NAME', fen: 1000 }, { category: 'PHONE_NUMBER', fen: 2000 }, { category: 'MEDICAL_HEALTH', fen: 30000 }],
        harmFen: [{ harmType: 'FRAUD_LOSS', fen: 10000 }, { harmType: 'SCAM_CALLS_OR_SPAM', fen: 3000 }],
        spreadTiers: [{ atLeast: 0, multiplierBasisPoints: 10000 }, { atLeast: 100000, multiplierBasisPoints: 15000 }],
        durationTiers: [{ atLeast: 0, multiplierBasisPoints: 10000 }, { atLeast: 180, multiplierBasisPoints: 12000 }],
        ...over,
      },
    })).defineDamageModel;
  const assess = async (input: Record<string, unknown>, classId = classB) => {
    const queued = (await ok(api, association, `mutation($i: AssessCompensationInput!) { assessCompensation(input: $i) { id jobId completed } }`, { i: { classId, ...input } })).assessCompensation;
    expect(queued.completed).toBe(false);
    const job = await waitForJob(api.gql, association, queued.jobId);
    expect([job.status, job.error]).toEqual(['COMPLETED', null]);
    return (await ok(api, association, `query($a: ID!) { assessment(assessmentId: $a) { ${ASSESSMENT} } }`, { a: queued.id })).assessment;
  };
  const schedule = async (assessmentId: string) =>
    (await ok(api, association, `query($a: ID!) { distributionSchedule(assessmentId: $a, first: 10) { totalCount nodes { claimantId subclass propertyFen moralFen amountFen } } }`, { a: assessmentId })).distributionSchedule;
  const amountsOf = (nodes: { claimantId: string; amountFen: string }[]) =>
    Object.fromEntries(nodes.map((n) => [[...person].find(([, id]) => id === n.claimantId)![0], n.amountFen]));
  const memberOf = async (assessmentId: string, n: number) =>
    (await ok(api, association, `query($a: ID!, $c: ID!) { memberAssessment(assessmentId: $a, claimantId: $c) {
        subclass propertyFen moralFen amountFen explanation { method provenLossFen division { totalFen members baseFen extraFen }
        categories { category fen } categoryFen spreadPeople spreadBasisPoints exposureDays durationBasisPoints harms { harmType fen } harmFen formula } } }`,
      { a: assessmentId, c: person.get(n) })).memberAssessment;

  beforeAll(async () => {
    api = await startTestApi({ BLIND_INDEX_KEY: CLASS_TEST_KEY.toString('base64') });
    association = await api.login('association@demo.local');
    const court = await organisationId(api, association, 'COURT');
    // The procuratorate that seized the data registers the incidents, shares them with the
    // associations and uploads the seized datasets.
    const procurator = await api.login('procurator@demo.local');
    const incA = await registerIncident(api, procurator, { dataCategories: ['NAME', 'PHONE_NUMBER'], estimatedPeople: 150_000, exposureStart: '2024-01-01', exposureEnd: '2024-06-30' });
    const incM = await registerIncident(api, procurator, {
      dataCategories: ['NAME', 'MEDICAL_HEALTH'], estimatedPeople: 20_000, exposureStart: '2024-03-01', exposureEnd: '2024-03-31',
      handler: { name: '某某医疗合作方', role: 'INTERMEDIARY_SERVICE_PROVIDER' },
    });
    const associations = (await ok(api, procurator, `{ organisations(first: 10, kind: CONSUMER_ASSOCIATION) { nodes { id } } }`)).organisations.nodes.map((o: { id: string }) => o.id);
    for (const incidentId of [incA, incM]) {
      await ok(api, procurator, `mutation($i: ShareLeakIncidentInput!) { shareLeakIncident(input: $i) { id } }`, { i: { incidentId, organisationIds: associations } });
    }
    caseB = (await ok(api, association, `mutation($i: OpenCaseInput!) { openCase(input: $i) { id } }`, {
      i: { type: 'REPRESENTATIVE_ACTION', title: 'Victims v. platform', courtId: court, claimantsNumberUncertain: true, incidentIds: [incA, incM],
        defendants: [{ name: '某某外卖平台有限公司', role: 'NETWORK_SERVICE_PROVIDER', liabilityBasis: 'PRESUMED_FAULT' }] },
    })).openCase.id;
    person.set(1, await enrol(api, association, 1, [incA], { harms: [{ type: 'FRAUD_LOSS', amountFen: '50000', evidenceRefs: ['bank statement'] }] }));
    person.set(2, await enrol(api, association, 2, [incA, incM], { harms: [{ type: 'SCAM_CALLS_OR_SPAM', evidenceRefs: [] }] }));
    person.set(3, await enrol(api, association, 3, [incA], { harms: [{ type: 'FRAUD_LOSS', amountFen: '20000', evidenceRefs: [] }] }));
    person.set(4, await enrol(api, association, 4, [incA]));
    await uploadSeized(api, procurator, incA, ['phone,name', `${phoneFor(1)},张1`, `${phoneFor(2)},张2`], { columns: 'phone', categories: ['name=NAME'] });
    await uploadSeized(api, procurator, incM, ['phone,name,medical_card', `${phoneFor(2)},张2,YB-0002`], {
      columns: 'phone',
      categories: ['name=NAME', 'medical_card=MEDICAL_HEALTH'],
    });
    classB = (await ok(api, association, `mutation($i: FormClassInput!) { formClass(input: $i) { class { id } } }`, {
      i: { caseId: caseB, name: 'Victims', definition: 'Everyone whose data the platform leaked', incidentIds: [incA, incM] },
    })).formClass.class.id;
    await ok(api, association, `mutation($i: MemberReasonInput!) { optOutClassMember(input: $i) { id } }`, {
      i: { classId: classB, claimantId: person.get(4), reason: 'the member opted out in writing' },
    });
    modelV1 = (await define('standard')).id;
    flatModel = (await define('flat', { categoryFen: [], harmFen: [], durationTiers: [{ atLeast: 0, multiplierBasisPoints: 10000 }] })).id;
  });

  afterAll(() => api?.close());

  it('LOSS: each member its proven loss plus its moral damage; totals by subclass; the opted-out member left out', async () => {
    const a = await assess({ method: 'LOSS', modelId: modelV1 });
    expect(a).toMatchObject({
      method: 'LOSS', modelVersion: 1, merged: false, recipient: 'MEMBERS', dividedTotalFen: null,
      spreadPeople: 150000, spreadBasisPoints: 15000, exposureDays: 182, durationBasisPoints: 12000,
      completed: true, members: 3, totalFen: '137800',
    });
    expect(a.bySubclass).toEqual([
      { subclass: 'SENSITIVE_DATA', members: 1, propertyFen: '0', moralFen: '62400', amountFen: '62400' },
      { subclass: 'FINANCIAL_LOSS', members: 2, propertyFen: '50000', moralFen: '25400', amountFen: '75400' },
    ]);
    const s = await schedule(a.id);
    expect(s.totalCount).toBe(3);
    expect(amountsOf(s.nodes)).toEqual({ 1: '65400', 2: '62400', 3: '10000' });
  });

  it("the distribution schedule names each member by the masks of the association's own enrolment, batched (one query per page)", async () => {
    const [a] = (await ok(api, association, `query($c: ID!) { assessments(caseId: $c) { nodes { id } } }`, { c: caseB })).assessments.nodes;
    const page = (first: number) =>
      ok(api, association, `query($a: ID!, $f: Int!) { distributionSchedule(assessmentId: $a, first: $f) { nodes { claimantId amountFen claimant { id nameMasked idNumberMasked } } } }`,
        { a: a.id, f: first });
    const nodes = (await page(10)).distributionSchedule.nodes;
    const byPerson = Object.fromEntries(nodes.map((n: any) => [[...person].find(([, id]) => id === n.claimantId)![0], n.claimant]));
    // Names 张1, 张2, 张3; ID numbers 11000019900102101(1), …0103101(7), …0104101(2) (GB 11643 check characters by hand).
    expect(byPerson).toEqual({
      1: { id: person.get(1), nameMasked: '张*', idNumberMasked: '110***********1011' },
      2: { id: person.get(2), nameMasked: '张*', idNumberMasked: '110***********1017' },
      3: { id: person.get(3), nameMasked: '张*', idNumberMasked: '110***********1012' },
    });
    // No N+1: a page of three members costs the statements of a page of one.
    expect(await countSqlStatements(() => page(10))).toBe(await countSqlStatements(() => page(1)));
  });

  it("explains a member's amount: which factors, which values", async () => {
    const [a] = (await ok(api, association, `query($c: ID!) { assessments(caseId: $c) { nodes { id } } }`, { c: caseB })).assessments.nodes;
    const p2 = await memberOf(a.id, 2);
    expect(p2).toMatchObject({ subclass: 'SENSITIVE_DATA', propertyFen: '0', moralFen: '62400', amountFen: '62400' });
    expect(p2.explanation).toMatchObject({
      method: 'LOSS', provenLossFen: '0', division: null, categoryFen: '33000', spreadPeople: 150000, spreadBasisPoints: 15000,
      exposureDays: 182, durationBasisPoints: 12000, harms: [{ harmType: 'SCAM_CALLS_OR_SPAM', fen: 3000 }], harmFen: '3000',
      formula: 'floor(33000 × 15000 × 12000 / 10^8) + 3000 = 62400',
    });
    expect(p2.explanation.categories).toEqual(expect.arrayContaining([
      { category: 'NAME', fen: 1000 }, { category: 'PHONE_NUMBER', fen: 2000 }, { category: 'MEDICAL_HEALTH', fen: 30000 },
    ]));
    expect((await memberOf(a.id, 1)).explanation).toMatchObject({ provenLossFen: '50000', harms: [{ harmType: 'FRAUD_LOSS', fen: 10000 }], categoryFen: '3000' });
    expect((await memberOf(a.id, 3)).explanation).toMatchObject({ provenLossFen: '0', harmFen: '10000', categoryFen: '0' });
    const opted = await api.gql(`query($a: ID!, $c: ID!) { memberAssessment(assessmentId: $a, claimantId: $c) { amountFen } }`, { a: a.id, c: person.get(4) }, association);
    expect((opted.errors as any)[0].extensions.code).toBe('NOT_FOUND');
  });

  it('DISCRETIONARY 100 fen among 3 members: 34, 33, 33, the extra fen to the first by claimant id', async () => {
    const a = await assess({ method: 'DISCRETIONARY', modelId: flatModel, dividedTotalFen: '100', totalBasis: 'the circumstances of the leak' });
    expect(a).toMatchObject({ members: 3, totalFen: '100', dividedTotalFen: '100' });
    const nodes = (await schedule(a.id)).nodes;
    expect(nodes.map((n: { amountFen: string }) => n.amountFen)).toEqual(['34', '33', '33']);
    const first = [...person.entries()].filter(([n]) => n !== 4).sort((x, y) => (x[1] < y[1] ? -1 : 1))[0][0];
    expect((await memberOf(a.id, first)).explanation.division).toEqual({ totalFen: '100', members: 3, baseFen: '33', extraFen: 1 });
  });

  it("GAIN: the handler's gain of 1,000,000 fen in equal shares (333,334 / 333,333 / 333,333) plus each member's moral damage", async () => {
    const a = await assess({ method: 'GAIN', modelId: modelV1, dividedTotalFen: '1000000', totalBasis: 'advertising revenue from the leaked profiles, audit report' });
    // 1,000,000 + 15,400 + 62,400 + 10,000
    expect(a).toMatchObject({ members: 3, totalFen: '1087800' });
    const nodes = (await schedule(a.id)).nodes;
    expect(nodes.map((n: { propertyFen: string }) => n.propertyFen)).toEqual(['333334', '333333', '333333']);
    expect(nodes.reduce((sum: bigint, n: { propertyFen: string }) => sum + BigInt(n.propertyFen), 0n)).toBe(1000000n);
  });

  it('a total that does not divide evenly is shared out exactly: 1,000,001 fen among 3', async () => {
    const a = await assess({ method: 'DISCRETIONARY', modelId: flatModel, dividedTotalFen: '1000001', totalBasis: 'the circumstances of the leak' });
    const nodes = (await schedule(a.id)).nodes;
    expect(nodes.map((n: { amountFen: string }) => n.amountFen)).toEqual(['333334', '333334', '333333']);
    expect(a.totalFen).toBe('1000001');
  });

  it('changing the factor model adds a version and leaves earlier assessments as they were', async () => {
    const [first] = (await ok(api, association, `query($c: ID!) { assessments(caseId: $c) { nodes { id } } }`, { c: caseB })).assessments.nodes;
    const v2 = await define('standard', {
      categoryFen: [{ category: 'NAME', fen: 1000 }, { category: 'PHONE_NUMBER', fen: 2000 }, { category: 'MEDICAL_HEALTH', fen: 60000 }],
    });
    expect(v2.version).toBe(2);
    expect(v2.id).not.toBe(modelV1);
    const again = await assess({ method: 'LOSS', modelId: v2.id });
    // P2: floor((1,000 + 2,000 + 60,000) × 1.8) + 3,000 = 113,400 + 3,000 = 116,400.
    expect(again).toMatchObject({ modelVersion: 2, totalFen: String(65400 + 116400 + 10000) });
    const before = (await ok(api, association, `query($a: ID!) { assessment(assessmentId: $a) { ${ASSESSMENT} } }`, { a: first.id })).assessment;
    expect(before).toMatchObject({ modelVersion: 1, totalFen: '137800' });
    const p2 = await memberOf(first.id, 2);
    expect(p2.moralFen).toBe('62400');
    expect(p2.explanation.categories).toContainEqual({ category: 'MEDICAL_HEALTH', fen: 30000 });
    const models = (await ok(api, association, `{ damageModels(first: 10) { nodes { name version } } }`)).damageModels.nodes;
    expect(models).toEqual([{ name: 'standard', version: 1 }, { name: 'flat', version: 1 }, { name: 'standard', version: 2 }]);
  });

  it('refuses a divided total for LOSS, and a GAIN without its total or evidence', async () => {
    const bad = (input: Record<string, unknown>) =>
      api.gql(`mutation($i: AssessCompensationInput!) { assessCompensation(input: $i) { id } }`, { i: { classId: classB, modelId: modelV1, ...input } }, association);
    expect(((await bad({ method: 'LOSS', dividedTotalFen: '100' })).errors as any)[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'dividedTotalFen' });
    expect(((await bad({ method: 'GAIN' })).errors as any)[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'dividedTotalFen' });
    expect(((await bad({ method: 'GAIN', dividedTotalFen: '100' })).errors as any)[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'totalBasis' });
  });

  it('exports the distribution schedule as XLSX: masked identifiers, yuan to the fen', async () => {
    const [first] = (await ok(api, association, `query($c: ID!) { assessments(caseId: $c) { nodes { id } } }`, { c: caseB })).assessments.nodes;
    const res = await request(api.app.getHttpServer()).get(`/assessments/${first.id}/distribution.xlsx`).set('authorization', `Bearer ${association}`)
      .buffer(true).parse((r, done) => { const chunks: Buffer[] = []; r.on('data', (c: Buffer) => chunks.push(c)); r.on('end', () => done(null, Buffer.concat(chunks))); });
    expect(res.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.body);
    const sheet = book.getWorksheet('Distribution')!;
    const rows = [2, 3, 4].map((n) => (sheet.getRow(n).values as unknown[]).slice(1));
    expect(rows.map((r) => r[5]).sort()).toEqual([100, 624, 654]);
    for (const r of rows) {
      expect(r[0]).toMatch(/^张\*+$/);
      expect(r[1]).toMatch(/\*{4,}/);
    }
    expect((sheet.getRow(5).values as unknown[]).slice(1)).toEqual(['Total', undefined, undefined, undefined, undefined, 1378]);
    expect(sheet.getRow(2).getCell(6).numFmt).toBe('0.00');
  });

  it('a public-interest case pays the fund: no per-member distribution; 7 fen among 4 members is 2, 2, 2, 1', async () => {
    const court = await organisationId(api, association, 'COURT');
    const procuratorate = await organisationId(api, association, 'PROCURATORATE');
    const incS = await registerIncident(api, association, { estimatedPeople: 5_000, handler: { name: '某某商城', role: 'NETWORK_SERVICE_PROVIDER' } });
    const caseS = (await ok(api, association, `mutation($i: OpenCaseInput!) { openCase(input: $i) { id } }`, {
      i: { type: 'SUPPORTED', title: 'Council v. mall', courtId: court, supportingOrganisationId: procuratorate, incidentIds: [incS],
        defendants: [{ name: '某某商城', role: 'NETWORK_SERVICE_PROVIDER', liabilityBasis: 'PRESUMED_FAULT' }] },
    })).openCase.id;
    const fund = new Map<number, string>();
    for (const n of [5, 6, 7, 8]) fund.set(n, await enrol(api, association, n, [incS]));
    const classS = (await ok(api, association, `mutation($i: FormClassInput!) { formClass(input: $i) { class { id } } }`, {
      i: { caseId: caseS, name: 'Mall customers', definition: 'Everyone whose data the mall leaked', incidentIds: [incS] },
    })).formClass.class.id;
    // 7 fen among 4: 1 each and 3 extra fen, to the three lowest claimant ids (the third found from the high end).
    const a = await assess({ method: 'DISCRETIONARY', modelId: flatModel, dividedTotalFen: '7', totalBasis: 'the circumstances of the leak' }, classS);
    expect(a).toMatchObject({ recipient: 'PUBLIC_INTEREST_FUND', totalFen: '7', members: 4 });
    const byId = [...fund.values()].sort();
    const amounts: string[] = [];
    for (const claimantId of byId) {
      amounts.push((await ok(api, association, `query($a: ID!, $c: ID!) { memberAssessment(assessmentId: $a, claimantId: $c) { amountFen } }`, { a: a.id, c: claimantId })).memberAssessment.amountFen);
    }
    expect(amounts).toEqual(['2', '2', '2', '1']);
    const res = await api.gql(`query($a: ID!) { distributionSchedule(assessmentId: $a) { totalCount } }`, { a: a.id }, association);
    expect((res.errors as any)[0].extensions.code).toBe('CONFLICT');
  });
});
