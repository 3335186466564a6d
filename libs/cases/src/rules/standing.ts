import { DomainError, ErrorCode } from '@app/platform/errors/domain-error';
import { AdministrativeLevel, OrganisationKind } from '@app/platform/organisations/organisation.entity';
import { CaseStage, CaseType, PRE_FILING_STAGES } from './case-types';

/** SPC interpretation of the CPL (2022) art. 78: 代表人为二至五人. The one place the bounds are stated. */
export const REPRESENTATIVES = Object.freeze({ min: 2, max: 5 });

/** The named standing rules (domain.md section 2). Each error names one. */
export enum StandingRule {
  COURT_NOT_A_PARTY = 'COURT_NOT_A_PARTY',
  CIVIL_PIL_PLAINTIFF = 'CIVIL_PIL_PLAINTIFF',
  CONSUMER_ASSOCIATION_LEVEL = 'CONSUMER_ASSOCIATION_LEVEL',
  ADMINISTRATIVE_PIL_PLAINTIFF = 'ADMINISTRATIVE_PIL_PLAINTIFF',
  SUPPORTED_SUIT_PLAINTIFF = 'SUPPORTED_SUIT_PLAINTIFF',
  SUPPORTED_SUIT_SUPPORTER = 'SUPPORTED_SUIT_SUPPORTER',
  SUPPORTER_KIND = 'SUPPORTER_KIND',
  CIVIL_PIL_SUPPORT_IS_SUPPORTED = 'CIVIL_PIL_SUPPORT_IS_SUPPORTED',
  NO_ORGANISATION_PLAINTIFF_IN_REPRESENTATIVE_ACTION = 'NO_ORGANISATION_PLAINTIFF_IN_REPRESENTATIVE_ACTION',
  REPRESENTATIVE_COUNT = 'REPRESENTATIVE_COUNT',
  AGENCY_ONLY_IN_ADMINISTRATIVE_PIL = 'AGENCY_ONLY_IN_ADMINISTRATIVE_PIL',
  ONE_AGENCY = 'ONE_AGENCY',
  PLAINTIFF_REQUIRED = 'PLAINTIFF_REQUIRED',
  DEFENDANT_REQUIRED = 'DEFENDANT_REQUIRED',
  SUPPORTER_REQUIRED = 'SUPPORTER_REQUIRED',
}

export interface StandingRuleDefinition {
  readonly source: string;
  /** What the rule requires, as the error message states it. */
  readonly requirement: string;
}

