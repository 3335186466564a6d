import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { startTestApi, type TestApi } from './support/api';
import { CLASS_TEST_KEY, enrol, ok, organisationId, registerIncident } from './support/classes';
import { waitForJob } from './support/jobs';
import { submitEvidence } from './support/proof';
import { countSqlStatements } from './support/sql-statements';

/**
 * The four remedies through HTTP: each one's lifecycle, overdue detection from today's date, a
 * refused apology published by the court, proportionality warnings firing and not, and the
 * per-defendant liability schedule with payments (and its XLSX).
 *
 * Case A: a SUPPORTED case of the demo association (the procuratorate supports), filed at the
 * demo court, over an incident of 2,000,000 people; defendants: the company (PRESUMED_FAULT), an
 * officer (JOINT_TORT), a provider (KNEW_OR_SHOULD_HAVE_KNOWN) and a company whose name begins
 * with '=' (a formula, were a spreadsheet to read it as one).
 */
describe('remedies: lifecycle, overdue, court publication, proportionality, liability per defendant', () => {
  let api: TestApi;
  let association: string;
  let judge: string;
  let caseA: string;
  const party: Record<string, string> = {};

  const REMEDY = `id status statusOn dueOn overdue medium isPublic durationDays amountFen
    courtPublication { refusedOn publishedOn medium costFen }
    defendants { partyId name basis basisSource extent shareBasisPoints }
    measures { id description dueOn verifiedOn verification overdue }
    evidence { evidenceItemId description recordedOn }
    proportionalityWarnings { rule source message }`;
  const seek = async (input: Record<string, unknown>, caseId = caseA) =>
    (await ok(api, association, `mutation($i: SeekRemedyInput!) { seekRemedy(input: $i) { ${REMEDY} } }`, {
      i: { caseId, description: 'as claimed in the complaint', soughtOn: '2025-02-20', defendants: [{ partyId: party.company }], ...input },
    })).seekRemedy;
  const move = async (token: string, remedyId: string, to: string, on: string, extra: Record<string, unknown> = {}) =>
    api.gql(`mutation($i: TransitionRemedyInput!) { transitionRemedy(input: $i) { ${REMEDY} } }`, { i: { remedyId, to, on, ...extra } }, token);
  const moved = async (token: string, remedyId: string, to: string, on: string, extra: Record<string, unknown> = {}) => {
    const res = await move(token, remedyId, to, on, extra);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!.transitionRemedy;
  };
  const code = (res: { errors?: unknown }) => (res.errors as { extensions: { code: string } }[] | undefined)?.[0]?.extensions.code;
  const remedies = async (overdueOnly = false) =>
    (await ok(api, judge, `query($c: ID!, $o: Boolean) { remedies(caseId: $c, overdueOnly: $o, first: 50) { totalCount nodes { id status overdue } } }`, { c: caseA, o: overdueOnly })).remedies;

  beforeAll(async () => {
    api = await startTestApi({ BLIND_INDEX_KEY: CLASS_TEST_KEY.toString('base64') });
    [association, judge] = await Promise.all(['association@demo.local', 'judge@demo.local'].map((e) => api.login(e)));
    const court = await organisationId(api, judge, 'COURT');
    const procuratorate = await organisationId(api, judge, 'PROCURATORATE');
    const incident = await registerIncident(api, association, { estimatedPeople: 2_000_000 });
    const defendants = [
      { name: '某某外卖平台有限公司', role: 'NETWORK_SERVICE_PROVIDER', liabilityBasis: 'PRESUMED_FAULT' },
      { name: '王某(高管)', role: 'OTHER_HANDLER', liabilityBasis: 'JOINT_TORT' },
      { name: '某某云服务有限公司', role: 'INTERMEDIARY_SERVICE_PROVIDER', liabilityBasis: 'KNEW_OR_SHOULD_HAVE_KNOWN' },
      { name: '=HYPERLINK("http://x")科技', role: 'OTHER_HANDLER', liabilityBasis: 'JOINT_TORT' },
    ];
    caseA = (await ok(api, association, `mutation($i: OpenCaseInput!) { openCase(input: $i) { id } }`, {
      i: { type: 'SUPPORTED', title: 'Council v. platform (remedies)', courtId: court, supportingOrganisationId: procuratorate, defendants, incidentIds: [incident] },
    })).openCase.id;
    for (const [to, on] of [['INVESTIGATION', '2025-02-03'], ['FILED', '2025-02-17']]) {
      await ok(api, association, `mutation($i: TransitionCaseInput!) { transitionCase(input: $i) { stage } }`, { i: { caseId: caseA, to, on } });
    }
    const parties = (await ok(api, association, `query($c: ID!) { case(id: $c) { parties(role: DEFENDANT) { id name } } }`, { c: caseA })).case.parties;
    [party.company, party.officer, party.provider, party.formula] = parties.map((p: { id: string }) => p.id);
  });

  afterAll(() => api?.close());

  describe('cessation', () => {
    let remedyId: string;
    let measures: { id: string }[];
    let evidenceSha: string;

    it('is sought by the plaintiff side with its measures and due dates, and is overdue only once ordered and past due', async () => {
      const sought = await seek({
        kind: 'CESSATION',
        dueOn: '2099-12-31',
        measures: [
          { description: 'Delete the leaked copies of the members\' data', scope: 'all backups', dueOn: '2025-03-31' },
          { description: 'Close the partner API that leaked it', dueOn: '2099-12-31' },
        ],
      });
      remedyId = sought.id;
      measures = sought.measures;
      expect(sought).toMatchObject({ status: 'SOUGHT', overdue: false, defendants: [{ name: '某某外卖平台有限公司', basis: 'PRESUMED_FAULT', extent: 'FULL' }] });
      expect(sought.measures.map((m: { overdue: boolean }) => m.overdue)).toEqual([false, false]);

      const ordered = await moved(judge, remedyId, 'ORDERED', '2025-03-01');
      expect(ordered).toMatchObject({ status: 'ORDERED', statusOn: '2025-03-01', overdue: true });
      expect(ordered.measures.map((m: { overdue: boolean }) => m.overdue)).toEqual([true, false]);
      expect((await remedies(true)).nodes.map((r: { id: string }) => r.id)).toContain(remedyId);
    });

    it('a verified measure is no longer overdue', async () => {
      const verified = (await ok(api, judge, `mutation($i: VerifyMeasureInput!) { verifyRemedyMeasure(input: $i) { ${REMEDY} } }`, {
        i: { measureId: measures[0].id, verifiedOn: '2025-04-02', verification: 'on-site inspection by the court' },
      })).verifyRemedyMeasure;
      expect(verified.overdue).toBe(false);
      expect(verified.measures[0]).toMatchObject({ verifiedOn: '2025-04-02', verification: 'on-site inspection by the court', overdue: false });
      expect((await remedies(true)).nodes.map((r: { id: string }) => r.id)).not.toContain(remedyId);
    });

    it('links the evidence of compliance to an item of the evidence log, with its hash and log position', async () => {
      const file = Buffer.from('deletion report: 3 backups wiped, hashes attached\n');
      const submitted = await submitEvidence(api, association, caseA, file, { title: 'Deletion report', source: 'the defendant\'s DPO' });
      expect(submitted.status).toBe(201);
      const record = (evidenceItemId: string, description: string) =>
        api.gql(`mutation($i: RecordComplianceEvidenceInput!) { recordComplianceEvidence(input: $i) { ${REMEDY} evidence { evidenceItem { id sha256 ledgerIndex } } } }`, {
          i: { remedyId, measureId: measures[0].id, evidenceItemId, description, recordedOn: '2025-04-03' },
        }, association);
      const res = await record(submitted.body.id, 'deletion report with hashes');
      expect(res.errors).toBeUndefined();
      const sha256 = createHash('sha256').update(file).digest('hex');
      expect(res.data!.recordComplianceEvidence.evidence).toEqual([
        { evidenceItemId: submitted.body.id, description: 'deletion report with hashes', recordedOn: '2025-04-03', evidenceItem: { id: submitted.body.id, sha256, ledgerIndex: submitted.body.ledgerIndex } },
      ]);
      evidenceSha = sha256;
    });

    it('refuses another organisation\'s item, another case\'s item and a random id alike, writing nothing', async () => {
      const procurator = await api.login('procurator@demo.local');
      const theirs = await submitEvidence(api, procurator, caseA, Buffer.from('the procuratorate\'s own record\n'), { title: 'Inspection record', source: 'procuratorate' });
      expect(theirs.status).toBe(201);
      const other = await registerIncident(api, association, { estimatedPeople: 50 });
      const caseB = (await ok(api, association, `mutation($i: OpenCaseInput!) { openCase(input: $i) { id } }`, {
        i: { type: 'SUPPORTED', title: 'Another leak', courtId: await organisationId(api, judge, 'COURT'), supportingOrganisationId: await organisationId(api, judge, 'PROCURATORATE'),
          incidentIds: [other], defendants: [{ name: '另一公司', role: 'OTHER_HANDLER', liabilityBasis: 'PRESUMED_FAULT' }] },
      })).openCase.id;
      const elsewhere = await submitEvidence(api, association, caseB, Buffer.from('a report of the other case\n'), { title: 'Report', source: 'council' });
      expect(elsewhere.status).toBe(201);
      const refusals = [];
      for (const id of [theirs.body.id, elsewhere.body.id, '7d6b3a52-4f0e-4c1e-9d55-0b9f1a2c3d4e']) {
        const res = await api.gql(`mutation($i: RecordComplianceEvidenceInput!) { recordComplianceEvidence(input: $i) { id } }`, {
          i: { remedyId, evidenceItemId: id, description: 'not ours', recordedOn: '2025-04-03' },
        }, association);
        const [error] = res.errors as { message: string; extensions: { code: string } }[];
        refusals.push({ code: error.extensions.code, message: error.message.replace(id, '<id>') });
      }
      expect(refusals[0].code).toBe('NOT_FOUND');
      expect(refusals[1]).toEqual(refusals[0]);
      expect(refusals[2]).toEqual(refusals[0]);
      const after = (await ok(api, association, `query($r: ID!) { remedy(remedyId: $r) { evidence { description } } }`, { r: remedyId })).remedy;
      expect(after.evidence).toEqual([{ description: 'deletion report with hashes' }]);
    });

    it('loads the evidence items of a page of remedies in one query, however many', async () => {
      const second = await submitEvidence(api, association, caseA, Buffer.from('screenshot of the closed API\n'), { title: 'Gateway log', source: 'council' });
      await ok(api, association, `mutation($i: RecordComplianceEvidenceInput!) { recordComplianceEvidence(input: $i) { id } }`, {
        i: { remedyId, measureId: measures[1].id, evidenceItemId: second.body.id, description: 'gateway log', recordedOn: '2025-04-04' },
      });
      const list = (items: string) => ok(api, judge, `query($c: ID!) { remedies(caseId: $c, first: 50) { nodes { evidence { description ${items} } } } }`, { c: caseA });
      const linked = (await list('evidenceItem { sha256 }')).remedies.nodes.flatMap((r: { evidence: unknown[] }) => r.evidence);
      expect(linked).toEqual([{ description: 'deletion report with hashes', evidenceItem: { sha256: evidenceSha } }, { description: 'gateway log', evidenceItem: { sha256: expect.any(String) } }]);
      const without = await countSqlStatements(() => list(''));
      expect(await countSqlStatements(() => list('evidenceItem { id sha256 ledgerIndex leafHash }'))).toBe(without + 1);
    });

    it('either side records compliance started; only the court finds it complied, once every measure is verified', async () => {
      expect(await moved(association, remedyId, 'IN_COMPLIANCE', '2025-04-05')).toMatchObject({ status: 'IN_COMPLIANCE' });
      expect(code(await move(association, remedyId, 'COMPLIED', '2025-04-10'))).toBe('FORBIDDEN');
      const early = await move(judge, remedyId, 'COMPLIED', '2025-04-10');
      expect(code(early)).toBe('CONFLICT');
      await ok(api, judge, `mutation($i: VerifyMeasureInput!) { verifyRemedyMeasure(input: $i) { id } }`, {
        i: { measureId: measures[1].id, verifiedOn: '2025-04-10', verification: 'API gateway logs show the channel closed' },
      });
      expect(await moved(judge, remedyId, 'COMPLIED', '2025-04-10')).toMatchObject({ status: 'COMPLIED', overdue: false });
      expect(code(await move(judge, remedyId, 'DEFAULTED', '2025-04-11'))).toBe('CONFLICT');
    });

    it('refuses an event dated before the previous one, or in the future', async () => {
      const other = await seek({ kind: 'CESSATION', measures: [{ description: 'Stop selling the data' }] });
      expect(code(await move(judge, other.id, 'ORDERED', '2025-02-19'))).toBe('BAD_USER_INPUT');
      expect(code(await move(judge, other.id, 'ORDERED', '2999-01-01'))).toBe('BAD_USER_INPUT');
      expect(await moved(judge, other.id, 'DISMISSED', '2025-03-01')).toMatchObject({ status: 'DISMISSED', overdue: false });
    });

    it('holds at most 100 items of compliance evidence on a remedy: the 101st is CONFLICT and not kept', async () => {
      const other = await seek({ kind: 'CESSATION', measures: [{ description: 'Delete the copies' }] });
      const RECORD = `mutation($i: RecordComplianceEvidenceInput!) { recordComplianceEvidence(input: $i) { id } }`;
      const record = (n: number) => api.gql(RECORD, { i: { remedyId: other.id, description: `report ${n}`, recordedOn: '2025-04-04' } }, association);
      for (let n = 1; n <= 100; n++) expect((await record(n)).errors).toBeUndefined();
      const refused = await record(101);
      expect(refused.errors![0]).toMatchObject({
        message: 'A remedy holds at most 100 items of compliance evidence',
        extensions: { code: 'CONFLICT', field: 'remedyId', limit: 100 },
      });
      const kept = (await ok(api, association, `query($r: ID!) { remedy(remedyId: $r) { evidence { description } } }`, { r: other.id })).remedy.evidence;
      expect([kept.length, kept.at(-1).description]).toEqual([100, 'report 100']);
    });
  });

  describe('apology', () => {
    it('refused by the defendant: the court publishes at its cost, and the apology is DEFAULTED', async () => {
      const sought = await seek({ kind: 'APOLOGY', medium: 'NATIONAL_MEDIA', durationDays: 30, approvedText: '我公司就个人信息泄露事件郑重道歉。' });
      await moved(judge, sought.id, 'ORDERED', '2025-05-01', { dueOn: '2025-05-31' });
      expect((await remedies(true)).nodes.map((r: { id: string }) => r.id)).toContain(sought.id);
      const publication = { remedyId: sought.id, refusedOn: '2025-06-05', publishedOn: '2025-06-20', medium: 'NATIONAL_MEDIA', costFen: '1500000' };
      const byPlaintiff = await api.gql(`mutation($i: RecordCourtPublicationInput!) { recordCourtPublication(input: $i) { id } }`, { i: publication }, association);
      expect(code(byPlaintiff)).toBe('FORBIDDEN');
      const published = (await ok(api, judge, `mutation($i: RecordCourtPublicationInput!) { recordCourtPublication(input: $i) { ${REMEDY} } }`, { i: publication })).recordCourtPublication;
      expect(published).toMatchObject({
        status: 'DEFAULTED',
        statusOn: '2025-06-05',
        overdue: false,
        courtPublication: { refusedOn: '2025-06-05', publishedOn: '2025-06-20', medium: 'NATIONAL_MEDIA', costFen: '1500000' },
      });
      const again = await api.gql(`mutation($i: RecordCourtPublicationInput!) { recordCourtPublication(input: $i) { id } }`, { i: publication }, judge);
      expect(code(again)).toBe('CONFLICT');
    });

    it('a court publication is for an apology or eliminating the impact, not a cessation', async () => {
      const cessation = await seek({ kind: 'CESSATION', measures: [{ description: 'Stop the handling' }] });
      await moved(judge, cessation.id, 'ORDERED', '2025-05-01');
      const res = await api.gql(`mutation($i: RecordCourtPublicationInput!) { recordCourtPublication(input: $i) { id } }`, {
        i: { remedyId: cessation.id, refusedOn: '2025-06-05', publishedOn: '2025-06-20', medium: 'NATIONAL_MEDIA', costFen: '1' },
      }, judge);
      expect(code(res)).toBe('CONFLICT');
    });

    it('an apology needs its medium; a cessation takes none', async () => {
      const res = await api.gql(`mutation($i: SeekRemedyInput!) { seekRemedy(input: $i) { id } }`, {
        i: { caseId: caseA, kind: 'APOLOGY', description: 'apology', soughtOn: '2025-02-20', defendants: [{ partyId: party.company }] },
      }, association);
      expect((res.errors as any)[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'medium' });
      const cessation = await api.gql(`mutation($i: SeekRemedyInput!) { seekRemedy(input: $i) { id } }`, {
        i: { caseId: caseA, kind: 'CESSATION', description: 'stop', soughtOn: '2025-02-20', defendants: [{ partyId: party.company }], measures: [{ description: 'stop it' }], medium: 'WEBSITE' },
      }, association);
      expect((cessation.errors as any)[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'medium' });
    });
  });

  describe('eliminating the impact', () => {
    it('settled, then in compliance, then found in default by the court; overdue while owed, not once defaulted', async () => {
      const sought = await seek({
        kind: 'ELIMINATING_IMPACT',
        medium: 'NATIONAL_MEDIA',
        durationDays: 30,
        measures: [{ description: 'Retract the data published on the forum', scope: 'every mirror the plaintiff listed', dueOn: '2025-04-30' }],
      });
      expect(sought.isPublic).toBe(true);
      expect(await moved(judge, sought.id, 'SETTLED', '2025-03-10', { dueOn: '2025-04-30', reason: 'mediation agreement confirmed' }))
        .toMatchObject({ status: 'SETTLED', dueOn: '2025-04-30', overdue: true });
      expect(await moved(judge, sought.id, 'IN_COMPLIANCE', '2025-04-01')).toMatchObject({ status: 'IN_COMPLIANCE', overdue: true });
      expect(await moved(judge, sought.id, 'DEFAULTED', '2025-05-10', { reason: 'the data is still online' })).toMatchObject({ status: 'DEFAULTED', overdue: false });
      expect((await move(judge, sought.id, 'COMPLIED', '2025-05-11')).errors).toBeDefined();
    });

    it('a due date is set by the order or settlement, not by other steps', async () => {
      const sought = await seek({ kind: 'ELIMINATING_IMPACT', measures: [{ description: 'Notify the recipients of the data' }] });
      const res = await move(judge, sought.id, 'DISMISSED', '2025-03-10', { dueOn: '2025-04-30' });
      expect((res.errors as any)[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'dueOn' });
      // Nor may the term end before the order that sets it (it would be overdue from the start); the order's own day is allowed.
      const early = await move(judge, sought.id, 'ORDERED', '2025-03-10', { dueOn: '2025-03-09' });
      expect((early.errors as any)[0]).toMatchObject({ message: 'dueOn: is before the order (2025-03-10)', extensions: { code: 'BAD_USER_INPUT', field: 'dueOn' } });
      expect(await moved(judge, sought.id, 'ORDERED', '2025-03-10', { dueOn: '2025-03-10' })).toMatchObject({ status: 'ORDERED', dueOn: '2025-03-10' });
    });

    it('a dismissed compensation is owed by no one: its schedule shows nothing to pay', async () => {
      const sought = await seek({ kind: 'COMPENSATION', amountFen: '1000', defendants: [{ partyId: party.company }] });
      await moved(judge, sought.id, 'DISMISSED', '2025-03-10');
      const s = (await ok(api, judge, `query($r: ID!) { liabilitySchedule(remedyId: $r) { totalFen paidFen outstandingFen lines { answersForFen remainingFen } } }`, { r: sought.id })).liabilitySchedule;
      expect(s).toEqual({ totalFen: '0', paidFen: '0', outstandingFen: '0', lines: [{ answersForFen: '0', remainingFen: '0' }] });
    });
  });

  describe('proportionality (Civil Code art. 1000)', () => {
    const warnings = (remedy: { proportionalityWarnings: { rule: string }[] }) => remedy.proportionalityWarnings.map((w) => w.rule);

    it('warns of a private letter for a leak of 2,000,000 people, naming the rule', async () => {
      const letter = await seek({ kind: 'APOLOGY', medium: 'LETTER_TO_EACH_MEMBER' });
      expect(letter.isPublic).toBe(false);
      expect(letter.proportionalityWarnings).toEqual([{
        rule: 'PRIVATE_MEDIUM_FOR_MASS_LEAK',
        source: 'Civil Code art. 1000(1)',
        message: 'a private LETTER_TO_EACH_MEMBER for a leak of 2000000 people (10000 or more call for a public medium)',
      }]);
    });

    it('warns of a week on the home page for 2,000,000 people, not of 60 days on the website', async () => {
      expect(warnings(await seek({ kind: 'ELIMINATING_IMPACT', medium: 'APP_HOME_PAGE', durationDays: 7, measures: [{ description: 'Notice on the home page' }] })))
        .toEqual(['SHORT_ONLINE_NOTICE_FOR_MASS_LEAK']);
      expect(warnings(await seek({ kind: 'APOLOGY', medium: 'WEBSITE', durationDays: 60 }))).toEqual([]);
      expect(warnings(await seek({ kind: 'APOLOGY', medium: 'NATIONAL_MEDIA', durationDays: 30 }))).toEqual([]);
    });

    it('warns of national or provincial media for a handful of people, not of provincial media for a few hundred', async () => {
      const small = await registerIncident(api, association, { estimatedPeople: 300, handler: { name: '小程序运营者', role: 'OTHER_HANDLER' } });
      const court = await organisationId(api, judge, 'COURT');
      const procuratorate = await organisationId(api, judge, 'PROCURATORATE');
      const caseC = (await ok(api, association, `mutation($i: OpenCaseInput!) { openCase(input: $i) { id parties(role: DEFENDANT) { id } } }`, {
        i: { type: 'SUPPORTED', title: 'Small leak', courtId: court, supportingOrganisationId: procuratorate, incidentIds: [small],
          defendants: [{ name: '小程序运营者', role: 'OTHER_HANDLER', liabilityBasis: 'PRESUMED_FAULT' }] },
      })).openCase;
      const onC = (medium: string) => seek({ kind: 'ELIMINATING_IMPACT', medium, defendants: [{ partyId: caseC.parties[0].id }], measures: [{ description: 'Retract the published data' }] }, caseC.id);
      expect(warnings(await onC('NATIONAL_MEDIA'))).toEqual(['NATIONAL_MEDIA_FOR_HANDFUL']);
      expect(warnings(await onC('PROVINCIAL_MEDIA'))).toEqual([]);
      expect(warnings(await onC('LETTER_TO_EACH_MEMBER'))).toEqual([]);
    });
  });

  describe('compensation and liability per defendant', () => {
    let remedyId: string;
    const schedule = async () => {
      const s = (await ok(api, judge, `query($r: ID!) { liabilitySchedule(remedyId: $r) { totalFen paidFen outstandingFen lines { defendant { partyId } answersForFen paidFen remainingFen } } }`, { r: remedyId })).liabilitySchedule;
      return { ...s, lines: Object.fromEntries(s.lines.map((l: any) => [Object.keys(party).find((k) => party[k] === l.defendant.partyId), [l.answersForFen, l.paidFen, l.remainingFen]])) };
    };
    const pay = (token: string, partyId: string, amountFen: string) =>
      api.gql(`mutation($i: RecordRemedyPaymentInput!) { recordRemedyPayment(input: $i) { outstandingFen } }`, { i: { remedyId, partyId, amountFen, paidOn: '2025-08-01' } }, token);

    it('a share applies to compensation only', async () => {
      const res = await api.gql(`mutation($i: SeekRemedyInput!) { seekRemedy(input: $i) { id } }`, {
        i: { caseId: caseA, kind: 'CESSATION', description: 'stop', soughtOn: '2025-02-20', measures: [{ description: 'stop it' }],
          defendants: [{ partyId: party.officer, extent: 'SHARE', shareBasisPoints: 2000 }] },
      }, association);
      expect((res.errors as any)[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'defendants[0].extent' });
    });

    it('ordered: the company answers for the whole, the officer for 20 %, the provider for 5 %, the fourth for 1 %', async () => {
      const sought = await seek({
        kind: 'COMPENSATION',
        amountFen: '1200000',
        defendants: [
          { partyId: party.company },
          { partyId: party.officer, extent: 'SHARE', shareBasisPoints: 2000 },
          { partyId: party.provider, extent: 'SHARE', shareBasisPoints: 500 },
          { partyId: party.formula, extent: 'SHARE', shareBasisPoints: 100 },
        ],
      });
      remedyId = sought.id;
      expect(sought.defendants.map((d: any) => [d.basis, d.basisSource, d.extent, d.shareBasisPoints])).toEqual([
        ['PRESUMED_FAULT', 'PIPL art. 69(1); Civil Code art. 1165(2)', 'FULL', null],
        ['JOINT_TORT', 'Civil Code art. 1168', 'SHARE', 2000],
        ['KNEW_OR_SHOULD_HAVE_KNOWN', 'Civil Code art. 1197', 'SHARE', 500],
        ['JOINT_TORT', 'Civil Code art. 1168', 'SHARE', 100],
      ]);
      expect(await moved(judge, remedyId, 'ORDERED', '2025-07-01', { amountFen: '1000000', dueOn: '2025-09-30' })).toMatchObject({ amountFen: '1000000' });
      expect(await schedule()).toEqual({
        totalFen: '1000000', paidFen: '0', outstandingFen: '1000000',
        lines: { company: ['1000000', '0', '1000000'], officer: ['200000', '0', '200000'], provider: ['50000', '0', '50000'], formula: ['10000', '0', '10000'] },
      });
    });

    it("a payment by one reduces what the others owe, within their shares, and none pays more than it still owes", async () => {
      expect(code(await pay(association, party.company, '900000'))).toBeUndefined();
      expect(await schedule()).toEqual({
        totalFen: '1000000', paidFen: '900000', outstandingFen: '100000',
        lines: { company: ['1000000', '900000', '100000'], officer: ['200000', '0', '100000'], provider: ['50000', '0', '50000'], formula: ['10000', '0', '10000'] },
      });
      expect(code(await pay(judge, party.officer, '100001'))).toBe('CONFLICT');
      expect(code(await pay(judge, party.officer, '60000'))).toBeUndefined();
      expect((await schedule()).lines).toEqual({
        company: ['1000000', '900000', '40000'], officer: ['200000', '60000', '40000'], provider: ['50000', '0', '40000'], formula: ['10000', '0', '10000'],
      });
    });

    it('in compliance, then complied once paid; no payment after', async () => {
      const overdue = async () => (await ok(api, judge, `query($r: ID!) { remedy(remedyId: $r) { overdue } }`, { r: remedyId })).remedy.overdue;
      const listedOverdue = async () => (await remedies(true)).nodes.some((n: { id: string }) => n.id === remedyId);
      expect(await moved(association, remedyId, 'IN_COMPLIANCE', '2025-08-02')).toMatchObject({ status: 'IN_COMPLIANCE' });
      // Due on 2025-09-30, 40,000 fen still unpaid today: overdue.
      expect([await overdue(), await listedOverdue()]).toEqual([true, true]);
      expect(code(await pay(judge, party.company, '40000'))).toBeUndefined();
      expect(await schedule()).toMatchObject({ paidFen: '1000000', outstandingFen: '0' });
      // Paid in full: nothing is owed, so not overdue, though compliance is not recorded yet.
      expect([await overdue(), await listedOverdue()]).toEqual([false, false]);
      expect(await moved(judge, remedyId, 'COMPLIED', '2025-08-03')).toMatchObject({ status: 'COMPLIED', overdue: false });
      expect(code(await pay(judge, party.provider, '1'))).toBe('CONFLICT');
    });

    it('exports the schedule as XLSX: yuan to the fen as numbers, no cell read as a formula', async () => {
      const res = await request(api.app.getHttpServer()).get(`/remedies/${remedyId}/liability.xlsx`).set('authorization', `Bearer ${judge}`)
        .buffer(true).parse((r, done) => { const chunks: Buffer[] = []; r.on('data', (c: Buffer) => chunks.push(c)); r.on('end', () => done(null, Buffer.concat(chunks))); });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toContain('spreadsheetml');
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(res.body);
      const sheet = book.getWorksheet('Liability')!;
      const row = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1);
      // Paid in full: the company 940,000 fen, the officer 60,000; nothing remains for anyone.
      expect(row(2)).toEqual(['某某外卖平台有限公司', 'PRESUMED_FAULT', 'PIPL art. 69(1); Civil Code art. 1165(2)', 'FULL', undefined, 10000, 9400, 0]);
      expect(row(3)).toEqual(['王某(高管)', 'JOINT_TORT', 'Civil Code art. 1168', 'SHARE', 20, 2000, 600, 0]);
      expect(row(5)[0]).toBe('\'=HYPERLINK("http://x")科技');
      expect(sheet.getRow(5).getCell(6).value).toBe(100);
      expect(row(6)).toEqual(['Total', undefined, undefined, undefined, undefined, 10000, 10000, 0]);
      expect(sheet.getRow(2).getCell(6).numFmt).toBe('0.00');
      sheet.eachRow((r) => r.eachCell((cell) => expect(cell.type).not.toBe(ExcelJS.ValueType.Formula)));
    });

    it('a compensation needs its amount, and a payment is for a compensation only', async () => {
      const res = await api.gql(`mutation($i: SeekRemedyInput!) { seekRemedy(input: $i) { id } }`, {
        i: { caseId: caseA, kind: 'COMPENSATION', description: 'damages', soughtOn: '2025-02-20', defendants: [{ partyId: party.company }] },
      }, association);
      expect((res.errors as any)[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'amountFen' });
    });
  });
});
