import type { Block, Cell, DocumentSpec } from '../render/spec';
import { DocumentKind } from '../rules/document-kinds';
import type { DocumentTexts } from '../texts/texts';
import type { CaseFacts, DocumentClass, RosterRow } from './case-facts';
import { remedySchedule, type RemedyScheduleFacts } from './remedy-schedule';

/** What a builder gets: the case's facts in the viewer's view, the language, and for the roster its rows. */
export interface BuildContext {
  facts: CaseFacts;
  t: DocumentTexts;
  /** The court's merged view (else the generating organisation's own enrolments). */
  merged: boolean;
  /** The roster's members, counted and streamed in the same snapshot as the facts. */
  roster?: { count: number; rows: () => AsyncIterable<RosterRow[]> };
  /** The remedy schedule's remedies, liability schedules and distribution totals. */
  remedies?: RemedyScheduleFacts;
}

/** Builds one kind's document from its facts; pure (no I/O) but for reading the roster's rows. */
export type DocumentBuilder = (ctx: BuildContext) => DocumentSpec;

const partiesBlock = ({ facts, t }: BuildContext, roles: string[], rename: Record<string, string> = {}): Block => ({
  kind: 'parties',
  parties: facts.parties
    .filter((p) => roles.includes(p.role))
    .map((p) => ({ label: rename[p.role] ?? t.party.label(p, facts.caseModel.type), lines: t.party.lines(p) })),
});

const numbered = (t: DocumentTexts, items: string[]): Block => ({ kind: 'numbered', items: items.map((item, i) => `${t.ordinal(i + 1)}${item}`) });
const paragraphs = (texts: string[]): Block[] => texts.map((text) => ({ kind: 'paragraph', text }));

/** The generating organisation's own seized datasets of the case's incidents, with their hashes. */
function evidenceTable({ facts, t }: BuildContext): Block[] {
  if (!facts.datasets.length) return [];
  const c = t.datasetColumns;
  return [
    { kind: 'heading', text: t.headings.evidence },
    {
      kind: 'table',
      name: t.datasetSheet,
      columns: [
        { header: c.no, width: 4 },
        { header: c.source, width: 22 },
        { header: c.rows, width: 9, format: 'count' },
        { header: c.matched, width: 9, format: 'count' },
        { header: c.sha256, width: 30 },
      ],
      rows: facts.datasets.map((d, i) => [i + 1, d.source, d.rowCount, d.matchedClaimants, d.fileSha256]),
    },
  ];
}

const signature = ({ facts, t }: BuildContext, salutation: string[]): Block => ({
  kind: 'signature',
  salutation,
  author: [facts.author.name],
  date: t.date(facts.today),
});

const procuratorate = (facts: CaseFacts) => (facts.author.kind === 'PROCURATORATE' ? facts.author.name : undefined);

const complaint: DocumentBuilder = (ctx) => {
  const { facts, t } = ctx;
  return {
    issuer: procuratorate(facts),
    title: t.title[DocumentKind.CIVIL_PUBLIC_INTEREST_COMPLAINT],
    reference: t.reference(facts.caseModel.title),
    blocks: [
      partiesBlock(ctx, ['PLAINTIFF', 'SUPPORTER', 'DEFENDANT']),
      { kind: 'heading', text: t.headings.claims },
      numbered(t, t.complaint.claims(facts)),
      { kind: 'heading', text: t.headings.factsAndReasons },
      ...paragraphs(t.complaint.reasons(facts)),
      { kind: 'paragraph', text: t.complaint.closing(facts) },
      signature(ctx, t.complaint.salutation(facts.court)),
      ...evidenceTable(ctx),
    ],
  };
};

const announcement: DocumentBuilder = (ctx) => {
  const { facts, t } = ctx;
  return {
    issuer: facts.author.name,
    title: t.title[DocumentKind.PRE_LITIGATION_ANNOUNCEMENT],
    reference: t.reference(facts.caseModel.title),
    blocks: [...paragraphs(t.announcement.body(facts)), { kind: 'paragraph', text: t.announcement.period(facts) }, { kind: 'paragraph', text: t.announcement.comeForward(facts) }, signature(ctx, [])],
  };
};

