import { Clock } from '@app/cases';
import { startTestApi, type TestApi } from './support/api';
import { ok } from './support/classes';
import { waitForJob } from './support/jobs';
import { caseAtEvidence } from './support/proof';

const APPLICATION = `id partyId appliedOn periodEnds requestedEnd reasons status ruledOn rulingReasons extendedTo extendedDeadlineId`;
const ELEMENT = `id rule deadline originalDeadline status recordedStatus failureRecordedAt whatFollows`;
const RULE = 'EVIDENCE_PERIOD_EXTENSION (SPC provisions on evidence in civil procedure (2019), art. 54; Civil Procedure Law (2023), art. 68)';
const FAULT_PRESUMED = 'fault is presumed: the defendant bears liability (PIPL art. 69(1); Civil Code art. 1165(2))';

const defendant = (name: string) => ({ name, role: 'NETWORK_SERVICE_PROVIDER', liabilityBasis: 'PRESUMED_FAULT' });

/**
 * Extending the evidence period through the API (SPC evidence provisions (2019) art. 54): a party
 * applies before the period ends, the court grants (the case's EVIDENCE_PERIOD deadline moves, and
 * with it every obligation's deadline, the status read at any moment and the failure job) or
 * refuses. The clock is set to the day of each step (Asia/Shanghai dates). Every case here is
 * served its 15-day ORDINARY evidence notice on Monday 2025-02-24: the period ends Tuesday
 * 2025-03-11 (no rest day in March 2025 moves it).
 */
