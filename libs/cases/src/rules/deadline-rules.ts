import { DomainError, ErrorCode } from '@app/platform/errors/domain-error';
import { type CalendarDate, isCalendarDate } from './calendar-date';
import type { HolidayCalendar } from './holiday-calendar';
import { endOfPeriod, type PeriodEnd, type PeriodLength, type PeriodUnit } from './periods';

/** The named legal deadlines of a leak case (domain.md section 3). Stored by name. */
export enum DeadlineRule {
  PRE_LITIGATION_ANNOUNCEMENT = 'PRE_LITIGATION_ANNOUNCEMENT',
  PROCURATORIAL_RECOMMENDATION_RESPONSE = 'PROCURATORIAL_RECOMMENDATION_RESPONSE',
  REGISTRATION_PERIOD = 'REGISTRATION_PERIOD',
  EVIDENCE_PERIOD = 'EVIDENCE_PERIOD',
  APPEAL_JUDGMENT = 'APPEAL_JUDGMENT',
  APPEAL_RULING = 'APPEAL_RULING',
  ADMINISTRATIVE_APPEAL_JUDGMENT = 'ADMINISTRATIVE_APPEAL_JUDGMENT',
  ADMINISTRATIVE_APPEAL_RULING = 'ADMINISTRATIVE_APPEAL_RULING',
}

/**
 * What running out of a period means, which decides whether an open deadline can be overdue:
 * - WAITING_PERIOD: a period that must run out before the next step (the procuratorate may sue,
 *   registration closes); nobody fails anything when it ends, so it is never overdue;
 * - TIME_LIMIT: a period within which a party must act (reply, submit evidence, appeal); once it
 *   has run out while the case is still at its stage, the time to act is gone and the case waits
 *   on someone: flagged overdue.
 */
export enum DeadlineNature {
  WAITING_PERIOD = 'WAITING_PERIOD',
  TIME_LIMIT = 'TIME_LIMIT',
}

/** First-instance procedure, which decides the bounds of a court-set evidence period. */
export type CourtProcedure = 'ORDINARY' | 'SIMPLIFIED';

/** Inclusive bounds, in days, that the law puts on a period the court sets. */
export interface DayBounds {
  readonly min?: number;
  readonly max?: number;
}

/**
 * One row of DEADLINE_RULES. `length` in `unit` is the statutory length; for a period the court
 * sets (`courtSetDays`, `courtSetDaysByProcedure`) it is the statutory bound, and the default
 * only where `courtSetDays` applies. `trigger` says which day the period starts from (not
 * counted).
 */
export interface DeadlineRuleDefinition {
  readonly nature: DeadlineNature;
  readonly unit: PeriodUnit;
  readonly length: number;
  /** The article that sets the period, as cited in domain.md (2023 numbering of the CPL). */
  readonly source: string;
  readonly description: string;
  readonly trigger: string;
  /** The shorter period that applies when `options.urgent` is true. */
  readonly urgent?: PeriodLength & { readonly source: string };
  /** The court may set the length in days (`options.days`) within these bounds; default `length`. */
  readonly courtSetDays?: DayBounds;
  /** The court must set the length in days (`options.days`), bounded per `options.procedure`. */
  readonly courtSetDaysByProcedure?: Readonly<Record<CourtProcedure, DayBounds>>;
  /**
   * The court may extend the period on a party's application (`options.extension`): the extension
   * is `options.days` counted from the last day of the period it extends, with no statutory bound.
   */
  readonly extension?: { readonly source: string };
}

const PROCURATORIAL_PIL = 'SPC/SPP interpretation on procuratorial public-interest litigation';
const CPL_INTERPRETATION = 'SPC interpretation of the Civil Procedure Law (2022)';
const EVIDENCE_PROVISIONS = 'SPC provisions on evidence in civil procedure (2019)';
const CPL = 'Civil Procedure Law (2023)';
const APL = 'Administrative Procedure Law';

