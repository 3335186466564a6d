import { ConflictError, ForbiddenError, Role } from '@app/platform';

/** The four forms of civil liability a leak case seeks (Civil Code art. 179; domain.md section 5). */
export enum RemedyKind {
  /** 停止侵害: stop the handling, delete or return the data, close the channel. */
  CESSATION = 'CESSATION',
  /** 赔礼道歉: private or public, in a medium matching the scope of the harm (Civil Code art. 1000). */
  APOLOGY = 'APOLOGY',
  /** 消除影响、恢复名誉: commensurate with the scope (Civil Code art. 1000). */
  ELIMINATING_IMPACT = 'ELIMINATING_IMPACT',
  /** 赔偿损失 (PIPL art. 69(2); Civil Code arts. 1182, 1183). */
  COMPENSATION = 'COMPENSATION',
}

/** Where a remedy stands: SOUGHT -> ORDERED | SETTLED | DISMISSED -> IN_COMPLIANCE -> COMPLIED | DEFAULTED. */
export enum RemedyStatus {
  SOUGHT = 'SOUGHT',
  ORDERED = 'ORDERED',
  SETTLED = 'SETTLED',
  DISMISSED = 'DISMISSED',
  IN_COMPLIANCE = 'IN_COMPLIANCE',
  COMPLIED = 'COMPLIED',
  DEFAULTED = 'DEFAULTED',
}

/** Who records a step: the court, or the plaintiff side of the case (procuratorate, association). */
export type RemedyActor = 'COURT' | 'PLAINTIFF_SIDE';

/** One allowed step of a remedy's lifecycle, with who records it and its source. */
export interface RemedyTransition {
  readonly from: RemedyStatus;
  readonly to: RemedyStatus;
  readonly by: readonly RemedyActor[];
  readonly source: string;
}

const COURT: readonly RemedyActor[] = ['COURT'];
const EITHER: readonly RemedyActor[] = ['COURT', 'PLAINTIFF_SIDE'];

/** The lifecycle as data: one row per allowed step. */
export const REMEDY_TRANSITIONS: readonly RemedyTransition[] = Object.freeze([
  // The judgment orders the remedy or rejects the claim (CPL (2023) art. 155: the judgment states the liability).
  { from: RemedyStatus.SOUGHT, to: RemedyStatus.ORDERED, by: COURT, source: 'Civil Code art. 179; CPL (2023) art. 155' },
  { from: RemedyStatus.SOUGHT, to: RemedyStatus.DISMISSED, by: COURT, source: 'CPL (2023) art. 155' },
  // A settlement or mediation agreement binds once the court confirms it (CPL (2023), the
  // mediation chapter); in public-interest cases only after it was announced for 30 days (SPC
  // interpretation on civil PIL art. 25).
  { from: RemedyStatus.SOUGHT, to: RemedyStatus.SETTLED, by: COURT, source: 'CPL (2023) mediation chapter; SPC interpretation on civil PIL art. 25' },
  // The defendant starts to comply with the order or the settlement (a judgment in force must be
  // performed): either side may record it.
  { from: RemedyStatus.ORDERED, to: RemedyStatus.IN_COMPLIANCE, by: EITHER, source: 'CPL (2023) art. 247' },
  { from: RemedyStatus.SETTLED, to: RemedyStatus.IN_COMPLIANCE, by: EITHER, source: 'CPL (2023) art. 247' },
  // Compliance is verified, or the default found, by the court (enforcement, CPL (2023) art. 247).
  { from: RemedyStatus.IN_COMPLIANCE, to: RemedyStatus.COMPLIED, by: COURT, source: 'CPL (2023) art. 247' },
  { from: RemedyStatus.IN_COMPLIANCE, to: RemedyStatus.DEFAULTED, by: COURT, source: 'CPL (2023) arts. 247, 264' },
  // A defendant that never starts complying defaults too (an apology refused: Civil Code art. 1000(2)).
  { from: RemedyStatus.ORDERED, to: RemedyStatus.DEFAULTED, by: COURT, source: 'CPL (2023) arts. 247, 264; Civil Code art. 1000(2)' },
  { from: RemedyStatus.SETTLED, to: RemedyStatus.DEFAULTED, by: COURT, source: 'CPL (2023) arts. 247, 264' },
]);

/** The statuses in which the defendant owes performance: a due date passed in one of them is overdue. */
export const OWING_STATUSES: readonly RemedyStatus[] = Object.freeze([RemedyStatus.ORDERED, RemedyStatus.SETTLED, RemedyStatus.IN_COMPLIANCE]);

/** The role a caller records steps as. */
export function remedyActorOf(role: Role): RemedyActor | null {
  if (role === Role.JUDGE) return 'COURT';
  if (role === Role.PROCURATOR || role === Role.ASSOCIATION_STAFF) return 'PLAINTIFF_SIDE';
  return null;
}

/**
 * The transition from `from` to `to` recorded by `by`: CONFLICT naming both statuses when the
 * lifecycle has no such step, FORBIDDEN when it is the other side's to record.
 */
export function checkRemedyTransition(from: RemedyStatus, to: RemedyStatus, by: RemedyActor): RemedyTransition {
  const step = REMEDY_TRANSITIONS.find((t) => t.from === from && t.to === to);
  if (!step) {
    const allowed = REMEDY_TRANSITIONS.filter((t) => t.from === from).map((t) => t.to);
    throw new ConflictError(`A remedy cannot move from ${from} to ${to}`, { from, to, allowed });
  }
  if (!step.by.includes(by)) throw new ForbiddenError(`Moving a remedy from ${from} to ${to} is for the ${step.by.join(' or ')}`);
  return step;
}

/**
 * True when something due on `due` (an Asia/Shanghai calendar date, to 24:00) is overdue on
 * `today`: the defendant still owes it (`owing`) and its last day is before today. The same test
 * as a case deadline's time limit (libs/cases isOverdue); remedy due dates are set by the court's
 * order or the settlement, not counted from a statutory period, so no period rule applies.
 */
export function isDueOverdue(due: string | null, owing: boolean, today: string): boolean {
  return owing && due !== null && due < today;
}