/** The rules as data: what each requires and where the law says so. */
export const STANDING_RULES: Readonly<Record<StandingRule, StandingRuleDefinition>> = Object.freeze({
  // The court tries the case (CPL (2023) art. 6); it cannot also be a party to it.
  [StandingRule.COURT_NOT_A_PARTY]: {
    source: 'Civil Procedure Law (2023) art. 6',
    requirement: 'a court tries cases and cannot be a plaintiff or a supporter',
  },
  // PIPL art. 70; CPL (2023) art. 58: procuratorates, consumer organisations, designated organisations.
  [StandingRule.CIVIL_PIL_PLAINTIFF]: {
    source: 'PIPL art. 70; Civil Procedure Law (2023) art. 58',
    requirement:
      'the plaintiff of a civil public-interest case must be a procuratorate, a consumer association at provincial level or above, or an organisation designated by the national cyberspace authority',
  },
  // CRPL art. 47: only the China Consumers Association and the provincial-level associations.
  [StandingRule.CONSUMER_ASSOCIATION_LEVEL]: {
    source: 'Consumer Rights Protection Law art. 47',
    requirement: 'a consumer association below provincial level cannot bring a public-interest case',
  },
  // Administrative Procedure Law art. 25(4): only the procuratorate brings administrative PIL.
  [StandingRule.ADMINISTRATIVE_PIL_PLAINTIFF]: {
    source: 'Administrative Procedure Law art. 25(4)',
    requirement: 'only a procuratorate can bring an administrative public-interest case',
  },
  // CPL (2023) art. 58(1): the organisation sues; art. 58(2) (and art. 15): the procuratorate supports.
  [StandingRule.SUPPORTED_SUIT_PLAINTIFF]: {
    source: 'Civil Procedure Law (2023) arts. 15, 58; Consumer Rights Protection Law art. 47; PIPL art. 70',
    requirement:
      'the plaintiff of a supported suit must be a consumer association at provincial level or above or a designated organisation (a procuratorate supports it instead of suing)',
  },
  // CPL (2023) art. 58(2): where an organisation brings a public-interest suit, the procuratorate
  // may support it (the general rule of support is art. 15). A SUPPORTED case is that suit.
  [StandingRule.SUPPORTED_SUIT_SUPPORTER]: {
    source: 'Civil Procedure Law (2023) arts. 15, 58(2)',
    requirement: "a supported suit is supported by a procuratorate (an organisation's public-interest suit)",
  },
  // CPL (2023) art. 15: organs, social organisations and enterprises may support a suit; the
  // public-interest plaintiff sues itself and takes no supporter.
  [StandingRule.SUPPORTER_KIND]: {
    source: 'Civil Procedure Law (2023) art. 15',
    requirement:
      'a representative action may be supported by a procuratorate, consumer association or designated organisation; public-interest cases take no supporter',
  },
  // CPL (2023) art. 58(2): support of a civil public-interest suit is a procuratorate supporting
  // the organisation that sues, which is a case of type SUPPORTED, not a supporter added here.
  [StandingRule.CIVIL_PIL_SUPPORT_IS_SUPPORTED]: {
    source: 'Civil Procedure Law (2023) art. 58(2)',
    requirement:
      "a civil public-interest case takes no supporter: to support an organisation's public-interest suit, open a case of type SUPPORTED with the organisation as plaintiff and the procuratorate as supporter",
  },
  // CPL (2023) arts. 56-57: the parties themselves sue, through elected representatives.
  [StandingRule.NO_ORGANISATION_PLAINTIFF_IN_REPRESENTATIVE_ACTION]: {
    source: 'Civil Procedure Law (2023) arts. 56-57',
    requirement: 'the claimants are the plaintiffs of a representative action, through their elected representatives; an organisation may support it but not be its plaintiff',
  },
  // SPC interpretation of the CPL (2022) art. 78: 代表人为二至五人.
  [StandingRule.REPRESENTATIVE_COUNT]: {
    source: 'Civil Procedure Law (2023) arts. 56-57; SPC interpretation of the Civil Procedure Law (2022) art. 78',
    requirement: `a representative action needs ${REPRESENTATIVES.min} to ${REPRESENTATIVES.max} elected representatives`,
  },
  // Administrative Procedure Law art. 25(4): the agency is the defendant of an administrative case only.
  [StandingRule.AGENCY_ONLY_IN_ADMINISTRATIVE_PIL]: {
    source: 'Administrative Procedure Law art. 25(4)',
    requirement: 'only an administrative public-interest case is brought against an agency',
  },
  // Administrative Procedure Law art. 49(2): a definite defendant; one agency per case here.
  [StandingRule.ONE_AGENCY]: {
    source: 'Administrative Procedure Law arts. 25(4), 49(2)',
    requirement: 'an administrative public-interest case names exactly one agency as defendant before filing',
  },
  // CPL (2023) art. 122(1): the plaintiff has a direct interest or, in PIL, statutory standing.
  [StandingRule.PLAINTIFF_REQUIRED]: {
    source: 'Civil Procedure Law (2023) art. 122(1)',
    requirement: 'a public-interest or supported case needs a plaintiff organisation before filing',
  },
  // CPL (2023) art. 122(2): a definite defendant.
  [StandingRule.DEFENDANT_REQUIRED]: {
    source: 'Civil Procedure Law (2023) art. 122(2)',
    requirement: 'a civil case needs at least one defendant before filing',
  },
  // CPL (2023) arts. 15, 58(2): a supported suit without its supporting procuratorate is an ordinary suit.
  [StandingRule.SUPPORTER_REQUIRED]: {
    source: 'Civil Procedure Law (2023) arts. 15, 58(2)',
    requirement: 'a supported suit needs its supporting procuratorate before filing',
  },
});

