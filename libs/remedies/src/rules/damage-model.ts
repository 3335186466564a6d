import { InputError } from '@app/platform';
import { DataCategory } from '@app/leaks';
import { HarmType } from '@app/claimants';

/** A multiplier applying from a threshold up, in basis points (10,000 = × 1). */
export interface FactorTier {
  /** The tier applies from this many people (spread) or days (duration) up. */
  readonly atLeast: number;
  readonly multiplierBasisPoints: number;
}

/**
 * The factors of moral damage per member (Civil Code art. 1183; domain.md section 5: weigh the
 * sensitivity of the data, how far and how long it spread, and the harm that followed, case by
 * case rather than one flat tier). Amounts in integer fen. A member's moral damage is
 *
 *   floor(Σ categoryFen[c] over its exposed categories × spread × duration / 10⁸) + Σ harmFen[h] over its harms
 *
 * where spread and duration are the multipliers (basis points) of the highest tier reached by
 * the people the leak reached and the days the data was exposed. Missing categories and harms
 * count 0 fen.
 */
export interface DamageFactors {
  readonly categoryFen: Readonly<Partial<Record<DataCategory, number>>>;
  readonly harmFen: Readonly<Partial<Record<HarmType, number>>>;
  /** Ascending by atLeast, the first at 0. */
  readonly spreadTiers: readonly FactorTier[];
  /** Ascending by atLeast, the first at 0. */
  readonly durationTiers: readonly FactorTier[];
}

/** Largest amount per category or harm: 100,000 yuan. With the multiplier bound, the products stay within bigint. */
export const MAX_FACTOR_FEN = 10_000_000;
/** The most tiers of a spread or duration factor (DamageModel.spreadTiers, durationTiers). */
export const MAX_FACTOR_TIERS = 20;
/** Largest multiplier: × 10. */
export const MAX_MULTIPLIER_BP = 100_000;

function checkTiers(tiers: readonly FactorTier[], field: string): void {
  if (tiers.length === 0 || tiers[0].atLeast !== 0) throw new InputError(field, 'must start with a tier at 0');
  if (tiers.length > MAX_FACTOR_TIERS) throw new InputError(field, `has at most ${MAX_FACTOR_TIERS} tiers`);
  tiers.forEach((t, i) => {
    if (!Number.isSafeInteger(t.atLeast) || t.atLeast < 0) throw new InputError(`${field}[${i}].atLeast`, 'must be a non-negative integer');
    if (i > 0 && t.atLeast <= tiers[i - 1].atLeast) throw new InputError(`${field}[${i}].atLeast`, 'must be greater than the tier before');
    if (!Number.isInteger(t.multiplierBasisPoints) || t.multiplierBasisPoints < 0 || t.multiplierBasisPoints > MAX_MULTIPLIER_BP) {
      throw new InputError(`${field}[${i}].multiplierBasisPoints`, `must be an integer from 0 to ${MAX_MULTIPLIER_BP}`);
    }
  });
}

function checkAmounts(amounts: Readonly<Record<string, number | undefined>>, allowed: readonly string[], field: string): void {
  for (const [key, fen] of Object.entries(amounts)) {
    if (!allowed.includes(key)) throw new InputError(field, `names an unknown ${field === 'categoryFen' ? 'data category' : 'harm type'}`);
    if (!Number.isInteger(fen) || fen! < 0 || fen! > MAX_FACTOR_FEN) throw new InputError(`${field}.${key}`, `must be an integer from 0 to ${MAX_FACTOR_FEN} fen`);
  }
}

/** Checks a factor model: known categories and harms, amounts in range, tiers ascending from 0. */
export function checkDamageFactors(factors: DamageFactors): void {
  checkAmounts(factors.categoryFen, Object.values(DataCategory), 'categoryFen');
  checkAmounts(factors.harmFen, Object.values(HarmType), 'harmFen');
  checkTiers(factors.spreadTiers, 'spreadTiers');
  checkTiers(factors.durationTiers, 'durationTiers');
}

/** The multiplier (basis points) of the highest tier whose threshold `value` reaches. */
export function tierMultiplier(tiers: readonly FactorTier[], value: number): number {
  let multiplier = tiers[0].multiplierBasisPoints;
  for (const t of tiers) if (value >= t.atLeast) multiplier = t.multiplierBasisPoints;
  return multiplier;
}
