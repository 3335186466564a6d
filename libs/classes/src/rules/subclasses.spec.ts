import { DataCategory } from '@app/leaks';
import { ARTICLE_28_PARAMETER, ruleSubclassSql, Subclass, SUBCLASS_RULES, SubclassRuleId, subclassOf, subclassRuleById, subclassRuleOf, subclassRuleSql } from './subclasses';

describe('subclass rules', () => {
  const facts = (verifiedCategories: DataCategory[], declaredLossFen: bigint | null = null, declaredCategories: DataCategory[] = []) => ({
    verifiedCategories,
    declaredCategories,
    declaredLossFen,
  });

  it("puts a member whose own seized rows carry a PIPL art. 28 category in SENSITIVE_DATA, saying the seized data shows it", () => {
    expect(subclassRuleOf(facts([DataCategory.NAME, DataCategory.MEDICAL_HEALTH])).id).toBe(SubclassRuleId.SENSITIVE_DATA_IN_SEIZED_ROWS);
    expect(subclassOf(facts([DataCategory.LOCATION_WHEREABOUTS]))).toBe(Subclass.SENSITIVE_DATA);
    expect(subclassOf(facts([DataCategory.MINOR_UNDER_14]))).toBe(Subclass.SENSITIVE_DATA);
  });

  it('puts a member who declared a PIPL art. 28 category with evidence in SENSITIVE_DATA, as declared', () => {
    const rule = subclassRuleOf(facts([DataCategory.PHONE_NUMBER], null, [DataCategory.BIOMETRIC]));
    expect(rule).toMatchObject({ id: SubclassRuleId.SENSITIVE_DATA_DECLARED, subclass: Subclass.SENSITIVE_DATA });
  });

  it('prefers the seized data over a declaration when both show sensitive data', () => {
    expect(subclassRuleOf(facts([DataCategory.MEDICAL_HEALTH], null, [DataCategory.MEDICAL_HEALTH])).id).toBe(SubclassRuleId.SENSITIVE_DATA_IN_SEIZED_ROWS);
  });

  it('lets sensitive data take precedence over a declared loss (the loss stays on the member)', () => {
    expect(subclassOf(facts([DataCategory.FINANCIAL_ACCOUNT], 100n))).toBe(Subclass.SENSITIVE_DATA);
    expect(subclassOf(facts([], 100n, [DataCategory.FINANCIAL_ACCOUNT]))).toBe(Subclass.SENSITIVE_DATA);
  });

  it('does not count the ID number of a match as PIPL art. 28 data: an ID-matched member with a loss is FINANCIAL_LOSS', () => {
    expect(subclassRuleOf(facts([DataCategory.ID_NUMBER, DataCategory.PHONE_NUMBER], 1n)).id).toBe(SubclassRuleId.DECLARED_LOSS);
    expect(subclassOf(facts([DataCategory.ID_NUMBER, DataCategory.ACCOUNT_CREDENTIALS]))).toBe(Subclass.ORDINARY);
  });

  it('does not count a zero or missing loss', () => {
    expect(subclassOf(facts([DataCategory.PHONE_NUMBER], 0n))).toBe(Subclass.ORDINARY);
    expect(subclassOf(facts([DataCategory.PHONE_NUMBER], null))).toBe(Subclass.ORDINARY);
  });

  it('puts everyone else in ORDINARY (contact data, names, purchases)', () => {
    expect(subclassRuleOf(facts([DataCategory.NAME, DataCategory.EMAIL, DataCategory.ADDRESS, DataCategory.PURCHASE_HISTORY])).id).toBe(SubclassRuleId.ORDINARY_DATA);
    expect(subclassOf(facts([]))).toBe(Subclass.ORDINARY);
  });

  it('gives every rule a condition, a reason and a source, and ends with the catch-all', () => {
    for (const rule of SUBCLASS_RULES) {
      expect(rule.condition.length).toBeGreaterThan(10);
      expect(rule.reason.length).toBeGreaterThan(10);
      expect(rule.source).toMatch(/art\./);
    }
    expect(SUBCLASS_RULES.at(-1)!.subclass).toBe(Subclass.ORDINARY);
    expect(subclassRuleById('DECLARED_LOSS')!.subclass).toBe(Subclass.FINANCIAL_LOSS);
    expect(subclassRuleById(null)).toBeNull();
    expect([...ARTICLE_28_PARAMETER].sort()).toEqual(['BIOMETRIC', 'FINANCIAL_ACCOUNT', 'LOCATION_WHEREABOUTS', 'MEDICAL_HEALTH', 'MINOR_UNDER_14', 'RELIGIOUS_BELIEF', 'SPECIFIC_IDENTITY']);
  });

  it('renders the same precedence as one SQL CASE, and the subclass of a rule', () => {
    expect(subclassRuleSql({ verifiedCategories: 'f.v', declaredCategories: 'f.d', declaredLossFen: 'f.l' }, '$4')).toBe(
      "(CASE WHEN f.v && $4::data_category[] THEN 'SENSITIVE_DATA_IN_SEIZED_ROWS' WHEN f.d && $4::data_category[] THEN 'SENSITIVE_DATA_DECLARED' " +
        "WHEN coalesce(f.l > 0, false) THEN 'DECLARED_LOSS' WHEN true THEN 'ORDINARY_DATA' END)",
    );
    expect(ruleSubclassSql('r')).toBe(
      "(CASE r WHEN 'SENSITIVE_DATA_IN_SEIZED_ROWS' THEN 'SENSITIVE_DATA' WHEN 'SENSITIVE_DATA_DECLARED' THEN 'SENSITIVE_DATA' " +
        "WHEN 'DECLARED_LOSS' THEN 'FINANCIAL_LOSS' WHEN 'ORDINARY_DATA' THEN 'ORDINARY' END)::class_subclass",
    );
  });
});