const recommendation: DocumentBuilder = (ctx) => {
  const { facts, t } = ctx;
  return {
    issuer: facts.author.name,
    title: t.title[DocumentKind.PROCURATORIAL_RECOMMENDATION],
    reference: t.reference(facts.caseModel.title),
    blocks: [
      { kind: 'paragraph', text: t.recommendation.addressee(facts), indent: false },
      ...paragraphs(t.recommendation.findings(facts)),
      { kind: 'paragraph', text: t.recommendation.failure(facts) },
      numbered(t, t.recommendation.measures(facts)),
      { kind: 'paragraph', text: t.recommendation.response(facts) },
      signature(ctx, []),
    ],
  };
};

const preservation: DocumentBuilder = (ctx) => {
  const { facts, t } = ctx;
  const applicant = t.language === 'ZH' ? '申请人' : 'Applicant';
  const respondent = t.language === 'ZH' ? '被申请人' : 'Respondent';
  return {
    title: t.title[DocumentKind.EVIDENCE_PRESERVATION_APPLICATION],
    reference: t.reference(facts.caseModel.title),
    blocks: [
      partiesBlock(ctx, ['PLAINTIFF', 'DEFENDANT'], { PLAINTIFF: applicant, DEFENDANT: respondent }),
      { kind: 'heading', text: t.headings.requests },
      numbered(t, t.preservation.requests(facts)),
      { kind: 'heading', text: t.headings.factsAndReasons },
      ...paragraphs(t.preservation.reasons(facts)),
      { kind: 'paragraph', text: t.preservation.undertaking },
      signature(ctx, t.preservation.salutation(facts.court)),
      ...evidenceTable(ctx),
    ],
  };
};

/** The evidence list: each visible item numbered, with its source, what it proves, pages, SHA-256 and log position. */
const evidenceList: DocumentBuilder = (ctx) => {
  const { facts, t, merged } = ctx;
  const e = t.evidenceList;
  const c = e.columns;
  return {
    issuer: procuratorate(facts),
    title: t.title[DocumentKind.EVIDENCE_LIST],
    reference: t.reference(facts.caseModel.title),
    blocks: [
      { kind: 'paragraph', text: e.scope(merged, facts.author.name) },
      { kind: 'paragraph', text: e.log },
      facts.evidence.length
        ? {
            kind: 'table',
            name: t.title[DocumentKind.EVIDENCE_LIST],
            columns: [
              { header: c.no, width: 5 },
              { header: c.title, width: 14 },
              { header: c.source, width: 11 },
              { header: c.proves, width: 15 },
              { header: c.pages, width: 7, format: 'count' },
              // A SHA-256 on two lines of 32 hex digits.
              { header: c.sha256, width: 35 },
              { header: c.logIndex, width: 9 },
            ],
            rows: facts.evidence.map((item, i) => [
              i + 1,
              item.title,
              item.source,
              item.rules.map((rule) => t.enums.burdenRule[rule] ?? rule).join(e.provesSeparator),
              item.pageCount,
              item.sha256,
              String(item.logIndex),
            ]),
          }
        : { kind: 'paragraph', text: e.none },
      signature(ctx, []),
    ],
  };
};

const stateCount = (k: DocumentClass, state: string) => k.composition.byState.find((s) => s.state === state)?.members ?? 0;

/** The classes of the case with their counts by state, in the view. */
function classesTable({ facts, t }: BuildContext): Block {
  const c = t.roster.classColumns;
  return {
    kind: 'table',
    name: t.sheet.classes,
    columns: [
      { header: c.no, width: 5, format: 'count' },
      { header: c.name, width: 24 },
      { header: c.status, width: 9 },
      { header: c.total, width: 8, format: 'count' },
      { header: c.current, width: 8, format: 'count' },
      { header: c.admitted, width: 8, format: 'count' },
      { header: c.excluded, width: 8, format: 'count' },
      { header: c.optedOut, width: 8, format: 'count' },
    ],
    rows: facts.classes.map((k, i) => [
      i + 1,
      k.klass.name,
      t.enums.classStatus[k.klass.status],
      k.composition.totalMembers,
      k.composition.currentMembers,
      stateCount(k, 'ADMITTED'),
      stateCount(k, 'EXCLUDED'),
      stateCount(k, 'OPTED_OUT'),
    ]),
  };
}