/** A party that fails a standing rule. The message names the rule and its source. */
export class StandingError extends DomainError {
  constructor(readonly rule: StandingRule) {
    const def = STANDING_RULES[rule];
    super(ErrorCode.BAD_USER_INPUT, `Standing (${rule}): ${def.requirement} (${def.source})`, { rule, source: def.source });
  }
}

/** What standing depends on: the organisation's kind and level. */
export interface StandingOrganisation {
  readonly kind: OrganisationKind;
  readonly level: AdministrativeLevel | null;
}

const PROVINCIAL_OR_ABOVE: readonly (AdministrativeLevel | null)[] = [AdministrativeLevel.NATIONAL, AdministrativeLevel.PROVINCIAL];

/** A consumer association with public-interest standing, or a designated organisation. */
function isEligibleOrganisation(org: StandingOrganisation): boolean {
  if (org.kind === OrganisationKind.DESIGNATED_ORGANISATION) return true;
  if (org.kind === OrganisationKind.CONSUMER_ASSOCIATION) {
    if (!PROVINCIAL_OR_ABOVE.includes(org.level)) throw new StandingError(StandingRule.CONSUMER_ASSOCIATION_LEVEL);
    return true;
  }
  return false;
}

/** Throws StandingError unless `org` may be a plaintiff of a case of `type`. */
export function checkPlaintiff(type: CaseType, org: StandingOrganisation): void {
  if (org.kind === OrganisationKind.COURT) throw new StandingError(StandingRule.COURT_NOT_A_PARTY);
  switch (type) {
    case CaseType.CIVIL_PUBLIC_INTEREST:
      if (org.kind !== OrganisationKind.PROCURATORATE && !isEligibleOrganisation(org)) {
        throw new StandingError(StandingRule.CIVIL_PIL_PLAINTIFF);
      }
      return;
    case CaseType.ADMINISTRATIVE_PUBLIC_INTEREST:
      if (org.kind !== OrganisationKind.PROCURATORATE) throw new StandingError(StandingRule.ADMINISTRATIVE_PIL_PLAINTIFF);
      return;
    case CaseType.SUPPORTED:
      if (!isEligibleOrganisation(org)) throw new StandingError(StandingRule.SUPPORTED_SUIT_PLAINTIFF);
      return;
    case CaseType.REPRESENTATIVE_ACTION:
      throw new StandingError(StandingRule.NO_ORGANISATION_PLAINTIFF_IN_REPRESENTATIVE_ACTION);
  }
}

/** Who may support the claimants' own suit (CPL (2023) art. 15); the installation's operator may not. */
const REPRESENTATIVE_ACTION_SUPPORTER_KINDS: readonly OrganisationKind[] = [
  OrganisationKind.PROCURATORATE,
  OrganisationKind.CONSUMER_ASSOCIATION,
  OrganisationKind.DESIGNATED_ORGANISATION,
];

/** Throws StandingError unless `org` may support a case of `type`. */
export function checkSupporter(type: CaseType, org: StandingOrganisation): void {
  if (org.kind === OrganisationKind.COURT) throw new StandingError(StandingRule.COURT_NOT_A_PARTY);
  if (type === CaseType.SUPPORTED) {
    if (org.kind !== OrganisationKind.PROCURATORATE) throw new StandingError(StandingRule.SUPPORTED_SUIT_SUPPORTER);
    return;
  }
  if (type === CaseType.CIVIL_PUBLIC_INTEREST) throw new StandingError(StandingRule.CIVIL_PIL_SUPPORT_IS_SUPPORTED);
  if (type !== CaseType.REPRESENTATIVE_ACTION || !REPRESENTATIVE_ACTION_SUPPORTER_KINDS.includes(org.kind)) {
    throw new StandingError(StandingRule.SUPPORTER_KIND);
  }
}

