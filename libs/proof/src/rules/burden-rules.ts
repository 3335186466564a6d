import { CASE_LIMITS, CaseType, LiabilityBasis } from '@app/cases';

/**
 * Who must prove what in a leak case (domain.md section 4): the rule table of the reversed burden
 * of proof, one row per obligation, each with its bearer, the element, the articles, the typical
 * evidence and what follows when it is not discharged. `obligationsFor` applies it to a case.
 */

/** Who bears an obligation: the plaintiff side together, or one named defendant or agency. */
export enum Bearer {
  PLAINTIFF = 'PLAINTIFF',
  DEFENDANT = 'DEFENDANT',
  AGENCY = 'AGENCY',
}

/** The named obligations; stored by name. */
export enum BurdenRule {
  HANDLING = 'HANDLING',
  INFRINGING_ACT = 'INFRINGING_ACT',
  DAMAGE = 'DAMAGE',
  CLASS_MEMBERSHIP = 'CLASS_MEMBERSHIP',
  LAWFUL_BASIS = 'LAWFUL_BASIS',
  SECURITY_DUTIES = 'SECURITY_DUTIES',
  REMEDIAL_MEASURES = 'REMEDIAL_MEASURES',
  NO_CAUSATION = 'NO_CAUSATION',
  JOINT_INFRINGEMENT = 'JOINT_INFRINGEMENT',
  VALID_NOTICE = 'VALID_NOTICE',
  NECESSARY_MEASURES = 'NECESSARY_MEASURES',
  KNEW_OR_SHOULD_HAVE_KNOWN = 'KNEW_OR_SHOULD_HAVE_KNOWN',
  SUPERVISORY_DUTY_AND_HARM = 'SUPERVISORY_DUTY_AND_HARM',
  PRE_LITIGATION_RECOMMENDATION = 'PRE_LITIGATION_RECOMMENDATION',
  LAWFUL_PERFORMANCE = 'LAWFUL_PERFORMANCE',
}

/** One row of BURDEN_RULES. */
export interface BurdenRuleDefinition {
  readonly bearer: Bearer;
  /** The fact to prove, in words. */
  readonly element: string;
  readonly legalBasis: string;
  readonly typicalEvidence: string;
  /** What follows when the obligation is not discharged by the end of the evidence period. */
  readonly consequence: string;
  /** The case types it applies to. */
  readonly caseTypes: readonly CaseType[];
  /** Per defendant: the liability bases it applies to (absent: once per case, not per defendant). */
  readonly bases?: readonly LiabilityBasis[];
}

const CIVIL = [CaseType.CIVIL_PUBLIC_INTEREST, CaseType.SUPPORTED, CaseType.REPRESENTATIVE_ACTION] as const;
const HANDLER_BASES = [LiabilityBasis.PRESUMED_FAULT, LiabilityBasis.JOINT_TORT] as const;
const PLAINTIFF_FAILS = 'the claim fails on this element for want of proof (SPC interpretation of the CPL (2022), art. 90)';
const FAULT_PRESUMED = 'fault is presumed: the defendant bears liability (PIPL art. 69(1); Civil Code art. 1165(2))';

