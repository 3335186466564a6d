import { DomainError, ErrorCode } from '@app/platform/errors/domain-error';
import { type CalendarDate, fromDayNumber, toDayNumber } from './calendar-date';
import { CaseStage, CaseType } from './case-types';
import { DeadlineRule } from './deadline-rules';

/**
 * Who may move a case along a transition:
 * - PLAINTIFF_SIDE: procurator or association staff of an organisation that opened, sues in or
 *   supports the case;
 * - PROCURATOR: a procurator of such an organisation (announcement, recommendation);
 * - COURT: a judge of the court the case is filed at.
 */
export type TransitionActor = 'PLAINTIFF_SIDE' | 'PROCURATOR' | 'COURT';

/** Preconditions a transition checks beyond role and stage; each is explained in GATES. */
export enum TransitionGate {
  PROCURATORATE_PLAINTIFF = 'PROCURATORATE_PLAINTIFF',
  ANNOUNCEMENT_EXPIRED = 'ANNOUNCEMENT_EXPIRED',
  RECOMMENDATION_PERIOD_EXPIRED = 'RECOMMENDATION_PERIOD_EXPIRED',
  CLAIMANTS_NUMBER_UNCERTAIN = 'CLAIMANTS_NUMBER_UNCERTAIN',
  CLAIMANTS_NUMBER_KNOWN = 'CLAIMANTS_NUMBER_KNOWN',
  REGISTRATION_CLOSED = 'REGISTRATION_CLOSED',
  EVIDENCE_PERIOD_EXPIRED = 'EVIDENCE_PERIOD_EXPIRED',
  APPEAL_PERIOD_EXPIRED = 'APPEAL_PERIOD_EXPIRED',
}

/** The gates that wait for the open deadline of the stage being left to run out (requirePeriodOver). */
export const PERIOD_GATES: readonly TransitionGate[] = Object.freeze([
  TransitionGate.ANNOUNCEMENT_EXPIRED,
  TransitionGate.RECOMMENDATION_PERIOD_EXPIRED,
  TransitionGate.REGISTRATION_CLOSED,
  TransitionGate.EVIDENCE_PERIOD_EXPIRED,
  TransitionGate.APPEAL_PERIOD_EXPIRED,
]);

/** One allowed move: to which stage, by whom, checking what, opening which deadline. */
export interface StageTransition {
  readonly to: CaseStage;
  readonly by: TransitionActor;
  readonly gates?: readonly TransitionGate[];
  /** The deadline the event of this transition starts (its date is the trigger, not counted). */
  readonly opens?: DeadlineRule;
}

type StageMachine = Readonly<Partial<Record<CaseStage, readonly StageTransition[]>>>;

const { CLUE, INVESTIGATION, ANNOUNCEMENT, RECOMMENDATION, FILED, REGISTRATION, EVIDENCE_EXCHANGE, HEARING, JUDGMENT, ENFORCEMENT, CLOSED } = CaseStage;

/** Abandoning a case before filing (the clue does not hold, someone else sues, the agency complies). */
const withdraw = (by: TransitionActor): StageTransition => ({ to: CLOSED, by });

/**
 * After judgment: enforcement or closing only once the judgment is in effect, i.e. the appeal
 * period ran out (APPEAL_PERIOD_EXPIRED). Appeal proceedings (second instance) are not recorded
 * yet; until they are, a case whose judgment was appealed stays at JUDGMENT.
 */
const afterJudgment: StageMachine = {
  [JUDGMENT]: [
    { to: ENFORCEMENT, by: 'COURT', gates: [TransitionGate.APPEAL_PERIOD_EXPIRED] },
    { to: CLOSED, by: 'COURT', gates: [TransitionGate.APPEAL_PERIOD_EXPIRED] },
  ],
  [ENFORCEMENT]: [{ to: CLOSED, by: 'COURT' }],
};

/** From filing on, the court runs the civil procedure; a judgment opens the appeal period (CPL (2023) art. 171). */
const civilTrial: StageMachine = {
  // SPC evidence provisions (2019) art. 51: the hearing follows the evidence period, not within it.
  [EVIDENCE_EXCHANGE]: [{ to: HEARING, by: 'COURT', gates: [TransitionGate.EVIDENCE_PERIOD_EXPIRED] }],
  [HEARING]: [{ to: JUDGMENT, by: 'COURT', opens: DeadlineRule.APPEAL_JUDGMENT }],
  ...afterJudgment,
};

