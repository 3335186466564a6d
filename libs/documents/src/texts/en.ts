import type { LeakIncident } from '@app/leaks';
import { DocumentKind, DocumentLanguage } from '../rules/document-kinds';
import type { CaseFacts } from '../content/case-facts';
import type { DocumentTexts } from './texts';
import { grouped, yuan } from './format';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const date = (iso: string) => {
  const [y, m, d] = iso.split('-').map(Number);
  return `${d} ${MONTHS[m - 1]} ${y}`;
};
const list = (items: string[]) => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`);
const title = (value: string) => value.charAt(0) + value.slice(1).toLowerCase().replaceAll('_', ' ');

const LIABILITY_SOURCE: Record<string, string> = {
  PRESUMED_FAULT: 'PIPL art. 69(1); Civil Code art. 1165(2)',
  JOINT_TORT: 'Civil Code art. 1168',
  NOTICE_NOT_ACTED_ON: 'Civil Code art. 1195',
  KNEW_OR_SHOULD_HAVE_KNOWN: 'Civil Code art. 1197',
};

const enums: DocumentTexts['enums'] = {
  caseType: {
    CIVIL_PUBLIC_INTEREST: 'civil public-interest litigation',
    ADMINISTRATIVE_PUBLIC_INTEREST: 'administrative public-interest litigation',
    REPRESENTATIVE_ACTION: 'representative action',
    SUPPORTED: 'supported suit',
  },
  partyRole: { PLAINTIFF: 'Plaintiff', SUPPORTER: 'Supporting party', DEFENDANT: 'Defendant', AGENCY: 'Agency', REPRESENTATIVE: 'Representative' },
  organisationKind: {
    PROCURATORATE: "people's procuratorate",
    CONSUMER_ASSOCIATION: 'consumer association',
    DESIGNATED_ORGANISATION: 'organisation designated by the national cyberspace authority',
    COURT: "people's court",
    OPERATOR: 'operator',
  },
  handlerRole: {
    NETWORK_SERVICE_PROVIDER: 'network service provider',
    CONTENT_SERVICE_PROVIDER: 'content service provider',
    INTERMEDIARY_SERVICE_PROVIDER: 'intermediary service provider',
    OTHER_HANDLER: 'personal information handler',
  },
  liabilityBasis: {
    PRESUMED_FAULT: 'presumed fault',
    JOINT_TORT: 'joint tort',
    NOTICE_NOT_ACTED_ON: 'failure to act on a valid notice',
    KNEW_OR_SHOULD_HAVE_KNOWN: 'knew or should have known',
  },
  dataCategory: {
    NAME: 'names',
    PHONE_NUMBER: 'phone numbers',
    ID_NUMBER: 'ID numbers',
    ADDRESS: 'addresses',
    EMAIL: 'email addresses',
    ACCOUNT_CREDENTIALS: 'account credentials',
    PURCHASE_HISTORY: 'purchase history',
    LOCATION_WHEREABOUTS: 'whereabouts',
    FINANCIAL_ACCOUNT: 'financial accounts',
    MEDICAL_HEALTH: 'medical and health data',
    BIOMETRIC: 'biometric data',
    GENETIC: 'genetic data',
    RELIGIOUS_BELIEF: 'religious belief',
    SPECIFIC_IDENTITY: 'specific identity',
    CRIMINAL_RECORD: 'criminal records',
    MINOR_UNDER_14: 'data of minors under 14',
  },
  harmType: {
    FRAUD_LOSS: 'fraud loss',
    SCAM_CALLS_OR_SPAM: 'scam calls or spam',
    IDENTITY_MISUSE: 'identity misuse',
    ACCOUNT_TAKEOVER: 'account takeover',
    REPUTATION: 'reputation',
    MENTAL_DISTRESS: 'mental distress',
    OTHER: 'other',
  },
  basis: { DATASET_MATCH: 'dataset match', BREACH_NOTICE: 'breach notice', SELF_DECLARED: 'self-declared' },
  subclass: { SENSITIVE_DATA: 'sensitive data', FINANCIAL_LOSS: 'financial loss', ORDINARY: 'ordinary' },
  memberState: { PROPOSED: 'proposed', ADMITTED: 'admitted', EXCLUDED: 'excluded', OPTED_OUT: 'opted out', REGISTERED: 'registered' },
  classStatus: { OPEN: 'open', CERTIFIED: 'certified', REFUSED: 'certification refused' },
  decisionKind: {
    FORM: 'class formed',
    REFORM: 'class re-formed',
    ADMIT: 'admitted',
    EXCLUDE: 'excluded',
    OPT_OUT: 'opted out',
    REGISTER: 'registered',
    REASSIGN_SUBCLASS: 'subclass reassigned',
    CERTIFY: 'class certified',
    REFUSE_CERTIFICATION: 'certification refused',
    REOPEN: 'review reopened',
    ELECT_REPRESENTATIVES: 'representatives elected',
  },
  anomalyKind: {
    DUPLICATE_ACROSS_CLASSES: 'also in another class',
    SELF_DECLARED_ONLY: 'self-declared only',
    EVIDENCE_OUTSIDE_WINDOW: 'evidence before the exposure window',
    SHARED_PHONE: 'phone shared by many',
    SHARED_ADDRESS: 'address shared by many',
    NO_EVIDENCE: 'no evidence',
  },
  discoveryChannel: {
    POLICE_SEIZURE: 'a police seizure',
    BREACH_NOTICE: "the handler's breach notice",
    REGULATOR_FINDING: "a regulator's finding",
    MEDIA_REPORT: 'media reports',
    CLAIMANT_REPORTS: "victims' reports",
  },
  burdenRule: {
    HANDLING: 'handling of the personal information',
    INFRINGING_ACT: 'the infringing act (leak, sale, unlawful provision)',
    DAMAGE: 'damage',
    CLASS_MEMBERSHIP: 'class membership',
    LAWFUL_BASIS: 'lawful basis, separate consent for sensitive data',
    SECURITY_DUTIES: 'security duties met',
    REMEDIAL_MEASURES: 'remedial measures and notification',
    NO_CAUSATION: 'no causation',
    JOINT_INFRINGEMENT: 'joint infringement',
    VALID_NOTICE: 'a valid notice reached the provider',
    NECESSARY_MEASURES: 'necessary measures after the notice',
    KNEW_OR_SHOULD_HAVE_KNOWN: 'knew or should have known',
    SUPERVISORY_DUTY_AND_HARM: 'supervisory duty, and harm to the public interest',
    PRE_LITIGATION_RECOMMENDATION: 'recommendation made, agency still failed to act',
    LAWFUL_PERFORMANCE: 'supervisory duty performed lawfully',
  },
};

const defendantNames = (f: CaseFacts) => {
  const d = f.parties.filter((p) => p.role === 'DEFENDANT').map((p) => p.name);
  return list(d.length ? d : [...new Set(f.incidents.map((i) => i.handler.name))]);
};
const handlerNames = (f: CaseFacts) => list([...new Set(f.incidents.map((i) => i.handler.name))]);
const window = (i: LeakIncident) => (i.exposureEnd ? `from ${date(i.exposureStart)} to ${date(i.exposureEnd)}` : `from ${date(i.exposureStart)}`);
const PIL_INTERPRETATION = 'the SPC/SPP Interpretation on Procuratorial Public-Interest Litigation';

/** The English texts: a working translation of the Chinese formats, for readers outside China. */
export const EN: DocumentTexts = {
  language: DocumentLanguage.EN,
  lang: 'en',
  title: {
    [DocumentKind.CIVIL_PUBLIC_INTEREST_COMPLAINT]: 'Civil Public-Interest Complaint',
    [DocumentKind.PRE_LITIGATION_ANNOUNCEMENT]: 'Pre-Litigation Announcement',
    [DocumentKind.PROCURATORIAL_RECOMMENDATION]: 'Procuratorial Recommendation',
    [DocumentKind.EVIDENCE_PRESERVATION_APPLICATION]: 'Application for Evidence Preservation',
    [DocumentKind.CLASS_ROSTER]: 'Class Roster',
    [DocumentKind.CLASS_COMPOSITION_REPORT]: 'Class Composition Report',
    [DocumentKind.EVIDENCE_LIST]: 'Evidence List',
    [DocumentKind.REMEDY_SCHEDULE]: 'Remedy and Distribution Schedule',
  },
  enums,
  pageOf: (page, pages) => `Page ${page} of ${pages}`,
  number: (value, format) => (format === 'fen' ? yuan(value) : format === 'share' ? `${grouped(value * 100, 1)}%` : grouped(value, 0)),
  money: (fen) => `CNY ${yuan(fen)}`,
  moneyHeader: (header) => `${header} (CNY)`,
  date,
  ordinal: (n) => `${n}. `,
  list,
  summarySheet: 'Document',
  reference: (caseTitle) => `Case: ${caseTitle}`,
  party: {
    label: (p, caseType) => {
      if (p.role === 'PLAINTIFF' && p.organisationKind === 'PROCURATORATE') return 'Public-interest litigant';
      if (p.role === 'PLAINTIFF' && caseType === 'REPRESENTATIVE_ACTION') return 'Representative';
      return enums.partyRole[p.role] ?? title(p.role);
    },
    lines: (p) => {
      const lines = [p.name];
      if (p.creditCode) lines.push(`Unified social credit code: ${p.creditCode}`);
      if (p.organisationKind) lines.push(`Kind: ${enums.organisationKind[p.organisationKind] ?? p.organisationKind}`);
      if (p.handlerRole) lines.push(`Role: ${enums.handlerRole[p.handlerRole] ?? p.handlerRole}`);
      if (p.liabilityBasis) lines.push(`Liability: ${enums.liabilityBasis[p.liabilityBasis]} (${LIABILITY_SOURCE[p.liabilityBasis]})`);
      return lines;
    },
  },
  incidentFacts: (i) => {
    const categories = i.dataCategories.map((c) => enums.dataCategory[c.category] ?? c.category);
    const sensitive = i.dataCategories.filter((c) => c.sensitive).map((c) => enums.dataCategory[c.category] ?? c.category);
    const scale = [
      i.estimatedPeople !== null ? `about ${grouped(i.estimatedPeople, 0)} people` : '',
      i.estimatedRecords !== null ? `about ${grouped(i.estimatedRecords, 0)} records` : '',
    ].filter(Boolean);
    return (
      `Personal information handled by ${i.handler.name} (${enums.handlerRole[i.handler.role]}) leaked ${window(i)}, including ${list(categories)}` +
      (sensitive.length ? `, of which ${list(sensitive)} are sensitive personal information under PIPL art. 28` : '') +
      (scale.length ? `, affecting ${scale.join(' and ')}` : '') +
      `. The leak became known on ${date(i.discoveredOn)} through ${enums.discoveryChannel[i.discoveryChannel]}.`
    );
  },
  membersFacts: (m, merged) =>
    `${merged ? 'Across the enrolments of all parties' : 'By our own enrolments'}, the class has ${grouped(m.current, 0)} current members, ` +
    `${grouped(m.verified, 0)} of them verified by a dataset match or a breach notice; ${grouped(m.lossMembers, 0)} members declared a property loss, ` +
    `CNY ${yuan(m.lossSumFen)} in all.`,
  headings: {
    claims: 'Claims',
    factsAndReasons: 'Facts and reasons',
    evidence: 'Evidence list',
    requests: 'Requests',
    recommendations: 'Recommendations',
    classes: 'Classes',
    members: 'Members',
    metrics: 'Composition metrics',
    anomalies: 'Anomalies',
    decisions: 'Review decisions',
    counts: 'Breakdowns',
  },
  complaint: {
    claims: (f) => [
      `Order the defendants ${defendantNames(f)} to stop the unlawful handling of personal information at once, to delete the personal information unlawfully collected or leaked, and to close the channel of the leak (Civil Code art. 179);`,
      'Order the defendants to apologise publicly in national media, in a manner and reach commensurate with the infringement (Civil Code art. 1000);',
      'Order the defendants to eliminate the impact, including notice to the third parties that obtained the leaked data to delete it;',
      f.members.lossSumFen > 0
        ? `Order the defendants to pay damages of CNY ${yuan(f.members.lossSumFen)} (the property losses declared by the class members; PIPL art. 69(2); Civil Code art. 1182) into the public-interest fund account;`
        : 'Order the defendants to pay damages in an amount the court sets by the circumstances (PIPL art. 69(2); Civil Code art. 1182) into the public-interest fund account;',
      'Order the defendants to bear the costs of this suit.',
    ],
    reasons: (f) => [
      ...f.incidents.map((i) => EN.incidentFacts(i)),
      EN.membersFacts(f.members, false),
      'Under PIPL art. 69(1), a handler whose handling of personal information infringes rights and causes damage, and who cannot prove it was not at fault, bears liability for damages and other tort liability. The defendants failed the security duties of PIPL art. 51 and did not take remedial measures and notify the individuals as PIPL art. 57 requires, infringing the rights of many individuals and harming the public interest.',
      f.author.kind === 'PROCURATORATE'
        ? `This procuratorate made the pre-litigation announcement and no organisation with standing sued when it ran out (${PIL_INTERPRETATION}, art. 13). Under Civil Procedure Law art. 58(2) and PIPL art. 70 it brings this civil public-interest suit as public-interest litigant.`
        : 'Under PIPL art. 70, Civil Procedure Law art. 58(1) and Consumer Rights Protection Law art. 47, the plaintiff has standing to bring this civil public-interest suit.',
    ],
    closing: () => 'For these reasons, to protect the public interest, we bring this suit and ask the court to decide according to law.',
    salutation: (court) => ['To', court],
  },
  announcement: {
    body: (f) => [
      `In performing its duties this procuratorate found: ${f.incidents.map((i) => EN.incidentFacts(i)).join(' ')}`,
      'These acts infringe the personal-information rights of many unspecified individuals and harm the public interest, in suspected breach of PIPL arts. 10 and 51.',
      `Under Civil Procedure Law art. 58(2) and ${PIL_INTERPRETATION}, art. 13, this procuratorate intends to bring a civil public-interest suit against ${handlerNames(f)}, and announces it.`,
    ],
    period: (f) =>
      f.announcement
        ? `The announcement period is 30 days, counted from the day after its publication on ${date(f.announcement.trigger)}, and ends on ${date(f.announcement.due)}.`
        : 'The announcement period is 30 days, counted from the day after its publication.',
    comeForward: () =>
      'Organs and organisations with standing that intend to sue over these acts are asked to inform this procuratorate in writing before the period ends and to sue in the competent court. If none sues when the period ends, this procuratorate will sue according to law.',
  },
  recommendation: {
    addressee: (f) => `To ${f.parties.find((p) => p.role === 'AGENCY')?.name ?? ''}:`,
    findings: (f) => [`In performing its duties this procuratorate found: ${f.incidents.map((i) => EN.incidentFacts(i)).join(' ')}`],
    failure: () =>
      `As a department with personal-information protection duties (PIPL arts. 60-61), your agency has not performed its duty to supervise these unlawful acts, and the public interest continues to be harmed. Under Administrative Procedure Law art. 25(4) and ${PIL_INTERPRETATION}, art. 21, this procuratorate recommends:`,
    measures: (f) => [
      `Perform your supervisory duties: order ${handlerNames(f)} to correct its conduct, stop the unlawful handling of personal information at once and delete the personal information unlawfully handled (PIPL art. 66);`,
      `Investigate and deal with the unlawful handling by ${handlerNames(f)} according to law (PIPL art. 61(4));`,
      'Require it to notify the affected individuals and take remedial measures as PIPL art. 57 requires;',
      'Establish regular supervision so that such problems do not recur.',
    ],
    response: (f) =>
      f.recommendation
        ? `Please perform your duties and answer this procuratorate in writing within ${f.recommendation.urgent ? '15 days' : 'two months'} of receiving this recommendation, that is by ${date(f.recommendation.due)}.`
        : 'Please perform your duties and answer this procuratorate in writing within two months of receiving this recommendation, or within 15 days where the matter is urgent.',
  },
  preservation: {
    requests: (f) => [
      `Preserve, by sealing, copying or inspection, the server logs, access logs, database operation records, data export records and consent records of the respondents ${defendantNames(f)} for their handling of personal information ${f.incidents.map(window).join('; ') || 'during the exposure window'};`,
      'Order the respondents not to delete, alter or move this electronic data while it is preserved;',
      'Compute and record the hash of the preserved electronic data so that its integrity can be verified.',
    ],
    reasons: (f) => [
      ...f.incidents.map((i) => EN.incidentFacts(i)),
      'This electronic data is controlled by the respondents and is key evidence of the handling, of the cause of the leak and of whether the respondents met their security duties (PIPL art. 51). Electronic data is easily deleted or altered: it may be lost or become hard to obtain later.',
      'Under Civil Procedure Law art. 84 and the SPC Provisions on Evidence in Civil Procedure (2019), arts. 25-27, the applicant applies for the preservation of this evidence.',
    ],
    undertaking: 'The applicant will provide security as the court requires.',
    salutation: (court) => ['To', court],
  },
  roster: {
    scope: (merged, author) =>
      merged
        ? `The court's merged view: every class member enrolled by the parties of the case, identifiers masked. Prepared by ${author}.`
        : `Only the class members enrolled by ${author}, with what it recorded; identifiers masked.`,
    columns: { no: 'No.', klass: 'Cl.', name: 'Name', idNumber: 'ID number', basis: 'Basis', subclass: 'Subclass', state: 'Status', loss: 'Declared loss' },
    classColumns: { no: 'Class', name: 'Name', status: 'Status', total: 'Members', current: 'Current', admitted: 'Admitted', excluded: 'Excluded', optedOut: 'Opted out' },
    noMembers: 'The case has no class members yet.',
  },
  report: {
    scope: (merged, author) =>
      merged
        ? `Computed over the court's merged view (every member enrolled by the parties). Prepared by ${author}.`
        : `Computed only over the members enrolled by ${author}, with the facts it recorded.`,
    classHeading: (no, name) => `Class ${no}: ${name}`,
    definition: (definition) => `Definition: ${definition}`,
    metricColumns: { metric: 'Metric', value: 'Value' },
    metrics: {
      total: 'Members',
      current: 'Current members',
      verified: 'Verified members',
      verifiedShare: 'Verified share',
      withoutEvidence: 'Members without evidence',
      withoutHarm: 'Members without a declared harm',
      lossMembers: 'Members declaring a property loss',
      lossSum: 'Declared losses, total (CNY)',
      lossMedian: 'Declared loss, median (CNY)',
      lossMax: 'Declared loss, largest (CNY)',
    },
    countColumns: { item: 'Category', members: 'Members', share: 'Share' },
    byState: 'By status',
    bySubclass: 'By subclass',
    byBasis: 'By basis',
    categories: 'By data category',
    harms: 'By harm',
    anomalyColumns: { kind: 'Anomaly', members: 'Members' },
    decisionColumns: { date: 'Date', kind: 'Decision', touched: 'Members', reason: 'Reason' },
    decisionsMore: (listed, total) => `The first ${listed} of ${total} decisions are listed.`,
    noDecisions: 'No review decision yet.',
    noClasses: 'The case has no class yet.',
  },
  evidenceList: {
    scope: (merged, author) =>
      merged ? `Every evidence item of the case. Prepared by ${author}.` : `The evidence submitted by ${author} and the items the court has exchanged.`,
    log: "Each item's file is hashed with SHA-256 and entered in the evidence log (an RFC 9162 Merkle tree with signed heads); its log position is the entry's number there, and an inclusion proof shows the file unchanged.",
    columns: { no: 'No.', title: 'Evidence', source: 'Source', proves: 'To prove', pages: 'Pages', sha256: 'SHA-256', logIndex: 'Log position' },
    provesSeparator: '; ',
    none: 'No evidence yet.',
  },
  remedySchedule: {
    scope: (merged, author) =>
      merged
        ? `Prepared from the court's merged view: every remedy of the case, each defendant's liability and the distribution totals. Prepared by ${author}.`
        : `The remedies of the case and each defendant's liability; the distribution totals are computed only from the members ${author} enrolled.`,
    headings: { remedies: 'Remedies', measures: 'Measures', liability: (no) => `Compensation No. ${no}: liability per defendant`, distribution: 'Distribution totals' },
    kind: { CESSATION: 'Cessation', APOLOGY: 'Apology', ELIMINATING_IMPACT: 'Eliminating the impact', COMPENSATION: 'Compensation' },
    status: { SOUGHT: 'Sought', ORDERED: 'Ordered', SETTLED: 'Settled', DISMISSED: 'Dismissed', IN_COMPLIANCE: 'In compliance', COMPLIED: 'Complied', DEFAULTED: 'Defaulted' },
    method: { LOSS: 'by proven loss', GAIN: "by the handler's gain", DISCRETIONARY: 'at the court\'s discretion' },
    yes: 'yes',
    no: 'no',
    verified: (verified, of) => `${verified}/${of}`,
    columns: { no: 'No.', kind: 'Remedy', status: 'Status', statusOn: 'Since', due: 'Due', overdue: 'Overdue', measures: 'Verified' },
    measureColumns: { remedy: 'No.', measure: 'Measure and scope', due: 'Due', verifiedOn: 'Verified', overdue: 'Overdue' },
    noRemedies: 'No remedy has been sought in this case yet.',
    liabilityColumns: { defendant: 'Defendant', basis: 'Basis', extent: 'Extent', answersFor: 'Answers for (CNY)', paid: 'Paid (CNY)', remaining: 'Remaining (CNY)' },
    extent: (bp) => (bp === null ? 'in full' : `${grouped(bp / 100, bp % 100 ? 2 : 0)}%`),
    liabilityTotals: (total, paid, outstanding) => `Total CNY ${yuan(total)}; paid CNY ${yuan(paid)}; outstanding CNY ${yuan(outstanding)}.`,
    distributionBasis: (className, method, version) => `Class "${className}": assessed ${method}, moral-damage factor model version ${version}.`,
    distributionColumns: { subclass: 'Subclass', members: 'Members', property: 'Property (CNY)', moral: 'Moral (CNY)', amount: 'Total (CNY)' },
    total: 'Total',
    noDistribution: 'No compensation assessment has been completed yet.',
    perMemberElsewhere: 'Each member\'s line is in the distribution schedule (XLSX); this document gives the totals by subclass.',
    sheet: { remedies: 'Remedies', measures: 'Measures', liability: (no) => `Compensation ${no}`, distribution: (no) => `Distribution ${no}` },
  },
  datasetColumns: { no: 'No.', source: 'Evidence and source', rows: 'Records', matched: 'Members matched', sha256: 'SHA-256' },
  datasetSheet: 'Evidence',
  sheet: {
    roster: 'Roster',
    classes: 'Classes',
    metrics: (no) => `Class ${no} metrics`,
    counts: (no) => `Class ${no} breakdowns`,
    anomalies: (no) => `Class ${no} anomalies`,
    decisions: (no) => `Class ${no} decisions`,
  },
};