/** The rules as data: one row per BurdenRule. */
export const BURDEN_RULES: Readonly<Record<BurdenRule, BurdenRuleDefinition>> = Object.freeze({
  // PIPL art. 69(1): liability presupposes handling of the victims' personal information; the claimant proves it.
  [BurdenRule.HANDLING]: {
    bearer: Bearer.PLAINTIFF,
    element: "The defendant handled the victims' personal information",
    legalBasis: 'PIPL arts. 4, 69(1)',
    typicalEvidence: "Service contracts, app registration, the seized dataset's fields and origin",
    consequence: PLAINTIFF_FAILS,
    caseTypes: CIVIL,
  },
  // PIPL art. 69(1): the infringing act (leak, sale, unlawful provision) is the claimant's to show.
  [BurdenRule.INFRINGING_ACT]: {
    bearer: Bearer.PLAINTIFF,
    element: 'The infringing act: a leak, sale or unlawful provision of the information',
    legalBasis: 'PIPL arts. 10, 69(1); Civil Code art. 1038',
    typicalEvidence: 'Police seizure records, forensic report, breach notice, the leaked dataset',
    consequence: PLAINTIFF_FAILS,
    caseTypes: CIVIL,
  },
  // PIPL art. 69(1) ("causes damage"); Civil Code art. 1165: the damage is the claimant's to show.
  [BurdenRule.DAMAGE]: {
    bearer: Bearer.PLAINTIFF,
    element: 'Damage (to the victims, or to the public interest)',
    legalBasis: 'PIPL art. 69(1); Civil Code art. 1165',
    typicalEvidence: 'Match against the dataset, fraud and spam records, loss receipts, medical or psychological records',
    consequence: PLAINTIFF_FAILS,
    caseTypes: CIVIL,
  },
  // CPL (2023) arts. 56-57: in a representative action each member's membership of the class is shown.
  [BurdenRule.CLASS_MEMBERSHIP]: {
    bearer: Bearer.PLAINTIFF,
    element: 'Membership of the class: each member was exposed by this leak',
    legalBasis: 'Civil Procedure Law (2023) arts. 56-57',
    typicalEvidence: 'Dataset matches, breach-notice lists, the claimant’s own evidence',
    consequence: 'members whose exposure is not shown are excluded from the class (Civil Procedure Law (2023) art. 57)',
    caseTypes: [CaseType.REPRESENTATIVE_ACTION],
  },
  // PIPL art. 69(1) reverses the burden: no fault, first a lawful basis (art. 13) and separate consent for sensitive data (art. 29).
  [BurdenRule.LAWFUL_BASIS]: {
    bearer: Bearer.DEFENDANT,
    element: 'No fault: a lawful basis for the handling (consent or another ground), separate consent for sensitive data',
    legalBasis: 'PIPL arts. 13, 29, 69(1); Civil Code art. 1165(2)',
    typicalEvidence: 'Consent logs, privacy policy versions',
    consequence: FAULT_PRESUMED,
    caseTypes: CIVIL,
    bases: HANDLER_BASES,
  },
  // PIPL art. 51; Civil Code art. 1038: the security duties (encryption, access control, training, incident plans).
  [BurdenRule.SECURITY_DUTIES]: {
    bearer: Bearer.DEFENDANT,
    element: 'No fault: the security duties were met (encryption, de-identification, access control, training, incident plans)',
    legalBasis: 'PIPL arts. 51, 69(1); Civil Code arts. 1038, 1165(2)',
    typicalEvidence: 'Security audits, certifications, access logs',
    consequence: FAULT_PRESUMED,
    caseTypes: CIVIL,
    bases: HANDLER_BASES,
  },
  // PIPL art. 57; Civil Code art. 1038: remedial measures and notification after the leak.
  [BurdenRule.REMEDIAL_MEASURES]: {
    bearer: Bearer.DEFENDANT,
    element: 'No fault: remedial measures taken and the authority and individuals notified after the leak',
    legalBasis: 'PIPL arts. 57, 69(1); Civil Code art. 1038',
    typicalEvidence: 'Notices to the authority and to individuals, timeline',
    consequence: FAULT_PRESUMED,
    caseTypes: CIVIL,
    bases: HANDLER_BASES,
  },
  // Courts ask the handler to show the data could have leaked elsewhere (domain.md section 4).
  [BurdenRule.NO_CAUSATION]: {
    bearer: Bearer.DEFENDANT,
    element: 'No causation between its handling and the damage (the same data was public or leaked earlier by a third party)',
    legalBasis: 'PIPL art. 69(1); Civil Code art. 1165(2)',
    typicalEvidence: 'Evidence that the same data was public or leaked earlier by a third party',
    consequence: 'causation is taken as shown: the defendant answers for the damage',
    caseTypes: CIVIL,
    bases: HANDLER_BASES,
  },
  // Civil Code art. 1168: joint tortfeasors answer jointly and severally once the joint act is shown.
  [BurdenRule.JOINT_INFRINGEMENT]: {
    bearer: Bearer.PLAINTIFF,
    element: 'The defendant took part in the infringement together with others',
    legalBasis: 'Civil Code art. 1168',
    typicalEvidence: 'Data-sharing agreements, transfer records, communications between the defendants',
    consequence: 'no joint and several liability of this defendant (Civil Code art. 1168); its own share only',
    caseTypes: CIVIL,
    bases: [LiabilityBasis.JOINT_TORT],
  },
  // Civil Code art. 1195: a provider is liable for the extra harm after a valid notice it did not act on.
  [BurdenRule.VALID_NOTICE]: {
    bearer: Bearer.PLAINTIFF,
    element: 'A valid notice reached the provider (with preliminary evidence and the claimant’s identity)',
    legalBasis: 'Civil Code art. 1195(1)',
    typicalEvidence: 'The notice, its delivery receipt',
    consequence: 'no liability of the provider under art. 1195 (Civil Code art. 1195)',
    caseTypes: CIVIL,
    bases: [LiabilityBasis.NOTICE_NOT_ACTED_ON],
  },
  // Civil Code art. 1195(2): after a valid notice the provider must take necessary measures in time.
  [BurdenRule.NECESSARY_MEASURES]: {
    bearer: Bearer.DEFENDANT,
    element: 'It took the necessary measures in time after the notice and forwarded it',
    legalBasis: 'Civil Code art. 1195(2)',
    typicalEvidence: 'Takedown and blocking logs, forwarding records, timeline',
    consequence: 'jointly and severally liable for the extra harm after the notice (Civil Code art. 1195(2))',
    caseTypes: CIVIL,
    bases: [LiabilityBasis.NOTICE_NOT_ACTED_ON],
  },
  // Civil Code art. 1197: a provider that knew or should have known is jointly and severally liable.
  [BurdenRule.KNEW_OR_SHOULD_HAVE_KNOWN]: {
    bearer: Bearer.PLAINTIFF,
    element: 'The provider knew or should have known of the infringement',
    legalBasis: 'Civil Code art. 1197',
    typicalEvidence: 'Complaints received, prominence of the infringing content, the provider’s own monitoring',
    consequence: 'no joint and several liability of the provider under art. 1197 (Civil Code art. 1197)',
    caseTypes: CIVIL,
    bases: [LiabilityBasis.KNEW_OR_SHOULD_HAVE_KNOWN],
  },
  // SPC/SPP interpretation on procuratorial PIL art. 22: the procuratorate shows the agency's duty and the harm to the public interest.
  [BurdenRule.SUPERVISORY_DUTY_AND_HARM]: {
    bearer: Bearer.PLAINTIFF,
    element: 'The agency had the duty to supervise the handler, and its unlawful act or failure to act harms the public interest',
    legalBasis: 'SPC/SPP interpretation on procuratorial public-interest litigation, art. 22',
    typicalEvidence: 'The statutes allotting the duty, the handler’s continuing violations, the leaked data',
    consequence: PLAINTIFF_FAILS,
    caseTypes: [CaseType.ADMINISTRATIVE_PUBLIC_INTEREST],
  },
  // Same interpretation arts. 21-22: the procuratorate shows it made the recommendation and the agency still failed to act.
  [BurdenRule.PRE_LITIGATION_RECOMMENDATION]: {
    bearer: Bearer.PLAINTIFF,
    element: 'The procuratorial recommendation was made and the agency still failed to act within its period',
    legalBasis: 'SPC/SPP interpretation on procuratorial public-interest litigation, arts. 21-22',
    typicalEvidence: 'The recommendation, its service, the agency’s reply or silence',
    consequence: 'the suit is premature and is dismissed (SPC/SPP interpretation on procuratorial public-interest litigation, art. 21)',
    caseTypes: [CaseType.ADMINISTRATIVE_PUBLIC_INTEREST],
  },
  // Administrative Procedure Law art. 34: the defendant agency proves the legality of its act, with its evidence and legal basis.
  [BurdenRule.LAWFUL_PERFORMANCE]: {
    bearer: Bearer.AGENCY,
    element: 'It performed its supervisory duty lawfully',
    legalBasis: 'Administrative Procedure Law art. 34',
    typicalEvidence: 'Inspection records, penalty decisions, orders to rectify',
    consequence: 'the act (or failure to act) is taken as lacking evidence: unlawful (Administrative Procedure Law art. 34(2))',
    caseTypes: [CaseType.ADMINISTRATIVE_PUBLIC_INTEREST],
  },
});

