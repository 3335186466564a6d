import { startTestApi, type TestApi } from './support/api';

/**
 * Each case type walked from clue to judgment through the API, as the roles that act at each
 * step, with the gates refusing early filing and naming the date. Event dates are given in the
 * mutations (2025, whose official holiday arrangement is loaded).
 */
describe('case procedure: the four case types from clue to judgment', () => {
  let api: TestApi;
  let procurator: string;
  let association: string;
  let judge: string;
  let ids: { procuratorate: string; association: string; court: string };

  const CASE_FIELDS = `id type stage filedOn nextStages
    parties { role name organisation { id kind } liabilityBasis liabilitySource handlerRole }
    deadlines { rule due nominalDue shiftedForRestDays provisional closedOn urgent source }
    transitions { from to occurredOn }`;

  const gql = async (token: string, query: string, variables: Record<string, unknown> = {}) => api.gql(query, variables, token);

  async function organisationId(kind: string): Promise<string> {
    const res = await gql(judge, `query($k: OrganisationKind) { organisations(first: 10, kind: $k) { nodes { id name } } }`, { k: kind });
    return res.data!.organisations.nodes[0].id;
  }

  async function openCase(token: string, input: Record<string, unknown>) {
    const res = await gql(token, `mutation($i: OpenCaseInput!) { openCase(input: $i) { ${CASE_FIELDS} } }`, { i: input });
    expect(res.errors).toBeUndefined();
    return res.data!.openCase;
  }

  const transition = (token: string, caseId: string, to: string, on: string, extra: Record<string, unknown> = {}) =>
    gql(token, `mutation($i: TransitionCaseInput!) { transitionCase(input: $i) { ${CASE_FIELDS} } }`, { i: { caseId, to, on, ...extra } });

  async function move(token: string, caseId: string, to: string, on: string, extra: Record<string, unknown> = {}) {
    const res = await transition(token, caseId, to, on, extra);
    expect(res.errors).toBeUndefined();
    expect(res.data!.transitionCase.stage).toBe(to);
    return res.data!.transitionCase;
  }

  const handler = { name: '某某网络科技有限公司', unifiedSocialCreditCode: '91110000MA01ABCD2Q', role: 'NETWORK_SERVICE_PROVIDER', liabilityBasis: 'PRESUMED_FAULT' };

  async function registerIncident(token: string): Promise<string> {
    const res = await gql(
      token,
      `mutation($i: RegisterLeakIncidentInput!) { registerLeakIncident(input: $i) { id } }`,
      {
        i: {
          handler: { name: handler.name, unifiedSocialCreditCode: handler.unifiedSocialCreditCode, role: handler.role },
          dataCategories: ['NAME', 'PHONE_NUMBER', 'ID_NUMBER'],
          exposureStart: '2024-06-01',
          exposureEnd: '2024-09-30',
          discoveredOn: '2024-11-15',
          discoveryChannel: 'POLICE_SEIZURE',
          estimatedRecords: 5_000_000,
          estimatedPeople: 1_200_000,
        },
      },
    );
    expect(res.errors).toBeUndefined();
    return res.data!.registerLeakIncident.id;
  }

  beforeAll(async () => {
    api = await startTestApi();
    [procurator, association, judge] = await Promise.all(
      ['procurator@demo.local', 'association@demo.local', 'judge@demo.local'].map((email) => api.login(email)),
    );
    ids = {
      procuratorate: await organisationId('PROCURATORATE'),
      association: await organisationId('CONSUMER_ASSOCIATION'),
      court: await organisationId('COURT'),
    };
  });
  afterAll(() => api.close());

  describe('civil public-interest case brought by a procuratorate', () => {
    let caseId: string;

    beforeAll(async () => {
      const incidentId = await registerIncident(procurator);
      const opened = await openCase(procurator, {
        type: 'CIVIL_PUBLIC_INTEREST',
        title: 'Leak of 5 million customer records',
        courtId: ids.court,
        defendants: [
          handler,
          { name: '某某数据中介有限公司', role: 'INTERMEDIARY_SERVICE_PROVIDER', liabilityBasis: 'KNEW_OR_SHOULD_HAVE_KNOWN' },
        ],
        incidentIds: [incidentId],
      });
      caseId = opened.id;
      expect(opened.stage).toBe('CLUE');
      expect(opened.parties).toEqual([
        expect.objectContaining({ role: 'PLAINTIFF', organisation: { id: ids.procuratorate, kind: 'PROCURATORATE' } }),
        expect.objectContaining({ role: 'DEFENDANT', name: handler.name, liabilityBasis: 'PRESUMED_FAULT', liabilitySource: 'PIPL art. 69(1); Civil Code art. 1165(2)' }),
        expect.objectContaining({ role: 'DEFENDANT', liabilityBasis: 'KNEW_OR_SHOULD_HAVE_KNOWN', liabilitySource: 'Civil Code art. 1197' }),
      ]);
    });

    it('refuses filing straight from investigation without the pre-litigation announcement', async () => {
      await move(procurator, caseId, 'INVESTIGATION', '2025-03-20');
      const res = await transition(procurator, caseId, 'FILED', '2025-03-25');
      expect(res.errors![0].extensions).toMatchObject({ code: 'CONFLICT', gate: 'ANNOUNCEMENT_EXPIRED', from: 'INVESTIGATION', to: 'FILED' });
      expect(res.errors![0].message).toMatch(/art\. 13/);
    });

    it('computes the 30-day announcement, moved off the May Day holiday to the next working day', async () => {
      const moved = await move(procurator, caseId, 'ANNOUNCEMENT', '2025-04-01');
      expect(moved.deadlines).toEqual([
        expect.objectContaining({
          rule: 'PRE_LITIGATION_ANNOUNCEMENT',
          nominalDue: '2025-05-01',
          due: '2025-05-06',
          shiftedForRestDays: true,
          provisional: false,
          closedOn: null,
          source: 'SPC/SPP interpretation on procuratorial public-interest litigation, art. 13',
        }),
      ]);
    });

    it('refuses a civil public-interest filing before the announcement period ends, naming the first allowed date', async () => {
      const res = await transition(procurator, caseId, 'FILED', '2025-05-06');
      expect(res.errors![0].extensions).toMatchObject({
        code: 'CONFLICT',
        gate: 'ANNOUNCEMENT_EXPIRED',
        due: '2025-05-06',
        earliestDate: '2025-05-07',
      });
      expect(res.errors![0].message).toContain('2025-05-07');
      expect(res.data).toBeNull();
    });

    it('hides the case from the court until it is filed', async () => {
      const res = await gql(judge, `query($id: ID!) { case(id: $id) { id } }`, { id: caseId });
      expect(res.errors![0].extensions!.code).toBe('NOT_FOUND');
    });

    it('files once the announcement ran out unanswered', async () => {
      const filed = await move(procurator, caseId, 'FILED', '2025-05-07');
      expect(filed.filedOn).toBe('2025-05-07');
      expect(filed.deadlines[0].closedOn).toBe('2025-05-07');
    });

    it('refuses simplified procedure for a public-interest case, naming the rule and art. 257', async () => {
      const res = await transition(judge, caseId, 'EVIDENCE_EXCHANGE', '2025-05-12', { days: 10, procedure: 'SIMPLIFIED' });
      expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'procedure', rule: 'SIMPLIFIED_PROCEDURE_EXCLUDED' });
      expect(res.errors![0].message).toContain('SPC interpretation of the Civil Procedure Law (2022), art. 257');
    });

    it('lets the court alone set the evidence period, at least 15 days in ordinary procedure', async () => {
      const notTheCourtsStep = await transition(procurator, caseId, 'EVIDENCE_EXCHANGE', '2025-05-12', { days: 15, procedure: 'ORDINARY' });
      expect(notTheCourtsStep.errors![0].extensions!.code).toBe('FORBIDDEN');

      const tooShort = await transition(judge, caseId, 'EVIDENCE_EXCHANGE', '2025-05-12', { days: 10, procedure: 'ORDINARY' });
      expect(tooShort.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'EVIDENCE_PERIOD', field: 'days', bound: 15 });

      const evidence = await move(judge, caseId, 'EVIDENCE_EXCHANGE', '2025-05-12', { days: 15, procedure: 'ORDINARY' });
      expect(evidence.deadlines.find((d: { rule: string }) => d.rule === 'EVIDENCE_PERIOD')).toMatchObject({ due: '2025-05-27', closedOn: null });
    });

    it('refuses a hearing while the evidence period runs, naming the first allowed date, and keeps the period open', async () => {
      const res = await transition(judge, caseId, 'HEARING', '2025-05-20');
      expect(res.errors![0].extensions).toMatchObject({ code: 'CONFLICT', gate: 'EVIDENCE_PERIOD_EXPIRED', due: '2025-05-27', earliestDate: '2025-05-28' });
      expect(res.errors![0].message).toContain('2025-05-28');
      const c = await gql(judge, `query($id: ID!) { case(id: $id) { stage deadlines { rule closedOn } } }`, { id: caseId });
      expect(c.data!.case.stage).toBe('EVIDENCE_EXCHANGE');
      expect(c.data!.case.deadlines.find((d: { rule: string }) => d.rule === 'EVIDENCE_PERIOD').closedOn).toBeNull();
    });

    it('holds the hearing after the evidence period and gives judgment, opening the 15-day appeal period', async () => {
      await move(judge, caseId, 'HEARING', '2025-06-10');
      const judged = await move(judge, caseId, 'JUDGMENT', '2025-07-01');
      expect(judged.deadlines.find((d: { rule: string }) => d.rule === 'APPEAL_JUDGMENT')).toMatchObject({ due: '2025-07-16', closedOn: null });
      expect(judged.nextStages).toEqual(['ENFORCEMENT', 'CLOSED']);
      expect(judged.transitions.map((t: { to: string }) => t.to)).toEqual([
        'INVESTIGATION', 'ANNOUNCEMENT', 'FILED', 'EVIDENCE_EXCHANGE', 'HEARING', 'JUDGMENT',
      ]);
    });

    it('refuses enforcement or closing while the appeal period runs, naming the date, and keeps the appeal deadline open', async () => {
      const enforce = await transition(judge, caseId, 'ENFORCEMENT', '2025-07-02');
      expect(enforce.errors![0].extensions).toMatchObject({ code: 'CONFLICT', gate: 'APPEAL_PERIOD_EXPIRED', due: '2025-07-16', earliestDate: '2025-07-17' });
      expect(enforce.errors![0].message).toMatch(/appeal period runs until 2025-07-16 \(Civil Procedure Law \(2023\), art\. 171\).*2025-07-17/);
      const close = await transition(judge, caseId, 'CLOSED', '2025-07-16');
      expect(close.errors![0].extensions).toMatchObject({ code: 'CONFLICT', gate: 'APPEAL_PERIOD_EXPIRED', earliestDate: '2025-07-17' });

      const c = await gql(judge, `query($id: ID!) { case(id: $id) { stage deadlines { rule closedOn } } }`, { id: caseId });
      expect(c.data!.case.stage).toBe('JUDGMENT');
      expect(c.data!.case.deadlines.find((d: { rule: string }) => d.rule === 'APPEAL_JUDGMENT').closedOn).toBeNull();
      const upcoming = await gql(procurator, `{ upcomingDeadlines(first: 50) { nodes { rule case { id } } } }`);
      expect(upcoming.data!.upcomingDeadlines.nodes).toContainEqual({ rule: 'APPEAL_JUDGMENT', case: { id: caseId } });
    });

    it('refuses a move the stage machine does not allow, listing the allowed ones', async () => {
      const res = await transition(judge, caseId, 'HEARING', '2025-07-02');
      expect(res.errors![0].extensions).toMatchObject({ code: 'CONFLICT', from: 'JUDGMENT', to: 'HEARING' });
      expect(res.errors![0].message).toContain('ENFORCEMENT, CLOSED');
    });

    it('keeps every change in the audit trail of the case, which the judge of the court may read', async () => {
      const res = await gql(judge, `query($c: String!) { auditEvents(first: 50, filter: { caseId: $c }) { nodes { action details } } }`, { c: caseId });
      expect(res.errors).toBeUndefined();
      const actions = res.data!.auditEvents.nodes.map((e: { action: string }) => e.action).reverse();
      expect(actions).toEqual(['case.open', ...Array(6).fill('case.transition')]);
      expect(JSON.stringify(res.data)).not.toContain(handler.name);
    });
  });

  describe('administrative public-interest case', () => {
    let caseId: string;

    beforeAll(async () => {
      const opened = await openCase(procurator, {
        type: 'ADMINISTRATIVE_PUBLIC_INTEREST',
        title: 'Communications administration failed to supervise the leaking operator',
        courtId: ids.court,
      });
      caseId = opened.id;
    });

    it('refuses filing without the agency named as defendant', async () => {
      await move(procurator, caseId, 'INVESTIGATION', '2025-01-06');
      await move(procurator, caseId, 'RECOMMENDATION', '2025-01-10');
      const res = await transition(procurator, caseId, 'FILED', '2025-04-01');
      expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'ONE_AGENCY' });
    });

    it('gives the agency two months to answer the recommendation', async () => {
      const res = await gql(procurator, `mutation($i: AddAgencyInput!) { addAgency(input: $i) { id } }`, {
        i: { caseId, agency: { name: '示范省通信管理局' } },
      });
      expect(res.errors).toBeUndefined();
      const c = await gql(procurator, `query($id: ID!) { case(id: $id) { deadlines { rule due urgent period { unit length } } } }`, { id: caseId });
      expect(c.data!.case.deadlines).toEqual([
        { rule: 'PROCURATORIAL_RECOMMENDATION_RESPONSE', due: '2025-03-10', urgent: false, period: { unit: 'MONTHS', length: 2 } },
      ]);
    });

    it("refuses an administrative filing before the agency's response period has passed, naming the date", async () => {
      const response = await gql(procurator, `mutation($i: RecordAgencyResponseInput!) { recordAgencyResponse(input: $i) { agencyResponse { respondedOn adequate } } }`, {
        i: { caseId, respondedOn: '2025-02-20', adequate: false },
      });
      expect(response.data!.recordAgencyResponse.agencyResponse).toEqual({ respondedOn: '2025-02-20', adequate: false });

      const res = await transition(procurator, caseId, 'FILED', '2025-03-10');
      expect(res.errors![0].extensions).toMatchObject({
        code: 'CONFLICT',
        gate: 'RECOMMENDATION_PERIOD_EXPIRED',
        due: '2025-03-10',
        earliestDate: '2025-03-11',
      });
      expect(res.errors![0].message).toContain('2025-03-11');
    });

    it('files after the period and the court takes it to judgment', async () => {
      await move(procurator, caseId, 'FILED', '2025-03-11');
      await move(judge, caseId, 'HEARING', '2025-04-15');
      const judged = await move(judge, caseId, 'JUDGMENT', '2025-05-20');
      expect(judged.deadlines.find((d: { rule: string }) => d.rule === 'APPEAL_JUDGMENT')).toBeUndefined();
    });

    it('refuses enforcement before the administrative appeal period has run out, citing Administrative Procedure Law art. 85', async () => {
      const res = await transition(judge, caseId, 'ENFORCEMENT', '2025-06-04');
      expect(res.errors![0].extensions).toMatchObject({
        code: 'CONFLICT',
        gate: 'APPEAL_PERIOD_EXPIRED',
        earliestDate: '2025-06-05',
        source: 'Administrative Procedure Law, art. 85',
      });
    });

    it('opens the appeal period of the Administrative Procedure Law (art. 85), not of the Civil Procedure Law', async () => {
      const c = await gql(judge, `query($id: ID!) { case(id: $id) { deadlines { rule due source nature closedOn } } }`, { id: caseId });
      expect(c.data!.case.deadlines.find((d: { rule: string }) => d.rule === 'ADMINISTRATIVE_APPEAL_JUDGMENT')).toEqual({
        rule: 'ADMINISTRATIVE_APPEAL_JUDGMENT',
        due: '2025-06-04',
        source: 'Administrative Procedure Law, art. 85',
        nature: 'TIME_LIMIT',
        closedOn: null,
      });
    });

    it('gives 15 days in the urgent variant, ending on an adjusted working Sunday', async () => {
      const urgent = await openCase(procurator, { type: 'ADMINISTRATIVE_PUBLIC_INTEREST', title: 'Ongoing leak, urgent', courtId: ids.court });
      await move(procurator, urgent.id, 'INVESTIGATION', '2025-01-06');
      const moved = await move(procurator, urgent.id, 'RECOMMENDATION', '2025-01-10', { urgent: true });
      // 2025-01-25 is a Saturday; Sunday 2025-01-26 was made a working day (调休上班).
      expect(moved.deadlines[0]).toMatchObject({ nominalDue: '2025-01-25', due: '2025-01-26', urgent: true });
    });

    it('refuses filing when the agency responded adequately', async () => {
      const complied = await openCase(procurator, { type: 'ADMINISTRATIVE_PUBLIC_INTEREST', title: 'Agency complied', courtId: ids.court, agency: { name: '某市网信办' } });
      await move(procurator, complied.id, 'INVESTIGATION', '2025-01-06');
      await move(procurator, complied.id, 'RECOMMENDATION', '2025-01-10');
      await gql(procurator, `mutation($i: RecordAgencyResponseInput!) { recordAgencyResponse(input: $i) { id } }`, {
        i: { caseId: complied.id, respondedOn: '2025-02-01', adequate: true },
      });
      const res = await transition(procurator, complied.id, 'FILED', '2025-04-01');
      expect(res.errors![0].extensions).toMatchObject({ code: 'CONFLICT', gate: 'RECOMMENDATION_PERIOD_EXPIRED' });
      expect(res.errors![0].message).toContain('responded adequately on 2025-02-01');
    });
  });

  const elect = (token: string, caseId: string, references: string[]) =>
    gql(token, `mutation($i: ElectRepresentativesInput!) { electRepresentatives(input: $i) { id } }`, { i: { caseId, references } });

  describe('representative action with an uncertain number of claimants (CPL art. 57)', () => {
    let caseId: string;

    beforeAll(async () => {
      const opened = await openCase(association, {
        type: 'REPRESENTATIVE_ACTION',
        title: 'Victims of the 2024 shop data leak',
        courtId: ids.court,
        defendants: [handler],
        claimantsNumberUncertain: true,
      });
      caseId = opened.id;
      expect(opened.parties[0]).toMatchObject({ role: 'SUPPORTER', organisation: { id: ids.association, kind: 'CONSUMER_ASSOCIATION' } });
    });

    it('refuses an organisation as plaintiff of a representative action', async () => {
      const res = await gql(association, `mutation($i: AddCaseOrganisationInput!) { addCaseOrganisation(input: $i) { id } }`, {
        i: { caseId, organisationId: ids.association, role: 'PLAINTIFF' },
      });
      expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'NO_ORGANISATION_PLAINTIFF_IN_REPRESENTATIVE_ACTION' });
    });

    it('files before any representative is elected: the claimants who register elect them', async () => {
      await move(association, caseId, 'INVESTIGATION', '2025-01-20');
      const filed = await move(association, caseId, 'FILED', '2025-02-10');
      expect(filed.parties.filter((p: { role: string }) => p.role === 'REPRESENTATIVE')).toEqual([]);
    });

    it('registers claimants for at least 30 days and refuses evidence exchange before registration closes', async () => {
      const registration = await move(judge, caseId, 'REGISTRATION', '2025-02-14', { days: 30 });
      // 2025-03-16 is a Sunday: registration runs to Monday 2025-03-17.
      expect(registration.deadlines[0]).toMatchObject({ rule: 'REGISTRATION_PERIOD', nominalDue: '2025-03-16', due: '2025-03-17' });

      const early = await transition(judge, caseId, 'EVIDENCE_EXCHANGE', '2025-03-17', { days: 20, procedure: 'ORDINARY' });
      expect(early.errors![0].extensions).toMatchObject({ gate: 'REGISTRATION_CLOSED', earliestDate: '2025-03-18' });
    });

    it('needs 2 to 5 representatives, elected during registration, before leaving it', async () => {
      const none = await transition(judge, caseId, 'EVIDENCE_EXCHANGE', '2025-03-18', { days: 20, procedure: 'ORDINARY' });
      expect(none.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'REPRESENTATIVE_COUNT' });
      expect(none.errors![0].message).toContain('2 to 5');

      expect((await elect(association, caseId, ['C-0001'])).errors![0].extensions).toMatchObject({ rule: 'REPRESENTATIVE_COUNT' });
      expect((await elect(association, caseId, ['C-1', 'C-2', 'C-3', 'C-4', 'C-5', 'C-6'])).errors![0].extensions).toMatchObject({ rule: 'REPRESENTATIVE_COUNT' });
      expect((await elect(association, caseId, ['C-0001', 'C-0017', 'C-0042'])).errors).toBeUndefined();
    });

    it('refuses simplified procedure for a representative action: one party has very many members', async () => {
      const res = await transition(judge, caseId, 'EVIDENCE_EXCHANGE', '2025-03-18', { days: 15, procedure: 'SIMPLIFIED' });
      expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'procedure', rule: 'SIMPLIFIED_PROCEDURE_EXCLUDED' });
      expect(res.errors![0].message).toMatch(/very many members.*art\. 257/);
    });

    it('goes to judgment through the court', async () => {
      await move(judge, caseId, 'EVIDENCE_EXCHANGE', '2025-03-18', { days: 20, procedure: 'ORDINARY' });
      expect((await elect(association, caseId, ['C-0001', 'C-0002'])).errors![0].extensions).toMatchObject({ code: 'CONFLICT', stage: 'EVIDENCE_EXCHANGE' });
      await move(judge, caseId, 'HEARING', '2025-05-08');
      const judged = await move(judge, caseId, 'JUDGMENT', '2025-06-16');
      expect(judged.parties.filter((p: { role: string }) => p.role === 'REPRESENTATIVE').map((p: { name: string }) => p.name)).toEqual([
        'C-0001', 'C-0017', 'C-0042',
      ]);
    });
  });

  describe('representative action with a known number of claimants (CPL art. 56)', () => {
    it('needs 2 to 5 elected representatives before filing, and fixes them once filed', async () => {
      const opened = await openCase(association, { type: 'REPRESENTATIVE_ACTION', title: 'The 40 customers of one shop', courtId: ids.court, defendants: [handler] });
      await move(association, opened.id, 'INVESTIGATION', '2025-01-20');
      const early = await transition(association, opened.id, 'FILED', '2025-02-10');
      expect(early.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'REPRESENTATIVE_COUNT' });
      expect(early.errors![0].message).toContain('2 to 5');

      expect((await elect(association, opened.id, ['K-1', 'K-2'])).errors).toBeUndefined();
      await move(association, opened.id, 'FILED', '2025-02-10');
      expect((await elect(association, opened.id, ['K-1', 'K-3'])).errors![0].extensions).toMatchObject({ code: 'CONFLICT', stage: 'FILED' });
    });
  });

  describe('supported suit', () => {
    it("walks an association's suit supported by the procuratorate from clue to judgment", async () => {
      const opened = await openCase(association, {
        type: 'SUPPORTED',
        title: 'Consumer council v. app operator, supported by the procuratorate',
        courtId: ids.court,
        supportingOrganisationId: ids.procuratorate,
        defendants: [handler],
      });
      // The supporting procuratorate sees the case and may move it before filing.
      await move(procurator, opened.id, 'INVESTIGATION', '2025-02-03');
      await move(association, opened.id, 'FILED', '2025-02-17');
      await move(judge, opened.id, 'EVIDENCE_EXCHANGE', '2025-02-24', { days: 15, procedure: 'ORDINARY' });
      await move(judge, opened.id, 'HEARING', '2025-03-31');
      const judged = await move(judge, opened.id, 'JUDGMENT', '2025-04-28');
      expect(judged.parties.map((p: { role: string }) => p.role)).toEqual(['PLAINTIFF', 'SUPPORTER', 'DEFENDANT']);

      // The judgment takes effect once the 15-day appeal period (to 2025-05-13) has run out unused.
      const early = await transition(judge, opened.id, 'ENFORCEMENT', '2025-05-13');
      expect(early.errors![0].extensions).toMatchObject({ gate: 'APPEAL_PERIOD_EXPIRED', earliestDate: '2025-05-14' });
      const enforced = await move(judge, opened.id, 'ENFORCEMENT', '2025-05-14');
      expect(enforced.deadlines.find((d: { rule: string }) => d.rule === 'APPEAL_JUDGMENT')).toMatchObject({ due: '2025-05-13', closedOn: '2025-05-14' });
    });

    it('needs a procuratorate as supporter', async () => {
      const res = await gql(association, `mutation($i: OpenCaseInput!) { openCase(input: $i) { id } }`, {
        i: { type: 'SUPPORTED', title: 'x', courtId: ids.court, supportingOrganisationId: ids.association, defendants: [handler] },
      });
      expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'SUPPORTED_SUIT_SUPPORTER', source: 'Civil Procedure Law (2023) arts. 15, 58(2)' });
    });
  });

  describe('standing when a case is opened or a party added', () => {
    it('refuses a court as plaintiff, naming the rule', async () => {
      const res = await gql(procurator, `mutation($i: OpenCaseInput!) { openCase(input: $i) { id } }`, {
        i: { type: 'CIVIL_PUBLIC_INTEREST', title: 'x', courtId: ids.court, plaintiffOrganisationIds: [ids.procuratorate, ids.court] },
      });
      expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'COURT_NOT_A_PARTY' });
      expect(res.errors![0].message).toContain('Civil Procedure Law (2023) art. 6');
    });

    it('refuses a consumer association below provincial level as plaintiff of a civil public-interest case', async () => {
      const admin = await api.login('admin@demo.local');
      const created = await gql(admin, `mutation { createOrganisation(input: { name: "示范县消费者协会", kind: CONSUMER_ASSOCIATION, level: COUNTY }) { id } }`);
      const county = created.data!.createOrganisation.id;
      const c = await openCase(procurator, { type: 'CIVIL_PUBLIC_INTEREST', title: 'co-plaintiff', courtId: ids.court });
      const res = await gql(procurator, `mutation($i: AddCaseOrganisationInput!) { addCaseOrganisation(input: $i) { id } }`, {
        i: { caseId: c.id, organisationId: county, role: 'PLAINTIFF' },
      });
      expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'CONSUMER_ASSOCIATION_LEVEL' });
      expect(res.errors![0].message).toContain('Consumer Rights Protection Law art. 47');
    });

    it('refuses an association as plaintiff of an administrative public-interest case', async () => {
      const res = await gql(association, `mutation($i: OpenCaseInput!) { openCase(input: $i) { id } }`, {
        i: { type: 'ADMINISTRATIVE_PUBLIC_INTEREST', title: 'x', courtId: ids.court },
      });
      expect(res.errors![0].extensions).toMatchObject({ rule: 'ADMINISTRATIVE_PIL_PLAINTIFF' });
    });

    it('refuses an event dated in the future', async () => {
      const c = await openCase(procurator, { type: 'CIVIL_PUBLIC_INTEREST', title: 'future', courtId: ids.court });
      const res = await transition(procurator, c.id, 'INVESTIGATION', '2099-01-01');
      expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'on' });
    });
  });

  describe('how much a case holds (CASE_LIMITS), so that its lists have a bound', () => {
    const CONFLICT = (what: string, field: string, limit: number) => ({ message: `A case has at most ${limit} ${what}`, extensions: expect.objectContaining({ code: 'CONFLICT', field, limit }) });
    const partiesOf = async (caseId: string) =>
      (await gql(procurator, `query($id: ID!) { case(id: $id) { parties { role } incidents { id } } }`, { id: caseId })).data!.case;

    it('takes 50 defendants and refuses a 51st, keeping the 50', async () => {
      const defendants = Array.from({ length: 50 }, (_, i) => ({ ...handler, name: `被告${i + 1}`, unifiedSocialCreditCode: undefined }));
      const opened = await openCase(procurator, { type: 'CIVIL_PUBLIC_INTEREST', title: 'Fifty defendants', courtId: ids.court, defendants });
      const res = await gql(procurator, `mutation($i: AddDefendantInput!) { addDefendant(input: $i) { id } }`, { i: { caseId: opened.id, defendant: { ...defendants[0], name: '被告51' } } });
      expect(res.errors![0]).toMatchObject(CONFLICT('defendants', 'defendant', 50));
      expect((await partiesOf(opened.id)).parties.filter((p: { role: string }) => p.role === 'DEFENDANT')).toHaveLength(50);
    });

    it('takes 10 plaintiffs and refuses an 11th', async () => {
      const admin = await api.login('admin@demo.local');
      const procuratorates: string[] = [];
      for (let i = 0; i < 10; i++) {
        const res = await gql(admin, `mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { id } }`, {
          i: { name: `第${i + 1}人民检察院`, kind: 'PROCURATORATE', level: 'PREFECTURAL' },
        });
        procuratorates.push(res.data!.createOrganisation.id);
      }
      const opened = await openCase(procurator, {
        type: 'CIVIL_PUBLIC_INTEREST',
        title: 'Ten plaintiffs',
        courtId: ids.court,
        plaintiffOrganisationIds: [ids.procuratorate, ...procuratorates.slice(0, 9)],
        defendants: [handler],
      });
      const res = await gql(procurator, `mutation($i: AddCaseOrganisationInput!) { addCaseOrganisation(input: $i) { id } }`, {
        i: { caseId: opened.id, organisationId: procuratorates[9], role: 'PLAINTIFF' },
      });
      expect(res.errors![0]).toMatchObject(CONFLICT('plaintiffs', 'organisationId', 10));
      expect((await partiesOf(opened.id)).parties.filter((p: { role: string }) => p.role === 'PLAINTIFF')).toHaveLength(10);
    });

    it('links 50 leak incidents and refuses a 51st; linking one of the 50 again is no new link', async () => {
      const incidents: string[] = [];
      for (let i = 0; i < 51; i++) incidents.push(await registerIncident(procurator));
      const opened = await openCase(procurator, { type: 'CIVIL_PUBLIC_INTEREST', title: 'Fifty incidents', courtId: ids.court, defendants: [handler], incidentIds: incidents.slice(0, 50) });
      const LINK = `mutation($i: LinkLeakIncidentInput!) { linkLeakIncident(input: $i) { id } }`;
      expect((await gql(procurator, LINK, { i: { caseId: opened.id, incidentId: incidents[0] } })).errors).toBeUndefined();
      const res = await gql(procurator, LINK, { i: { caseId: opened.id, incidentId: incidents[50] } });
      expect(res.errors![0]).toMatchObject(CONFLICT('incidents', 'incidentId', 50));
      expect((await partiesOf(opened.id)).incidents).toHaveLength(50);
    });
  });
});
