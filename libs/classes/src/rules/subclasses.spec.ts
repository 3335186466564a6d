import { DataCategory } from '@app/leaks';
import { SENSITIVE_CATEGORY_LIST, Subclass, SUBCLASS_RULES, subclassOf, subclassSql } from './subclasses';

describe('subclass rules', () => {
  const facts = (dataCategories: DataCategory[], declaredLossFen: bigint | null = null) => ({ dataCategories, declaredLossFen });

  it('puts a member with any PIPL art. 28 category in SENSITIVE_DATA', () => {
    expect(subclassOf(facts([DataCategory.NAME, DataCategory.MEDICAL_HEALTH]))).toBe(Subclass.SENSITIVE_DATA);
    expect(subclassOf(facts([DataCategory.LOCATION_WHEREABOUTS]))).toBe(Subclass.SENSITIVE_DATA);
    expect(subclassOf(facts([DataCategory.MINOR_UNDER_14]))).toBe(Subclass.SENSITIVE_DATA);
  });

  it('lets sensitive data take precedence over a declared loss', () => {
    expect(subclassOf(facts([DataCategory.FINANCIAL_ACCOUNT], 100n))).toBe(Subclass.SENSITIVE_DATA);
  });

  it('puts a member with a declared loss and only ordinary data in FINANCIAL_LOSS', () => {
    expect(subclassOf(facts([DataCategory.NAME, DataCategory.PHONE_NUMBER], 1n))).toBe(Subclass.FINANCIAL_LOSS);
  });

  it('does not count a zero or missing loss', () => {
    expect(subclassOf(facts([DataCategory.PHONE_NUMBER], 0n))).toBe(Subclass.ORDINARY);
    expect(subclassOf(facts([DataCategory.PHONE_NUMBER], null))).toBe(Subclass.ORDINARY);
  });

  it('puts everyone else in ORDINARY (contact data, names, purchases)', () => {
    expect(subclassOf(facts([DataCategory.NAME, DataCategory.EMAIL, DataCategory.ADDRESS, DataCategory.PURCHASE_HISTORY]))).toBe(Subclass.ORDINARY);
    expect(subclassOf(facts([]))).toBe(Subclass.ORDINARY);
  });

  it("takes the sensitive categories from libs/leaks' PIPL art. 28 table, not a copy", () => {
    expect(SENSITIVE_CATEGORY_LIST).toContain(DataCategory.BIOMETRIC);
    expect(SENSITIVE_CATEGORY_LIST).not.toContain(DataCategory.PHONE_NUMBER);
  });

  it('names a source for every rule and ends with the catch-all', () => {
    expect(SUBCLASS_RULES.every((r) => r.source.length > 0)).toBe(true);
    expect(SUBCLASS_RULES.at(-1)!.subclass).toBe(Subclass.ORDINARY);
  });

  it('renders the same precedence as one SQL CASE', () => {
    expect(subclassSql({ dataCategories: 'f.c', declaredLossFen: 'f.l' }, '$4')).toBe(
      "(CASE WHEN f.c && $4::data_category[] THEN 'SENSITIVE_DATA' WHEN coalesce(f.l > 0, false) THEN 'FINANCIAL_LOSS' WHEN true THEN 'ORDINARY' END)::class_subclass",
    );
  });
});