/** A party of the case as the rules read it. */
export interface BurdenParty {
  id: string;
  role: 'PLAINTIFF' | 'SUPPORTER' | 'DEFENDANT' | 'AGENCY' | 'REPRESENTATIVE';
  liabilityBasis: LiabilityBasis | null;
}

/**
 * An obligation the rules give a case: the rule, and the defendant or agency it is about (null
 * for the plaintiff side's case-wide rows). The rule's bearer says who must prove it: for a
 * DEFENDANT or AGENCY row that party itself, for a per-defendant PLAINTIFF row (VALID_NOTICE) the
 * plaintiff side, against that defendant.
 */
export interface GeneratedObligation {
  rule: BurdenRule;
  partyId: string | null;
}

/**
 * The obligations of a case of `type` with `parties`, in rule-table order: the plaintiff side's
 * once per case, each defendant's per defendant whose liability basis the rule lists, the
 * agency's per agency. Pure.
 */
export function obligationsFor(type: CaseType, parties: readonly BurdenParty[]): GeneratedObligation[] {
  const out: GeneratedObligation[] = [];
  for (const rule of Object.values(BurdenRule)) {
    const def = BURDEN_RULES[rule];
    if (!def.caseTypes.includes(type)) continue;
    if (def.bearer === Bearer.AGENCY) {
      for (const p of parties.filter((p) => p.role === 'AGENCY')) out.push({ rule, partyId: p.id });
    } else if (def.bases) {
      // Per defendant: a plaintiff-side row about a defendant (VALID_NOTICE) is kept against that defendant too.
      for (const p of parties.filter((p) => p.role === 'DEFENDANT' && p.liabilityBasis && def.bases!.includes(p.liabilityBasis))) {
        out.push({ rule, partyId: p.id });
      }
    } else {
      out.push({ rule, partyId: null });
    }
  }
  return out;
}

