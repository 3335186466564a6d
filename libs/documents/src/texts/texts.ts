import type { LeakIncident } from '@app/leaks';
import type { NumberFormat } from '../render/spec';
import type { DocumentKind, DocumentLanguage } from '../rules/document-kinds';
import type { CaseFacts, DocumentParty } from '../content/case-facts';

/** Display names of the enum values a document shows, by enum. */
export interface EnumNames {
  caseType: Record<string, string>;
  partyRole: Record<string, string>;
  organisationKind: Record<string, string>;
  handlerRole: Record<string, string>;
  liabilityBasis: Record<string, string>;
  dataCategory: Record<string, string>;
  harmType: Record<string, string>;
  basis: Record<string, string>;
  subclass: Record<string, string>;
  memberState: Record<string, string>;
  classStatus: Record<string, string>;
  decisionKind: Record<string, string>;
  anomalyKind: Record<string, string>;
  discoveryChannel: Record<string, string>;
  /** The elements to prove, by burden rule (libs/proof burden-rules.ts): what an evidence item proves. */
  burdenRule: Record<string, string>;
}

/**
 * Every word a document says in one language: the published formats' fixed wording (起诉书,
 * 公告, 检察建议书, 证据保全申请书), the labels, the enum names, and the formatting of numbers,
 * money and dates. One object per language (zh.ts, en.ts); the content builders hold no wording.
 */
export interface DocumentTexts {
  language: DocumentLanguage;
  /** PDF metadata language tag. */
  lang: string;
  title: Record<DocumentKind, string>;
  enums: EnumNames;
  pageOf(page: number, pages: number): string;
  number(value: number, format: NumberFormat): string;
  /** Money in fen as the text of a claim ('人民币 2,382.28 元', 'CNY 2,382.28'). */
  money(fen: number): string;
  /** A money column's spreadsheet header, which holds yuan. */
  moneyHeader(header: string): string;
  /** 'YYYY-MM-DD' as written in a document. */
  date(iso: string): string;
  /** The n-th (from 1) item label of a numbered list ('一、', '1.'). */
  ordinal(n: number): string;
  /** A list of names joined ('甲、乙和丙', 'A, B and C'). */
  list(items: string[]): string;
  summarySheet: string;
  reference(caseTitle: string): string;
  /** The parties block's labels and lines. */
  party: {
    label(party: DocumentParty, caseType: string): string;
    lines(party: DocumentParty): string[];
  };
  /** One incident's facts as a sentence (handler, window, data, discovery, scale). */
  incidentFacts(incident: LeakIncident): string;
  /** The class's figures as a sentence, in the viewer's view. */
  membersFacts(members: CaseFacts['members'], merged: boolean): string;
  headings: {
    claims: string;
    factsAndReasons: string;
    evidence: string;
    requests: string;
    recommendations: string;
    classes: string;
    members: string;
    metrics: string;
    anomalies: string;
    decisions: string;
    counts: string;
  };
  complaint: {
    claims(f: CaseFacts): string[];
    reasons(f: CaseFacts): string[];
    closing(f: CaseFacts): string;
    salutation(court: string): string[];
  };
  announcement: {
    body(f: CaseFacts): string[];
    period(f: CaseFacts): string;
    comeForward(f: CaseFacts): string;
  };
  recommendation: {
    addressee(f: CaseFacts): string;
    findings(f: CaseFacts): string[];
    failure(f: CaseFacts): string;
    measures(f: CaseFacts): string[];
    response(f: CaseFacts): string;
  };
  preservation: {
    requests(f: CaseFacts): string[];
    reasons(f: CaseFacts): string[];
    undertaking: string;
    salutation(court: string): string[];
  };
  roster: {
    scope(merged: boolean, author: string): string;
    columns: { no: string; klass: string; name: string; idNumber: string; basis: string; subclass: string; state: string; loss: string };
    classColumns: { no: string; name: string; status: string; total: string; current: string; admitted: string; excluded: string; optedOut: string };
    noMembers: string;
  };
  report: {
    scope(merged: boolean, author: string): string;
    classHeading(no: number, name: string): string;
    definition(definition: string): string;
    metricColumns: { metric: string; value: string };
    metrics: {
      total: string;
      current: string;
      verified: string;
      verifiedShare: string;
      withoutEvidence: string;
      withoutHarm: string;
      lossMembers: string;
      lossSum: string;
      lossMedian: string;
      lossMax: string;
    };
    countColumns: { item: string; members: string; share: string };
    byState: string;
    bySubclass: string;
    byBasis: string;
    categories: string;
    harms: string;
    anomalyColumns: { kind: string; members: string };
    decisionColumns: { date: string; kind: string; touched: string; reason: string };
    decisionsMore(listed: number, total: number): string;
    noDecisions: string;
    noClasses: string;
  };
  evidenceList: {
    /** Whose items the list shows: the court's all of the case's, a party's its own and those exchanged. */
    scope(merged: boolean, author: string): string;
    /** What the hash and the log position are for. */
    log: string;
    columns: { no: string; title: string; source: string; proves: string; pages: string; sha256: string; logIndex: string };
    /** Separates the elements one item proves. */
    provesSeparator: string;
    none: string;
  };
  /** The remedy and distribution schedule's wording (content/remedy-schedule.ts). */
  remedySchedule: {
    scope(merged: boolean, author: string): string;
    headings: { remedies: string; measures: string; liability(no: number): string; distribution: string };
    kind: Record<string, string>;
    status: Record<string, string>;
    method: Record<string, string>;
    yes: string;
    no: string;
    /** Measures verified of a remedy's measures ('1/2'). */
    verified(verified: number, of: number): string;
    columns: { no: string; kind: string; status: string; statusOn: string; due: string; overdue: string; measures: string};
    measureColumns: { remedy: string; measure: string; due: string; verifiedOn: string; overdue: string };
    noRemedies: string;
    liabilityColumns: { defendant: string; basis: string; extent: string; answersFor: string; paid: string; remaining: string };
    /** A defendant's extent: in full (null) or its share in basis points (2000 = 20 %). */
    extent(shareBasisPoints: number | null): string;
    liabilityTotals(totalFen: number, paidFen: number, outstandingFen: number): string;
    distributionBasis(className: string, method: string, modelVersion: number): string;
    distributionColumns: { subclass: string; members: string; property: string; moral: string; amount: string };
    total: string;
    noDistribution: string;
    /** Where the per-member lines are (not in this document). */
    perMemberElsewhere: string;
    sheet: { remedies: string; measures: string; liability(no: number): string; distribution(no: number): string };
  };
  datasetColumns: { no: string; source: string; rows: string; matched: string; sha256: string };
  datasetSheet: string;
  /** Sheet names of tables (31 characters at most). */
  sheet: { roster: string; classes: string; metrics(no: number): string; counts(no: number): string; anomalies(no: number): string; decisions(no: number): string };
}