const roster: DocumentBuilder = (ctx) => {
  const { facts, t, merged } = ctx;
  if (!ctx.roster) throw new Error('roster: no member source');
  const source = ctx.roster;
  const c = t.roster.columns;
  const toCells = (r: RosterRow): Cell[] => [
    r.classNo,
    r.nameMasked,
    r.idNumberMasked,
    r.bases.map((b) => t.enums.basis[b] ?? b).join(t.language === 'ZH' ? '、' : ', '),
    t.enums.subclass[r.subclass] ?? r.subclass,
    t.enums.memberState[r.state] ?? r.state,
    r.declaredLossFen,
  ];
  let no = 0;
  return {
    title: t.title[DocumentKind.CLASS_ROSTER],
    reference: t.reference(facts.caseModel.title),
    blocks: [
      { kind: 'paragraph', text: t.roster.scope(merged, facts.author.name), indent: false },
      { kind: 'heading', text: t.headings.classes },
      classesTable(ctx),
      ...(source.count === 0 ? [{ kind: 'paragraph', text: t.roster.noMembers } as Block] : []),
      { kind: 'heading', text: t.headings.members },
      {
        kind: 'stream-table',
        name: t.sheet.roster,
        count: source.count,
        columns: [
          // Widths in 91sts of the frame (467 pt); maxChars keep a cell inside its column at 8.5 pt.
          { header: c.no, width: 7, format: 'count' },
          { header: c.klass, width: 6, format: 'count' },
          { header: c.name, width: 7, maxChars: 6 },
          { header: c.idNumber, width: 17, maxChars: 20 },
          { header: c.basis, width: 24, maxChars: t.language === 'ZH' ? 13 : 28 },
          { header: c.subclass, width: 12, maxChars: t.language === 'ZH' ? 6 : 14 },
          { header: c.state, width: 8, maxChars: t.language === 'ZH' ? 3 : 10 },
          { header: c.loss, width: 10, format: 'fen' },
        ],
        rows: async function* () {
          for await (const batch of source.rows()) yield batch.map((r) => [++no, ...toCells(r)]);
        },
      },
    ],
  };
};

const countRows = (entries: { key: string; members: number }[], names: Record<string, string>, of: number): Cell[][] =>
  entries.filter((e) => e.members > 0).map((e) => [names[e.key] ?? e.key, e.members, of ? e.members / of : 0]);

