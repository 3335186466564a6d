import { AdministrativeLevel, OrganisationKind } from '@app/platform/organisations/organisation.entity';
import { inAnnouncementAudience } from '@app/platform/visibility/visibility';
import { CaseStage, CaseType } from './case-types';
import {
  checkAgencyAllowed,
  checkPlaintiff,
  checkReadyAfterRegistration,
  checkReadyToFile,
  checkRepresentativeCount,
  checkSupporter,
  mayElectRepresentativesAt,
  type PartyCounts,
  REPRESENTATIVES,
  STANDING_RULES,
  StandingError,
  StandingRule,
} from './standing';

const org = (kind: OrganisationKind, level: AdministrativeLevel | null = AdministrativeLevel.PROVINCIAL) => ({ kind, level });
const procuratorate = org(OrganisationKind.PROCURATORATE, AdministrativeLevel.COUNTY);
const provincialAssociation = org(OrganisationKind.CONSUMER_ASSOCIATION, AdministrativeLevel.PROVINCIAL);
const chinaConsumersAssociation = org(OrganisationKind.CONSUMER_ASSOCIATION, AdministrativeLevel.NATIONAL);
const cityAssociation = org(OrganisationKind.CONSUMER_ASSOCIATION, AdministrativeLevel.PREFECTURAL);
const designated = org(OrganisationKind.DESIGNATED_ORGANISATION, null);
const court = org(OrganisationKind.COURT);

/** The rule a call refuses with, or undefined when it passes. */
function refusal(call: () => void): StandingRule | undefined {
  try {
    call();
    return undefined;
  } catch (error) {
    if (error instanceof StandingError) return error.rule;
    throw error;
  }
}

