import { CaseType } from '@app/cases';
import { Role } from '@app/platform';

/** The filing documents leakcase generates (domain.md section 7). */
export enum DocumentKind {
  CIVIL_PUBLIC_INTEREST_COMPLAINT = 'CIVIL_PUBLIC_INTEREST_COMPLAINT',
  PRE_LITIGATION_ANNOUNCEMENT = 'PRE_LITIGATION_ANNOUNCEMENT',
  PROCURATORIAL_RECOMMENDATION = 'PROCURATORIAL_RECOMMENDATION',
  EVIDENCE_PRESERVATION_APPLICATION = 'EVIDENCE_PRESERVATION_APPLICATION',
  CLASS_ROSTER = 'CLASS_ROSTER',
  CLASS_COMPOSITION_REPORT = 'CLASS_COMPOSITION_REPORT',
  EVIDENCE_LIST = 'EVIDENCE_LIST',
  REMEDY_SCHEDULE = 'REMEDY_SCHEDULE',
}

/** The language a document is written in. */
export enum DocumentLanguage {
  ZH = 'ZH',
  EN = 'EN',
}

/** The file format: PDF for filing, XLSX (roster and report only) for work in Excel or WPS. */
export enum DocumentFormat {
  PDF = 'PDF',
  XLSX = 'XLSX',
}

/** What the kinds table says of one kind. */
export interface DocumentKindRule {
  /** Who may generate it (the case's visibility still applies). */
  readonly roles: readonly Role[];
  /** The case types it belongs to. */
  readonly caseTypes: readonly CaseType[];
  /** The formats it comes in. */
  readonly formats: readonly DocumentFormat[];
  /**
   * Grows with the class (one row per member): generated as a job when the rows exceed the
   * configured limit, streaming rows with a keyset cursor.
   */
  readonly perMember: boolean;
  /** The source of its form and contents. */
  readonly source: string;
}

const PLAINTIFF_SIDE = [Role.PROCURATOR, Role.ASSOCIATION_STAFF] as const;
const CASE_ROLES = [Role.PROCURATOR, Role.ASSOCIATION_STAFF, Role.JUDGE] as const;
const CIVIL_WITH_CLASS = [CaseType.CIVIL_PUBLIC_INTEREST, CaseType.SUPPORTED, CaseType.REPRESENTATIVE_ACTION] as const;

/**
 * One row per document kind. The remedy and distribution schedule (issue 12) will be one row here
 * plus its content builder.
 */
export const DOCUMENT_KINDS: Readonly<Record<DocumentKind, DocumentKindRule>> = Object.freeze({
  // Civil PIL complaint: the plaintiff of a civil public-interest (or supported) suit (PIPL art. 70; CPL (2023) art. 58; CPL art. 124 on a complaint's contents).
  [DocumentKind.CIVIL_PUBLIC_INTEREST_COMPLAINT]: {
    roles: PLAINTIFF_SIDE,
    caseTypes: [CaseType.CIVIL_PUBLIC_INTEREST, CaseType.SUPPORTED],
    formats: [DocumentFormat.PDF],
    perMember: false,
    source: 'CPL (2023) arts. 58, 124; PIPL art. 70',
  },
  // Pre-litigation announcement: the procuratorate's, 30 days before a civil PIL (SPC/SPP interpretation on procuratorial PIL art. 13).
  [DocumentKind.PRE_LITIGATION_ANNOUNCEMENT]: {
    roles: [Role.PROCURATOR],
    caseTypes: [CaseType.CIVIL_PUBLIC_INTEREST],
    formats: [DocumentFormat.PDF],
    perMember: false,
    source: 'SPC/SPP interpretation on procuratorial PIL art. 13',
  },
  // Procuratorial recommendation to the agency that failed to supervise (same interpretation art. 21; Administrative Procedure Law art. 25(4)).
  [DocumentKind.PROCURATORIAL_RECOMMENDATION]: {
    roles: [Role.PROCURATOR],
    caseTypes: [CaseType.ADMINISTRATIVE_PUBLIC_INTEREST],
    formats: [DocumentFormat.PDF],
    perMember: false,
    source: 'SPC/SPP interpretation on procuratorial PIL art. 21; Administrative Procedure Law art. 25(4)',
  },
  // Application for evidence preservation (CPL (2023) art. 84; SPC provisions on evidence in civil procedure (2019) arts. 25-27).
  [DocumentKind.EVIDENCE_PRESERVATION_APPLICATION]: {
    roles: PLAINTIFF_SIDE,
    caseTypes: CIVIL_WITH_CLASS,
    formats: [DocumentFormat.PDF],
    perMember: false,
    source: 'CPL (2023) art. 84; SPC provisions on evidence in civil procedure (2019) arts. 25-27',
  },
  // Class roster (当事人名册): masked identifiers only (CPL (2023) arts. 56-57; PIPL art. 51 on de-identification).
  [DocumentKind.CLASS_ROSTER]: {
    roles: CASE_ROLES,
    caseTypes: CIVIL_WITH_CLASS,
    formats: [DocumentFormat.PDF, DocumentFormat.XLSX],
    perMember: true,
    source: 'CPL (2023) arts. 56-57',
  },
  // Class composition report: the metrics, anomalies and decisions a judge reviews (domain.md section 6).
  [DocumentKind.CLASS_COMPOSITION_REPORT]: {
    roles: CASE_ROLES,
    caseTypes: CIVIL_WITH_CLASS,
    formats: [DocumentFormat.PDF, DocumentFormat.XLSX],
    perMember: false,
    source: 'CPL (2023) arts. 56-57; SPC interpretation of the CPL (2022) arts. 75-80',
  },
  // Evidence list (证据清单): each item numbered, with its source, what it proves, pages, hash and
  // evidence-log position (SPC provisions on evidence in civil procedure (2019) art. 19; SPC online
  // litigation rules (2021) arts. 16-19 on electronic evidence stored tamper-evidently).
  [DocumentKind.EVIDENCE_LIST]: {
    roles: CASE_ROLES,
    caseTypes: Object.values(CaseType),
    formats: [DocumentFormat.PDF],
    perMember: false,
    source: 'SPC provisions on evidence in civil procedure (2019) art. 19; SPC online litigation rules (2021) arts. 16-19',
  },
  // Remedy and distribution schedule: the remedies and their compliance (Civil Code arts. 179, 1000), each defendant's liability (arts. 178, 1168), and a representative action's distribution totals (CPL (2023) art. 57).
  [DocumentKind.REMEDY_SCHEDULE]: {
    roles: CASE_ROLES,
    caseTypes: CIVIL_WITH_CLASS,
    formats: [DocumentFormat.PDF],
    perMember: false,
    source: 'Civil Code arts. 178, 179, 1000, 1168; CPL (2023) art. 57',
  },
});
