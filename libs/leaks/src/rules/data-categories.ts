import { registerEnumType } from '@nestjs/graphql';

/** Kinds of personal information a leak can expose. */
export enum DataCategory {
  NAME = 'NAME',
  PHONE_NUMBER = 'PHONE_NUMBER',
  ID_NUMBER = 'ID_NUMBER',
  ADDRESS = 'ADDRESS',
  EMAIL = 'EMAIL',
  ACCOUNT_CREDENTIALS = 'ACCOUNT_CREDENTIALS',
  PURCHASE_HISTORY = 'PURCHASE_HISTORY',
  LOCATION_WHEREABOUTS = 'LOCATION_WHEREABOUTS',
  FINANCIAL_ACCOUNT = 'FINANCIAL_ACCOUNT',
  MEDICAL_HEALTH = 'MEDICAL_HEALTH',
  BIOMETRIC = 'BIOMETRIC',
  GENETIC = 'GENETIC',
  RELIGIOUS_BELIEF = 'RELIGIOUS_BELIEF',
  SPECIFIC_IDENTITY = 'SPECIFIC_IDENTITY',
  CRIMINAL_RECORD = 'CRIMINAL_RECORD',
  MINOR_UNDER_14 = 'MINOR_UNDER_14',
}
registerEnumType(DataCategory, { name: 'DataCategory' });

/**
 * Which categories are sensitive personal information (敏感个人信息). PIPL art. 28 lists
 * biometrics, religious belief, specific identity, medical health, financial accounts,
 * whereabouts and the information of minors under 14 "and other information" whose leak easily
 * harms dignity or safety; ID numbers and criminal records are read as such by the national
 * standard GB/T 35273-2020 annex B and by courts, and account credentials open financial and
 * other accounts. Contact data, names and shopping history are personal but not sensitive.
 */
export const SENSITIVE_DATA_CATEGORIES: Readonly<Record<DataCategory, boolean>> = Object.freeze({
  [DataCategory.NAME]: false,
  [DataCategory.PHONE_NUMBER]: false,
  [DataCategory.ID_NUMBER]: true, // GB/T 35273-2020 annex B (personal identity information)
  [DataCategory.ADDRESS]: false,
  [DataCategory.EMAIL]: false,
  [DataCategory.ACCOUNT_CREDENTIALS]: true, // GB/T 35273-2020 annex B (passwords, keys)
  [DataCategory.PURCHASE_HISTORY]: false,
  [DataCategory.LOCATION_WHEREABOUTS]: true, // PIPL art. 28 (行踪轨迹)
  [DataCategory.FINANCIAL_ACCOUNT]: true, // PIPL art. 28 (金融账户)
  [DataCategory.MEDICAL_HEALTH]: true, // PIPL art. 28 (医疗健康)
  [DataCategory.BIOMETRIC]: true, // PIPL art. 28 (生物识别)
  [DataCategory.GENETIC]: true, // GB/T 35273-2020 annex B (biometric: genes)
  [DataCategory.RELIGIOUS_BELIEF]: true, // PIPL art. 28 (宗教信仰)
  [DataCategory.SPECIFIC_IDENTITY]: true, // PIPL art. 28 (特定身份)
  [DataCategory.CRIMINAL_RECORD]: true, // GB/T 35273-2020 annex B (criminal records)
  [DataCategory.MINOR_UNDER_14]: true, // PIPL art. 28 (不满十四周岁未成年人的个人信息)
});

export function isSensitive(category: DataCategory): boolean {
  return SENSITIVE_DATA_CATEGORIES[category];
}

/** True when any exposed category is sensitive (PIPL art. 28): weighs on moral damage and urgency. */
export function involvesSensitiveData(categories: readonly DataCategory[]): boolean {
  return categories.some(isSensitive);
}

/**
 * The categories PIPL art. 28 itself names as sensitive (biometrics, religious belief, specific
 * identity, medical health, financial accounts, whereabouts, minors under 14). Moral damage
 * weighs these (Civil Code art. 1183; domain.md section 5), so the SENSITIVE_DATA subclass reads
 * this list; the wider SENSITIVE_DATA_CATEGORIES (with GB/T 35273-2020 annex B's ID numbers,
 * credentials, genetic data and criminal records) flags an incident as involving sensitive data.
 */
export const PIPL_ARTICLE_28_CATEGORIES: readonly DataCategory[] = Object.freeze([
  DataCategory.BIOMETRIC,
  DataCategory.RELIGIOUS_BELIEF,
  DataCategory.SPECIFIC_IDENTITY,
  DataCategory.MEDICAL_HEALTH,
  DataCategory.FINANCIAL_ACCOUNT,
  DataCategory.LOCATION_WHEREABOUTS,
  DataCategory.MINOR_UNDER_14,
]);

/** True for a category PIPL art. 28 names (PIPL_ARTICLE_28_CATEGORIES). */
export function isPiplArticle28(category: DataCategory): boolean {
  return PIPL_ARTICLE_28_CATEGORIES.includes(category);
}