describe('standing rules', () => {
  it('gives every rule a source article', () => {
    for (const rule of Object.values(StandingRule)) expect(STANDING_RULES[rule].source).toMatch(/art/);
  });

  it('names the rule and its source in the error message', () => {
    const error = new StandingError(StandingRule.CONSUMER_ASSOCIATION_LEVEL);
    expect(error.message).toBe(
      'Standing (CONSUMER_ASSOCIATION_LEVEL): a consumer association below provincial level cannot bring a public-interest case (Consumer Rights Protection Law art. 47)',
    );
    expect(error.facts).toEqual({ rule: 'CONSUMER_ASSOCIATION_LEVEL', source: 'Consumer Rights Protection Law art. 47' });
  });

  describe('civil public-interest plaintiff (PIPL art. 70; CPL art. 58; CRPL art. 47)', () => {
    it('accepts a procuratorate of any level, a provincial or national consumer association and a designated organisation', () => {
      for (const plaintiff of [procuratorate, provincialAssociation, chinaConsumersAssociation, designated]) {
        expect(refusal(() => checkPlaintiff(CaseType.CIVIL_PUBLIC_INTEREST, plaintiff))).toBeUndefined();
      }
    });

    it('refuses a consumer association below provincial level', () => {
      expect(refusal(() => checkPlaintiff(CaseType.CIVIL_PUBLIC_INTEREST, cityAssociation))).toBe(StandingRule.CONSUMER_ASSOCIATION_LEVEL);
      expect(refusal(() => checkPlaintiff(CaseType.CIVIL_PUBLIC_INTEREST, org(OrganisationKind.CONSUMER_ASSOCIATION, null)))).toBe(
        StandingRule.CONSUMER_ASSOCIATION_LEVEL,
      );
    });

    it('refuses a court as plaintiff or supporter of any case', () => {
      for (const type of Object.values(CaseType)) {
        expect(refusal(() => checkPlaintiff(type, court))).toBe(StandingRule.COURT_NOT_A_PARTY);
        expect(refusal(() => checkSupporter(type, court))).toBe(StandingRule.COURT_NOT_A_PARTY);
      }
    });
  });

  it('lets only a procuratorate bring an administrative public-interest case (ALP art. 25(4))', () => {
    expect(refusal(() => checkPlaintiff(CaseType.ADMINISTRATIVE_PUBLIC_INTEREST, procuratorate))).toBeUndefined();
    expect(refusal(() => checkPlaintiff(CaseType.ADMINISTRATIVE_PUBLIC_INTEREST, provincialAssociation))).toBe(StandingRule.ADMINISTRATIVE_PIL_PLAINTIFF);
  });

  it('makes the association the plaintiff and the procuratorate the supporter of a supported suit (CPL arts. 15, 58(2))', () => {
    expect(refusal(() => checkPlaintiff(CaseType.SUPPORTED, provincialAssociation))).toBeUndefined();
    expect(refusal(() => checkPlaintiff(CaseType.SUPPORTED, procuratorate))).toBe(StandingRule.SUPPORTED_SUIT_PLAINTIFF);
    expect(refusal(() => checkPlaintiff(CaseType.SUPPORTED, cityAssociation))).toBe(StandingRule.CONSUMER_ASSOCIATION_LEVEL);
    expect(refusal(() => checkSupporter(CaseType.SUPPORTED, procuratorate))).toBeUndefined();
    expect(refusal(() => checkSupporter(CaseType.SUPPORTED, designated))).toBe(StandingRule.SUPPORTED_SUIT_SUPPORTER);
    expect(refusal(() => checkSupporter(CaseType.SUPPORTED, provincialAssociation))).toBe(StandingRule.SUPPORTED_SUIT_SUPPORTER);
  });

  it("cites CPL (2023) art. 58(2) besides art. 15 for a procuratorate's support of an organisation's public-interest suit", () => {
    for (const rule of [StandingRule.SUPPORTED_SUIT_SUPPORTER, StandingRule.SUPPORTER_REQUIRED]) {
      expect(STANDING_RULES[rule].source).toBe('Civil Procedure Law (2023) arts. 15, 58(2)');
    }
    expect(() => checkSupporter(CaseType.SUPPORTED, designated)).toThrow(
      "Standing (SUPPORTED_SUIT_SUPPORTER): a supported suit is supported by a procuratorate (an organisation's public-interest suit) (Civil Procedure Law (2023) arts. 15, 58(2))",
    );
    // A representative action's supporter rests on art. 15 alone: art. 58 is about public-interest suits.
    expect(STANDING_RULES[StandingRule.SUPPORTER_KIND].source).toBe('Civil Procedure Law (2023) art. 15');
  });

  it('calls on exactly the organisations with standing to bring a civil public-interest case when an announcement is published (visibility policy)', () => {
    // The pre-litigation announcement (SPC/SPP interpretation art. 13) makes its incident visible
    // to those who could sue on it: the policy's table must say what checkPlaintiff says.
    for (const kind of Object.values(OrganisationKind)) {
      for (const level of [...Object.values(AdministrativeLevel), null]) {
        const standing = refusal(() => checkPlaintiff(CaseType.CIVIL_PUBLIC_INTEREST, org(kind, level))) === undefined;
        expect({ kind, level, audience: inAnnouncementAudience({ kind, level }) }).toEqual({ kind, level, audience: standing });
      }
    }
    expect(inAnnouncementAudience(cityAssociation)).toBe(false);
    expect(inAnnouncementAudience(provincialAssociation)).toBe(true);
    expect(inAnnouncementAudience(org(OrganisationKind.COURT))).toBe(false);
  });

  it('refuses supporters in public-interest cases, which a procuratorate or organisation brings itself', () => {
    expect(refusal(() => checkSupporter(CaseType.ADMINISTRATIVE_PUBLIC_INTEREST, designated))).toBe(StandingRule.SUPPORTER_KIND);
  });

  it('sends a supporter of a civil public-interest case to type SUPPORTED, citing CPL art. 58(2)', () => {
    expect(refusal(() => checkSupporter(CaseType.CIVIL_PUBLIC_INTEREST, procuratorate))).toBe(StandingRule.CIVIL_PIL_SUPPORT_IS_SUPPORTED);
    expect(refusal(() => checkSupporter(CaseType.CIVIL_PUBLIC_INTEREST, designated))).toBe(StandingRule.CIVIL_PIL_SUPPORT_IS_SUPPORTED);
    let message = '';
    try {
      checkSupporter(CaseType.CIVIL_PUBLIC_INTEREST, procuratorate);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('type SUPPORTED');
    expect(message).toContain('Civil Procedure Law (2023) art. 58(2)');
    expect(message).not.toContain('art. 15');
  });

  describe('representative action (CPL arts. 56-57)', () => {
    it('refuses any organisation as plaintiff but accepts one as supporter', () => {
      expect(refusal(() => checkPlaintiff(CaseType.REPRESENTATIVE_ACTION, provincialAssociation))).toBe(
        StandingRule.NO_ORGANISATION_PLAINTIFF_IN_REPRESENTATIVE_ACTION,
      );
      expect(refusal(() => checkSupporter(CaseType.REPRESENTATIVE_ACTION, cityAssociation))).toBeUndefined();
    });

    it('refuses the installation operator as a party of any kind', () => {
      const operator = org(OrganisationKind.OPERATOR, null);
      for (const type of Object.values(CaseType)) {
        expect(refusal(() => checkPlaintiff(type, operator))).toBeDefined();
        expect(refusal(() => checkSupporter(type, operator))).toBeDefined();
      }
    });

    it('needs 2 to 5 representatives (SPC interpretation art. 78)', () => {
      expect([1, 2, 5, 6].map((n) => refusal(() => checkRepresentativeCount(CaseType.REPRESENTATIVE_ACTION, n)))).toEqual([
        StandingRule.REPRESENTATIVE_COUNT,
        undefined,
        undefined,
        StandingRule.REPRESENTATIVE_COUNT,
      ]);
      expect(refusal(() => checkRepresentativeCount(CaseType.CIVIL_PUBLIC_INTEREST, 3))).toBe(StandingRule.REPRESENTATIVE_COUNT);
    });
  });

  it('allows one agency, and only in an administrative public-interest case', () => {
    expect(refusal(() => checkAgencyAllowed(CaseType.ADMINISTRATIVE_PUBLIC_INTEREST, 0))).toBeUndefined();
    expect(refusal(() => checkAgencyAllowed(CaseType.ADMINISTRATIVE_PUBLIC_INTEREST, 1))).toBe(StandingRule.ONE_AGENCY);
    expect(refusal(() => checkAgencyAllowed(CaseType.CIVIL_PUBLIC_INTEREST, 0))).toBe(StandingRule.AGENCY_ONLY_IN_ADMINISTRATIVE_PIL);
  });

  describe('ready to file', () => {
    const none: PartyCounts = { plaintiffs: 0, supporters: 0, defendants: 0, agencies: 0, representatives: 0 };

    it.each([
      [CaseType.CIVIL_PUBLIC_INTEREST, { ...none, defendants: 1 }, StandingRule.PLAINTIFF_REQUIRED],
      [CaseType.CIVIL_PUBLIC_INTEREST, { ...none, plaintiffs: 1 }, StandingRule.DEFENDANT_REQUIRED],
      [CaseType.CIVIL_PUBLIC_INTEREST, { ...none, plaintiffs: 1, defendants: 2 }, undefined],
      [CaseType.ADMINISTRATIVE_PUBLIC_INTEREST, { ...none, plaintiffs: 1 }, StandingRule.ONE_AGENCY],
      [CaseType.ADMINISTRATIVE_PUBLIC_INTEREST, { ...none, plaintiffs: 1, agencies: 1 }, undefined],
      [CaseType.SUPPORTED, { ...none, plaintiffs: 1, defendants: 1 }, StandingRule.SUPPORTER_REQUIRED],
      [CaseType.SUPPORTED, { ...none, plaintiffs: 1, supporters: 1, defendants: 1 }, undefined],
      [CaseType.REPRESENTATIVE_ACTION, { ...none, supporters: 1, defendants: 1 }, StandingRule.REPRESENTATIVE_COUNT],
      [CaseType.REPRESENTATIVE_ACTION, { ...none, representatives: 2 }, StandingRule.DEFENDANT_REQUIRED],
      [CaseType.REPRESENTATIVE_ACTION, { ...none, representatives: 2, defendants: 1 }, undefined],
    ])('%s with %o: %s', (type, counts, expected) => {
      expect(refusal(() => checkReadyToFile(type, counts))).toBe(expected);
    });

    it('files a representative action with an uncertain number of claimants before any representative is elected (CPL art. 57)', () => {
      const noRepresentatives = { ...none, supporters: 1, defendants: 1 };
      expect(refusal(() => checkReadyToFile(CaseType.REPRESENTATIVE_ACTION, noRepresentatives, true))).toBeUndefined();
      expect(refusal(() => checkReadyToFile(CaseType.REPRESENTATIVE_ACTION, { ...noRepresentatives, defendants: 0 }, true))).toBe(
        StandingRule.DEFENDANT_REQUIRED,
      );
      expect(refusal(() => checkReadyToFile(CaseType.REPRESENTATIVE_ACTION, noRepresentatives, false))).toBe(StandingRule.REPRESENTATIVE_COUNT);
    });
  });

  describe('representatives of an uncertain number of claimants (CPL art. 57; SPC interpretation arts. 77-79)', () => {
    const none: PartyCounts = { plaintiffs: 0, supporters: 1, defendants: 1, agencies: 0, representatives: 0 };

    it('needs the 2 to 5 representatives when registration closes', () => {
      expect([0, 1, 2, 5, 6].map((representatives) => refusal(() => checkReadyAfterRegistration(CaseType.REPRESENTATIVE_ACTION, { ...none, representatives })))).toEqual([
        StandingRule.REPRESENTATIVE_COUNT,
        StandingRule.REPRESENTATIVE_COUNT,
        undefined,
        undefined,
        StandingRule.REPRESENTATIVE_COUNT,
      ]);
      expect(STANDING_RULES[StandingRule.REPRESENTATIVE_COUNT].requirement).toContain(`${REPRESENTATIVES.min} to ${REPRESENTATIVES.max}`);
    });

    it('lets them be elected during registration, and a known number only before filing', () => {
      expect(mayElectRepresentativesAt(CaseStage.INVESTIGATION, false)).toBe(true);
      expect(mayElectRepresentativesAt(CaseStage.REGISTRATION, true)).toBe(true);
      expect(mayElectRepresentativesAt(CaseStage.FILED, false)).toBe(false);
      expect(mayElectRepresentativesAt(CaseStage.EVIDENCE_EXCHANGE, true)).toBe(false);
    });
  });
});