/** The stage machine of each case type: from each stage, the moves allowed. */
export const STAGE_MACHINES: Readonly<Record<CaseType, StageMachine>> = Object.freeze({
  [CaseType.CIVIL_PUBLIC_INTEREST]: {
    [CLUE]: [{ to: INVESTIGATION, by: 'PLAINTIFF_SIDE' }, withdraw('PLAINTIFF_SIDE')],
    [INVESTIGATION]: [
      // SPC/SPP interpretation on procuratorial PIL art. 13: a procuratorate announces first.
      { to: ANNOUNCEMENT, by: 'PROCURATOR', gates: [TransitionGate.PROCURATORATE_PLAINTIFF], opens: DeadlineRule.PRE_LITIGATION_ANNOUNCEMENT },
      // An association sues directly; a procuratorate is stopped by ANNOUNCEMENT_EXPIRED.
      { to: FILED, by: 'PLAINTIFF_SIDE', gates: [TransitionGate.ANNOUNCEMENT_EXPIRED] },
      withdraw('PLAINTIFF_SIDE'),
    ],
    [ANNOUNCEMENT]: [
      { to: FILED, by: 'PROCURATOR', gates: [TransitionGate.ANNOUNCEMENT_EXPIRED] },
      // An eligible organisation came forward: it sues, the procuratorate may support it instead.
      withdraw('PROCURATOR'),
    ],
    [FILED]: [{ to: EVIDENCE_EXCHANGE, by: 'COURT', opens: DeadlineRule.EVIDENCE_PERIOD }, withdraw('COURT')],
    ...civilTrial,
  },
  [CaseType.ADMINISTRATIVE_PUBLIC_INTEREST]: {
    [CLUE]: [{ to: INVESTIGATION, by: 'PROCURATOR' }, withdraw('PROCURATOR')],
    [INVESTIGATION]: [
      // Same interpretation art. 21: a recommendation to the agency comes before any suit.
      { to: RECOMMENDATION, by: 'PROCURATOR', opens: DeadlineRule.PROCURATORIAL_RECOMMENDATION_RESPONSE },
      withdraw('PROCURATOR'),
    ],
    [RECOMMENDATION]: [
      { to: FILED, by: 'PROCURATOR', gates: [TransitionGate.RECOMMENDATION_PERIOD_EXPIRED] },
      // The agency acted on the recommendation.
      withdraw('PROCURATOR'),
    ],
    // Administrative procedure has no court-set evidence period: the agency must produce its
    // evidence within 15 days of service (Administrative Procedure Law art. 67).
    [FILED]: [{ to: HEARING, by: 'COURT' }, withdraw('COURT')],
    // Administrative Procedure Law art. 85, not CPL art. 171: the appeal period of an administrative judgment.
    [HEARING]: [{ to: JUDGMENT, by: 'COURT', opens: DeadlineRule.ADMINISTRATIVE_APPEAL_JUDGMENT }],
    ...afterJudgment,
  },
  [CaseType.REPRESENTATIVE_ACTION]: {
    [CLUE]: [{ to: INVESTIGATION, by: 'PLAINTIFF_SIDE' }, withdraw('PLAINTIFF_SIDE')],
    [INVESTIGATION]: [{ to: FILED, by: 'PLAINTIFF_SIDE' }, withdraw('PLAINTIFF_SIDE')],
    [FILED]: [
      // CPL (2023) art. 57: with an uncertain number of claimants the court announces and registers them.
      { to: REGISTRATION, by: 'COURT', gates: [TransitionGate.CLAIMANTS_NUMBER_UNCERTAIN], opens: DeadlineRule.REGISTRATION_PERIOD },
      { to: EVIDENCE_EXCHANGE, by: 'COURT', gates: [TransitionGate.CLAIMANTS_NUMBER_KNOWN], opens: DeadlineRule.EVIDENCE_PERIOD },
      withdraw('COURT'),
    ],
    [REGISTRATION]: [
      { to: EVIDENCE_EXCHANGE, by: 'COURT', gates: [TransitionGate.REGISTRATION_CLOSED], opens: DeadlineRule.EVIDENCE_PERIOD },
    ],
    ...civilTrial,
  },
  [CaseType.SUPPORTED]: {
    [CLUE]: [{ to: INVESTIGATION, by: 'PLAINTIFF_SIDE' }, withdraw('PLAINTIFF_SIDE')],
    [INVESTIGATION]: [{ to: FILED, by: 'PLAINTIFF_SIDE' }, withdraw('PLAINTIFF_SIDE')],
    [FILED]: [{ to: EVIDENCE_EXCHANGE, by: 'COURT', opens: DeadlineRule.EVIDENCE_PERIOD }, withdraw('COURT')],
    ...civilTrial,
  },
});