/**
 * The most obligations a case can have, from the rule table and the case limits: for the case
 * type that gives the most, its case-wide rows, its per-defendant rows of the liability basis
 * with the most rows for each of at most CASE_LIMITS.defendants defendants (one basis each), and
 * its agency rows for the one agency (StandingRule.ONE_AGENCY). BurdenOfProof.elements' bound.
 */
export const MAX_OBLIGATIONS = Math.max(
  ...Object.values(CaseType).map((type) => {
    const rows = Object.values(BURDEN_RULES).filter((def) => def.caseTypes.includes(type));
    const caseWide = rows.filter((def) => !def.bases && def.bearer !== Bearer.AGENCY).length;
    const perDefendant = Math.max(0, ...Object.values(LiabilityBasis).map((basis) => rows.filter((def) => def.bases?.includes(basis)).length));
    const agency = rows.filter((def) => def.bearer === Bearer.AGENCY).length;
    return caseWide + perDefendant * CASE_LIMITS.defendants + agency;
  }),
);

/** The parties on the side of the plaintiff: they bear the PLAINTIFF rows together. */
const PLAINTIFF_SIDE: readonly BurdenParty['role'][] = ['PLAINTIFF', 'SUPPORTER', 'REPRESENTATIVE'];

/**
 * ADVERSE_INFERENCE (SPC evidence provisions (2019) art. 95: "一方当事人控制证据无正当理由拒不提交，
 * 对待证事实负有举证责任的当事人主张该证据的内容不利于控制人的…"): the presumption is the burdened
 * party's, against the other party that controls the evidence. So the party flagged for withholding
 * may not be the one bearing the obligation (for a PLAINTIFF row the whole plaintiff side; for a
 * DEFENDANT or AGENCY row that party itself): a bearer that withholds its own evidence simply fails
 * to discharge its burden. `obligationPartyId` is the obligation's party (null for the plaintiff
 * side's case-wide rows). Returns why the flag is refused, or null when the article can apply.
 */
export function adverseInferenceRefusal(bearer: Bearer, obligationPartyId: string | null, withholding: Pick<BurdenParty, 'id' | 'role'>): string | null {
  const bears = bearer === Bearer.PLAINTIFF ? PLAINTIFF_SIDE.includes(withholding.role) : withholding.id === obligationPartyId;
  return bears
    ? 'bears this obligation itself: art. 95 presumes against the other party that withholds evidence; a bearer that withholds simply fails to prove (SPC evidence provisions (2019) art. 95)'
    : null;
}
