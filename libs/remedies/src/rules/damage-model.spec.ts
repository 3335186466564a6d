import { checkDamageFactors, tierMultiplier } from './damage-model';

const tiers = [
  { atLeast: 0, multiplierBasisPoints: 10_000 },
  { atLeast: 100_000, multiplierBasisPoints: 15_000 },
  { atLeast: 1_000_000, multiplierBasisPoints: 20_000 },
];
const valid = { categoryFen: { NAME: 1000, MEDICAL_HEALTH: 50_000 }, harmFen: { FRAUD_LOSS: 20_000 }, spreadTiers: tiers, durationTiers: [{ atLeast: 0, multiplierBasisPoints: 10_000 }] };

describe('moral-damage factor model', () => {
  it('takes the highest tier reached', () => {
    expect(tierMultiplier(tiers, 0)).toBe(10_000);
    expect(tierMultiplier(tiers, 99_999)).toBe(10_000);
    expect(tierMultiplier(tiers, 100_000)).toBe(15_000);
    expect(tierMultiplier(tiers, 5_000_000)).toBe(20_000);
  });

  it('accepts a valid model', () => {
    expect(() => checkDamageFactors(valid as never)).not.toThrow();
  });

  it('refuses tiers that do not start at 0 or do not ascend, and out-of-range amounts', () => {
    expect(() => checkDamageFactors({ ...valid, spreadTiers: [{ atLeast: 1, multiplierBasisPoints: 1 }] } as never)).toThrow(/spreadTiers: must start with a tier at 0/);
    expect(() => checkDamageFactors({ ...valid, durationTiers: [tiers[0], { atLeast: 0, multiplierBasisPoints: 1 }] } as never)).toThrow(/durationTiers\[1\]\.atLeast/);
    expect(() => checkDamageFactors({ ...valid, spreadTiers: [{ atLeast: 0, multiplierBasisPoints: 100_001 }] } as never)).toThrow(/multiplierBasisPoints/);
    expect(() => checkDamageFactors({ ...valid, categoryFen: { NAME: -1 } } as never)).toThrow(/categoryFen\.NAME/);
    expect(() => checkDamageFactors({ ...valid, harmFen: { FRAUD_LOSS: 10_000_001 } } as never)).toThrow(/harmFen\.FRAUD_LOSS/);
  });
});
