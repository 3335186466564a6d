import { DataSource } from 'typeorm';
import { MERGED_VIEW } from '@app/platform';
import { AssessmentsRepository } from '@app/remedies';
import { startTestApi, type TestApi } from './support/api';
import { withClient } from './support/database';

/**
 * The largest-remainder division of a total among a class's members (the court's merged view: n
 * from the class's tally, the last id to get an extra fen by a walk of the claimant index from the
 * nearer end, stepping over the members who have no share). Sharing members, in id order:
 *
 *   A1 00000000-…-01, A2 00000000-…-02, A3 00ffffff-…-ff, B1 01000000-…-01,
 *   C1 7f000000-…-01, C2 7f000000-…-02, C3 7fffffff-…-ff, D1 ffffffff-…-ff
 *
 * and, without a share, A0 00000000-…-00 (opted out, below A1: inside the upward walk's reach),
 * C0 7f000000-…-00 (opted out) and E0 ff000000-…-00 (excluded, between C3 and D1: inside the
 * downward walk's reach).
 *
 * n = 8. A total T gives each floor(T / 8) fen and one more to the first T mod 8 by claimant id:
 * up to 4 extra fen the walk goes up from A1, past 4 down from D1. A2, C1 and D1 are in the
 * SENSITIVE_DATA subclass, the other five in ORDINARY: the totals by subclass count each one's
 * extra fen.
 * The factor model is empty (no moral damage), so a member's amount is its share.
 */
const ID = {
  A0: '00000000-0000-4000-8000-000000000000',
  A1: '00000000-0000-4000-8000-000000000001',
  A2: '00000000-0000-4000-8000-000000000002',
  A3: '00ffffff-ffff-4fff-bfff-ffffffffffff',
  B1: '01000000-0000-4000-8000-000000000001',
  C0: '7f000000-0000-4000-8000-000000000000',
  C1: '7f000000-0000-4000-8000-000000000001',
  C2: '7f000000-0000-4000-8000-000000000002',
  C3: '7fffffff-ffff-4fff-bfff-ffffffffffff',
  E0: 'ff000000-0000-4000-8000-000000000000',
  D1: 'ffffffff-ffff-4fff-bfff-ffffffffffff',
};
const SENSITIVE = ['A2', 'C1', 'D1'];
const SHARING = ['A1', 'A2', 'A3', 'B1', 'C1', 'C2', 'C3', 'D1'] as const;

