import { type CalendarDate, dateParts, weekdayName } from './calendar-date';
import { type DayStatus, DayKind, FIXED_DATE_HOLIDAYS, fixedDateHoliday, type HolidayCalendar } from './holiday-calendar';
import { type PeriodEnd, type PeriodLength, type PeriodUnit, provisionalReason } from './periods';

/**
 * The articles every deadline is counted by, besides the one that sets its period: the start day
 * is not counted (Civil Code art. 201), a period in months ends on the same-numbered day or the
 * month's last day (art. 202), a last day on a rest day moves to the day after the rest (art. 203);
 * Civil Procedure Law (2023) art. 85 says the same for procedural periods.
 */
export function countingRuleFor(unit: PeriodUnit): string {
  const civilCode = unit === 'MONTHS' ? 'Civil Code arts. 201, 202 and 203' : 'Civil Code arts. 201 and 203';
  return `${civilCode}; Civil Procedure Law (2023) art. 85`;
}

/**
 * One sentence saying whether a day is a rest day and what decided it, e.g.
 * "2026-02-21 falls in the holiday 2026-02-15..2026-02-23 of the 2026 arrangement (notice): a rest day".
 */
export function describeDay(status: DayStatus): string {
  const { date, arrangement } = status;
  const by = arrangement ? `the ${arrangement.year} arrangement (${arrangement.notice})` : '';
  switch (status.kind) {
    case DayKind.HOLIDAY:
      return `${date} falls in the holiday ${status.holiday![0]}..${status.holiday![1]} of ${by}: a rest day`;
    case DayKind.FIXED_DATE_HOLIDAY: {
      const [first, last] = status.holiday!;
      const name = fixedDateHoliday(date)!.name;
      const holiday = first === last ? `is ${name}` : `falls in ${name}, ${first}..${last}`;
      return `${date} ${holiday}, a holiday fixed by date (${FIXED_DATE_HOLIDAYS.source}): a rest day`;
    }
    case DayKind.ADJUSTED_WORKING_DAY:
      return `${date} is a working day by ${by}, though a ${weekdayName(date)}`;
    case DayKind.WEEKEND:
      return `${date} is a ${weekdayName(date)}: a rest day`;
    case DayKind.WEEKDAY:
      return `${date} is a ${weekdayName(date)}: a working day`;
  }
}

/** One Asia/Shanghai calendar date as the calendar judges it, with the words and whether final. */
export interface CalendarDayAnswer extends DayStatus {
  /** English weekday name ('Saturday'). */
  readonly weekday: string;
  readonly explanation: string;
  /** True when an arrangement that may decide this day is not loaded (HolidayCalendar.unloadedYearsFor). */
  readonly provisional: boolean;
  readonly provisionalReason?: string;
}

/** Whether `date` is a rest day, why, and whether the answer may still change. */
export function explainCalendarDay(date: CalendarDate, calendar: HolidayCalendar): CalendarDayAnswer {
  const status = calendar.dayStatus(date);
  const reason = provisionalReason([date], calendar);
  return {
    ...status,
    weekday: weekdayName(date),
    explanation: describeDay(status),
    provisional: reason !== undefined,
    ...(reason !== undefined && { provisionalReason: reason }),
  };
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/**
 * Why a deadline ends when it does, in words: how the last day was counted from the trigger
 * (Asia/Shanghai calendar dates), what that day is, and where it moved when it was a rest day.
 * Judges the days with `calendar`, the same calendar the deadline was computed with, e.g.
 * "15 days from 2026-02-06 (not counted) end on 2026-02-21. 2026-02-21 falls in the holiday
 * 2026-02-15..2026-02-23 of the 2026 arrangement (...): a rest day, so the period ends on the
 * first working day after the rest: 2026-02-24 is a Tuesday: a working day."
 */
export function explainDeadline(
  deadline: Pick<PeriodEnd, 'due' | 'nominalDue'> & { readonly triggerDate: CalendarDate; readonly period: PeriodLength },
  calendar: HolidayCalendar,
): string {
  const { triggerDate, period, nominalDue, due } = deadline;
  let counting: string;
  if (period.unit === 'MONTHS') {
    // Art. 202: a last month without the start's day number ends on its own last day.
    const clamped = dateParts(nominalDue).day < dateParts(triggerDate).day;
    const which = clamped ? `the last day of that month, which has no day ${dateParts(triggerDate).day}` : 'the same-numbered day';
    counting = `${plural(period.length, 'month')} from ${triggerDate} end on ${nominalDue}, ${which}.`;
  } else {
    counting = `${plural(period.length, 'day')} from ${triggerDate} (not counted) end on ${nominalDue}.`;
  }
  const nominal = describeDay(calendar.dayStatus(nominalDue));
  if (due === nominalDue) return `${counting} ${nominal}, so the period ends on that day.`;
  return `${counting} ${nominal}, so the period ends on the first working day after the rest: ${describeDay(calendar.dayStatus(due))}.`;
}
