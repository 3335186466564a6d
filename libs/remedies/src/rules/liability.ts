import { InputError } from '@app/platform';

/**
 * How far a defendant answers for the compensation:
 * - FULL: jointly and severally for the whole (joint tortfeasors, Civil Code arts. 1168, 178; a
 *   provider that knew or did not act on notice, arts. 1195, 1197);
 * - SHARE: jointly and severally, but only up to a share of the total (部分连带责任, e.g. the
 *   Kangmei judgment: officers liable for 20 %, 10 % or 5 % of the total; Securities Law art. 85
 *   and the Guangzhou Intermediate Court's judgment (2020) 粤01民初2171号).
 */
export enum LiabilityExtent {
  FULL = 'FULL',
  SHARE = 'SHARE',
}

/** One basis point is 1/10,000: 20 % is 2,000. */
export const BASIS_POINTS = 10_000;

/** A defendant's extent as entered. */
export interface DefendantExtent {
  readonly partyId: string;
  readonly extent: LiabilityExtent;
  /** SHARE only: 1 to 9,999 basis points. */
  readonly shareBasisPoints: number | null;
}

/** Checks a defendant's extent: a share for SHARE only, strictly between 0 and 100 %. */
export function checkExtent(extent: LiabilityExtent, shareBasisPoints: number | null | undefined, field: string): void {
  if (extent === LiabilityExtent.FULL && shareBasisPoints != null) throw new InputError(field, 'a FULL liability has no share');
  if (extent === LiabilityExtent.SHARE && (shareBasisPoints == null || shareBasisPoints < 1 || shareBasisPoints >= BASIS_POINTS)) {
    throw new InputError(field, `a SHARE liability needs shareBasisPoints from 1 to ${BASIS_POINTS - 1}`);
  }
}

/** One line of the per-defendant schedule; amounts in fen. */
export interface LiabilityLine {
  readonly partyId: string;
  /** What the defendant answers for: the total (FULL) or its share of it, rounded down to the fen. */
  readonly answersForFen: bigint;
  readonly paidFen: bigint;
  /** What it may still be made to pay. */
  readonly remainingFen: bigint;
}

/**
 * The per-defendant schedule of a compensation of `totalFen` (integer fen), given each
 * defendant's extent and what each has paid. The rule (Civil Code arts. 177, 178, 518-520):
 *
 * 1. cap(d) = total for FULL; floor(total × share / 10,000) for SHARE (a share never makes a
 *    defendant answer for a fen more than its part);
 * 2. the creditor recovers the total once: outstanding = max(0, total − Σ paid by all);
 * 3. remaining(d) = min(cap(d) − paid(d), outstanding), never below 0: what a defendant paid
 *    counts against its own cap; a payment by anyone reduces what every other still owes once
 *    the outstanding falls below that other's remaining cap (art. 520: performance by one joint
 *    debtor discharges the others to that extent), never beyond its share.
 *
 * Example (hand-computed): total 1,000,000 fen; A FULL, B 20 % (cap 200,000), C 5 % (cap 50,000).
 * A pays 900,000: outstanding 100,000; A 100,000, B 100,000, C 50,000 remain.
 */
export function liabilitySchedule(totalFen: bigint, defendants: readonly DefendantExtent[], paid: ReadonlyMap<string, bigint>): LiabilityLine[] {
  const paidAll = defendants.reduce((sum, d) => sum + (paid.get(d.partyId) ?? 0n), 0n);
  const outstanding = totalFen > paidAll ? totalFen - paidAll : 0n;
  return defendants.map((d) => {
    const answersForFen = d.extent === LiabilityExtent.FULL ? totalFen : (totalFen * BigInt(d.shareBasisPoints!)) / BigInt(BASIS_POINTS);
    const paidFen = paid.get(d.partyId) ?? 0n;
    const ownLeft = answersForFen > paidFen ? answersForFen - paidFen : 0n;
    return { partyId: d.partyId, answersForFen, paidFen, remainingFen: ownLeft < outstanding ? ownLeft : outstanding };
  });
}
