import { startTestApi, type TestApi } from './support/api';
import { CLASS_TEST_KEY, COMPOSITION_FIELDS, DEFENDANT, enrol, ok, organisationId, registerIncident, uploadSeized } from './support/classes';
import { phoneFor, uniqueIdNumber } from './support/claimants';

/**
 * Issue 17's story at small scale: an online mall leaks 300 records, some of which also carry a
 * medical-insurance card number; the procurator imports them through the CLI, mapping the card
 * column to MEDICAL_HEALTH and the address column to ADDRESS; a consumer council enrols 20
 * people and a designated organisation (its co-plaintiff) one of them again; the class is formed,
 * reviewed by anomaly and re-formed after a second seizure; last, the designated organisation enrols
 * row 5's person with another row's phone, to show that each party's categories are its own rows'.
 *
 * The seized file, row k = 0..299 for person 1000 + k:
 *   ID number  present unless k % 10 = 9;  phone  present unless k % 10 = 8;
 *   medical card  filled when k % 7 = 3 (43 rows);  address  filled when k % 2 = 0.
 *
 * Enrolled by the council (its own phone and ID number unless said):
 *   rows 0-7           matched by ID number and phone (3: medical card; 0, 2, 4, 6: address)
 *   rows 8, 18, 38     matched by ID number only (the row has no phone; 38: medical card)
 *   rows 9, 19, 59     matched by phone only (the row has no ID number; 59: medical card)
 *   2000               not in the data: declares MEDICAL_HEALTH, with a hospital record as evidence
 *   2001               not in the data: declares MEDICAL_HEALTH without any evidence
 *   2002-2005          not in the data, all four on 2002's phone (a shared-phone cluster); no evidence
 * Addresses (the claimant's, as typed at enrolment): rows 2 and 4 and 2000 give one address three
 * ways (spaces, full-width digits), row 6 its neighbour's (a shared-address cluster of three).
 * Losses: row 0 12,000 fen and row 3 80,000 fen (with bank statements), 2003 5,000 fen (none);
 * row 1 is also enrolled by the designated organisation, with a loss of 30,000 fen and evidence.
 *
 * Expected figures are derived below from this construction in plain code (not the product's
 * rules), and stated literally beside each assertion.
 */

interface Row {
  k: number;
  id: string;
  phone: string;
  medical: string;
  address: string;
}
const ROWS: Row[] = Array.from({ length: 300 }, (_, k) => ({
  k,
  id: k % 10 === 9 ? '' : uniqueIdNumber(1000 + k),
  phone: k % 10 === 8 ? '' : phoneFor(1000 + k),
  medical: k % 7 === 3 ? `YB-${String(k).padStart(6, '0')}` : '',
  address: k % 2 === 0 ? `示范市某路${k}号` : '',
}));

interface Person {
  n: number;
  /** The seized row of this person, if any. */
  row?: Row;
  phoneOf?: number;
  address?: string;
  declared?: string[];
  /** The council's harms. */
  harms: { type: string; amountFen?: string; evidenceRefs: string[] }[];
}
const loss = (fen: number, refs: string[] = ['bank statement']) => ({ type: 'FRAUD_LOSS', amountFen: String(fen), evidenceRefs: refs });
const spam = { type: 'SCAM_CALLS_OR_SPAM', evidenceRefs: [] as string[] };
const PEOPLE: Person[] = [
  ...[0, 1, 2, 3, 4, 5, 6, 7, 8, 18, 38, 9, 19, 59].map((k) => ({
    n: 1000 + k,
    row: ROWS[k],
    harms: k === 0 ? [loss(12_000)] : k === 3 ? [loss(80_000)] : k % 2 === 1 ? [spam] : [],
    address: { 2: '示范市朝阳路12号', 4: '示范市 朝阳路１２号', 6: '示范市朝阳路13号' }[k],
  })),
  { n: 2000, address: '示范市朝阳路 12 号', declared: ['MEDICAL_HEALTH'], harms: [{ type: 'MENTAL_DISTRESS', evidenceRefs: ['hospital record 2024-05'] }] },
  { n: 2001, declared: ['MEDICAL_HEALTH'], harms: [{ type: 'MENTAL_DISTRESS', evidenceRefs: [] }] },
  ...[2002, 2003, 2004, 2005].map((n) => ({ n, phoneOf: 2002, harms: n === 2003 ? [loss(5_000, [])] : [spam] })),
];
/** The designated organisation's enrolment of row 1's person. */
const DESIGNATED_LOSS_FEN = 30_000;
const ART_28 = ['BIOMETRIC', 'RELIGIOUS_BELIEF', 'SPECIFIC_IDENTITY', 'MEDICAL_HEALTH', 'FINANCIAL_ACCOUNT', 'LOCATION_WHEREABOUTS', 'MINOR_UNDER_14'];

