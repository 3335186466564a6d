import { CasePartyRole, CaseType, LiabilityBasis } from '@app/cases';
import { ExposureBasis, HarmType } from '@app/claimants';
import { ClassAnomalyKind, ClassStatus, MemberState, ReviewDecisionKind, Subclass } from '@app/classes';
import { DataCategory, DiscoveryChannel, HandlerRole } from '@app/leaks';
import { OrganisationKind } from '@app/platform';
import { BurdenRule } from '@app/proof';
import { AssessmentMethod, RemedyKind, RemedyStatus } from '@app/remedies';
import { EN } from './en';
import { yuan } from './format';
import { chineseNumber, ZH } from './zh';

describe('document texts', () => {
  it('writes fen as yuan with two decimals and thousands separators, without floating point', () => {
    expect(yuan(0)).toBe('0.00');
    expect(yuan(5)).toBe('0.05');
    expect(yuan(23822871)).toBe('238,228.71'); // the Alipay ring's direct loss, domain.md section 8
    expect(yuan(803_000_000_000)).toBe('8,030,000,000.00');
    expect(yuan(-150)).toBe('-1.50');
  });

  it('numbers claims in Chinese numerals and in figures', () => {
    expect([1, 4, 10, 12, 20, 21].map(chineseNumber)).toEqual(['一', '四', '十', '十二', '二十', '二十一']);
    expect(ZH.ordinal(3)).toBe('三、');
    expect(EN.ordinal(3)).toBe('3. ');
  });

  it('dates documents as each language writes a date', () => {
    expect(ZH.date('2025-05-06')).toBe('2025年5月6日');
    expect(EN.date('2025-05-06')).toBe('6 May 2025');
  });

  it('formats money, counts and shares for reading', () => {
    expect(ZH.money(40000)).toBe('人民币400.00元');
    expect(EN.money(40000)).toBe('CNY 400.00');
    expect(EN.number(120000, 'count')).toBe('120,000');
    expect(EN.number(0.4, 'share')).toBe('40.0%');
    expect(ZH.pageOf(2, 45)).toBe('第 2 页 / 共 45 页');
    expect(EN.pageOf(2, 45)).toBe('Page 2 of 45');
  });

  it('joins names as each language lists them', () => {
    expect(ZH.list(['甲', '乙', '丙'])).toBe('甲、乙、丙');
    expect(EN.list(['A', 'B', 'C'])).toBe('A, B and C');
    expect(EN.list(['A'])).toBe('A');
  });

  it('names every value of every enum a document shows, in both languages', () => {
    const shown: Record<keyof typeof ZH.enums, object> = {
      caseType: CaseType,
      partyRole: CasePartyRole,
      organisationKind: OrganisationKind,
      handlerRole: HandlerRole,
      liabilityBasis: LiabilityBasis,
      dataCategory: DataCategory,
      harmType: HarmType,
      basis: ExposureBasis,
      subclass: Subclass,
      memberState: MemberState,
      classStatus: ClassStatus,
      decisionKind: ReviewDecisionKind,
      anomalyKind: ClassAnomalyKind,
      discoveryChannel: DiscoveryChannel,
      burdenRule: BurdenRule,
    };
    for (const [name, values] of Object.entries(shown)) {
      const expected = Object.values(values).sort();
      expect([name, Object.keys(ZH.enums[name as keyof typeof ZH.enums]).sort()]).toEqual([name, expected]);
      expect([name, Object.keys(EN.enums[name as keyof typeof EN.enums]).sort()]).toEqual([name, expected]);
    }
  });

  it('names every remedy kind, remedy status and assessment method of the remedy schedule, in both languages', () => {
    for (const [name, values] of [['kind', RemedyKind], ['status', RemedyStatus], ['method', AssessmentMethod]] as const) {
      for (const texts of [ZH, EN]) expect([name, Object.keys(texts.remedySchedule[name]).sort()]).toEqual([name, Object.values(values).sort()]);
    }
  });

  it("writes a defendant's extent: in full, or its share from basis points", () => {
    expect([ZH.remedySchedule.extent(null), ZH.remedySchedule.extent(2000), ZH.remedySchedule.extent(1250)]).toEqual(['全部连带', '20%', '12.50%']);
    expect([EN.remedySchedule.extent(null), EN.remedySchedule.extent(500)]).toEqual(['in full', '5%']);
  });
});