const report: DocumentBuilder = (ctx) => {
  const { facts, t, merged } = ctx;
  const r = t.report;
  const blocks: Block[] = [{ kind: 'paragraph', text: r.scope(merged, facts.author.name), indent: false }];
  if (!facts.classes.length) blocks.push({ kind: 'paragraph', text: r.noClasses });
  else blocks.push({ kind: 'heading', text: t.headings.classes }, classesTable(ctx));
  facts.classes.forEach((k, i) => {
    const no = i + 1;
    const m = k.composition;
    const current = m.currentMembers;
    blocks.push(
      { kind: 'heading', text: r.classHeading(no, k.klass.name) },
      { kind: 'paragraph', text: r.definition(k.klass.definition), indent: false },
      {
        kind: 'table',
        name: t.sheet.metrics(no),
        columns: [
          { header: r.metricColumns.metric, width: 30 },
          { header: r.metricColumns.value, width: 12, format: 'count' },
          { header: r.countColumns.share, width: 10, format: 'share' },
        ],
        rows: [
          [r.metrics.total, m.totalMembers, null],
          [r.metrics.current, current, null],
          [r.metrics.verified, m.verifiedMembers, m.verifiedShare],
          [r.metrics.withoutEvidence, m.membersWithoutEvidence, current ? m.membersWithoutEvidence / current : 0],
          [r.metrics.withoutHarm, m.membersWithoutHarm, current ? m.membersWithoutHarm / current : 0],
          [r.metrics.lossMembers, m.losses.members, current ? m.losses.members / current : 0],
        ],
      },
      {
        kind: 'table',
        name: `${t.sheet.metrics(no)} ¥`,
        columns: [
          { header: r.metricColumns.metric, width: 30 },
          { header: r.metricColumns.value, width: 22, format: 'fen' },
        ],
        rows: [
          [r.metrics.lossSum, Number(m.losses.sumFen)],
          // The median of an even count is the mean of the middle two: half a fen is rounded to the nearest fen for display.
          [r.metrics.lossMedian, m.losses.medianFen === null ? null : Math.round(Number(m.losses.medianFen))],
          [r.metrics.lossMax, m.losses.maxFen === null ? null : Number(m.losses.maxFen)],
        ],
      },
      { kind: 'heading', text: `${t.headings.counts}` },
      {
        kind: 'table',
        name: t.sheet.counts(no),
        columns: [
          { header: r.countColumns.item, width: 30 },
          { header: r.countColumns.members, width: 12, format: 'count' },
          { header: r.countColumns.share, width: 10, format: 'share' },
        ],
        rows: [
          [r.byState, null, null],
          ...countRows(m.byState.map((s) => ({ key: s.state, members: s.members })), t.enums.memberState, m.totalMembers),
          [r.bySubclass, null, null],
          ...countRows(m.bySubclass.map((s) => ({ key: s.subclass, members: s.members })), t.enums.subclass, current),
          [r.byBasis, null, null],
          ...countRows(m.byBasis.map((s) => ({ key: s.basis, members: s.members })), t.enums.basis, current),
          [r.categories, null, null],
          ...countRows(m.dataCategories.map((s) => ({ key: s.category, members: s.members })), t.enums.dataCategory, current),
          [r.harms, null, null],
          ...countRows(m.harmTypes.map((s) => ({ key: s.harmType, members: s.members })), t.enums.harmType, current),
        ],
      },
      { kind: 'heading', text: t.headings.anomalies },
      {
        kind: 'table',
        name: t.sheet.anomalies(no),
        columns: [
          { header: r.anomalyColumns.kind, width: 30 },
          { header: r.anomalyColumns.members, width: 12, format: 'count' },
        ],
        rows: k.anomalies.map((a) => [t.enums.anomalyKind[a.kind] ?? a.kind, a.members]),
      },
      { kind: 'heading', text: t.headings.decisions },
    );
    if (!k.decisions.length) blocks.push({ kind: 'paragraph', text: r.noDecisions, indent: false });
    else {
      blocks.push({
        kind: 'table',
        name: t.sheet.decisions(no),
        columns: [
          { header: r.decisionColumns.date, width: 12 },
          { header: r.decisionColumns.kind, width: 14 },
          { header: r.decisionColumns.touched, width: 9, format: 'count' },
          { header: r.decisionColumns.reason, width: 40 },
        ],
        rows: k.decisions.map((d) => [
          t.date(shanghaiDate(d.decidedAt)),
          t.enums.decisionKind[d.kind] ?? d.kind,
          d.touched,
          d.reason,
        ]),
      });
      if (k.decisionsTotal > k.decisions.length) blocks.push({ kind: 'paragraph', text: r.decisionsMore(k.decisions.length, k.decisionsTotal), indent: false });
    }
  });
  blocks.push(signature(ctx, []));
  return { title: t.title[DocumentKind.CLASS_COMPOSITION_REPORT], reference: t.reference(facts.caseModel.title), blocks };
};

const SHANGHAI_DATE = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });
const shanghaiDate = (at: Date) => SHANGHAI_DATE.format(at);

/**
 * The content builder of each kind (the kinds table, rules/document-kinds.ts, says who may make
 * it and in which formats). A new kind is a row there and a builder here.
 */
export const BUILDERS: Readonly<Record<DocumentKind, DocumentBuilder>> = Object.freeze({
  [DocumentKind.CIVIL_PUBLIC_INTEREST_COMPLAINT]: complaint,
  [DocumentKind.PRE_LITIGATION_ANNOUNCEMENT]: announcement,
  [DocumentKind.PROCURATORIAL_RECOMMENDATION]: recommendation,
  [DocumentKind.EVIDENCE_PRESERVATION_APPLICATION]: preservation,
  [DocumentKind.CLASS_ROSTER]: roster,
  [DocumentKind.CLASS_COMPOSITION_REPORT]: report,
  [DocumentKind.EVIDENCE_LIST]: evidenceList,
  [DocumentKind.REMEDY_SCHEDULE]: remedySchedule,
});
