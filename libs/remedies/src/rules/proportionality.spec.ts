import { RemedyKind } from './lifecycle';
import { checkProportionality, ProportionalityRule as R, RemedyMedium as M } from './proportionality';

const rules = (kind: RemedyKind, medium: M | null, peopleAffected: number | null, durationDays: number | null = null) =>
  checkProportionality({ kind, medium, peopleAffected, durationDays }).map((w) => w.rule);

describe('proportionality of an apology or of eliminating the impact (Civil Code art. 1000(1))', () => {
  it('a private letter for a leak of 10,000 people or more is out of proportion; for 9,999 it is not', () => {
    expect(rules(RemedyKind.APOLOGY, M.LETTER_TO_EACH_MEMBER, 10_000)).toEqual([R.PRIVATE_MEDIUM_FOR_MASS_LEAK]);
    expect(rules(RemedyKind.APOLOGY, M.LETTER_TO_EACH_MEMBER, 9_999)).toEqual([]);
  });

  it('national media for fewer than 1,000 people is out of proportion; for 1,000 it is not', () => {
    expect(rules(RemedyKind.ELIMINATING_IMPACT, M.NATIONAL_MEDIA, 999)).toEqual([R.NATIONAL_MEDIA_FOR_HANDFUL]);
    expect(rules(RemedyKind.ELIMINATING_IMPACT, M.NATIONAL_MEDIA, 1_000)).toEqual([]);
  });

  it('provincial media for fewer than 100 people is out of proportion; for 100 it is not', () => {
    expect(rules(RemedyKind.APOLOGY, M.PROVINCIAL_MEDIA, 99)).toEqual([R.PROVINCIAL_MEDIA_FOR_HANDFUL]);
    expect(rules(RemedyKind.APOLOGY, M.PROVINCIAL_MEDIA, 100)).toEqual([]);
  });

  it('an online notice for a mass leak stays up at least 30 days', () => {
    expect(rules(RemedyKind.APOLOGY, M.APP_HOME_PAGE, 2_000_000, 29)).toEqual([R.SHORT_ONLINE_NOTICE_FOR_MASS_LEAK]);
    expect(rules(RemedyKind.APOLOGY, M.WEBSITE, 2_000_000, 30)).toEqual([]);
    expect(rules(RemedyKind.APOLOGY, M.WEBSITE, 9_999, 1)).toEqual([]);
  });

  it('warns about nothing when the leak has no estimate, and never for cessation or compensation', () => {
    expect(rules(RemedyKind.APOLOGY, M.LETTER_TO_EACH_MEMBER, null)).toEqual([]);
    expect(rules(RemedyKind.CESSATION, M.NATIONAL_MEDIA, 5)).toEqual([]);
  });

  it('each warning names its rule, its article and the figures', () => {
    expect(checkProportionality({ kind: RemedyKind.APOLOGY, medium: M.LETTER_TO_EACH_MEMBER, peopleAffected: 3_000_000, durationDays: null })).toEqual([
      { rule: R.PRIVATE_MEDIUM_FOR_MASS_LEAK, source: 'Civil Code art. 1000(1)', message: 'a private LETTER_TO_EACH_MEMBER for a leak of 3000000 people (10000 or more call for a public medium)' },
    ]);
  });
});
