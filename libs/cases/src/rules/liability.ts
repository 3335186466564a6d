/**
 * Why a defendant is liable. A leak case often has several defendants (platform, app, data
 * broker) who blame each other; the product records each one's basis (domain.md section 5).
 */
export enum LiabilityBasis {
  /** The handler cannot prove it was not at fault (PIPL art. 69(1); Civil Code art. 1165(2)). */
  PRESUMED_FAULT = 'PRESUMED_FAULT',
  /** Joint tortfeasors, jointly and severally liable (Civil Code art. 1168). */
  JOINT_TORT = 'JOINT_TORT',
  /** A network service provider that failed to act after a valid notice, jointly and severally for the extra harm (Civil Code art. 1195). */
  NOTICE_NOT_ACTED_ON = 'NOTICE_NOT_ACTED_ON',
  /** A network service provider that knew or should have known, jointly and severally (Civil Code art. 1197). */
  KNEW_OR_SHOULD_HAVE_KNOWN = 'KNEW_OR_SHOULD_HAVE_KNOWN',
}

/** The source of each basis, shown next to the defendant. */
export const LIABILITY_SOURCES: Readonly<Record<LiabilityBasis, string>> = Object.freeze({
  [LiabilityBasis.PRESUMED_FAULT]: 'PIPL art. 69(1); Civil Code art. 1165(2)',
  [LiabilityBasis.JOINT_TORT]: 'Civil Code art. 1168',
  [LiabilityBasis.NOTICE_NOT_ACTED_ON]: 'Civil Code art. 1195',
  [LiabilityBasis.KNEW_OR_SHOULD_HAVE_KNOWN]: 'Civil Code art. 1197',
});
