import type { Assessment, LiabilitySchedule, RemedyModel } from '@app/remedies';
import type { Block, Cell } from '../render/spec';
import { DocumentKind } from '../rules/document-kinds';
import type { BuildContext, DocumentBuilder } from './builders';

/**
 * What the remedy and distribution schedule says, read through the remedies library in the
 * viewer's view: the case's remedies (whoever may see the case sees them all), the per-defendant
 * liability schedule of each compensation, and, for a representative action, per class the
 * latest completed assessment the viewer may read (the court: any party's; an organisation: its
 * own, computed from its own enrolments).
 */
export interface RemedyScheduleFacts {
  /** The case's remedies, oldest first. */
  remedies: RemedyModel[];
  /** The liability schedule of each COMPENSATION remedy with an amount, by remedy id. */
  liability: ReadonlyMap<string, LiabilitySchedule>;
  /** Representative actions: each class's latest completed assessment the viewer may read, with the class's name. */
  distributions: { className: string; assessment: Assessment }[];
  /** Whether the case is a representative action (damages paid to the members, not to a fund). */
  toMembers: boolean;
}

/** The remedy and distribution schedule (issue 14; domain.md sections 5 and 7). */
export const remedySchedule: DocumentBuilder = (ctx: BuildContext) => {
  const { facts, t, merged } = ctx;
  if (!ctx.remedies) throw new Error('remedy schedule: no remedy facts');
  const { remedies, liability, distributions, toMembers } = ctx.remedies;
  const s = t.remedySchedule;
  const blocks: Block[] = [{ kind: 'paragraph', text: s.scope(merged, facts.author.name), indent: false }, { kind: 'heading', text: s.headings.remedies }];
  if (!remedies.length) blocks.push({ kind: 'paragraph', text: s.noRemedies, indent: false });
  else {
    const c = s.columns;
    blocks.push({
      kind: 'table',
      name: s.sheet.remedies,
      columns: [
        // Relative widths: a date ('31 December 2099'), 'Compensation', 'Overdue' and 'Verified' each on one line.
        // A compensation's amount is in its liability section below.
        { header: c.no, width: 5, format: 'count' },
        { header: c.kind, width: 15 },
        { header: c.status, width: 10 },
        { header: c.statusOn, width: 17 },
        { header: c.due, width: 17 },
        { header: c.overdue, width: 10 },
        { header: c.measures, width: 10 },
      ],
      rows: remedies.map((r, i): Cell[] => [
        i + 1,
        s.kind[r.kind] ?? r.kind,
        s.status[r.status] ?? r.status,
        t.date(r.statusOn),
        r.dueOn ? t.date(r.dueOn) : null,
        r.overdue ? s.yes : s.no,
        r.measures.length ? s.verified(r.measures.filter((m) => m.verifiedOn !== null).length, r.measures.length) : null,
      ]),
    });
    const measures = remedies.flatMap((r, i) => r.measures.map((m) => ({ no: i + 1, m })));
    if (measures.length) {
      const m = s.measureColumns;
      blocks.push({ kind: 'heading', text: s.headings.measures }, {
        kind: 'table',
        name: s.sheet.measures,
        columns: [
          { header: m.remedy, width: 6, format: 'count' },
          { header: m.measure, width: 40 },
          { header: m.due, width: 16 },
          { header: m.verifiedOn, width: 16 },
          { header: m.overdue, width: 10 },
        ],
        rows: measures.map(({ no, m: measure }): Cell[] => [
          no,
          measure.scope ? `${measure.description} (${measure.scope})` : measure.description,
          measure.dueOn ? t.date(measure.dueOn) : null,
          measure.verifiedOn ? t.date(measure.verifiedOn) : null,
          measure.overdue ? s.yes : s.no,
        ]),
      });
    }
  }
  remedies.forEach((r, i) => {
    const schedule = liability.get(r.id);
    if (!schedule) return;
    const l = s.liabilityColumns;
    blocks.push(
      { kind: 'heading', text: s.headings.liability(i + 1) },
      {
        kind: 'table',
        name: s.sheet.liability(i + 1),
        columns: [
          { header: l.defendant, width: 22 },
          { header: l.basis, width: 14 },
          { header: l.extent, width: 9 },
          { header: l.answersFor, width: 15, format: 'fen' },
          { header: l.paid, width: 15, format: 'fen' },
          { header: l.remaining, width: 15, format: 'fen' },
        ],
        rows: schedule.lines.map((line): Cell[] => [
          line.defendant.name,
          t.enums.liabilityBasis[line.defendant.basis] ?? line.defendant.basis,
          s.extent(line.defendant.shareBasisPoints),
          Number(line.answersForFen),
          Number(line.paidFen),
          Number(line.remainingFen),
        ]),
      },
      { kind: 'paragraph', text: s.liabilityTotals(Number(schedule.totalFen), Number(schedule.paidFen), Number(schedule.outstandingFen)), indent: false },
    );
  });
  if (toMembers) {
    blocks.push({ kind: 'heading', text: s.headings.distribution });
    if (!distributions.length) blocks.push({ kind: 'paragraph', text: s.noDistribution, indent: false });
    distributions.forEach(({ className, assessment: a }, i) => {
      const d = s.distributionColumns;
      const rows: Cell[][] = a.bySubclass.map((x) => [t.enums.subclass[x.subclass] ?? x.subclass, x.members, Number(x.propertyFen), Number(x.moralFen), Number(x.amountFen)]);
      const sum = (pick: (x: Assessment['bySubclass'][number]) => string) => a.bySubclass.reduce((total, x) => total + BigInt(pick(x)), 0n);
      rows.push([s.total, a.bySubclass.reduce((n, x) => n + x.members, 0), Number(sum((x) => x.propertyFen)), Number(sum((x) => x.moralFen)), Number(sum((x) => x.amountFen))]);
      blocks.push(
        { kind: 'paragraph', text: s.distributionBasis(className, s.method[a.method] ?? a.method, a.modelVersion), indent: false },
        {
          kind: 'table',
          name: s.sheet.distribution(i + 1),
          columns: [
            { header: d.subclass, width: 18 },
            { header: d.members, width: 10, format: 'count' },
            { header: d.property, width: 16, format: 'fen' },
            { header: d.moral, width: 16, format: 'fen' },
            { header: d.amount, width: 16, format: 'fen' },
          ],
          rows,
        },
      );
    });
    if (distributions.length) blocks.push({ kind: 'paragraph', text: s.perMemberElsewhere, indent: false });
  }
  blocks.push({ kind: 'signature', salutation: [], author: [facts.author.name], date: t.date(facts.today) });
  return { title: t.title[DocumentKind.REMEDY_SCHEDULE], reference: t.reference(facts.caseModel.title), blocks };
};
