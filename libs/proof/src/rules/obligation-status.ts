import { registerEnumType } from '@nestjs/graphql';

/** Where an obligation stands. */
export enum ObligationStatus {
  /** Not yet decided; evidence may still be submitted within the evidence period. */
  OPEN = 'OPEN',
  /** The court found it proved. */
  DISCHARGED = 'DISCHARGED',
  /** Not proved: its consequence follows (the evidence period ended with it open, or the court so ruled). */
  FAILED = 'FAILED',
  /** Disputed: the court weighs it at the hearing. */
  CONTESTED = 'CONTESTED',
  /** Not in issue (admitted by the other side, or the court waived it). */
  WAIVED = 'WAIVED',
}
registerEnumType(ObligationStatus, { name: 'ObligationStatus' });

/**
 * The status an obligation has on `today` (Asia/Shanghai calendar date): the one the court set,
 * except that one still OPEN after the last day of the evidence period (`due`, to 24:00) is
 * FAILED: a party must submit its evidence within the period (SPC evidence provisions (2019)
 * art. 51; late evidence, Civil Procedure Law (2023) art. 68). The obligation-failure job's SQL
 * records the same (`status = 'OPEN' AND due < today`). Pure.
 */
export function effectiveStatus(stored: ObligationStatus, due: string | null, today: string): ObligationStatus {
  return stored === ObligationStatus.OPEN && due !== null && due < today ? ObligationStatus.FAILED : stored;
}

/**
 * Why the court may not set an obligation back to OPEN on `today`, or null when it may: once
 * the evidence period ended (`due` before `today`) an open obligation is FAILED by the period
 * itself (SPC evidence provisions (2019) art. 51), so a reopening needs a later period: the
 * court's extension on a party's application made before the period ended (art. 54, rule
 * EVIDENCE_PERIOD_EXTENSION), which moves `due`. Pure.
 */
export function reopeningRefusal(due: string | null, today: string): string | null {
  return due !== null && due < today
    ? `the evidence period ended on ${due}: an obligation still open after it is FAILED (SPC evidence provisions (2019) art. 51); it is OPEN again only under a later evidence period: an extension the court grants on a party's application made before the period ended (art. 54; applyForEvidencePeriodExtension, then ruleOnEvidencePeriodExtension)`
    : null;
}

/** A standing adverse-inference flag of the court on an obligation (SPC evidence provisions (2019) art. 95). */
export interface AdverseInferenceFacts {
  /** The party that holds the evidence and refuses to produce it. */
  partyName: string;
  /** The evidence the court asked for. */
  evidence: string;
}

/** The evidence period an obligation is due by: its last day, and the last day the court first set (before any extension). */
export interface EvidencePeriodFacts {
  due: string;
  firstDue: string;
}

/**
 * What follows from an obligation in words, for the burden-of-proof summary: its consequence when
 * FAILED, the deadline (and that it was extended, art. 54) and consequence while OPEN, and the
 * art. 95 presumption for each standing flag of a party holding evidence that refuses to produce
 * it. `period` is null until the court sets the evidence period. Pure.
 */
export function whatFollows(status: ObligationStatus, consequence: string, period: EvidencePeriodFacts | null, adverse: readonly AdverseInferenceFacts[]): string {
  const extended = period && period.firstDue !== period.due ? ` as extended from ${period.firstDue} (SPC evidence provisions (2019) art. 54)` : '';
  const base = {
    [ObligationStatus.FAILED]: `Not proved: ${consequence}`,
    [ObligationStatus.DISCHARGED]: 'Proved: nothing follows against the bearer on this element',
    [ObligationStatus.WAIVED]: 'Not in issue: waived or admitted',
    [ObligationStatus.CONTESTED]: 'Contested: the court weighs the evidence at the hearing',
    [ObligationStatus.OPEN]: period
      ? `To be proved by ${period.due} (24:00, Asia/Shanghai), the last day of the evidence period${extended}; if not: ${consequence}`
      : `To be proved within the evidence period the court sets (SPC evidence provisions (2019) art. 51); if not: ${consequence}`,
  }[status];
  return [
    base,
    ...adverse.map(
      (a) =>
        `${a.partyName} holds evidence on it (${a.evidence}) and refuses to produce it without good reason: the court may presume the other side's account of that evidence true (SPC evidence provisions (2019) art. 95)`,
    ),
  ].join('. ');
}
