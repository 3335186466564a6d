import { checkExtent, type DefendantExtent, LiabilityExtent, liabilitySchedule } from './liability';

const full = (partyId: string): DefendantExtent => ({ partyId, extent: LiabilityExtent.FULL, shareBasisPoints: null });
const share = (partyId: string, bp: number): DefendantExtent => ({ partyId, extent: LiabilityExtent.SHARE, shareBasisPoints: bp });
const lines = (total: bigint, defendants: DefendantExtent[], paid: Record<string, bigint> = {}) =>
  Object.fromEntries(
    liabilitySchedule(total, defendants, new Map(Object.entries(paid))).map((l) => [l.partyId, [l.answersForFen, l.paidFen, l.remainingFen]]),
  );

describe('liability per defendant (Civil Code arts. 177, 178, 518-520)', () => {
  it('Kangmei-style shares: the company in full, officers for 20 %, 10 % and 5 % of the total', () => {
    // Total 2,459,000,000 fen: 20 % = 491,800,000; 10 % = 245,900,000; 5 % = 122,950,000.
    expect(lines(2_459_000_000n, [full('company'), share('a', 2000), share('b', 1000), share('c', 500)])).toEqual({
      company: [2_459_000_000n, 0n, 2_459_000_000n],
      a: [491_800_000n, 0n, 491_800_000n],
      b: [245_900_000n, 0n, 245_900_000n],
      c: [122_950_000n, 0n, 122_950_000n],
    });
  });

  it('rounds a share down to the fen: 5 % of 1,001 fen is 50 fen, not 50.05', () => {
    expect(lines(1001n, [share('c', 500)]).c).toEqual([50n, 0n, 50n]);
  });

  it("a large payment by the full debtor lowers the others' remaining once the outstanding falls below their caps", () => {
    // Total 1,000,000; A pays 900,000: outstanding 100,000. B (20 %, cap 200,000) owes 100,000; C (5 %, cap 50,000) still 50,000.
    expect(lines(1_000_000n, [full('A'), share('B', 2000), share('C', 500)], { A: 900_000n })).toEqual({
      A: [1_000_000n, 900_000n, 100_000n],
      B: [200_000n, 0n, 100_000n],
      C: [50_000n, 0n, 50_000n],
    });
  });

  it("a partial debtor's own payment counts against its own cap, and everyone's against the outstanding", () => {
    // Then B pays 60,000: outstanding 40,000; B's own cap leaves 140,000; A, B and C owe 40,000 each at most.
    expect(lines(1_000_000n, [full('A'), share('B', 2000), share('C', 500)], { A: 900_000n, B: 60_000n })).toEqual({
      A: [1_000_000n, 900_000n, 40_000n],
      B: [200_000n, 60_000n, 40_000n],
      C: [50_000n, 0n, 40_000n],
    });
  });

  it('nothing remains for anyone once the total is paid, by whoever paid it', () => {
    expect(lines(300n, [full('A'), full('B')], { B: 300n })).toEqual({ A: [300n, 0n, 0n], B: [300n, 300n, 0n] });
  });

  it('a share is from 1 to 9,999 basis points, and only for SHARE', () => {
    expect(() => checkExtent(LiabilityExtent.SHARE, 0, 'f')).toThrow(/1 to 9999/);
    expect(() => checkExtent(LiabilityExtent.SHARE, 10_000, 'f')).toThrow(/1 to 9999/);
    expect(() => checkExtent(LiabilityExtent.SHARE, null, 'f')).toThrow(/1 to 9999/);
    expect(() => checkExtent(LiabilityExtent.FULL, 2000, 'f')).toThrow(/no share/);
    expect(() => checkExtent(LiabilityExtent.SHARE, 2000, 'f')).not.toThrow();
    expect(() => checkExtent(LiabilityExtent.FULL, undefined, 'f')).not.toThrow();
  });
});
