/** The claimants' enums, in a module of their own (no GraphQL), so hashing and sealing worker threads can load them. */
export enum ConsentMethod {
  WRITTEN_SIGNATURE = 'WRITTEN_SIGNATURE',
  ELECTRONIC_SIGNATURE = 'ELECTRONIC_SIGNATURE',
  ONLINE_FORM = 'ONLINE_FORM',
  RECORDED_ORAL = 'RECORDED_ORAL',
}
export enum ConsentScope {
  /** Mandate to represent the claimant in the suit. */
  REPRESENTATION = 'REPRESENTATION',
  /** Consent to process their personal information for it (PIPL art. 13(1)). */
  DATA_USE = 'DATA_USE',
}
export enum HarmType {
  FRAUD_LOSS = 'FRAUD_LOSS',
  SCAM_CALLS_OR_SPAM = 'SCAM_CALLS_OR_SPAM',
  IDENTITY_MISUSE = 'IDENTITY_MISUSE',
  ACCOUNT_TAKEOVER = 'ACCOUNT_TAKEOVER',
  REPUTATION = 'REPUTATION',
  MENTAL_DISTRESS = 'MENTAL_DISTRESS',
  OTHER = 'OTHER',
}
export enum ExposureBasis {
  DATASET_MATCH = 'DATASET_MATCH',
  BREACH_NOTICE = 'BREACH_NOTICE',
  SELF_DECLARED = 'SELF_DECLARED',
}

/**
 * The words a claimant sheet may use for each enum value, besides the value itself (any case):
 * the first is the standard wording, the one the template's drop-down lists offer and the
 * README documents; the others are forms seen in associations' sheets. One table per enum.
 */
export const CONSENT_METHOD_WORDS: Readonly<Record<ConsentMethod, readonly string[]>> = {
  [ConsentMethod.WRITTEN_SIGNATURE]: ['书面签字', '书面签名', '纸质签字', '书面'],
  [ConsentMethod.ELECTRONIC_SIGNATURE]: ['电子签名', '电子签字', '电子签章'],
  [ConsentMethod.ONLINE_FORM]: ['线上表单', '在线表单', '网上表单', '线上登记', '网上登记'],
  [ConsentMethod.RECORDED_ORAL]: ['录音', '口头录音', '电话录音', '口头(录音)'],
};
export const CONSENT_SCOPE_WORDS: Readonly<Record<ConsentScope, readonly string[]>> = {
  [ConsentScope.REPRESENTATION]: ['委托诉讼', '委托代理', '授权诉讼', '代表诉讼'],
  [ConsentScope.DATA_USE]: ['个人信息处理', '信息处理', '同意处理个人信息', '数据使用'],
};
export const HARM_TYPE_WORDS: Readonly<Record<HarmType, readonly string[]>> = {
  [HarmType.FRAUD_LOSS]: ['诈骗损失', '被诈骗', '财产损失', '经济损失'],
  [HarmType.SCAM_CALLS_OR_SPAM]: ['骚扰电话短信', '骚扰电话', '垃圾短信', '诈骗电话', '骚扰电话/短信'],
  [HarmType.IDENTITY_MISUSE]: ['身份冒用', '冒用身份', '身份被冒用'],
  [HarmType.ACCOUNT_TAKEOVER]: ['账户被盗', '账号被盗', '账户盗用'],
  [HarmType.REPUTATION]: ['名誉受损', '名誉损害'],
  [HarmType.MENTAL_DISTRESS]: ['精神损害', '精神困扰'],
  [HarmType.OTHER]: ['其他', '其它'],
};

/**
 * The enum value a sheet's word stands for, or null: the value itself in any case, or one of
 * its words in `words` (compared after NFKC, so full-width forms and brackets match; spaces
 * ignored).
 */
export function enumFromWord<E extends string>(words: Readonly<Record<E, readonly string[]>>, raw: string): E | null {
  const key = raw.normalize('NFKC').replace(/\s+/g, '');
  if (!key) return null;
  const upper = key.toUpperCase();
  for (const [value, forms] of Object.entries(words) as [E, readonly string[]][]) {
    if (value === upper || forms.some((f) => f.normalize('NFKC').replace(/\s+/g, '') === key)) return value;
  }
  return null;
}

/** `WRITTEN_SIGNATURE (书面签字), …`: an enum's values with their standard word, for reasons and help. */
export function enumWords(words: Readonly<Record<string, readonly string[]>>): string {
  return Object.entries(words)
    .map(([value, forms]) => `${value} (${forms[0]})`)
    .join(', ');
}