/** The rules as data: one row per DeadlineRule. Periods are counted by periods.ts. */
export const DEADLINE_RULES: Readonly<Record<DeadlineRule, DeadlineRuleDefinition>> = Object.freeze({
  // SPC/SPP interpretation on procuratorial PIL (检察公益诉讼解释) art. 13: 公告期间为三十日.
  [DeadlineRule.PRE_LITIGATION_ANNOUNCEMENT]: {
    // Waiting: the procuratorate may sue only after it; no one has to act within it.
    nature: DeadlineNature.WAITING_PERIOD,
    unit: 'DAYS',
    length: 30,
    source: `${PROCURATORIAL_PIL}, art. 13`,
    description:
      'Pre-litigation announcement (诉前公告) by a procuratorate before a civil public-interest suit; it may sue only if no eligible organisation comes forward within it',
    trigger: 'the day the announcement is published',
  },
  // Same interpretation art. 21: reply within 2 months of receipt; 15 days where the harm is ongoing and urgent.
  [DeadlineRule.PROCURATORIAL_RECOMMENDATION_RESPONSE]: {
    // Time limit: the agency must reply in writing within it; past it, its failure to act stands.
    nature: DeadlineNature.TIME_LIMIT,
    unit: 'MONTHS',
    length: 2,
    source: `${PROCURATORIAL_PIL}, art. 21`,
    description:
      'Written reply of an administrative agency to a procuratorial recommendation (检察建议); administrative public-interest litigation may follow if it still fails to act',
    trigger: 'the day the agency receives the recommendation',
    urgent: { unit: 'DAYS', length: 15, source: `${PROCURATORIAL_PIL}, art. 21` },
  },
  // SPC interpretation of the CPL (2022) art. 79: the announcement period for registration is at least 30 days.
  [DeadlineRule.REGISTRATION_PERIOD]: {
    // Waiting: claimants may register within it, none has to; the case goes on when it closes.
    nature: DeadlineNature.WAITING_PERIOD,
    unit: 'DAYS',
    length: 30,
    source: `${CPL_INTERPRETATION}, art. 79`,
    description:
      'Registration period for claimants in a representative action with an uncertain number of parties (CPL art. 57); set by the court, at least 30 days',
    trigger: 'the day the court publishes the announcement',
    courtSetDays: { min: 30 },
  },
  // SPC evidence provisions (2019) art. 51: court-set period, ordinary procedure >= 15 days, simplified <= 15 days.
  [DeadlineRule.EVIDENCE_PERIOD]: {
    // Time limit: the parties must submit their evidence within it (late evidence, CPL (2023) art. 68).
    nature: DeadlineNature.TIME_LIMIT,
    unit: 'DAYS',
    length: 15,
    source: `${EVIDENCE_PROVISIONS}, art. 51`,
    description:
      'Evidence period (举证期限) set by the court at first instance: at least 15 days in ordinary procedure, at most 15 days in simplified procedure',
    trigger: 'the day the notice of the evidence period is served',
    courtSetDaysByProcedure: { ORDINARY: { min: 15 }, SIMPLIFIED: { min: 1, max: 15 } },
    // SPC evidence provisions (2019) art. 54; CPL (2023) art. 68: extended on a party's timely application, for every party.
    extension: { source: `${EVIDENCE_PROVISIONS}, art. 54; ${CPL}, art. 68` },
  },
  // CPL (2023) art. 171: appeal against a first-instance judgment within 15 days of service.
  [DeadlineRule.APPEAL_JUDGMENT]: {
    // Time limit: a party must lodge its appeal within it; unused, the judgment takes effect (CPL (2023) art. 158).
    nature: DeadlineNature.TIME_LIMIT,
    unit: 'DAYS',
    length: 15,
    source: `${CPL}, art. 171`,
    description: 'Appeal against a first-instance judgment (判决)',
    trigger: 'the day the judgment is served on the appealing party',
  },
  // CPL (2023) art. 171: appeal against a first-instance ruling within 10 days of service.
  [DeadlineRule.APPEAL_RULING]: {
    // Time limit: as APPEAL_JUDGMENT.
    nature: DeadlineNature.TIME_LIMIT,
    unit: 'DAYS',
    length: 10,
    source: `${CPL}, art. 171`,
    description: 'Appeal against a first-instance ruling (裁定)',
    trigger: 'the day the ruling is served on the appealing party',
  },
  // Administrative Procedure Law art. 85: appeal against a first-instance judgment within 15 days of service.
  [DeadlineRule.ADMINISTRATIVE_APPEAL_JUDGMENT]: {
    // Time limit: as APPEAL_JUDGMENT; unused, the administrative judgment takes effect.
    nature: DeadlineNature.TIME_LIMIT,
    unit: 'DAYS',
    length: 15,
    source: `${APL}, art. 85`,
    description: 'Appeal against a first-instance judgment (判决) in an administrative case',
    trigger: 'the day the judgment is served on the appealing party',
  },
  // Administrative Procedure Law art. 85: appeal against a first-instance ruling within 10 days of service.
  [DeadlineRule.ADMINISTRATIVE_APPEAL_RULING]: {
    // Time limit: as APPEAL_RULING.
    nature: DeadlineNature.TIME_LIMIT,
    unit: 'DAYS',
    length: 10,
    source: `${APL}, art. 85`,
    description: 'Appeal against a first-instance ruling (裁定) in an administrative case',
    trigger: 'the day the ruling is served on the appealing party',
  },
});