/** The moves allowed from `stage` in a case of `type`. */
export function transitionsFrom(type: CaseType, stage: CaseStage): readonly StageTransition[] {
  return STAGE_MACHINES[type][stage] ?? [];
}

/** A move the stage machine does not allow, or a precondition that does not hold. */
export class StageTransitionError extends DomainError {
  constructor(type: CaseType, from: CaseStage, to: CaseStage, reason: string, facts: Record<string, string> = {}) {
    super(ErrorCode.CONFLICT, `A ${type} case cannot move from ${from} to ${to}: ${reason}`, { caseType: type, from, to, ...facts });
  }
}

/** Throws StageTransitionError unless the stage machine of `type` allows `from` -> `to`. */
export function findTransition(type: CaseType, from: CaseStage, to: CaseStage): StageTransition {
  const transition = transitionsFrom(type, from).find((t) => t.to === to);
  if (!transition) {
    const allowed = transitionsFrom(type, from).map((t) => t.to);
    throw new StageTransitionError(type, from, to, allowed.length ? `allowed next stages are ${allowed.join(', ')}` : `${from} is final`);
  }
  return transition;
}

/**
 * Refusal to move a case before a legal period has run out. `earliestDate` is the first day the
 * move is allowed: the day after the period's last day (the period runs to 24:00 of `due`).
 */
export class FilingGateError extends DomainError {
  constructor(
    gate: TransitionGate,
    message: string,
    facts: { due?: CalendarDate; earliestDate?: CalendarDate; source?: string; provisionalReason?: string } = {},
  ) {
    super(ErrorCode.CONFLICT, message, { gate, ...facts });
  }
}

/** The facts the gates judge, gathered by the service. */
export interface GateFacts {
  readonly type: CaseType;
  readonly from: CaseStage;
  readonly to: CaseStage;
  /** The date the event happens (filing, registration close...). */
  readonly on: CalendarDate;
  readonly procuratoratePlaintiff: boolean;
  readonly claimantsNumberUncertain: boolean;
  /**
   * The open deadline of the stage being left (announcement, recommendation, registration,
   * evidence, appeal), if any; of several (one per party), the one that ends last.
   * `provisionalReason` is set while its end is provisional.
   */
  readonly openDeadline?: { rule: DeadlineRule; due: CalendarDate; source: string; provisionalReason?: string | null };
  /** The caller confirms the step although the period's end is provisional (recorded in the audit). */
  readonly confirmProvisionalEnd?: boolean;
  /** The agency's written response to a recommendation, once recorded. */
  readonly agencyResponse?: { on: CalendarDate; adequate: boolean };
  /** Applications to extend the evidence period not yet ruled on (each was made before the period ended). */
  readonly pendingExtensionApplications?: number;
}

const dayAfter = (date: CalendarDate) => fromDayNumber(toDayNumber(date) + 1);

/**
 * Refuses an event dated on or before the last day of a period that must run out first; and,
 * unless `facts.confirmProvisionalEnd`, one after a provisional last day: the official
 * arrangement may still move that day later (a new holiday), past the event, so there is no
 * safe date yet (the nominal last day is safe only for acting within the period).
 */