/** Throws StandingError unless a case of `type` may be brought against an agency at all. */
export function checkAgencyAllowed(type: CaseType, agenciesAlready: number): void {
  if (type !== CaseType.ADMINISTRATIVE_PUBLIC_INTEREST) throw new StandingError(StandingRule.AGENCY_ONLY_IN_ADMINISTRATIVE_PIL);
  if (agenciesAlready > 0) throw new StandingError(StandingRule.ONE_AGENCY);
}

/** Throws StandingError unless `count` representatives may be elected. */
export function checkRepresentativeCount(type: CaseType, count: number): void {
  if (type !== CaseType.REPRESENTATIVE_ACTION || count < REPRESENTATIVES.min || count > REPRESENTATIVES.max) {
    throw new StandingError(StandingRule.REPRESENTATIVE_COUNT);
  }
}

/**
 * When representatives may be elected: before filing; and, when the number of claimants is
 * uncertain, also during registration, since the claimants who register elect them (CPL (2023)
 * art. 57; SPC interpretation of the CPL (2022) arts. 77, 79).
 */
export function mayElectRepresentativesAt(stage: CaseStage, claimantsNumberUncertain: boolean): boolean {
  return PRE_FILING_STAGES.includes(stage) || (claimantsNumberUncertain && stage === CaseStage.REGISTRATION);
}

/** The parties of a case as filing needs them: counts per role. */
export interface PartyCounts {
  readonly plaintiffs: number;
  readonly supporters: number;
  readonly defendants: number;
  readonly agencies: number;
  readonly representatives: number;
}

/**
 * Throws StandingError naming the first rule a case of `type` with these parties fails at filing.
 * A representative action with an uncertain number of claimants files without representatives:
 * they are elected by those who register (CPL (2023) art. 57), checked by checkReadyAfterRegistration.
 */
export function checkReadyToFile(type: CaseType, parties: PartyCounts, claimantsNumberUncertain = false): void {
  switch (type) {
    case CaseType.CIVIL_PUBLIC_INTEREST:
      if (parties.plaintiffs < 1) throw new StandingError(StandingRule.PLAINTIFF_REQUIRED);
      if (parties.defendants < 1) throw new StandingError(StandingRule.DEFENDANT_REQUIRED);
      return;
    case CaseType.ADMINISTRATIVE_PUBLIC_INTEREST:
      if (parties.plaintiffs < 1) throw new StandingError(StandingRule.PLAINTIFF_REQUIRED);
      if (parties.agencies !== 1) throw new StandingError(StandingRule.ONE_AGENCY);
      return;
    case CaseType.SUPPORTED:
      if (parties.plaintiffs < 1) throw new StandingError(StandingRule.PLAINTIFF_REQUIRED);
      if (parties.supporters < 1) throw new StandingError(StandingRule.SUPPORTER_REQUIRED);
      if (parties.defendants < 1) throw new StandingError(StandingRule.DEFENDANT_REQUIRED);
      return;
    case CaseType.REPRESENTATIVE_ACTION:
      // CPL (2023) art. 56: with a known number, the parties sue through representatives elected already.
      if (!claimantsNumberUncertain) checkRepresentativeCount(type, parties.representatives);
      if (parties.defendants < 1) throw new StandingError(StandingRule.DEFENDANT_REQUIRED);
      return;
  }
}

/**
 * Throws StandingError unless a case leaving REGISTRATION (a representative action with an
 * uncertain number of claimants) has its elected representatives: the registered claimants elect
 * them during registration (CPL (2023) art. 57; SPC interpretation of the CPL (2022) arts. 77-79).
 */
export function checkReadyAfterRegistration(type: CaseType, parties: PartyCounts): void {
  checkRepresentativeCount(type, parties.representatives);
}
