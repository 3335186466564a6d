/** The four kinds of leak case (domain.md section 3). */
export enum CaseType {
  /** Civil public-interest suit against the handler (PIPL art. 70; CPL (2023) art. 58). */
  CIVIL_PUBLIC_INTEREST = 'CIVIL_PUBLIC_INTEREST',
  /** Against the agency that failed to supervise the handler; starts with a procuratorial recommendation. */
  ADMINISTRATIVE_PUBLIC_INTEREST = 'ADMINISTRATIVE_PUBLIC_INTEREST',
  /** The victims' own class action through elected representatives (CPL (2023) arts. 56-57). */
  REPRESENTATIVE_ACTION = 'REPRESENTATIVE_ACTION',
  /** An association's civil public-interest suit that a procuratorate supports (支持起诉, CPL (2023) arts. 15, 58(2)). */
  SUPPORTED = 'SUPPORTED',
}

/** Procedural stages; which of them a case passes through depends on its type (stages.ts). */
export enum CaseStage {
  CLUE = 'CLUE',
  INVESTIGATION = 'INVESTIGATION',
  ANNOUNCEMENT = 'ANNOUNCEMENT',
  RECOMMENDATION = 'RECOMMENDATION',
  FILED = 'FILED',
  REGISTRATION = 'REGISTRATION',
  EVIDENCE_EXCHANGE = 'EVIDENCE_EXCHANGE',
  HEARING = 'HEARING',
  JUDGMENT = 'JUDGMENT',
  ENFORCEMENT = 'ENFORCEMENT',
  CLOSED = 'CLOSED',
}

/** What a party is in a case. Plaintiffs and supporters are organisations; the rest are named. */
export enum CasePartyRole {
  PLAINTIFF = 'PLAINTIFF',
  SUPPORTER = 'SUPPORTER',
  DEFENDANT = 'DEFENDANT',
  /** The administrative agency sued in an administrative public-interest case. */
  AGENCY = 'AGENCY',
  /** An elected representative of the claimants in a representative action. */
  REPRESENTATIVE = 'REPRESENTATIVE',
}

/** Stages before the case is at court: the plaintiff side still shapes it. */
export const PRE_FILING_STAGES: readonly CaseStage[] = [
  CaseStage.CLUE,
  CaseStage.INVESTIGATION,
  CaseStage.ANNOUNCEMENT,
  CaseStage.RECOMMENDATION,
];
