import { RemedyKind } from './lifecycle';

/** Where an apology is published, or how far the measures eliminating the impact reach. */
export enum RemedyMedium {
  NATIONAL_MEDIA = 'NATIONAL_MEDIA',
  PROVINCIAL_MEDIA = 'PROVINCIAL_MEDIA',
  /** The home page of the defendant's app. */
  APP_HOME_PAGE = 'APP_HOME_PAGE',
  WEBSITE = 'WEBSITE',
  /** A letter (or message) to each member: the one private medium. */
  LETTER_TO_EACH_MEMBER = 'LETTER_TO_EACH_MEMBER',
}

/** A private medium reaches only the people written to; every other medium is public. */
export const PRIVATE_MEDIA: readonly RemedyMedium[] = Object.freeze([RemedyMedium.LETTER_TO_EACH_MEMBER]);

/** The online media shown for a number of days. */
const ONLINE_MEDIA: readonly RemedyMedium[] = [RemedyMedium.APP_HOME_PAGE, RemedyMedium.WEBSITE];

/** Names of the proportionality rules; each warning carries one. */
export enum ProportionalityRule {
  PRIVATE_MEDIUM_FOR_MASS_LEAK = 'PRIVATE_MEDIUM_FOR_MASS_LEAK',
  NATIONAL_MEDIA_FOR_HANDFUL = 'NATIONAL_MEDIA_FOR_HANDFUL',
  PROVINCIAL_MEDIA_FOR_HANDFUL = 'PROVINCIAL_MEDIA_FOR_HANDFUL',
  SHORT_ONLINE_NOTICE_FOR_MASS_LEAK = 'SHORT_ONLINE_NOTICE_FOR_MASS_LEAK',
}

/** What the check reads of an apology or an eliminating-the-impact remedy and of its leak. */
export interface ProportionalityFacts {
  readonly kind: RemedyKind;
  readonly medium: RemedyMedium | null;
  readonly durationDays: number | null;
  /** People the leak reached: the largest estimate of the case's incidents; null when none is known. */
  readonly peopleAffected: number | null;
}

/** One row of PROPORTIONALITY_RULES: when it warns, and why. */
export interface ProportionalityRuleDefinition {
  readonly rule: ProportionalityRule;
  readonly source: string;
  readonly applies: (facts: ProportionalityFacts) => boolean;
  readonly message: (facts: ProportionalityFacts) => string;
}

/** A leak of at least this many people is "mass": a private letter cannot match its reach. */
export const MASS_LEAK_PEOPLE = 10_000;
/** A leak of fewer than this many people is a "handful" for national media. */
export const NATIONAL_HANDFUL_PEOPLE = 1_000;
/** ... and for provincial media. */
export const PROVINCIAL_HANDFUL_PEOPLE = 100;
/** An online notice for a mass leak stays up at least this many days. */
export const MASS_LEAK_MIN_ONLINE_DAYS = 30;

// Every rule applies Civil Code art. 1000(1): the apology and the elimination of the impact must
// match the manner of the act and the scope of its impact (与行为的具体方式和造成的影响范围相当).
const ART_1000 = 'Civil Code art. 1000(1)';

/** The rule table: an apology or eliminating-the-impact remedy out of proportion to the leak. */
export const PROPORTIONALITY_RULES: readonly ProportionalityRuleDefinition[] = Object.freeze([
  {
    rule: ProportionalityRule.PRIVATE_MEDIUM_FOR_MASS_LEAK,
    source: ART_1000,
    applies: (f) => f.medium !== null && PRIVATE_MEDIA.includes(f.medium) && f.peopleAffected !== null && f.peopleAffected >= MASS_LEAK_PEOPLE,
    message: (f) => `a private ${f.medium} for a leak of ${f.peopleAffected} people (${MASS_LEAK_PEOPLE} or more call for a public medium)`,
  },
  {
    rule: ProportionalityRule.NATIONAL_MEDIA_FOR_HANDFUL,
    source: ART_1000,
    applies: (f) => f.medium === RemedyMedium.NATIONAL_MEDIA && f.peopleAffected !== null && f.peopleAffected < NATIONAL_HANDFUL_PEOPLE,
    message: (f) => `national media for a leak of ${f.peopleAffected} people (fewer than ${NATIONAL_HANDFUL_PEOPLE})`,
  },
  {
    rule: ProportionalityRule.PROVINCIAL_MEDIA_FOR_HANDFUL,
    source: ART_1000,
    applies: (f) => f.medium === RemedyMedium.PROVINCIAL_MEDIA && f.peopleAffected !== null && f.peopleAffected < PROVINCIAL_HANDFUL_PEOPLE,
    message: (f) => `provincial media for a leak of ${f.peopleAffected} people (fewer than ${PROVINCIAL_HANDFUL_PEOPLE})`,
  },
  {
    rule: ProportionalityRule.SHORT_ONLINE_NOTICE_FOR_MASS_LEAK,
    source: ART_1000,
    applies: (f) =>
      f.medium !== null && ONLINE_MEDIA.includes(f.medium) && f.durationDays !== null && f.durationDays < MASS_LEAK_MIN_ONLINE_DAYS &&
      f.peopleAffected !== null && f.peopleAffected >= MASS_LEAK_PEOPLE,
    message: (f) => `${f.durationDays} days on the ${f.medium} for a leak of ${f.peopleAffected} people (at least ${MASS_LEAK_MIN_ONLINE_DAYS} days)`,
  },
]);

/** A warning: the rule that fired, its source and what is out of proportion. */
export interface ProportionalityWarning {
  readonly rule: ProportionalityRule;
  readonly source: string;
  readonly message: string;
}

/** The warnings for an apology or eliminating-the-impact remedy; none for the other kinds. */
export function checkProportionality(facts: ProportionalityFacts): ProportionalityWarning[] {
  if (facts.kind !== RemedyKind.APOLOGY && facts.kind !== RemedyKind.ELIMINATING_IMPACT) return [];
  return PROPORTIONALITY_RULES.filter((r) => r.applies(facts)).map((r) => ({ rule: r.rule, source: r.source, message: r.message(facts) }));
}
