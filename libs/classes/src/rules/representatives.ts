import { registerEnumType } from '@nestjs/graphql';

/**
 * Adequacy of representation (domain.md section 6): warnings for the judge, not refusals. How
 * many representatives a representative action takes is issue 3's rule (checkRepresentativeCount
 * in libs/cases, SPC interpretation of the CPL (2022) art. 78), reused, not restated here.
 */
export enum AdequacyWarningKind {
  /** The representative's subclass holds under ATYPICAL_SUBCLASS_SHARE of the current members. */
  ATYPICAL_SUBCLASS = 'ATYPICAL_SUBCLASS',
  /** The representative is not (yet) admitted by the court. */
  NOT_ADMITTED = 'NOT_ADMITTED',
  /** The representative is also a current member of another class over the same incident. */
  IN_ANOTHER_CLASS = 'IN_ANOTHER_CLASS',
}
registerEnumType(AdequacyWarningKind, { name: 'AdequacyWarningKind' });

/** A subclass below this share of the current members makes its representative's claim atypical. */
export const ATYPICAL_SUBCLASS_SHARE = 0.1;

/** True when a subclass holding `subclassMembers` of `currentMembers` is atypical for the class. */
export function isAtypicalShare(subclassMembers: number, currentMembers: number): boolean {
  return currentMembers > 0 && subclassMembers / currentMembers < ATYPICAL_SUBCLASS_SHARE;
}
