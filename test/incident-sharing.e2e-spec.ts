import { randomUUID } from 'node:crypto';
import { startTestApi, type TestApi } from './support/api';
import { enrolInput } from './support/claimants';
import { countSqlStatements } from './support/sql-statements';
import { CLASS_TEST_KEY, DEFENDANT, enrol, ok, organisationId, registerIncident, uploadPhones } from './support/classes';

/**
 * Incidents the plaintiff side can share (issue 17): the procuratorate registers incident I and
 * shares it with the consumer council A and the designated organisation B by name; a published
 * pre-litigation announcement over incident K shows K to every organisation with standing to sue
 * on it. Sharing shows an incident's facts, never another organisation's enrolments or matches:
 *
 *   S (9000)   enrolled by B (a fraud loss of 7,777.77 yuan with evidence) and by A (no harm)
 *   R (9001)   enrolled by A only
 *   T (9002)   enrolled by B only
 *
 * The seized dataset of I (the procuratorate's) holds the phones of S, R and T.
 */
describe('incidents the plaintiff side can share', () => {
  let api: TestApi;
  let procurator: string;
  let a: string;
  let b: string;
  let judge: string;
  let admin: string;
  let secondProcurator: string;
  let cityAssociation: string;
  let secondJudge: string;
  let incidentI: string;
  const org: Record<string, string> = {};
  const person = new Map<string, string>();

  const INCIDENT = `query($id: ID!) { leakIncident(id: $id) { id handler { name } sharedWith { id } } }`;
  const SHARE = `mutation($i: ShareLeakIncidentInput!) { shareLeakIncident(input: $i) { id sharedWith { id } } }`;
  const UNSHARE = `mutation($i: ShareLeakIncidentInput!) { unshareLeakIncident(input: $i) { id sharedWith { id } } }`;
  const OPEN = `mutation($i: OpenCaseInput!) { openCase(input: $i) { id } }`;
  const sees = async (token: string, id: string) => (await api.gql(INCIDENT, { id }, token)).data?.leakIncident?.id === id;
  /** A GraphQL answer with the named ids replaced, for byte-for-byte comparison with a random id's. */
  const text = (res: { data?: unknown; errors?: unknown }, ...ids: string[]) =>
    ids.reduce((t, id) => t.replaceAll(id, '<id>'), JSON.stringify({ data: res.data ?? null, errors: res.errors }));
  const transition = (token: string, caseId: string, to: string, on: string) =>
    ok(api, token, `mutation($i: TransitionCaseInput!) { transitionCase(input: $i) { stage } }`, { i: { caseId, to, on } });
  /** An organisation of `kind` with one user of `role`, created as the ADMIN would; returns the user's token. */
  const newOrganisation = async (name: string, kind: string, role: string, level?: string) => {
    const created = await ok(api, admin, `mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { id } }`, { i: { name, kind, ...(level ? { level } : {}) } });
    org[name] = created.createOrganisation.id;
    const email = `${kind.toLowerCase()}${Object.keys(org).length}@sharing.local`;
    await ok(api, admin, `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, {
      i: { email, displayName: name, password: 'sharing-test-password', role, organisationId: org[name] },
    });
    return api.login(email, 'sharing-test-password');
  };

  beforeAll(async () => {
    api = await startTestApi({ BLIND_INDEX_KEY: CLASS_TEST_KEY.toString('base64') });
    [procurator, a, b, judge, admin] = await Promise.all(
      ['procurator', 'association', 'designated', 'judge', 'admin'].map((n) => api.login(`${n}@demo.local`)),
    );
    for (const kind of ['PROCURATORATE', 'CONSUMER_ASSOCIATION', 'DESIGNATED_ORGANISATION', 'COURT']) org[kind] = await organisationId(api, admin, kind);
    secondProcurator = await newOrganisation('第二人民检察院', 'PROCURATORATE', 'PROCURATOR', 'PREFECTURAL');
    cityAssociation = await newOrganisation('某市消费者协会', 'CONSUMER_ASSOCIATION', 'ASSOCIATION_STAFF', 'PREFECTURAL');
    secondJudge = await newOrganisation('第二中级人民法院', 'COURT', 'JUDGE');
    incidentI = await registerIncident(api, procurator);
  });
  afterAll(() => api.close());

  it("keeps an incident its registrant's until shared: another organisation cannot see it, enrol against it or link it to its case", async () => {
    expect(await sees(a, incidentI)).toBe(false);
    const enrolled = await api.gql(`mutation($i: EnrolClaimantInput!) { enrolClaimant(input: $i) { id } }`, { i: enrolInput(8999, incidentI) }, a);
    expect(enrolled.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: expect.stringMatching(/incidentIds/) });
    const linked = await api.gql(OPEN, { i: { type: 'CIVIL_PUBLIC_INTEREST', title: 'x', courtId: org.COURT, defendants: [DEFENDANT], incidentIds: [incidentI] } }, a);
    expect(linked.errors![0].extensions).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('shares it with the organisations the registrant names: they see it, enrol against it and link it to their own case', async () => {
    const shared = await ok(api, procurator, SHARE, { i: { incidentId: incidentI, organisationIds: [org.CONSUMER_ASSOCIATION, org.DESIGNATED_ORGANISATION] } });
    expect(shared.shareLeakIncident.sharedWith.map((o: { id: string }) => o.id)).toEqual([org.CONSUMER_ASSOCIATION, org.DESIGNATED_ORGANISATION].sort());
    // Sharing again changes nothing.
    const again = await ok(api, procurator, SHARE, { i: { incidentId: incidentI, organisationIds: [org.CONSUMER_ASSOCIATION] } });
    expect(again.shareLeakIncident.sharedWith).toHaveLength(2);

    // Who else it is shared with is the registrant's to know.
    expect((await ok(api, a, INCIDENT, { id: incidentI })).leakIncident).toEqual({ id: incidentI, handler: { name: '某某外卖平台' }, sharedWith: null });
    expect((await ok(api, a, `{ leakIncidents(first: 10) { nodes { id } } }`)).leakIncidents.nodes).toEqual([{ id: incidentI }]);
    for (const token of [secondProcurator, cityAssociation, secondJudge]) expect(await sees(token, incidentI)).toBe(false);

    person.set('S', await enrol(api, b, 9000, [incidentI], { harms: [{ type: 'FRAUD_LOSS', amountFen: '777777', evidenceRefs: ['bank statement 2024-06'] }] }));
    expect(await enrol(api, a, 9000, [incidentI])).toBe(person.get('S'));
    person.set('R', await enrol(api, a, 9001, [incidentI]));
    person.set('T', await enrol(api, b, 9002, [incidentI]));
    await uploadPhones(api, procurator, incidentI, [9000, 9001, 9002]);

    const opened = await ok(api, a, OPEN, {
      i: { type: 'CIVIL_PUBLIC_INTEREST', title: 'Council v. delivery platform', courtId: org.COURT, defendants: [DEFENDANT], incidentIds: [incidentI] },
    });
    const incidents = await ok(api, a, `query($id: ID!) { case(id: $id) { incidents { id } } }`, { id: opened.openCase.id });
    expect(incidents.case.incidents).toEqual([{ id: incidentI }]);
    person.set('caseA', opened.openCase.id);
  });

  it("reveals no other organisation's claimants, counts or exposures through a shared incident", async () => {
    // A's own view: S and R, matched through its own enrolments; never T, nor B's facts of S.
    const counts = await ok(api, a, `query($i: ID!) { exposureCounts(incidentId: $i) { matched matchedEnrolledByYou declaredUnmatched datasetRows } }`, { i: incidentI });
    expect(counts.exposureCounts).toEqual({ matched: 2, matchedEnrolledByYou: 2, declaredUnmatched: 0, datasetRows: '3' });
    const exposures = await ok(api, a, `query($i: ID!) { incidentExposures(incidentId: $i, basis: DATASET_MATCH, first: 10) { totalCount nodes { claimantId } } }`, { i: incidentI });
    expect(exposures.incidentExposures.totalCount).toBe(2);
    expect(exposures.incidentExposures.nodes.map((n: { claimantId: string }) => n.claimantId).sort()).toEqual([person.get('S'), person.get('R')].sort());
    expect((await ok(api, a, `{ claimantCounts { enrolledByYou } claimants(first: 10) { totalCount } }`))).toEqual({ claimantCounts: { enrolledByYou: 2 }, claimants: { totalCount: 2 } });
    const foreign = await api.gql(`query($id: ID!) { claimant(id: $id) { id } }`, { id: person.get('T') }, a);
    const random = randomUUID();
    expect(text(foreign, person.get('T')!)).toBe(text(await api.gql(`query($id: ID!) { claimant(id: $id) { id } }`, { id: random }, a), random));

    // A class on A's own case over the shared incident holds A's enrolments only, with A's facts.
    const formed = await ok(api, a, `mutation($i: FormClassInput!) { formClass(input: $i) { added class { id } } }`, {
      i: { caseId: person.get('caseA'), name: 'Shared incident class', definition: 'Everyone exposed by the shared incident', incidentIds: [incidentI] },
    });
    expect(formed.formClass.added).toBe(2);
    const composition = await ok(api, a, `query($c: ID!) { classComposition(classId: $c) { totalMembers verifiedMembers losses { members sumFen } harmTypes { harmType members } } }`, { c: formed.formClass.class.id });
    expect(composition.classComposition).toEqual({ totalMembers: 2, verifiedMembers: 2, losses: { members: 0, sumFen: '0' }, harmTypes: [] });

    // The registrant, which enrolled nobody, counts nobody.
    const own = await ok(api, procurator, `query($i: ID!) { exposureCounts(incidentId: $i) { matched matchedEnrolledByYou } }`, { i: incidentI });
    expect(own.exposureCounts).toEqual({ matched: 0, matchedEnrolledByYou: 0 });
  });

  it("refuses to share another organisation's incident exactly as a missing one, and bad organisations by index with nothing written", async () => {
    // A sees I (shared with it) but did not register it.
    const foreign = await api.gql(SHARE, { i: { incidentId: incidentI, organisationIds: [org['第二人民检察院']] } }, a);
    const random = randomUUID();
    const missing = await api.gql(SHARE, { i: { incidentId: random, organisationIds: [org['第二人民检察院']] } }, a);
    expect(foreign.errors![0].extensions).toMatchObject({ code: 'NOT_FOUND' });
    expect(text(foreign, incidentI)).toBe(text(missing, random));
    expect((await api.gql(UNSHARE, { i: { incidentId: incidentI, organisationIds: [org.DESIGNATED_ORGANISATION] } }, a)).errors![0].extensions).toMatchObject({ code: 'NOT_FOUND' });

    const refusals: [string, string][] = [
      [org.COURT, 'an incident is shared with the plaintiff side only: a procuratorate, consumer association or designated organisation'],
      [org.PROCURATORATE, 'is your own organisation, which registered the incident'],
      [randomUUID(), 'names no organisation'],
    ];
    for (const [id, reason] of refusals) {
      const res = await api.gql(SHARE, { i: { incidentId: incidentI, organisationIds: [org['第二人民检察院'], id] } }, procurator);
      expect(res.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'organisationIds.1', reason });
    }
    expect(await sees(secondProcurator, incidentI)).toBe(false);
  });

  it('unshares: the organisation no longer sees the incident, its enrolments stay, and both acts are in the audit log', async () => {
    const unshared = await ok(api, procurator, UNSHARE, { i: { incidentId: incidentI, organisationIds: [org.DESIGNATED_ORGANISATION] } });
    expect(unshared.unshareLeakIncident.sharedWith).toEqual([{ id: org.CONSUMER_ASSOCIATION }]);
    expect(await sees(b, incidentI)).toBe(false);
    expect(await sees(a, incidentI)).toBe(true);
    expect((await ok(api, b, `query($id: ID!) { claimant(id: $id) { id } }`, { id: person.get('T') })).claimant.id).toBe(person.get('T'));

    const events = await ok(api, admin, `query($s: String) { auditEvents(first: 10, filter: { subjectId: $s }) { nodes { action organisationId details } } }`, { s: incidentI });
    const acts = events.auditEvents.nodes.filter((e: { action: string }) => e.action.startsWith('leak-incident.share') || e.action === 'leak-incident.unshare');
    expect(acts.map((e: { action: string; organisationId: string; details: string }) => [e.action, e.organisationId, JSON.parse(e.details).organisationIds]).sort()).toEqual(
      [
        ['leak-incident.share', org.PROCURATORATE, [org.CONSUMER_ASSOCIATION, org.DESIGNATED_ORGANISATION]],
        ['leak-incident.share', org.PROCURATORATE, []],
        ['leak-incident.unshare', org.PROCURATORATE, [org.DESIGNATED_ORGANISATION]],
      ].sort(),
    );
  });

  describe('a published pre-litigation announcement (SPC/SPP interpretation on procuratorial PIL art. 13)', () => {
    let incidentK: string;
    let procuratorCase: string;
    let designatedCase: string;

    beforeAll(async () => {
      incidentK = await registerIncident(api, procurator, { handler: { name: '某某出行平台', role: 'NETWORK_SERVICE_PROVIDER' } });
      procuratorCase = (await ok(api, procurator, OPEN, {
        i: { type: 'CIVIL_PUBLIC_INTEREST', title: '检察院诉某某出行平台', courtId: org.COURT, defendants: [DEFENDANT], incidentIds: [incidentK] },
      })).openCase.id;
      await transition(procurator, procuratorCase, 'INVESTIGATION', '2025-01-06');
    });

    it('shows the incident to every organisation with standing to sue on it once published, and to no one else', async () => {
      for (const token of [a, b, secondProcurator]) expect(await sees(token, incidentK)).toBe(false);
      await transition(procurator, procuratorCase, 'ANNOUNCEMENT', '2025-01-10');
      // Procuratorates, provincial consumer associations, designated organisations (PIPL art. 70; CPL art. 58; CRPL art. 47).
      for (const token of [a, b, secondProcurator]) expect(await sees(token, incidentK)).toBe(true);
      // A city-level association has no standing (CRPL art. 47); a court sees cases filed at it only.
      for (const token of [cityAssociation, secondJudge]) expect(await sees(token, incidentK)).toBe(false);
      expect((await ok(api, b, INCIDENT, { id: incidentK })).leakIncident.sharedWith).toBeNull();
    });

    it('lets an eligible organisation link the announced incident to its own case and enrol against it', async () => {
      designatedCase = (await ok(api, b, OPEN, {
        i: { type: 'CIVIL_PUBLIC_INTEREST', title: '个人信息保护组织诉某某出行平台', courtId: org['第二中级人民法院'], defendants: [DEFENDANT], incidentIds: [incidentK] },
      })).openCase.id;
      expect(await enrol(api, b, 9100, [incidentK])).toMatch(/^[0-9a-f-]{36}$/);
    });

    it("shows each court the other filed case over the same incident (Case.relatedCases), and nobody else", async () => {
      const RELATED = `query($id: ID!) { case(id: $id) { relatedCases { nodes { id type title stage filedOn courtId plaintiffOrganisationIds sharedIncidentIds court { name } plaintiffs { kind } } } } }`;
      // The association sues directly; the procuratorate after its 30-day announcement ran out (to 2025-02-09).
      await transition(b, designatedCase, 'INVESTIGATION', '2025-02-03');
      await transition(b, designatedCase, 'FILED', '2025-02-17');
      expect((await ok(api, judge, `{ cases(first: 10) { nodes { id } } }`)).cases.nodes).not.toContainEqual({ id: procuratorCase });
      await transition(procurator, procuratorCase, 'FILED', '2025-03-03');

      expect((await ok(api, judge, RELATED, { id: procuratorCase })).case.relatedCases.nodes).toEqual([{
        id: designatedCase, type: 'CIVIL_PUBLIC_INTEREST', title: '个人信息保护组织诉某某出行平台', stage: 'FILED', filedOn: '2025-02-17',
        courtId: org['第二中级人民法院'], plaintiffOrganisationIds: [org.DESIGNATED_ORGANISATION], sharedIncidentIds: [incidentK],
        court: { name: '第二中级人民法院' }, plaintiffs: [{ kind: 'DESIGNATED_ORGANISATION' }],
      }]);
      expect((await ok(api, secondJudge, RELATED, { id: designatedCase })).case.relatedCases.nodes).toEqual([{
        id: procuratorCase, type: 'CIVIL_PUBLIC_INTEREST', title: '检察院诉某某出行平台', stage: 'FILED', filedOn: '2025-03-03',
        courtId: org.COURT, plaintiffOrganisationIds: [org.PROCURATORATE], sharedIncidentIds: [incidentK],
        court: { name: '示范市中级人民法院 (Demo City Intermediate Court)' }, plaintiffs: [{ kind: 'PROCURATORATE' }],
      }]);
      // The plaintiff side gets null; the other court still cannot read the related case itself.
      expect((await ok(api, procurator, RELATED, { id: procuratorCase })).case.relatedCases).toBeNull();
      expect((await ok(api, b, RELATED, { id: designatedCase })).case.relatedCases).toBeNull();
      expect((await api.gql(RELATED, { id: designatedCase }, judge)).errors![0].extensions).toMatchObject({ code: 'NOT_FOUND' });
    });

    it('loads the related cases of a page of cases, and the shares of a page of incidents, in as many SQL statements as for one', async () => {
      for (const title of ['个人信息保护组织诉某某出行平台（二）', '个人信息保护组织诉某某出行平台（三）']) {
        const id = (await ok(api, b, OPEN, { i: { type: 'CIVIL_PUBLIC_INTEREST', title, courtId: org.COURT, defendants: [DEFENDANT], incidentIds: [incidentK] } })).openCase.id;
        await transition(b, id, 'INVESTIGATION', '2025-02-03');
        await transition(b, id, 'FILED', '2025-02-17');
      }
      // The court's three cases over K, each related to the three other filed cases over K.
      const cases = (n: number) =>
        countSqlStatements(async () => {
          const data = await ok(api, judge, `query($n: Int!) { cases(first: $n) { nodes { relatedCases { totalCount nodes { id court { name } plaintiffs { name } } } } } }`, { n });
          expect(data.cases.nodes.map((c: { relatedCases: { totalCount: number; nodes: unknown[] } }) => [c.relatedCases.totalCount, c.relatedCases.nodes.length])).toEqual(
            Array(n).fill([3, 3]),
          );
        });
      expect(await cases(3)).toBe(await cases(1));
      // A page at a time, oldest filing first: two, then the third after the cursor, for each case of the page.
      const PAGE = `query($n: Int!, $after: String) { cases(first: $n) { nodes { id relatedCases(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id filedOn } } } } }`;
      const first = (await ok(api, judge, PAGE, { n: 1 })).cases.nodes[0];
      expect(first.relatedCases).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true } });
      expect(first.relatedCases.nodes).toHaveLength(2);
      const rest = (await ok(api, judge, PAGE, { n: 1, after: first.relatedCases.pageInfo.endCursor })).cases.nodes[0].relatedCases;
      expect(rest).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: false } });
      const all = [...first.relatedCases.nodes, ...rest.nodes];
      expect(new Set(all.map((r: { id: string }) => r.id)).size).toBe(3);
      expect(all.map((r: { filedOn: string }) => r.filedOn)).toEqual([...all.map((r: { filedOn: string }) => r.filedOn)].sort());
      // A cursor of another list is refused, naming the argument.
      const foreign = (await ok(api, judge, `{ cases(first: 1) { pageInfo { endCursor } } }`)).cases.pageInfo.endCursor;
      const refused = await api.gql(PAGE, { n: 1, after: foreign }, judge);
      expect(refused.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
      // Its page size is checked as every list's: 1 to 500.
      const tooMany = await api.gql(`{ cases(first: 1) { nodes { relatedCases(first: 501) { totalCount } } } }`, {}, judge);
      expect(tooMany.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
      // The procuratorate's two incidents, I shared with A and (newest) K with B.
      await ok(api, procurator, SHARE, { i: { incidentId: incidentK, organisationIds: [org.DESIGNATED_ORGANISATION] } });
      const incidents = (n: number) =>
        countSqlStatements(async () => {
          const data = await ok(api, procurator, `query($n: Int!) { leakIncidents(first: $n) { nodes { sharedWith { id name } } } }`, { n });
          expect(data.leakIncidents.nodes.map((i: { sharedWith: unknown[] }) => i.sharedWith.length)).toEqual(Array(n).fill(1));
        });
      expect(await incidents(2)).toBe(await incidents(1));
    });
  });

  it('shares an incident with at most 50 organisations: a share past them is refused whole, naming the field and the limit', async () => {
    const incident = await registerIncident(api, procurator);
    const ids: string[] = [];
    for (let i = 0; i < 51; i++) {
      const created = await ok(api, admin, `mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { id } }`, {
        i: { name: `第${i + 1}号个人信息保护组织`, kind: 'DESIGNATED_ORGANISATION' },
      });
      ids.push(created.createOrganisation.id);
    }
    expect((await ok(api, procurator, SHARE, { i: { incidentId: incident, organisationIds: ids.slice(0, 49) } })).shareLeakIncident.sharedWith).toHaveLength(49);
    // Two more would make 51: refused, and neither is kept.
    const refused = await api.gql(SHARE, { i: { incidentId: incident, organisationIds: ids.slice(49) } }, procurator);
    expect(refused.errors![0]).toMatchObject({
      message: 'An incident is shared with at most 50 organisations',
      extensions: { code: 'CONFLICT', field: 'organisationIds', limit: 50 },
    });
    const INCIDENT_SHARES = `query($id: ID!) { leakIncident(id: $id) { sharedWith { id } } }`;
    expect((await ok(api, procurator, INCIDENT_SHARES, { id: incident })).leakIncident.sharedWith).toHaveLength(49);
    // One more makes 50, and sharing again with one already shared adds nothing.
    expect((await ok(api, procurator, SHARE, { i: { incidentId: incident, organisationIds: [ids[49], ids[0]] } })).shareLeakIncident.sharedWith).toHaveLength(50);
    // Stopping one share makes room for another.
    await ok(api, procurator, UNSHARE, { i: { incidentId: incident, organisationIds: [ids[0]] } });
    expect((await ok(api, procurator, SHARE, { i: { incidentId: incident, organisationIds: [ids[50]] } })).shareLeakIncident.sharedWith).toHaveLength(50);
  });
});
