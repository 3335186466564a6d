import { DataCategory, involvesSensitiveData, isSensitive, SENSITIVE_DATA_CATEGORIES } from './data-categories';

describe('sensitive personal information (PIPL art. 28)', () => {
  it('flags every category PIPL art. 28 names as sensitive', () => {
    for (const category of [
      DataCategory.BIOMETRIC,
      DataCategory.RELIGIOUS_BELIEF,
      DataCategory.SPECIFIC_IDENTITY,
      DataCategory.MEDICAL_HEALTH,
      DataCategory.FINANCIAL_ACCOUNT,
      DataCategory.LOCATION_WHEREABOUTS,
      DataCategory.MINOR_UNDER_14,
    ]) {
      expect(isSensitive(category)).toBe(true);
    }
  });

  it('treats names, phone numbers, addresses, emails and purchase history as ordinary personal information', () => {
    for (const category of [DataCategory.NAME, DataCategory.PHONE_NUMBER, DataCategory.ADDRESS, DataCategory.EMAIL, DataCategory.PURCHASE_HISTORY]) {
      expect(isSensitive(category)).toBe(false);
    }
  });

  it('classifies every category', () => {
    expect(Object.keys(SENSITIVE_DATA_CATEGORIES).sort()).toEqual(Object.values(DataCategory).sort());
  });

  it('says a leak involves sensitive data when any one category is sensitive', () => {
    expect(involvesSensitiveData([DataCategory.NAME, DataCategory.PHONE_NUMBER])).toBe(false);
    expect(involvesSensitiveData([DataCategory.NAME, DataCategory.ID_NUMBER])).toBe(true);
  });
});