describe('largest-remainder division by claimant id', () => {
  let api: TestApi;
  let repository: AssessmentsRepository;
  let dataSource: DataSource;
  let insertAssessment: (total: number) => Promise<string>;
  let classId: string;

  beforeAll(async () => {
    api = await startTestApi();
    repository = api.app.get(AssessmentsRepository);
    dataSource = api.app.get(DataSource);
    await withClient(api.url, async (db) => {
      const { rows: [actors] } = await db.query(`SELECT (SELECT id FROM organisation WHERE kind = 'COURT' LIMIT 1) AS court,
                                                        (SELECT id FROM organisation WHERE kind = 'CONSUMER_ASSOCIATION' LIMIT 1) AS association,
                                                        (SELECT id FROM app_user WHERE email = 'association@demo.local') AS user`);
      const { rows: [kase] } = await db.query(
        `INSERT INTO legal_case (case_type, title, court_id, opened_by_organisation_id, opened_by, stage, filed_on)
         VALUES ('REPRESENTATIVE_ACTION', 'Division', $1, $2, $3, 'FILED', '2025-02-17') RETURNING id`,
        [actors.court, actors.association, actors.user],
      );
      const { rows: [klass] } = await db.query(
        `INSERT INTO case_class (case_id, name, definition, bases, created_by, organisation_id)
         VALUES ($1, 'Division', 'Everyone exposed', '{SELF_DECLARED}', $2, $3) RETURNING id`,
        [kase.id, actors.user, actors.association],
      );
      classId = klass.id;
      for (const [name, id] of Object.entries(ID)) {
        await db.query(`INSERT INTO claimant (id, id_number_index, id_number_masked, name_masked) VALUES ($1, sha256(convert_to($2, 'UTF8')), '110105**********1X', '张*')`, [
          id,
          `division-${name}`,
        ]);
        await db.query(
          `INSERT INTO class_member (class_id, claimant_id, case_id, state, subclass, bases, verified, data_categories, harm_types, has_evidence, evidence_outside_window)
           VALUES ($1, $2, $3, $4, $5, '{SELF_DECLARED}', false, '{NAME}', '{}', false, false)`,
          [klass.id, id, kase.id, name === 'A0' || name === 'C0' ? 'OPTED_OUT' : name === 'E0' ? 'EXCLUDED' : 'ADMITTED', SENSITIVE.includes(name) ? 'SENSITIVE_DATA' : 'ORDINARY'],
        );
      }
      const { rows: [model] } = await db.query(
        `INSERT INTO damage_model (organisation_id, name, version, factors, created_by) VALUES ($1, 'none', 1, $2, $3) RETURNING id`,
        [actors.court, JSON.stringify({ categoryFen: {}, harmFen: {}, spreadTiers: [{ atLeast: 0, multiplierBasisPoints: 10000 }], durationTiers: [{ atLeast: 0, multiplierBasisPoints: 10000 }] }), actors.user],
      );
      insertAssessment = async (total) =>
        withClient(api.url, async (c) => {
          const { rows: [a] } = await c.query(
            `INSERT INTO assessment (case_id, class_id, organisation_id, merged, method, model_id, divided_total_fen, total_basis, recipient,
                                     spread_people, spread_basis_points, exposure_days, duration_basis_points, created_by)
             VALUES ($1, $2, $3, true, 'DISCRETIONARY', $4, $5, 'division test', 'MEMBERS', 0, 10000, 0, 10000, $6) RETURNING id`,
            [kase.id, klass.id, actors.court, model.id, total, actors.user],
          );
          return a.id as string;
        });
    });
  });

  afterAll(() => api?.close());

  /** Assesses `total` among the class; each sharing member's share by name, in claimant id order. */
  async function shares(total: number): Promise<{ id: string; byName: Record<string, number> }> {
    const id = await insertAssessment(total);
    const members = await dataSource.transaction((manager) =>
      repository.assess(manager, MERGED_VIEW, { assessmentId: id, classId, dividedTotalFen: String(total), categoryFen: {}, harmFen: {}, spreadBasisPoints: 10000, durationBasisPoints: 10000 }),
    );
    expect(members).toBe(8);
    const page = await repository.members(id, 100);
    const name = new Map(Object.entries(ID).map(([n, i]) => [i, n]));
    const byName = Object.fromEntries(page.nodes.map((r) => [name.get(r.claimant_id)!, Number(r.amount_fen)]));
    // The totals by subclass add up the rows.
    const sum = (names: string[]) => names.reduce((s, n) => s + (byName[n] ?? 0), 0);
    const totals = Object.fromEntries((await repository.subclassTotals([id])).map((t) => [t.subclass, [Number(t.members), Number(t.property_fen), Number(t.amount_fen)]]));
    const sensitive = SHARING.filter((n) => SENSITIVE.includes(n));
    const ordinary = SHARING.filter((n) => !SENSITIVE.includes(n));
    expect(totals).toEqual({ SENSITIVE_DATA: [3, sum(sensitive), sum(sensitive)], ORDINARY: [5, sum(ordinary), sum(ordinary)] });
    return { id, byName };
  }

  const expected = (base: number, extra: number) => Object.fromEntries(SHARING.map((n, i) => [n, base + (i < extra ? 1 : 0)]));

  it('86 fen: 10 each and 6 extra, the cut at C2, found down from D1 past the excluded E0', async () => {
    const { byName } = await shares(86);
    expect(byName).toEqual({ A1: 11, A2: 11, A3: 11, B1: 11, C1: 11, C2: 11, C3: 10, D1: 10 });
    expect(byName).toEqual(expected(10, 6));
  });

  it('83 fen: 3 extra, the cut at A3, found up from A1 past the opted-out A0', async () => {
    expect((await shares(83)).byName).toEqual({ A1: 11, A2: 11, A3: 11, B1: 10, C1: 10, C2: 10, C3: 10, D1: 10 });
  });

  it('87 fen: 7 extra, the cut at C3 (next to the excluded E0); only D1 without', async () => {
    expect((await shares(87)).byName).toEqual(expected(10, 7));
  });

  it('80 fen divides evenly: 10 each, no extra; 84 fen: 4 extra, the cut at B1 (half way, found up from A1)', async () => {
    expect((await shares(80)).byName).toEqual(expected(10, 0));
    expect((await shares(84)).byName).toEqual({ A1: 11, A2: 11, A3: 11, B1: 11, C1: 10, C2: 10, C3: 10, D1: 10 });
  });

  it('5 fen among 8: one fen each to the first five by claimant id, the cut at C1 (found down from D1 past E0)', async () => {
    expect((await shares(5)).byName).toEqual({ A1: 1, A2: 1, A3: 1, B1: 1, C1: 1, C2: 0, C3: 0, D1: 0 });
  });

  it('reads one member and the schedule a page at a time in claimant order from the assessment partition', async () => {
    const { id } = await shares(86);
    expect((await repository.member(id, ID.C2))?.amount_fen).toBe('11');
    expect(await repository.member(id, ID.C0)).toBeNull();
    const first = await repository.members(id, 3);
    expect(first.nodes.map((r) => r.claimant_id)).toEqual([ID.A1, ID.A2, ID.A3]);
    const next = await repository.members(id, 3, first.pageInfo.endCursor!);
    expect(next.nodes.map((r) => r.claimant_id)).toEqual([ID.B1, ID.C1, ID.C2]);
  });

  it('writes the totals by subclass: 86 fen is 32 (A2 11, C1 11, D1 10) and 54; 83 fen is 31 (A2 11, C1 10, D1 10) and 52', async () => {
    const totals = async (total: number) =>
      (await repository.subclassTotals([(await shares(total)).id])).map((t) => [t.subclass, t.members, t.property_fen, t.moral_fen, t.amount_fen]);
    expect(await totals(86)).toEqual([['SENSITIVE_DATA', '3', '32', '0', '32'], ['ORDINARY', '5', '54', '0', '54']]);
    expect(await totals(83)).toEqual([['SENSITIVE_DATA', '3', '31', '0', '31'], ['ORDINARY', '5', '52', '0', '52']]);
  });
});
