import { DataCategory, involvesSensitiveData, isPiplArticle28, isSensitive, SENSITIVE_DATA_CATEGORIES } from './data-categories';

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

  it("names PIPL art. 28's own seven categories apart from the standard's wider list (ID numbers, credentials, genes, criminal records)", () => {
    const article28 = Object.values(DataCategory).filter(isPiplArticle28).sort();
    expect(article28).toEqual(['BIOMETRIC', 'FINANCIAL_ACCOUNT', 'LOCATION_WHEREABOUTS', 'MEDICAL_HEALTH', 'MINOR_UNDER_14', 'RELIGIOUS_BELIEF', 'SPECIFIC_IDENTITY']);
    for (const category of [DataCategory.ID_NUMBER, DataCategory.ACCOUNT_CREDENTIALS, DataCategory.GENETIC, DataCategory.CRIMINAL_RECORD]) {
      expect(isSensitive(category)).toBe(true);
      expect(isPiplArticle28(category)).toBe(false);
    }
  });
});