describe('extending the evidence period', () => {
  let api: TestApi;
  let tokens: { association: string; procurator: string; judge: string; admin: string; stranger: string };
  let today: jest.SpyInstance<string, []>;
  const on = (date: string) => today.mockReturnValue(date);

  const apply = (token: string, input: Record<string, unknown>) =>
    api.gql(`mutation($i: ApplyForEvidencePeriodExtensionInput!) { applyForEvidencePeriodExtension(input: $i) { ${APPLICATION} } }`, { i: input }, token);
  const ruleOn = (token: string, input: Record<string, unknown>) =>
    api.gql(`mutation($i: RuleOnEvidencePeriodExtensionInput!) { ruleOnEvidencePeriodExtension(input: $i) { ${APPLICATION} } }`, { i: input }, token);
  const listed = async (token: string, caseId: string) =>
    (await ok(api, token, `query($c: ID!) { evidencePeriodExtensions(caseId: $c, first: 10) { totalCount nodes { id status } } }`, { c: caseId }))
      .evidencePeriodExtensions;
  const burden = async (token: string, caseId: string) =>
    (await ok(api, token, `query($c: ID!) { burdenOfProof(caseId: $c) { evidencePeriodEnds evidencePeriodFirstEnds elements { ${ELEMENT} }
        extensions(first: 10) { totalCount nodes { id status extendedTo } } } }`, { c: caseId })).burdenOfProof;
  const element = (b: { elements: { rule: string }[] }, rule: string) => b.elements.find((e) => e.rule === rule) as any;
  /** The details of the case's audit records of `action`, newest first. */
  const audited = async (caseId: string, action: string) =>
    (await ok(api, tokens.judge, `query($c: String!, $a: String!) { auditEvents(first: 5, filter: { caseId: $c, action: $a }) { nodes { details } } }`, { c: caseId, a: action }))
      .auditEvents.nodes.map((n: { details: string }) => JSON.parse(n.details));
  const runFailureJob = async () => {
    const job = await ok(api, tokens.admin, `mutation { recordObligationFailures { id } }`);
    return JSON.parse((await waitForJob(api.gql, tokens.admin, job.recordObligationFailures.id)).result!);
  };
  const newCase = async (name: string) => {
    const c = await caseAtEvidence(api, tokens, [defendant(name)], '2025-02-24', 15);
    await ok(api, tokens.judge, `mutation($c: ID!) { generateObligations(caseId: $c) { caseId } }`, { c: c.id });
    return c;
  };

  beforeAll(async () => {
    api = await startTestApi();
    const [association, procurator, judge, admin] = await Promise.all(
      ['association@demo.local', 'procurator@demo.local', 'judge@demo.local', 'admin@demo.local'].map((e) => api.login(e)),
    );
    // A consumer association with no part in any case here.
    const org = await ok(api, admin, `mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { id } }`, {
      i: { name: 'Unrelated association', kind: 'CONSUMER_ASSOCIATION', level: 'PROVINCIAL' },
    });
    await ok(api, admin, `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, {
      i: { email: 'stranger@extension.local', displayName: 'stranger', password: 'stranger-password-1', role: 'ASSOCIATION_STAFF', organisationId: org.createOrganisation.id },
    });
    tokens = { association, procurator, judge, admin, stranger: await api.login('stranger@extension.local', 'stranger-password-1') };
    today = jest.spyOn(api.app.get(Clock), 'today');
  });
  afterAll(async () => {
    today?.mockRestore();
    await api?.close();
  });

  describe('granted before the period ends', () => {
    let c: Awaited<ReturnType<typeof newCase>>;
    let applicationId: string;

    beforeAll(async () => {
      c = await newCase('延期平台');
    });

    it('records a party’s application made before the end, which only the applicant and the court see while pending', async () => {
      on('2025-03-10');
      const res = await apply(tokens.association, { caseId: c.id, reasons: 'The forensic report is due from the police on 2025-03-20.', requestedEnd: '2025-03-25' });
      const application = res.data!.applyForEvidencePeriodExtension;
      const own = c.parties.find((p) => p.role === 'PLAINTIFF')!.id;
      expect(application).toMatchObject({ partyId: own, appliedOn: '2025-03-10', periodEnds: '2025-03-11', requestedEnd: '2025-03-25', status: 'PENDING', ruledOn: null, extendedTo: null });
      applicationId = application.id;
      expect((await listed(tokens.association, c.id)).nodes).toEqual([{ id: applicationId, status: 'PENDING' }]);
      expect((await listed(tokens.judge, c.id)).totalCount).toBe(1);
      // The supporting procuratorate is not told of another's pending application.
      expect((await listed(tokens.procurator, c.id)).totalCount).toBe(0);
    });

    it('lets only the court of the case rule', async () => {
      const res = await ruleOn(tokens.association, { applicationId, decision: 'GRANTED', newEnd: '2025-03-25', reasons: 'x' });
      expect(res.errors![0].extensions!.code).toBe('FORBIDDEN');
    });

    it('refuses a grant whose new end is not after the current end, naming the rule', async () => {
      on('2025-03-11');
      const res = await ruleOn(tokens.judge, { applicationId, decision: 'GRANTED', newEnd: '2025-03-11', reasons: 'Extended.' });
      expect(res.errors![0]).toMatchObject({
        message: `newEnd: ${RULE}: the new end must be after the current end of the evidence period, 2025-03-11; got 2025-03-11`,
        extensions: { code: 'BAD_USER_INPUT', field: 'newEnd', rule: 'EVIDENCE_PERIOD_EXTENSION' },
      });
      const missing = await ruleOn(tokens.judge, { applicationId, decision: 'GRANTED', reasons: 'Extended.' });
      expect(missing.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'newEnd' });
    });

    it('grants on the last day: the case’s evidence period and every obligation’s deadline move to the new end, for every party', async () => {
      on('2025-03-11');
      const granted = (await ruleOn(tokens.judge, { applicationId, decision: 'GRANTED', newEnd: '2025-03-25', reasons: 'The police report is outside the party’s control.' }))
        .data!.ruleOnEvidencePeriodExtension;
      // 2025-03-11 + 14 days = Tuesday 2025-03-25, a working day.
      expect(granted).toMatchObject({ status: 'GRANTED', ruledOn: '2025-03-11', extendedTo: '2025-03-25', rulingReasons: 'The police report is outside the party’s control.' });

      const deadlines = (await ok(api, tokens.judge, `query($id: ID!) { case(id: $id) { deadlines { id rule triggerDate period { length } due closedOn source extendsDeadlineId } } }`, { id: c.id }))
        .case.deadlines.filter((d: { rule: string }) => d.rule === 'EVIDENCE_PERIOD');
      expect(deadlines).toEqual([
        { id: expect.any(String), rule: 'EVIDENCE_PERIOD', triggerDate: '2025-02-24', period: { length: 15 }, due: '2025-03-11', closedOn: '2025-03-11', source: 'SPC provisions on evidence in civil procedure (2019), art. 51', extendsDeadlineId: null },
        {
          id: granted.extendedDeadlineId,
          rule: 'EVIDENCE_PERIOD',
          triggerDate: '2025-03-11',
          period: { length: 14 },
          due: '2025-03-25',
          closedOn: null,
          source: 'SPC provisions on evidence in civil procedure (2019), art. 54; Civil Procedure Law (2023), art. 68',
          extendsDeadlineId: deadlines[0].id,
        },
      ]);

      const b = await burden(tokens.procurator, c.id);
      expect(b).toMatchObject({ evidencePeriodEnds: '2025-03-25', evidencePeriodFirstEnds: '2025-03-11' });
      expect(b.elements.length).toBe(7);
      for (const e of b.elements) expect(e).toMatchObject({ deadline: '2025-03-25', originalDeadline: '2025-03-11', status: 'OPEN' });
      // Granted: now every party sees it (art. 54: the others are notified).
      expect(b.extensions.nodes).toEqual([{ id: applicationId, status: 'GRANTED', extendedTo: '2025-03-25' }]);
      // Granted before the end: nothing had failed, so nothing is reopened and no such record is written.
      expect(await audited(c.id, 'obligations.failures-reopened')).toEqual([]);
      expect(await audited(c.id, 'evidence-period.extension-ruled')).toEqual([expect.objectContaining({ reopened: 0 })]);
      const again = await ruleOn(tokens.judge, { applicationId, decision: 'REFUSED', reasons: 'Changed my mind.' });
      expect(again.errors![0].extensions).toMatchObject({ code: 'CONFLICT', field: 'applicationId' });
    });

    it('recomputes the extension like any deadline when the year’s holiday arrangement is reloaded', async () => {
      // The official 2025 arrangement (国办发明电〔2024〕12号), then the same with Tuesday 2025-03-25 a holiday.
      const official = {
        year: 2025,
        notice: '国办发明电〔2024〕12号, 2024-11-12',
        holidays: [
          ['2025-01-01', '2025-01-01'], ['2025-01-28', '2025-02-04'], ['2025-04-04', '2025-04-06'], ['2025-05-01', '2025-05-05'],
          ['2025-05-31', '2025-06-02'], ['2025-10-01', '2025-10-08'],
        ].map(([first, last]) => ({ first, last })),
        workdays: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'],
      };
      const load = async (input: Record<string, unknown>) =>
        (await ok(api, tokens.admin, `mutation($i: LoadHolidayCalendarYearInput!) { loadHolidayCalendarYear(input: $i) { recomputed { caseId previousDue due } } }`, { i: input }))
          .loadHolidayCalendarYear.recomputed.filter((r: { caseId: string }) => r.caseId === c.id);
      const moved = await load({ ...official, notice: 'test arrangement', holidays: [...official.holidays, { first: '2025-03-25', last: '2025-03-25' }] });
      expect(moved).toEqual([{ caseId: c.id, previousDue: '2025-03-25', due: '2025-03-26' }]);
      expect(element(await burden(tokens.judge, c.id), 'LAWFUL_BASIS').deadline).toBe('2025-03-26');
      expect(await load(official)).toEqual([{ caseId: c.id, previousDue: '2025-03-26', due: '2025-03-25' }]);
    });

    it('reads OPEN just after the old end, and the job records nothing until the new end has passed', async () => {
      on('2025-03-12');
      const lawful = element(await burden(tokens.association, c.id), 'LAWFUL_BASIS');
      expect(lawful).toMatchObject({ status: 'OPEN', recordedStatus: 'OPEN', deadline: '2025-03-25' });
      expect(lawful.whatFollows).toBe(
        `To be proved by 2025-03-25 (24:00, Asia/Shanghai), the last day of the evidence period as extended from 2025-03-11 (SPC evidence provisions (2019) art. 54); if not: ${FAULT_PRESUMED}`,
      );
      await runFailureJob();
      expect((await burden(tokens.association, c.id)).elements.every((e: any) => e.recordedStatus === 'OPEN' && e.status === 'OPEN')).toBe(true);
      // The hearing waits for the extended period too (the same deadline gates the stage).
      const hearing = await api.gql(`mutation($i: TransitionCaseInput!) { transitionCase(input: $i) { stage } }`, { i: { caseId: c.id, to: 'HEARING', on: '2025-03-12' } }, tokens.judge);
      expect(hearing.errors![0].extensions).toMatchObject({ code: 'CONFLICT', due: '2025-03-25', earliestDate: '2025-03-26' });

      on('2025-03-25');
      expect(element(await burden(tokens.association, c.id), 'LAWFUL_BASIS').status).toBe('OPEN');
      on('2025-03-26');
      expect(element(await burden(tokens.association, c.id), 'LAWFUL_BASIS')).toMatchObject({ status: 'FAILED', recordedStatus: 'OPEN' });
      expect(await runFailureJob()).toMatchObject({ cases: 1, failed: 7 });
      expect(element(await burden(tokens.association, c.id), 'LAWFUL_BASIS')).toMatchObject({ status: 'FAILED', recordedStatus: 'FAILED' });
    });
  });

  describe('refused, and applied for too late', () => {
    let c: Awaited<ReturnType<typeof newCase>>;

    beforeAll(async () => {
      c = await newCase('拒绝延期平台');
    });

    it('leaves the period as it was: FAILED just after the old end, and the job agrees', async () => {
      on('2025-03-11');
      const applied = (await apply(tokens.association, { caseId: c.id, reasons: 'More time is needed.' })).data!.applyForEvidencePeriodExtension;
      const refusal = await ruleOn(tokens.judge, { applicationId: applied.id, decision: 'REFUSED', newEnd: '2025-03-20', reasons: 'x' });
      expect(refusal.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'newEnd' });
      const refused = (await ruleOn(tokens.judge, { applicationId: applied.id, decision: 'REFUSED', reasons: 'The evidence was available to the party all along.' }))
        .data!.ruleOnEvidencePeriodExtension;
      expect(refused).toMatchObject({ status: 'REFUSED', ruledOn: '2025-03-11', extendedTo: null, extendedDeadlineId: null });
      // A refusal is notified to the applicant only.
      expect((await listed(tokens.association, c.id)).nodes).toEqual([{ id: applied.id, status: 'REFUSED' }]);
      expect((await listed(tokens.procurator, c.id)).totalCount).toBe(0);

      on('2025-03-12');
      const b = await burden(tokens.association, c.id);
      expect(b).toMatchObject({ evidencePeriodEnds: '2025-03-11', evidencePeriodFirstEnds: '2025-03-11' });
      expect(element(b, 'LAWFUL_BASIS')).toMatchObject({ status: 'FAILED', recordedStatus: 'OPEN', deadline: '2025-03-11', originalDeadline: '2025-03-11' });
      await runFailureJob();
      expect(element(await burden(tokens.association, c.id), 'LAWFUL_BASIS')).toMatchObject({ status: 'FAILED', recordedStatus: 'FAILED' });
    });

    it('refuses an application made after the last day, naming the rule and the day the period ended', async () => {
      on('2025-03-12');
      const res = await apply(tokens.association, { caseId: c.id, reasons: 'Too late.' });
      expect(res.errors![0]).toMatchObject({
        message: `${RULE}: an application must be made before the evidence period ends; it ended on 2025-03-11`,
        extensions: { code: 'CONFLICT', rule: 'EVIDENCE_PERIOD_EXTENSION', due: '2025-03-11', today: '2025-03-12' },
      });
      expect((await listed(tokens.judge, c.id)).totalCount).toBe(1);
    });

    it('refuses to reopen an obligation after the period ended, pointing to an extension', async () => {
      const lawful = element(await burden(tokens.judge, c.id), 'LAWFUL_BASIS');
      const res = await api.gql(`mutation($i: RuleOnObligationInput!) { ruleOnObligation(input: $i) { status } }`, {
        i: { obligationId: lawful.id, status: 'OPEN', reasons: 'Further evidence is expected.' },
      }, tokens.judge);
      expect(res.errors![0]).toMatchObject({
        message: "status: the evidence period ended on 2025-03-11: an obligation still open after it is FAILED (SPC evidence provisions (2019) art. 51); it is OPEN again only under a later evidence period: an extension the court grants on a party's application made before the period ended (art. 54; applyForEvidencePeriodExtension, then ruleOnEvidencePeriodExtension)",
        extensions: { code: 'CONFLICT', field: 'status' },
      });
    });
  });

  describe('granted after the old end on an application made in time', () => {
    it('sets back to OPEN what the job recorded FAILED by the old end, and keeps the court’s own FAILED ruling', async () => {
      const c = await newCase('逾期裁定平台');
      const d = c.parties.find((p) => p.role === 'DEFENDANT')!.id;
      on('2025-03-11');
      // The court records the defendant's written application (a defendant has no users of its own).
      const applied = (await apply(tokens.judge, { caseId: c.id, partyId: d, reasons: 'The security audit is still being translated.' })).data!
        .applyForEvidencePeriodExtension;
      expect(applied).toMatchObject({ partyId: d, status: 'PENDING', periodEnds: '2025-03-11' });
      const noParty = await apply(tokens.judge, { caseId: c.id, reasons: 'x' });
      expect(noParty.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'partyId' });

      on('2025-03-12');
      await runFailureJob();
      const failed = await burden(tokens.judge, c.id);
      expect(failed.elements.every((e: any) => e.recordedStatus === 'FAILED')).toBe(true);
      const infringing = element(failed, 'INFRINGING_ACT');
      await ok(api, tokens.judge, `mutation($i: RuleOnObligationInput!) { ruleOnObligation(input: $i) { id } }`, {
        i: { obligationId: infringing.id, status: 'FAILED', reasons: 'The plaintiff withdrew its only evidence of the act.' },
      });

      // The period has ended, but the hearing waits for the ruling on the application made in time.
      const hearing = await api.gql(`mutation($i: TransitionCaseInput!) { transitionCase(input: $i) { stage } }`, { i: { caseId: c.id, to: 'HEARING', on: '2025-03-12' } }, tokens.judge);
      expect(hearing.errors![0]).toMatchObject({
        message: expect.stringContaining("1 application(s) to extend the evidence period, made in time, await the court's ruling (SPC evidence provisions (2019) art. 54)"),
        extensions: { code: 'CONFLICT', gate: 'EVIDENCE_PERIOD_EXPIRED' },
      });

      // Not before the day of the grant.
      const early = await ruleOn(tokens.judge, { applicationId: applied.id, decision: 'GRANTED', newEnd: '2025-03-11', reasons: 'x' });
      expect(early.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'newEnd' });
      const granted = (await ruleOn(tokens.judge, { applicationId: applied.id, decision: 'GRANTED', newEnd: '2025-03-20', reasons: 'Translation of the audit takes time.' }))
        .data!.ruleOnEvidencePeriodExtension;
      expect(granted).toMatchObject({ status: 'GRANTED', ruledOn: '2025-03-12', extendedTo: '2025-03-20' });

      const after = await burden(tokens.judge, c.id);
      expect(element(after, 'LAWFUL_BASIS')).toMatchObject({ status: 'OPEN', recordedStatus: 'OPEN', failureRecordedAt: null, deadline: '2025-03-20' });
      expect(element(after, 'INFRINGING_ACT')).toMatchObject({ status: 'FAILED', recordedStatus: 'FAILED' });
      const reopened = after.elements.filter((e: any) => e.status === 'OPEN').map((e: any) => e.id);
      expect(reopened.length).toBe(6);
      // The audit names the six obligations set back to OPEN, and the ruling counts them.
      const [failuresReopened] = await audited(c.id, 'obligations.failures-reopened');
      expect([...failuresReopened.obligationIds].sort()).toEqual([...reopened].sort());
      expect(await audited(c.id, 'evidence-period.extension-ruled')).toEqual([expect.objectContaining({ reopened: 6 })]);
      await runFailureJob();
      expect(element(await burden(tokens.judge, c.id), 'LAWFUL_BASIS')).toMatchObject({ status: 'OPEN', recordedStatus: 'OPEN' });
    });
  });

  describe('another organisation', () => {
    it('cannot see the applications nor apply: the same answer as for a case that does not exist', async () => {
      const c = await newCase('他人平台');
      on('2025-03-10');
      const missing = '00000000-0000-4000-8000-000000000000';
      const foreign = await apply(tokens.stranger, { caseId: c.id, reasons: 'x' });
      const random = await apply(tokens.stranger, { caseId: missing, reasons: 'x' });
      expect(foreign.errors![0].extensions!.code).toBe('NOT_FOUND');
      expect(foreign.errors![0].message.replace(c.id, '<id>')).toBe(random.errors![0].message.replace(missing, '<id>'));
      const list = await api.gql(`query($c: ID!) { evidencePeriodExtensions(caseId: $c, first: 10) { totalCount } }`, { c: c.id }, tokens.stranger);
      expect(list.errors![0].extensions!.code).toBe('NOT_FOUND');
      // Nor apply in the name of a party of the case that is not its own.
      const plaintiff = c.parties.find((p) => p.role === 'PLAINTIFF')!.id;
      const asOther = await apply(tokens.procurator, { caseId: c.id, partyId: plaintiff, reasons: 'x' });
      expect(asOther.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'partyId' });
    });
  });

  it('refuses an application once the deadlines were extended 10 times, since no grant could follow, writing nothing', async () => {
    const c = await newCase('延期十次');
    on('2025-03-10');
    let end = '2025-03-11';
    for (let i = 1; i <= 10; i++) {
      const applied = (await apply(tokens.association, { caseId: c.id, reasons: `Reason ${i}.` })).data!.applyForEvidencePeriodExtension;
      // One calendar day past the current end each time (moved to Monday when it falls on a weekend).
      const next = new Date(Date.parse(`${end}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      end = (await ruleOn(tokens.judge, { applicationId: applied.id, decision: 'GRANTED', newEnd: next, reasons: `Grant ${i}.` })).data!.ruleOnEvidencePeriodExtension.extendedTo;
    }
    const eleventh = await apply(tokens.association, { caseId: c.id, reasons: 'Once more.' });
    expect(eleventh.errors![0]).toMatchObject({ message: "A case's deadlines are extended at most 10 times", extensions: { code: 'CONFLICT', limit: 10 } });
    expect((await listed(tokens.judge, c.id)).totalCount).toBe(10);
  });
});
