import { startTestApi, type TestApi } from './support/api';

/**
 * What a holiday-calendar load changes in cases already under way: deadlines that moved are
 * reported and audited, steps they make premature are flagged on the case for its parties and
 * court; gates refuse steps resting on a provisional end unless confirmed; appeal periods per
 * party served. Dates are hand-computed from the official 2025 and 2026 arrangements (2027 is not
 * loaded: the API's clock is past the event dates used, which are never in the future).
 */
describe('deadline recomputation, provisional gates and per-party service', () => {
  let api: TestApi;
  let tokens: Record<'procurator' | 'association' | 'judge' | 'admin', string>;
  let ids: { procuratorate: string; court: string };

  const gql = (token: string, query: string, variables: Record<string, unknown> = {}) => api.gql(query, variables, token);

  async function ok(token: string, query: string, variables: Record<string, unknown> = {}) {
    const res = await gql(token, query, variables);
    expect(res.errors).toBeUndefined();
    return res.data!;
  }

  const DEADLINE = 'id rule partyId due nominalDue provisional provisionalReason closedOn contradiction { transitionId reason flaggedAt }';
  const caseQuery = `query($id: ID!) { case(id: $id) { stage deadlines { ${DEADLINE} } transitions { id to occurredOn } } }`;
  const transition = (token: string, caseId: string, to: string, on: string, extra: Record<string, unknown> = {}) =>
    gql(token, `mutation($i: TransitionCaseInput!) { transitionCase(input: $i) { id stage } }`, { i: { caseId, to, on, ...extra } });
  const move = (token: string, caseId: string, to: string, on: string, extra: Record<string, unknown> = {}) =>
    ok(token, `mutation($i: TransitionCaseInput!) { transitionCase(input: $i) { id stage } }`, { i: { caseId, to, on, ...extra } });
  const loadYear = (input: Record<string, unknown>) =>
    ok(
      tokens.admin,
      `mutation($i: LoadHolidayCalendarYearInput!) { loadHolidayCalendarYear(input: $i) {
         year recomputed { deadlineId caseId partyId rule previousDue due provisional contradiction } } }`,
      { i: input },
    ).then((data) => data.loadHolidayCalendarYear);
  const auditOf = async (caseId: string): Promise<{ action: string; details: Record<string, any> }[]> =>
    (await ok(tokens.judge, `query($c: String!) { auditEvents(first: 100, filter: { caseId: $c }) { nodes { action details } } }`, { c: caseId }))
      .auditEvents.nodes.map((e: { action: string; details: string }) => ({ action: e.action, details: JSON.parse(e.details) as Record<string, any> }));

  const handler = { name: '某某网络科技有限公司', role: 'NETWORK_SERVICE_PROVIDER', liabilityBasis: 'PRESUMED_FAULT' };

  /** A supported suit (association plaintiff, procuratorate supporter) taken to its hearing. */
  async function supportedCaseAtHearing(title: string, dates: [string, string, string, string], defendants = [handler]) {
    const opened = await ok(tokens.association, `mutation($i: OpenCaseInput!) { openCase(input: $i) { id parties { id role } } }`, {
      i: { type: 'SUPPORTED', title, courtId: ids.court, supportingOrganisationId: ids.procuratorate, defendants },
    });
    const caseId = opened.openCase.id;
    await move(tokens.association, caseId, 'INVESTIGATION', dates[0]);
    await move(tokens.association, caseId, 'FILED', dates[1]);
    await move(tokens.judge, caseId, 'EVIDENCE_EXCHANGE', dates[2], { days: 15, procedure: 'ORDINARY' });
    await move(tokens.judge, caseId, 'HEARING', dates[3]);
    return { caseId, parties: opened.openCase.parties as { id: string; role: string }[] };
  }

  beforeAll(async () => {
    api = await startTestApi();
    const [procurator, association, judge, admin] = await Promise.all(
      ['procurator', 'association', 'judge', 'admin'].map((name) => api.login(`${name}@demo.local`)),
    );
    tokens = { procurator, association, judge, admin };
    const orgs = await ok(judge, `{ organisations(first: 20) { nodes { id kind } } }`);
    const byKind = (kind: string) => orgs.organisations.nodes.find((o: { kind: string }) => o.kind === kind).id;
    ids = { procuratorate: byKind('PROCURATORATE'), court: byKind('COURT') };
  });
  afterAll(() => api.close());

  describe('replacing a loaded year', () => {
    const official2026 = {
      year: 2026,
      notice: 'State Council General Office notice on the 2026 holiday arrangements, 2025-11-04',
      holidays: [
        ['2026-01-01', '2026-01-03'], ['2026-02-15', '2026-02-23'], ['2026-04-04', '2026-04-06'], ['2026-05-01', '2026-05-05'],
        ['2026-06-19', '2026-06-21'], ['2026-09-25', '2026-09-27'], ['2026-10-01', '2026-10-07'],
      ].map(([first, last]) => ({ first, last })),
      workdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
    };
    // The same arrangement with Saturday 2026-10-10 no longer an adjusted working day.
    const without1010 = { ...official2026, notice: 'corrected test arrangement', workdays: official2026.workdays.filter((d) => d !== '2026-10-10') };
    let enforced: string;
    let pending: string;
    // The report lists deadlines by case id; these tests read ours in the order the cases were opened.
    const ofOurCases = (recomputed: { caseId: string }[]) =>
      [enforced, pending].flatMap((caseId) => recomputed.filter((r) => r.caseId === caseId));

    beforeAll(async () => {
      // Judgment served 2026-09-25: 15 days end on Saturday 2026-10-10, a working day (调休上班).
      enforced = (await supportedCaseAtHearing('Enforced early', ['2026-06-01', '2026-06-08', '2026-06-10', '2026-07-01'])).caseId;
      await move(tokens.judge, enforced, 'JUDGMENT', '2026-09-25');
      await move(tokens.judge, enforced, 'ENFORCEMENT', '2026-10-11');
      pending = (await supportedCaseAtHearing('Still at judgment', ['2026-06-01', '2026-06-08', '2026-06-10', '2026-07-01'])).caseId;
      await move(tokens.judge, pending, 'JUDGMENT', '2026-09-25');
    });

    it('reports each deadline that moved, flags the enforcement it makes premature, and audits both on the case', async () => {
      const loaded = await loadYear(without1010);
      const ours = ofOurCases(loaded.recomputed);
      const premature = /^ENFORCEMENT recorded on 2026-10-11 is premature: APPEAL_JUDGMENT \(Civil Procedure Law \(2023\), art\. 171\) now runs until 2026-10-12; the earliest date for it was 2026-10-13$/;
      expect(ours).toEqual([
        expect.objectContaining({ caseId: enforced, rule: 'APPEAL_JUDGMENT', previousDue: '2026-10-10', due: '2026-10-12', contradiction: expect.stringMatching(premature) }),
        expect.objectContaining({ caseId: pending, rule: 'APPEAL_JUDGMENT', previousDue: '2026-10-10', due: '2026-10-12', contradiction: null }),
      ]);

      const audit = await auditOf(enforced);
      expect(audit.find((e) => e.action === 'case.deadline-recomputed')!.details).toMatchObject({
        year: 2026, rule: 'APPEAL_JUDGMENT', previousDue: '2026-10-10', due: '2026-10-12',
      });
    });

    it('shows the flag on the deadline to the court and to each party of the case', async () => {
      for (const token of [tokens.judge, tokens.association, tokens.procurator]) {
        const { case: c } = await ok(token, caseQuery, { id: enforced });
        const appeal = c.deadlines.find((d: { rule: string }) => d.rule === 'APPEAL_JUDGMENT');
        const step = c.transitions.find((t: { to: string }) => t.to === 'ENFORCEMENT');
        expect(appeal).toMatchObject({ due: '2026-10-12', closedOn: '2026-10-11', contradiction: { transitionId: step.id, reason: expect.stringContaining('premature') } });
      }
      const { case: open } = await ok(tokens.judge, caseQuery, { id: pending });
      expect(open.deadlines.find((d: { rule: string }) => d.rule === 'APPEAL_JUDGMENT')).toMatchObject({ due: '2026-10-12', contradiction: null });
    });

    it('clears the flag and reports the move back when the official arrangement is restored', async () => {
      const loaded = await loadYear(official2026);
      const ours = ofOurCases(loaded.recomputed);
      expect(ours).toEqual([
        expect.objectContaining({ caseId: enforced, previousDue: '2026-10-12', due: '2026-10-10', contradiction: null }),
        expect.objectContaining({ caseId: pending, previousDue: '2026-10-12', due: '2026-10-10', contradiction: null }),
      ]);
      const { case: c } = await ok(tokens.judge, caseQuery, { id: enforced });
      expect(c.deadlines.find((d: { rule: string }) => d.rule === 'APPEAL_JUDGMENT')).toMatchObject({ due: '2026-10-10', contradiction: null });
      // Loading the same arrangement again moves nothing.
      expect((await loadYear(official2026)).recomputed).toEqual([]);
    });
  });

  describe('a gate resting on a provisional end', () => {
    let caseId: string;

    beforeAll(async () => {
      caseId = (await ok(tokens.procurator, `mutation($i: OpenCaseInput!) { openCase(input: $i) { id } }`, {
        i: { type: 'CIVIL_PUBLIC_INTEREST', title: 'Announced in November', courtId: ids.court, defendants: [handler] },
      })).openCase.id;
      await move(tokens.procurator, caseId, 'INVESTIGATION', '2026-10-12');
      await move(tokens.procurator, caseId, 'ANNOUNCEMENT', '2026-11-01');
    });

    it('refuses the filing after a provisional announcement end, saying why', async () => {
      // 30 days from 2026-11-01 end on Tuesday 2026-12-01, a December day the 2027 notice may still arrange.
      const { case: c } = await ok(tokens.procurator, caseQuery, { id: caseId });
      expect(c.deadlines[0]).toMatchObject({ rule: 'PRE_LITIGATION_ANNOUNCEMENT', due: '2026-12-01', provisional: true });

      const res = await transition(tokens.procurator, caseId, 'FILED', '2026-12-02');
      expect(res.errors![0].extensions).toMatchObject({
        code: 'CONFLICT',
        gate: 'ANNOUNCEMENT_EXPIRED',
        due: '2026-12-01',
        provisionalReason: expect.stringMatching(/arrangement for 2027/),
      });
      expect(res.errors![0].message).toContain('confirmProvisionalEnd');
      expect((await ok(tokens.procurator, caseQuery, { id: caseId })).case.stage).toBe('ANNOUNCEMENT');
    });

    it('files when the procurator confirms, and records the confirmation in the audit', async () => {
      await move(tokens.procurator, caseId, 'FILED', '2026-12-02', { confirmProvisionalEnd: true });
      const filing = (await auditOf(caseId)).find((e) => e.action === 'case.transition' && e.details.to === 'FILED')!;
      expect(filing.details.confirmedProvisionalEnd).toEqual({
        rule: 'PRE_LITIGATION_ANNOUNCEMENT',
        due: '2026-12-01',
        provisionalReason: expect.stringMatching(/arrangement for 2027/),
      });
    });
  });

  describe('a load that leaves the date and the flag alone', () => {
    it('still replaces a provisional reason that names the year just loaded', async () => {
      const opened = await ok(tokens.association, `mutation($i: OpenCaseInput!) { openCase(input: $i) { id } }`, {
        i: { type: 'REPRESENTATIVE_ACTION', title: 'Long registration', courtId: ids.court, defendants: [handler], claimantsNumberUncertain: true },
      });
      const caseId = opened.openCase.id;
      await move(tokens.association, caseId, 'INVESTIGATION', '2026-11-02');
      await move(tokens.association, caseId, 'FILED', '2026-11-09');
      // 366 days from 2026-12-01 end on Thursday 2027-12-02: provisional on 2027 and, a December day, on 2028.
      await move(tokens.judge, caseId, 'REGISTRATION', '2026-12-01', { days: 366 });
      const before = (await ok(tokens.judge, caseQuery, { id: caseId })).case.deadlines[0];
      expect(before).toMatchObject({ due: '2027-12-02', provisional: true, provisionalReason: expect.stringMatching(/arrangement for 2027 is not loaded/) });

      // Test data shaped like a notice, not the official 2027 arrangement (unpublished when written).
      await loadYear({
        year: 2027,
        notice: 'test arrangement for 2027',
        holidays: [{ first: '2027-01-01', last: '2027-01-03' }, { first: '2027-10-01', last: '2027-10-07' }],
        workdays: [],
      });
      const after = (await ok(tokens.judge, caseQuery, { id: caseId })).case.deadlines[0];
      expect(after).toMatchObject({ due: '2027-12-02', provisional: true });
      expect(after.provisionalReason).not.toMatch(/arrangement for 2027 is not loaded/);
      expect(after.provisionalReason).toMatch(/loaded 2027 arrangement, but the official holiday arrangement for 2028/);
    });
  });

  describe('appeal periods from the service on each party (CPL (2023) art. 171)', () => {
    let caseId: string;
    let parties: { id: string; role: string }[];
    const partyOf = (role: string, n = 0) => parties.filter((p) => p.role === role)[n].id;

    beforeAll(async () => {
      ({ caseId, parties } = await supportedCaseAtHearing(
        'Served on different days',
        ['2025-02-03', '2025-02-17', '2025-02-24', '2025-03-31'],
        [handler, { name: '某某数据中介有限公司', role: 'INTERMEDIARY_SERVICE_PROVIDER', liabilityBasis: 'KNEW_OR_SHOULD_HAVE_KNOWN' }],
      ));
    });

    it('refuses a service list that misses a party, names the supporter, predates the judgment or applies to another step', async () => {
      const served = (plaintiff: string, second: string) => [
        { partyId: partyOf('PLAINTIFF'), servedOn: plaintiff },
        { partyId: partyOf('DEFENDANT'), servedOn: '2025-04-30' },
        { partyId: partyOf('DEFENDANT', 1), servedOn: second },
      ];
      const missing = await transition(tokens.judge, caseId, 'JUDGMENT', '2025-04-28', { servedOn: served('2025-04-29', '2025-05-09').slice(0, 2) });
      expect(missing.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'servedOn' });
      const supporter = [...served('2025-04-29', '2025-05-09'), { partyId: partyOf('SUPPORTER'), servedOn: '2025-04-29' }];
      const bySupporter = await transition(tokens.judge, caseId, 'JUDGMENT', '2025-04-28', { servedOn: supporter });
      expect(bySupporter.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'servedOn[3].partyId' });
      const early = await transition(tokens.judge, caseId, 'JUDGMENT', '2025-04-28', { servedOn: served('2025-04-27', '2025-05-09') });
      expect(early.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'servedOn[0].servedOn' });

      const other = await ok(tokens.association, `mutation($i: OpenCaseInput!) { openCase(input: $i) { id } }`, {
        i: { type: 'SUPPORTED', title: 'x', courtId: ids.court, supportingOrganisationId: ids.procuratorate, defendants: [handler] },
      });
      const wrongStep = await transition(tokens.association, other.openCase.id, 'INVESTIGATION', '2025-02-03', { servedOn: served('2025-04-29', '2025-05-09') });
      expect(wrongStep.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'servedOn' });
    });

    it("gives each party its own period and ends the case's with the last party's", async () => {
      await move(tokens.judge, caseId, 'JUDGMENT', '2025-04-28', {
        servedOn: [
          { partyId: partyOf('PLAINTIFF'), servedOn: '2025-04-29' },
          { partyId: partyOf('DEFENDANT'), servedOn: '2025-04-30' },
          { partyId: partyOf('DEFENDANT', 1), servedOn: '2025-05-09' },
        ],
      });
      const { case: c } = await ok(tokens.judge, caseQuery, { id: caseId });
      const appeals = c.deadlines.filter((d: { rule: string }) => d.rule === 'APPEAL_JUDGMENT');
      // 04-29 + 15 = Wednesday 05-14; 04-30 + 15 = Thursday 05-15; 05-09 + 15 = Saturday 05-24, a rest day: Monday 05-26.
      expect(appeals.map((d: { partyId: string; nominalDue: string; due: string }) => [d.partyId, d.nominalDue, d.due])).toEqual([
        [partyOf('PLAINTIFF'), '2025-05-14', '2025-05-14'],
        [partyOf('DEFENDANT'), '2025-05-15', '2025-05-15'],
        [partyOf('DEFENDANT', 1), '2025-05-24', '2025-05-26'],
      ]);

      const early = await transition(tokens.judge, caseId, 'ENFORCEMENT', '2025-05-26');
      expect(early.errors![0].extensions).toMatchObject({ gate: 'APPEAL_PERIOD_EXPIRED', due: '2025-05-26', earliestDate: '2025-05-27' });
      await move(tokens.judge, caseId, 'ENFORCEMENT', '2025-05-27');
    });
  });
});