/** The rules whose open deadline can be overdue once its last day has passed (TIME_LIMIT). */
export const OVERDUE_CAPABLE_RULES: readonly DeadlineRule[] = Object.freeze(
  Object.values(DeadlineRule).filter((rule) => DEADLINE_RULES[rule].nature === DeadlineNature.TIME_LIMIT),
);

/**
 * True when a deadline of `rule` is overdue on `today`: still open, a time limit (never a
 * waiting period), and its last day (`due`, to 24:00) is before `today`. The SQL filters use
 * OVERDUE_CAPABLE_RULES to say the same.
 */
export function isOverdue(rule: DeadlineRule, due: CalendarDate, closedOn: CalendarDate | null, today: CalendarDate): boolean {
  return closedOn === null && DEADLINE_RULES[rule].nature === DeadlineNature.TIME_LIMIT && due < today;
}

/**
 * Choices the law leaves to the facts or to the court:
 * - `urgent`: PROCURATORIAL_RECOMMENDATION_RESPONSE only, the 15-day variant (harm ongoing);
 * - `days`: the length in days the court set, REGISTRATION_PERIOD (optional, >= 30) and
 *   EVIDENCE_PERIOD (required, bounded by `procedure`);
 * - `procedure`: EVIDENCE_PERIOD only (required);
 * - `extension`: the period is the court's extension of an earlier one of the same rule
 *   (EVIDENCE_PERIOD: SPC evidence provisions (2019) art. 54): `days` (required, at least 1) are
 *   counted from the trigger, the earlier period's last day, without the bounds of the original
 *   period; `procedure` does not apply.
 * A field given for a rule it does not apply to is refused (`urgent: false` and `extension: false`
 * are accepted anywhere).
 */
export interface DeadlineOptions {
  readonly urgent?: boolean | null;
  readonly days?: number | null;
  readonly procedure?: CourtProcedure | null;
  readonly extension?: boolean | null;
}

/** A computed deadline: the PeriodEnd plus what was applied, to store and to show with its source. */
export interface Deadline extends PeriodEnd {
  readonly rule: DeadlineRule;
  /** The day the period starts from (Asia/Shanghai calendar date; not counted). */
  readonly triggerDate: CalendarDate;
  /** The period actually applied (e.g. 15 DAYS for an urgent recommendation). */
  readonly period: PeriodLength;
  readonly source: string;
  readonly nature: DeadlineNature;
}

/**
 * A rule applied to input it does not allow: names the rule, the field and the bound with its
 * source (e.g. "REGISTRATION_PERIOD: days must be at least 30 (SPC interpretation ... art. 79);
 * got 20"). Carries no personal data.
 */
export class DeadlineRuleError extends DomainError {
  constructor(
    /** The DeadlineRule name, or the unknown name that was given. */
    readonly rule: string,
    /** The input at fault: 'rule', 'triggerDate', 'urgent', 'days', 'procedure' or 'extension'. */
    readonly field: string,
    requirement: string,
    facts: { bound?: number; value?: number; source?: string } = {},
  ) {
    const source = facts.source ? ` (${facts.source})` : '';
    const got = facts.value !== undefined ? `; got ${facts.value}` : '';
    super(ErrorCode.BAD_USER_INPUT, `${rule}: ${field} ${requirement}${source}${got}`, {
      rule,
      field,
      reason: requirement,
      ...facts,
    });
  }
}

function isDeadlineRule(value: unknown): value is DeadlineRule {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(DEADLINE_RULES, value);
}

function given<T>(value: T | null | undefined): value is T {
  return value !== undefined && value !== null;
}

/** Checks a court-set number of days against its bounds; returns it. */
function checkDays(rule: DeadlineRule, days: unknown, bounds: DayBounds, source: string, context = ''): number {
  if (typeof days !== 'number' || !Number.isSafeInteger(days)) {
    throw new DeadlineRuleError(rule, 'days', 'must be a whole number of days', { source });
  }
  const min = bounds.min ?? 1;
  if (days < min) {
    throw new DeadlineRuleError(rule, 'days', `must be at least ${min}${context}`, { bound: min, value: days, source });
  }
  if (bounds.max !== undefined && days > bounds.max) {
    throw new DeadlineRuleError(rule, 'days', `must be at most ${bounds.max}${context}`, {
      bound: bounds.max,
      value: days,
      source,
    });
  }
  return days;
}

