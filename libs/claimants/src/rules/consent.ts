import { ConsentScope, HarmType } from '../claimant.enums';

/**
 * Consent an enrolment needs: the mandate to represent (Civil Procedure Law arts. 56-57: a member
 * joins a representative action by registering) and consent to process their personal information
 * for the suit (PIPL art. 13(1)). Without both, an association may not enrol the person.
 */
export const REQUIRED_CONSENT_SCOPES: readonly ConsentScope[] = [ConsentScope.REPRESENTATION, ConsentScope.DATA_USE];

/** Why a consent record is not enough, or null. */
export function consentProblem(givenAt: Date, scopes: readonly string[], now = new Date()): { field: string; reason: string } | null {
  if (Number.isNaN(givenAt.getTime())) return { field: 'consent.givenAt', reason: 'is not a date' };
  if (givenAt.getTime() > now.getTime() + 5 * 60_000) return { field: 'consent.givenAt', reason: 'is in the future' };
  const missing = REQUIRED_CONSENT_SCOPES.filter((s) => !scopes.includes(s));
  if (missing.length) return { field: 'consent.scopes', reason: `must include ${missing.join(' and ')}` };
  return null;
}

/**
 * A loss needs an amount (PIPL art. 69(2): property loss is assessed from the victim's loss). The
 * amount's form (whole fen, not negative) is normalise/readFen's.
 */
export function harmProblem(type: HarmType, amountFen: string | undefined | null): { field: string; reason: string } | null {
  if (type === HarmType.FRAUD_LOSS && (amountFen === undefined || amountFen === null || amountFen.trim() === '')) {
    return { field: 'harms.amountFen', reason: 'is required for a FRAUD_LOSS' };
  }
  return null;
}