/** One person's facts as the fixture makes them: what the seized row shows, what they declared and lost. */
function factsOf(p: Person, withDesignated: boolean) {
  const idMatch = !!p.row?.id;
  const phoneMatch = !!p.row?.phone;
  const verified = idMatch || phoneMatch;
  const seized = verified
    ? [idMatch && 'ID_NUMBER', phoneMatch && 'PHONE_NUMBER', p.row!.medical && 'MEDICAL_HEALTH', p.row!.address && 'ADDRESS'].filter(Boolean) as string[]
    : [];
  const refs = p.harms.some((h) => h.evidenceRefs.length > 0);
  const evidence = verified || refs;
  // A declared category counts with an evidence reference only (a match is evidence of the exposure, not of the category).
  const declared = refs ? (p.declared ?? []).filter((c) => !seized.includes(c)) : [];
  const losses = p.harms.filter((h) => h.amountFen).map((h) => Number(h.amountFen));
  if (withDesignated && p.n === 1001) losses.push(DESIGNATED_LOSS_FEN);
  const lossFen = losses.length ? Math.max(...losses) : null;
  const rule = seized.some((c) => ART_28.includes(c))
    ? 'SENSITIVE_DATA_IN_SEIZED_ROWS'
    : declared.some((c) => ART_28.includes(c))
      ? 'SENSITIVE_DATA_DECLARED'
      : lossFen
        ? 'DECLARED_LOSS'
        : 'ORDINARY_DATA';
  const subclass = { SENSITIVE_DATA_IN_SEIZED_ROWS: 'SENSITIVE_DATA', SENSITIVE_DATA_DECLARED: 'SENSITIVE_DATA', DECLARED_LOSS: 'FINANCIAL_LOSS', ORDINARY_DATA: 'ORDINARY' }[rule];
  return { verified, categories: [...seized, ...declared].sort(), declared, lossFen, evidence, rule, subclass, harmless: p.harms.length === 0 && !(withDesignated && p.n === 1001) };
}

const count = <T>(items: T[], predicate: (item: T) => boolean) => items.filter(predicate).length;
const tally = (values: string[]) => values.reduce<Record<string, number>>((t, v) => ({ ...t, [v]: (t[v] ?? 0) + 1 }), {});

