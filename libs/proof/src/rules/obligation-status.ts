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
 * court's extension (art. 54: on a party's application before the period ends), which would be a
 * new EVIDENCE_PERIOD deadline; no operation records one yet, so the message says so. Pure.
 */
export function reopeningRefusal(due: string | null, today: string): string | null {
  return due !== null && due < today
    ? `the evidence period ended on ${due}: an obligation still open after it is FAILED (SPC evidence provisions (2019) art. 51); it is OPEN again only under a later evidence period (art. 54: an extension the court grants on an application made before the period ended), and leakcase does not record extensions yet`
    : null;
}

/** The court's adverse-inference flag on an obligation (SPC evidence provisions (2019) art. 95). */
export interface AdverseInferenceFacts {
  partyName: string;
}

/**
 * What follows from an obligation in words, for the burden-of-proof summary: its consequence when
 * FAILED, the deadline and consequence while OPEN, and the art. 95 presumption when the court
 * flagged that a party holding the evidence refuses to produce it. Pure.
 */
export function whatFollows(status: ObligationStatus, consequence: string, due: string | null, adverse: AdverseInferenceFacts | null): string {
  const base = {
    [ObligationStatus.FAILED]: `Not proved: ${consequence}`,
    [ObligationStatus.DISCHARGED]: 'Proved: nothing follows against the bearer on this element',
    [ObligationStatus.WAIVED]: 'Not in issue: waived or admitted',
    [ObligationStatus.CONTESTED]: 'Contested: the court weighs the evidence at the hearing',
    [ObligationStatus.OPEN]: due
      ? `To be proved by ${due} (24:00, Asia/Shanghai), the last day of the evidence period; if not: ${consequence}`
      : `To be proved within the evidence period the court sets (SPC evidence provisions (2019) art. 51); if not: ${consequence}`,
  }[status];
  return adverse
    ? `${base}. ${adverse.partyName} holds evidence on it and refuses to produce it without good reason: the court may presume the other side's account of that evidence true (SPC evidence provisions (2019) art. 95)`
    : base;
}