function requirePeriodOver(gate: TransitionGate, facts: GateFacts, what: string): void {
  const deadline = facts.openDeadline;
  if (!deadline) throw new StageTransitionError(facts.type, facts.from, facts.to, `${what} has not been started`, { gate });
  const earliestDate = dayAfter(deadline.due);
  if (facts.on <= deadline.due) {
    throw new FilingGateError(
      gate,
      `${gate}: ${what} runs until ${deadline.due} (${deadline.source}); the earliest date for this is ${earliestDate}, not ${facts.on}`,
      { due: deadline.due, earliestDate, source: deadline.source },
    );
  }
  if (deadline.provisionalReason && !facts.confirmProvisionalEnd) {
    throw new FilingGateError(
      gate,
      `${gate}: ${what} runs until ${deadline.due} (${deadline.source}) only provisionally, and the official holiday arrangement may move it past ${facts.on}. ${deadline.provisionalReason} To record this step anyway, confirm with confirmProvisionalEnd: true`,
      { due: deadline.due, earliestDate, source: deadline.source, provisionalReason: deadline.provisionalReason },
    );
  }
}

/** True when the move `from` -> `to` of a `type` case waits for a period to run out (PERIOD_GATES). */
export function waitsForPeriod(type: CaseType, from: CaseStage, to: CaseStage): boolean {
  const transition = transitionsFrom(type, from).find((t) => t.to === to);
  return (transition?.gates ?? []).some((gate) => PERIOD_GATES.includes(gate));
}

/** Throws unless `gate` holds for `facts`. */
export function checkGate(gate: TransitionGate, facts: GateFacts): void {
  const refuse = (reason: string) => {
    throw new StageTransitionError(facts.type, facts.from, facts.to, reason, { gate });
  };
  switch (gate) {
    case TransitionGate.PROCURATORATE_PLAINTIFF:
      // SPC/SPP interpretation on procuratorial PIL art. 13: the announcement is the procuratorate's step.
      if (!facts.procuratoratePlaintiff) refuse('only a procuratorate plaintiff makes a pre-litigation announcement');
      return;
    case TransitionGate.ANNOUNCEMENT_EXPIRED:
      // Same art. 13: a procuratorate sues only after the 30-day announcement ran out unanswered.
      // A case still in ANNOUNCEMENT means no eligible organisation came forward (else it is closed).
      if (!facts.procuratoratePlaintiff) return;
      if (facts.from !== CaseStage.ANNOUNCEMENT) {
        refuse('a procuratorate files a civil public-interest case only after its 30-day pre-litigation announcement (SPC/SPP interpretation on procuratorial public-interest litigation, art. 13)');
      }
      requirePeriodOver(gate, facts, 'the pre-litigation announcement');
      return;
    case TransitionGate.RECOMMENDATION_PERIOD_EXPIRED:
      // Same interpretation art. 21: only an agency that still fails to act after the period is sued.
      if (facts.agencyResponse?.adequate) {
        refuse(`the agency responded adequately on ${facts.agencyResponse.on}; close the case instead (SPC/SPP interpretation on procuratorial public-interest litigation, art. 21)`);
      }
      requirePeriodOver(gate, facts, "the agency's response period");
      return;
    case TransitionGate.CLAIMANTS_NUMBER_UNCERTAIN:
      if (!facts.claimantsNumberUncertain) refuse('registration is for a representative action with an uncertain number of claimants (CPL (2023) art. 57)');
      return;
    case TransitionGate.CLAIMANTS_NUMBER_KNOWN:
      if (facts.claimantsNumberUncertain) refuse('with an uncertain number of claimants the court first announces the case and registers them (CPL (2023) art. 57)');
      return;
    case TransitionGate.REGISTRATION_CLOSED:
      // SPC interpretation of the CPL (2022) art. 79; the judgment binds those who registered.
      requirePeriodOver(gate, facts, 'the registration period');
      return;
    case TransitionGate.EVIDENCE_PERIOD_EXPIRED:
      // SPC evidence provisions (2019) art. 51: a party may submit evidence until the period's last day.
      requirePeriodOver(gate, facts, 'the evidence period');
      // Art. 54: an application made before the end may be granted after it, extending the same
      // period; a hearing begun first would leave no period to extend.
      if (facts.pendingExtensionApplications) {
        refuse(`${facts.pendingExtensionApplications} application(s) to extend the evidence period, made in time, await the court's ruling (SPC evidence provisions (2019) art. 54): rule on them first`);
      }
      return;
    case TransitionGate.APPEAL_PERIOD_EXPIRED:
      // CPL (2023) arts. 171, 158 (APL art. 85 for administrative cases): a first-instance judgment
      // takes effect only once the appeal period has run out without an appeal.
      requirePeriodOver(gate, facts, 'the appeal period');
      return;
  }
}