describe('a class built from each member\'s own facts (issue 17): seized categories per row, subclass rules, review by anomaly', () => {
  let api: TestApi;
  let procurator: string;
  let council: string;
  let designated: string;
  let judge: string;
  let incidentId: string;
  let classId: string;
  const claimant = new Map<number, string>();
  const personOf = (id: string) => [...claimant].find(([, c]) => c === id)![0];

  const upload = (rows: Row[]) =>
    uploadSeized(api, procurator, incidentId, ['name,id_number,phone,medical_card,address', ...rows.map((r) => `某${r.k},${r.id},${r.phone},${r.medical},${r.address}`)], {
      columns: 'id_number,phone',
      categories: ['medical_card=MEDICAL_HEALTH', 'address=ADDRESS'],
      chunkRows: 128,
    });
  const members = async (token: string, filter: Record<string, unknown> = {}) =>
    (await ok(api, token, `query($c: ID!, $f: MemberFilterInput) { classMembers(classId: $c, filter: $f, first: 100) { totalCount nodes {
        claimantId state subclass subclassReason subclassRule { id subclass source } dataCategories declaredDataCategories declaredLossFen
        verified hasEvidence enrollingOrganisations } } }`, { c: classId, f: filter })).classMembers;
  const byPerson = async (token: string) =>
    Object.fromEntries((await members(token)).nodes.map((m: any) => [personOf(m.claimantId), { ...m, dataCategories: [...m.dataCategories].sort(), declaredDataCategories: [...m.declaredDataCategories].sort() }]));
  const composition = async (token: string) => (await ok(api, token, `query($c: ID!) { classComposition(classId: $c) { ${COMPOSITION_FIELDS} } }`, { c: classId })).classComposition;
  const anomaly = async (kind: string, threshold = 5) =>
    (await ok(api, judge, `query($c: ID!, $k: ClassAnomalyKind!, $t: Int) { classAnomalies(classId: $c, kind: $k, threshold: $t, first: 100) {
        totalCount nodes { sharedBy member { claimantId } } } }`, { c: classId, k: kind, t: threshold })).classAnomalies;
  const preview = async (filter: Record<string, unknown>, action = 'EXCLUDE') =>
    (await ok(api, judge, `query($i: ReviewMembersPreviewInput!) { classReviewPreview(input: $i) { members fromStates } }`, { i: { classId, filter, action } })).classReviewPreview;
  const people = (nodes: { member?: { claimantId: string }; claimantId?: string }[]) => nodes.map((n) => personOf(n.member?.claimantId ?? n.claimantId!)).sort((a, b) => a - b);

  beforeAll(async () => {
    api = await startTestApi({ BLIND_INDEX_KEY: CLASS_TEST_KEY.toString('base64') });
    [procurator, council, designated, judge] = await Promise.all(
      ['procurator@demo.local', 'association@demo.local', 'designated@demo.local', 'judge@demo.local'].map((e) => api.login(e)),
    );
    const court = await organisationId(api, judge, 'COURT');
    const procuratorate = await organisationId(api, judge, 'PROCURATORATE');
    incidentId = await registerIncident(api, procurator, {
      handler: { name: '某某网上商城', role: 'NETWORK_SERVICE_PROVIDER' },
      dataCategories: ['NAME', 'ID_NUMBER', 'PHONE_NUMBER', 'ADDRESS', 'PURCHASE_HISTORY', 'MEDICAL_HEALTH'],
    });
    const caseId = (await ok(api, council, `mutation($i: OpenCaseInput!) { openCase(input: $i) { id } }`, {
      i: { type: 'SUPPORTED', title: 'Consumer council v. online mall', courtId: court, supportingOrganisationId: procuratorate, defendants: [DEFENDANT] },
    })).openCase.id;
    await ok(api, council, `mutation($i: AddCaseOrganisationInput!) { addCaseOrganisation(input: $i) { id } }`, {
      i: { caseId, organisationId: await organisationId(api, judge, 'DESIGNATED_ORGANISATION'), role: 'PLAINTIFF' },
    });
    await ok(api, council, `mutation($i: TransitionCaseInput!) { transitionCase(input: $i) { stage } }`, { i: { caseId, to: 'INVESTIGATION', on: '2025-02-03' } });
    await ok(api, council, `mutation($i: TransitionCaseInput!) { transitionCase(input: $i) { stage } }`, { i: { caseId, to: 'FILED', on: '2025-02-17' } });
    await ok(api, procurator, `mutation($i: LinkLeakIncidentInput!) { linkLeakIncident(input: $i) { id } }`, { i: { caseId, incidentId } });

    for (const p of PEOPLE) {
      claimant.set(p.n, await enrol(api, council, p.n, [incidentId], {
        harms: p.harms,
        ...(p.phoneOf ? { phone: phoneFor(p.phoneOf) } : {}),
        ...(p.address ? { address: p.address } : {}),
        ...(p.declared ? { declaredDataCategories: p.declared } : {}),
      }));
    }
    await enrol(api, designated, 1001, [incidentId], { harms: [loss(DESIGNATED_LOSS_FEN)] });
    const imported = await upload(ROWS);
    expect(imported.rows).toBe(300);

    classId = (await ok(api, council, `mutation($i: FormClassInput!) { formClass(input: $i) { class { id } } }`, {
      i: { caseId, name: 'Online mall leak, 2024', definition: 'Everyone whose records left the online mall in 2024', incidentIds: [incidentId] },
    })).formClass.class.id;
  }, 240_000);
  afterAll(() => api.close());

  it('the fixture is the story: 300 rows, 43 with a medical card; 20 people, 14 matched (8 both, 3 by ID only, 3 by phone only), 6 self-declared', () => {
    expect(count(ROWS, (r) => r.medical !== '')).toBe(43);
    const facts = PEOPLE.map((p) => factsOf(p, true));
    expect(PEOPLE.length).toBe(20);
    expect(count(facts, (f) => f.verified)).toBe(14);
    expect(count(PEOPLE, (p) => !!p.row?.id && !!p.row?.phone)).toBe(8);
    expect(count(PEOPLE, (p) => !!p.row?.id && !p.row?.phone)).toBe(3);
    expect(count(PEOPLE, (p) => !p.row?.id && !!p.row?.phone)).toBe(3);
  });

  it("gives each member the categories of its own matched rows, not the incident's: the court's composition", async () => {
    const facts = PEOPLE.map((p) => factsOf(p, true));
    const c = await composition(judge);
    expect(c).toMatchObject({
      totalMembers: 20,
      currentMembers: 20,
      verifiedMembers: count(facts, (f) => f.verified), // 14
      verifiedShare: 14 / 20,
      membersWithoutEvidence: count(facts, (f) => !f.evidence), // 2001-2005: 5
      membersWithoutHarm: count(facts, (f) => f.harmless), // rows 2, 4, 6, 8, 18, 38: 6
    });
    expect(c.membersWithoutEvidence).toBe(5);
    expect(c.membersWithoutHarm).toBe(6);
    const categories = tally(facts.flatMap((f) => f.categories));
    // ID_NUMBER 11 (8 + 3), PHONE_NUMBER 11 (8 + 3), ADDRESS 7 (rows 0, 2, 4, 6, 8, 18, 38), MEDICAL_HEALTH 4 (rows 3, 38, 59 and 2000's declaration).
    expect(categories).toEqual({ ID_NUMBER: 11, PHONE_NUMBER: 11, ADDRESS: 7, MEDICAL_HEALTH: 4 });
    expect(Object.fromEntries(c.dataCategories.map((d: any) => [d.category, d.members]))).toEqual(categories);
    // NAME and PURCHASE_HISTORY describe the incident, and no member.
    expect(c.dataCategories.map((d: any) => d.category)).not.toContain('PURCHASE_HISTORY');
    const subclasses = tally(facts.map((f) => f.subclass));
    // SENSITIVE_DATA: rows 3, 38, 59 and 2000; FINANCIAL_LOSS: row 0, row 1 (the designated organisation's loss) and 2003; ORDINARY: the 13 others.
    expect(subclasses).toEqual({ SENSITIVE_DATA: 4, FINANCIAL_LOSS: 3, ORDINARY: 13 });
    expect(c.bySubclass).toEqual([
      { subclass: 'SENSITIVE_DATA', members: 4, share: 4 / 20 },
      { subclass: 'FINANCIAL_LOSS', members: 3, share: 3 / 20 },
      { subclass: 'ORDINARY', members: 13, share: 13 / 20 },
    ]);
    expect(Object.fromEntries(c.byBasis.map((b: any) => [b.basis, b.members]))).toEqual({ DATASET_MATCH: 14, SELF_DECLARED: 20 });
    // Losses 5,000, 12,000, 30,000 and 80,000 fen (row 3's loss stays on the member in SENSITIVE_DATA): median (12,000 + 30,000) / 2.
    const losses = facts.map((f) => f.lossFen).filter((l): l is number => l !== null).sort((a, b) => a - b);
    expect(losses).toEqual([5_000, 12_000, 30_000, 80_000]);
    expect(c.losses).toEqual({ members: 4, sumFen: '127000', medianFen: '21000', maxFen: '80000' });
  });

  it('says which rule put each member in its subclass, with its source', async () => {
    const seen = await byPerson(judge);
    for (const p of PEOPLE) {
      const f = factsOf(p, true);
      expect([p.n, seen[p.n].subclass, seen[p.n].subclassRule.id, seen[p.n].dataCategories, seen[p.n].declaredDataCategories]).toEqual([
        p.n, f.subclass, f.rule, f.categories, f.declared,
      ]);
    }
    expect(seen[1003]).toMatchObject({ subclass: 'SENSITIVE_DATA', declaredLossFen: '80000', subclassRule: { id: 'SENSITIVE_DATA_IN_SEIZED_ROWS', source: 'PIPL art. 28; Civil Code art. 1183' } });
    expect(seen[1059]).toMatchObject({ dataCategories: ['MEDICAL_HEALTH', 'PHONE_NUMBER'], subclassRule: { id: 'SENSITIVE_DATA_IN_SEIZED_ROWS' } });
    expect(seen[1038]).toMatchObject({ dataCategories: ['ADDRESS', 'ID_NUMBER', 'MEDICAL_HEALTH'] });
    expect(seen[2000]).toMatchObject({ verified: false, dataCategories: ['MEDICAL_HEALTH'], declaredDataCategories: ['MEDICAL_HEALTH'], subclassRule: { id: 'SENSITIVE_DATA_DECLARED' } });
    // A declaration without evidence counts for nothing.
    expect(seen[2001]).toMatchObject({ dataCategories: [], subclass: 'ORDINARY', subclassRule: { id: 'ORDINARY_DATA' } });
    expect(seen[1000]).toMatchObject({ subclass: 'FINANCIAL_LOSS', subclassRule: { id: 'DECLARED_LOSS', source: 'PIPL art. 69(2); Civil Code art. 1182' } });
  });

  it("shows the court how many parties enrolled each member, and each party only its own facts and no count", async () => {
    const court = await byPerson(judge);
    expect(Object.entries(court).filter(([, m]: any) => m.enrollingOrganisations !== 1).map(([n, m]: any) => [Number(n), m.enrollingOrganisations])).toEqual([[1001, 2]]);
    expect(court[1001]).toMatchObject({ subclass: 'FINANCIAL_LOSS', declaredLossFen: '30000' });
    const own = await byPerson(council);
    expect(Object.keys(own).length).toBe(20);
    expect(Object.values(own).every((m: any) => m.enrollingOrganisations === null)).toBe(true);
    // The council's own enrolment of row 1 declared spam calls only: ORDINARY in its view, no loss.
    expect(own[1001]).toMatchObject({ subclass: 'ORDINARY', declaredLossFen: null, subclassRule: { id: 'ORDINARY_DATA' } });
    const councilFacts = PEOPLE.map((p) => factsOf(p, false));
    const c = await composition(council);
    // The council's own: SENSITIVE_DATA 4, FINANCIAL_LOSS 2 (row 0, 2003), ORDINARY 14; losses 5,000, 12,000, 80,000.
    expect(tally(councilFacts.map((f) => f.subclass))).toEqual({ SENSITIVE_DATA: 4, FINANCIAL_LOSS: 2, ORDINARY: 14 });
    expect(c.bySubclass.map((s: any) => [s.subclass, s.members])).toEqual([['SENSITIVE_DATA', 4], ['FINANCIAL_LOSS', 2], ['ORDINARY', 14]]);
    expect(c.losses).toEqual({ members: 3, sumFen: '97000', medianFen: '12000', maxFen: '80000' });
    const theirs = await byPerson(designated);
    expect(Object.keys(theirs)).toEqual(['1001']);
    expect(theirs[1001]).toMatchObject({ subclass: 'FINANCIAL_LOSS', declaredLossFen: '30000', enrollingOrganisations: null });
  });

  it('lists each anomaly exactly: self-declared only, no evidence, the shared-phone cluster', async () => {
    const facts = new Map(PEOPLE.map((p) => [p.n, factsOf(p, true)]));
    const selfDeclared = PEOPLE.filter((p) => !facts.get(p.n)!.verified).map((p) => p.n);
    expect(selfDeclared).toEqual([2000, 2001, 2002, 2003, 2004, 2005]);
    expect(people((await anomaly('SELF_DECLARED_ONLY')).nodes)).toEqual(selfDeclared);
    const noEvidence = PEOPLE.filter((p) => !facts.get(p.n)!.evidence).map((p) => p.n);
    expect(noEvidence).toEqual([2001, 2002, 2003, 2004, 2005]);
    expect(people((await anomaly('NO_EVIDENCE')).nodes)).toEqual(noEvidence);
    const cluster = PEOPLE.filter((p) => p.phoneOf === 2002).map((p) => p.n);
    expect(cluster).toEqual([2002, 2003, 2004, 2005]);
    const shared = await anomaly('SHARED_PHONE', 4);
    expect(people(shared.nodes)).toEqual(cluster);
    expect(shared.nodes.map((n: any) => n.sharedBy)).toEqual([4, 4, 4, 4]);
    expect((await anomaly('SHARED_PHONE', 5)).totalCount).toBe(0);
    // One address typed three ways (its normal form, by hand: 示范市朝阳路12号); row 6's neighbour is apart.
    const sameAddress = PEOPLE.filter((p) => p.address?.normalize('NFKC').replace(/\s/g, '') === '示范市朝阳路12号').map((p) => p.n);
    expect(sameAddress).toEqual([1002, 1004, 2000]);
    const addresses = await anomaly('SHARED_ADDRESS', 3);
    expect(people(addresses.nodes)).toEqual(sameAddress);
    expect(addresses.nodes.map((n: any) => n.sharedBy)).toEqual([3, 3, 3]);
    expect((await anomaly('SHARED_ADDRESS', 4)).totalCount).toBe(0);
    expect((await anomaly('DUPLICATE_ACROSS_CLASSES')).totalCount).toBe(0);
    // The same definitions filter the member list (the council's own view: it enrolled all six).
    expect(people((await members(council, { anomaly: 'SELF_DECLARED_ONLY' })).nodes)).toEqual(selfDeclared);
    expect((await members(judge, { anomaly: 'SHARED_PHONE', anomalyThreshold: 4 })).totalCount).toBe(4);
  });

  it('previews a decision by anomaly, then excludes the shared-phone cluster in one decision that keeps its filter', async () => {
    expect(await preview({ anomaly: 'SHARED_PHONE', anomalyThreshold: 4 })).toEqual({ members: 4, fromStates: ['PROPOSED', 'REGISTERED', 'ADMITTED'] });
    expect((await preview({ anomaly: 'NO_EVIDENCE' })).members).toBe(5);
    expect((await preview({ anomaly: 'SHARED_ADDRESS', anomalyThreshold: 3 }, 'ADMIT')).members).toBe(3);
    // A plaintiff may not preview the court's decision.
    const refused = await api.gql(`query($i: ReviewMembersPreviewInput!) { classReviewPreview(input: $i) { members } }`, { i: { classId, filter: {}, action: 'ADMIT' } }, council);
    expect(refused.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN' });
    const decision = (await ok(api, judge, `mutation($i: ReviewMembersInput!) { reviewClassMembers(input: $i) { kind touched filter } }`, {
      i: { classId, filter: { anomaly: 'SHARED_PHONE', anomalyThreshold: 4 }, action: 'EXCLUDE', reason: 'Four claims on one phone number, none with evidence' },
    })).reviewClassMembers;
    expect(decision).toMatchObject({ kind: 'EXCLUDE', touched: 4 });
    expect(JSON.parse(decision.filter)).toMatchObject({ anomaly: 'SHARED_PHONE', anomalyThreshold: 4 });
    expect(people((await members(judge, { states: ['EXCLUDED'] })).nodes)).toEqual([2002, 2003, 2004, 2005]);
    // The cluster is no longer current: nothing shares a phone, and of those without evidence only 2001 is left.
    expect(await preview({ anomaly: 'SHARED_PHONE', anomalyThreshold: 4 })).toMatchObject({ members: 0 });
    expect((await preview({ anomaly: 'NO_EVIDENCE' })).members).toBe(1);
    const c = await composition(judge);
    // 16 current; FINANCIAL_LOSS loses 2003: rows 0 and 1.
    expect(c).toMatchObject({ currentMembers: 16, membersWithoutEvidence: 1 });
    expect(c.bySubclass.map((s: any) => [s.subclass, s.members])).toEqual([['SENSITIVE_DATA', 4], ['FINANCIAL_LOSS', 2], ['ORDINARY', 10]]);
    expect(c.losses).toEqual({ members: 3, sumFen: '122000', medianFen: '30000', maxFen: '80000' });
  });

  it('recomputes subclasses when re-forming after a second seizure, and keeps a reassignment by hand', async () => {
    await ok(api, judge, `mutation($i: ReassignSubclassInput!) { reassignClassSubclass(input: $i) { kind } }`, {
      i: { classId, claimantId: claimant.get(1002), subclass: 'FINANCIAL_LOSS', reason: 'Loss receipts filed on paper at the hearing' },
    });
    // A second seized file holds 2001's record with a medical card: 2001 is now matched, by ID number and phone.
    await upload([{ k: 2001 - 1000, id: uniqueIdNumber(2001), phone: phoneFor(2001), medical: 'YB-002001', address: '' }]);
    const reformed = await ok(api, council, `mutation($c: ID!) { reformClass(classId: $c) { added refreshed } }`, { c: classId });
    expect(reformed.reformClass).toEqual({ added: 0, refreshed: 1 });
    const seen = await byPerson(judge);
    expect(seen[2001]).toMatchObject({
      verified: true,
      dataCategories: ['ID_NUMBER', 'MEDICAL_HEALTH', 'PHONE_NUMBER'],
      declaredDataCategories: [],
      subclass: 'SENSITIVE_DATA',
      subclassRule: { id: 'SENSITIVE_DATA_IN_SEIZED_ROWS' },
    });
    expect(seen[1002]).toMatchObject({ subclass: 'FINANCIAL_LOSS', subclassReason: 'Loss receipts filed on paper at the hearing', subclassRule: null });
    const c = await composition(judge);
    // SENSITIVE_DATA 5 (rows 3, 38, 59, 2000, 2001), FINANCIAL_LOSS 3 (rows 0, 1, and 2 by hand), ORDINARY 8.
    expect(c.bySubclass.map((s: any) => [s.subclass, s.members])).toEqual([['SENSITIVE_DATA', 5], ['FINANCIAL_LOSS', 3], ['ORDINARY', 8]]);
    expect(c).toMatchObject({ verifiedMembers: 15, membersWithoutEvidence: 0 });
  });

  it("takes each party's categories from the rows its own identifiers matched: another party's phone row is the court's, not the council's", async () => {
    // The designated organisation enrols row 5's person with the phone of row 10, whose row has a medical card and an address.
    const person = await enrol(api, designated, 1005, [incidentId], { phone: phoneFor(1010), harms: [spam] });
    expect(person).toBe(claimant.get(1005));
    for (let i = 0; ; i++) {
      const seen = await ok(api, designated, `query($id: ID!) { claimant(id: $id) { exposures { nodes { basis } } } }`, { id: person });
      if (seen.claimant.exposures.nodes.some((x: { basis: string }) => x.basis === 'DATASET_MATCH')) break;
      if (i > 100) throw new Error("the designated organisation's enrolment was never matched");
      await new Promise((r) => setTimeout(r, 100));
    }
    await ok(api, council, `mutation($c: ID!) { reformClass(classId: $c) { added } }`, { c: classId });
    expect(ROWS[5]).toMatchObject({ medical: '', address: '' });
    expect(ROWS[10].medical).not.toBe('');
    expect(ROWS[10].address).not.toBe('');
    const [court, own, theirs] = [await byPerson(judge), await byPerson(council), await byPerson(designated)];
    expect(court[1005]).toMatchObject({
      dataCategories: ['ADDRESS', 'ID_NUMBER', 'MEDICAL_HEALTH', 'PHONE_NUMBER'],
      subclassRule: { id: 'SENSITIVE_DATA_IN_SEIZED_ROWS' },
      enrollingOrganisations: 2,
    });
    expect(own[1005]).toMatchObject({ dataCategories: ['ID_NUMBER', 'PHONE_NUMBER'], subclass: 'ORDINARY', enrollingOrganisations: null });
    expect(theirs[1005]).toMatchObject({ dataCategories: ['ADDRESS', 'ID_NUMBER', 'MEDICAL_HEALTH', 'PHONE_NUMBER'], subclass: 'SENSITIVE_DATA' });
  });
});
