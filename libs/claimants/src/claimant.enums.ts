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