/** The period a rule gives for these options, or a DeadlineRuleError. */
function periodFor(rule: DeadlineRule, options: DeadlineOptions): { period: PeriodLength; source: string } {
  const def: DeadlineRuleDefinition = DEADLINE_RULES[rule];
  const { urgent, days, procedure, extension } = options;

  if (given(urgent) && typeof urgent !== 'boolean') {
    throw new DeadlineRuleError(rule, 'urgent', 'must be true or false');
  }
  if (urgent === true && !def.urgent) throw new DeadlineRuleError(rule, 'urgent', 'does not apply to this rule');
  if (given(days) && !def.courtSetDays && !def.courtSetDaysByProcedure) {
    throw new DeadlineRuleError(rule, 'days', 'does not apply to this rule: its length is fixed by law', {
      source: def.source,
    });
  }
  if (given(procedure) && !def.courtSetDaysByProcedure) {
    throw new DeadlineRuleError(rule, 'procedure', 'does not apply to this rule');
  }

  if (extension === true) {
    if (!def.extension) throw new DeadlineRuleError(rule, 'extension', 'does not apply to this rule: the court does not extend it');
    if (given(procedure) || urgent === true) {
      throw new DeadlineRuleError(rule, given(procedure) ? 'procedure' : 'urgent', 'does not apply to an extension', { source: def.extension.source });
    }
    if (!given(days)) throw new DeadlineRuleError(rule, 'days', 'is required: the court sets the extension', { source: def.extension.source });
    return { period: { unit: 'DAYS', length: checkDays(rule, days, {}, def.extension.source) }, source: def.extension.source };
  }
  if (urgent === true && def.urgent) {
    return { period: { unit: def.urgent.unit, length: def.urgent.length }, source: def.urgent.source };
  }
  if (def.courtSetDays) {
    const length = given(days) ? checkDays(rule, days, def.courtSetDays, def.source) : def.length;
    return { period: { unit: 'DAYS', length }, source: def.source };
  }
  if (def.courtSetDaysByProcedure) {
    if (!given(procedure)) {
      throw new DeadlineRuleError(rule, 'procedure', 'is required: ORDINARY or SIMPLIFIED', { source: def.source });
    }
    const bounds = def.courtSetDaysByProcedure[procedure];
    if (!bounds) throw new DeadlineRuleError(rule, 'procedure', 'must be ORDINARY or SIMPLIFIED');
    if (!given(days)) {
      throw new DeadlineRuleError(rule, 'days', 'is required: the court sets this period', { source: def.source });
    }
    const length = checkDays(rule, days, bounds, def.source, ` in ${procedure} procedure`);
    return { period: { unit: 'DAYS', length }, source: def.source };
  }
  return { period: { unit: def.unit, length: def.length }, source: def.source };
}

/**
 * Applies a named rule: the last day of its period counted from `triggerDate` (Asia/Shanghai
 * calendar date, not counted; Civil Code arts. 201-202), moved off rest days by `calendar`
 * (Civil Code art. 203; CPL (2023) art. 85), flagged provisional when a judged day lies in a year
 * `calendar` has not loaded. Pure: same input, same output. Throws DeadlineRuleError for an
 * unknown rule, a bad trigger date, or options the rule does not allow.
 */
export function computeDeadline(
  rule: DeadlineRule,
  triggerDate: CalendarDate,
  calendar: HolidayCalendar,
  options: DeadlineOptions = {},
): Deadline {
  if (!isDeadlineRule(rule)) {
    throw new DeadlineRuleError(String(rule), 'rule', `is not one of ${Object.values(DeadlineRule).join(', ')}`);
  }
  if (!isCalendarDate(triggerDate)) {
    throw new DeadlineRuleError(rule, 'triggerDate', 'is not a calendar date of the form YYYY-MM-DD');
  }
  const { period, source } = periodFor(rule, options);
  return { ...endOfPeriod(triggerDate, period, calendar), rule, triggerDate, period, source, nature: DEADLINE_RULES[rule].nature };
}

/**
 * The rules counted from the service on each party, not from one event of the case: each party
 * served has its own period, and the case's ends with the last party's. CPL (2023) art. 171
 * (判决书送达之日起十五日内, for each party served); Administrative Procedure Law art. 85 likewise.
 */
export const SERVED_ON_EACH_PARTY: readonly DeadlineRule[] = Object.freeze([
  DeadlineRule.APPEAL_JUDGMENT,
  DeadlineRule.APPEAL_RULING,
  DeadlineRule.ADMINISTRATIVE_APPEAL_JUDGMENT,
  DeadlineRule.ADMINISTRATIVE_APPEAL_RULING,
]);
