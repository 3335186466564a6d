import type { CaseModel } from '@app/cases';
import type { ClassComposition, ClassModel, ReviewDecision } from '@app/classes';
import type { LeakIncident } from '@app/leaks';

/** A party as a document names it. */
export interface DocumentParty {
  role: string;
  name: string;
  /** Organisations: their kind (PROCURATORATE, CONSUMER_ASSOCIATION, ...). */
  organisationKind: string | null;
  creditCode: string | null;
  handlerRole: string | null;
  liabilityBasis: string | null;
  liabilitySource: string | null;
}

/** One of the generating organisation's own seized datasets of an incident of the case (its hash is the file's). */
export interface DocumentDataset {
  source: string;
  rowCount: number | null;
  matchedClaimants: number | null;
  /** SHA-256 of the seized file, hex; null while it is still being received. */
  fileSha256: string | null;
  completedOn: string | null;
}

/** An evidence item the viewer may see, as the evidence list shows it (no file contents, no personal data). */
export interface DocumentEvidence {
  title: string;
  source: string;
  /** The burden rules (libs/proof burden-rules.ts) of the obligations it addresses, each once, alphabetical. */
  rules: string[];
  pageCount: number | null;
  /** SHA-256 of the file, hex. */
  sha256: string;
  /** Its entry's 0-based index in the evidence log. */
  logIndex: number;
}

/** A class of the case with what the viewer may see of it. */
export interface DocumentClass {
  klass: ClassModel;
  composition: ClassComposition;
  /** Current members of each anomaly kind, in the viewer's view (the composition report's only). */
  anomalies: { kind: string; members: number }[];
  /** The decisions the viewer may see, oldest first (at most DECISIONS_LISTED; the composition report's only). */
  decisions: ReviewDecision[];
  decisionsTotal: number;
}

/**
 * Everything a case-level document says, read through the case's visibility and the one
 * visibility policy: the parties and incidents of a case the viewer may see, the viewer's own
 * datasets, and the classes in the viewer's view (an association: its own members and facts; the
 * court: the merged view).
 */
export interface CaseFacts {
  caseModel: CaseModel;
  court: string;
  /** The generating organisation. */
  author: { name: string; kind: string };
  parties: DocumentParty[];
  incidents: LeakIncident[];
  datasets: DocumentDataset[];
  /** The pre-litigation announcement's period, if opened: publication (trigger) and last day. */
  announcement: { trigger: string; due: string } | null;
  /** The agency's response period to the recommendation, if opened. */
  recommendation: { trigger: string; due: string; urgent: boolean } | null;
  /** The evidence items of the case the viewer may see (visibleEvidence), in log order (the evidence list shows them). */
  evidence: DocumentEvidence[];
  /** The case's classes, oldest first (the roster and the composition report read them). */
  classes: DocumentClass[];
  /** Current members across the case's classes in the view, once each, and their declared losses (the largest per person). */
  members: { current: number; verified: number; lossMembers: number; lossSumFen: number };
  /** Today in Asia/Shanghai: the document's date. */
  today: string;
}

/** One row of the roster, as the viewer may see it. */
export interface RosterRow {
  classNo: number;
  nameMasked: string;
  idNumberMasked: string;
  bases: string[];
  subclass: string;
  state: string;
  declaredLossFen: number | null;
}
