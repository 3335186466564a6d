import { type CalendarDate, calendarDate, dateParts, daysInMonth, fromDayNumber, toDayNumber, yearOf } from './calendar-date';
import type { HolidayCalendar } from './holiday-calendar';

/** Unit of a legal period. Hours and years are not used by any rule here. */
export type PeriodUnit = 'DAYS' | 'MONTHS';

/** A legal period: `length` whole days or months (a positive integer). */
export interface PeriodLength {
  readonly unit: PeriodUnit;
  readonly length: number;
}

/**
 * When a period ends, all dates Asia/Shanghai calendar dates; the period runs to 24:00 of `due`.
 * - `nominalDue`: the last day by counting alone (Civil Code arts. 201-202);
 * - `due`: the last day after art. 203 moved a rest day to the next working day;
 * - `shiftedForRestDays`: due !== nominalDue;
 * - `provisional`: the answer for some day that had to be judged may still change: its own
 *   year's official arrangement is not loaded (judged by the weekday rule and the holidays fixed by date only), or it is a
 *   December day whose next year's arrangement is not loaded (that notice may arrange the last
 *   days of December). `provisionalReason` says which of the two, for which year(s).
 *   Recompute once the year is loaded. While provisional, `nominalDue` is the
 *   safe date to act by: the official arrangement can move `due` either way (a new holiday later,
 *   an adjusted working weekend day earlier) but never before `nominalDue`.
 */
export interface PeriodEnd {
  readonly due: CalendarDate;
  readonly nominalDue: CalendarDate;
  readonly shiftedForRestDays: boolean;
  readonly provisional: boolean;
  readonly provisionalReason?: string;
}

function assertInteger(n: number, name: string): void {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${name} must be an integer, got ${n}`);
}

/**
 * The last day of a period of `n` days starting on `start` (Asia/Shanghai calendar date): the day
 * the period starts on is not counted, so this is `start` + n days (Civil Code art. 201; Civil
 * Procedure Law (2023) art. 85). A 30-day period starting 2025-03-01 ends on 2025-03-31.
 */
export function addDays(start: CalendarDate, n: number): CalendarDate {
  assertInteger(n, 'n (days)');
  return fromDayNumber(toDayNumber(start) + n);
}

/**
 * The last day of a period of `n` months starting on `start`: the same-numbered day of the last
 * month, or that month's last day when it has no such day (Civil Code art. 202). 2025-01-31 +
 * 1 month = 2025-02-28; 2024-01-31 + 1 month = 2024-02-29; 2025-04-30 + 1 month = 2025-05-30.
 */
export function addMonths(start: CalendarDate, n: number): CalendarDate {
  assertInteger(n, 'n (months)');
  const { year, month, day } = dateParts(start);
  const monthIndex = year * 12 + (month - 1) + n;
  const endYear = Math.floor(monthIndex / 12);
  const endMonth = (monthIndex % 12) + 1;
  if (endYear < 1 || endYear > 9999) throw new RangeError(`${start} + ${n} months lies outside the years 0001-9999`);
  return calendarDate(endYear, endMonth, Math.min(day, daysInMonth(endYear, endMonth)));
}

/** The last day of `period` from `start` by counting alone, before any rest-day shift. */
export function nominalEndOfPeriod(start: CalendarDate, period: PeriodLength): CalendarDate {
  assertInteger(period.length, 'period length');
  if (period.length < 1) throw new RangeError(`period length must be at least 1, got ${period.length}`);
  switch (period.unit) {
    case 'DAYS':
      return addDays(start, period.length);
    case 'MONTHS':
      return addMonths(start, period.length);
    default:
      throw new RangeError(`unknown period unit ${String((period as { unit: unknown }).unit)}`);
  }
}

/**
 * Applies Civil Code art. 203 / Civil Procedure Law (2023) art. 85 to a last day: when it is a
 * legal rest day the period ends on the first working day after the rest (an adjusted working
 * weekend day counts as a working day: courts sit on it). Reports provisional when any day it
 * judges (the last day and each day it walks to) lies in a year `calendar` has not loaded.
 */
export function moveOffRestDays(lastDay: CalendarDate, calendar: HolidayCalendar): PeriodEnd {
  const judged: CalendarDate[] = [];
  let day = toDayNumber(lastDay);
  for (;;) {
    const date = fromDayNumber(day);
    judged.push(date);
    // Terminates: loaded years are finite, and outside them only Saturdays and Sundays rest.
    if (!calendar.isRestDay(date)) break;
    day++;
  }
  const due = fromDayNumber(day);
  const result: PeriodEnd = { due, nominalDue: lastDay, shiftedForRestDays: due !== lastDay, provisional: false };
  const reason = provisionalReason(judged, calendar);
  return reason ? { ...result, provisional: true, provisionalReason: reason } : result;
}

const sorted = (years: Iterable<number>) => [...new Set(years)].sort((a, b) => a - b);

function listYears(years: number[]): string {
  return years.length === 1 ? String(years[0]) : `${years.slice(0, -1).join(', ')} and ${years[years.length - 1]}`;
}

/**
 * Why the judged days (Asia/Shanghai calendar dates) may still change, or undefined when the
 * answer is final. Two different situations (see HolidayCalendar.unloadedYearsFor): a day in a
 * year with no loaded arrangement was judged by the weekday rule and the holidays fixed by date
 * only; a December day of a loaded
 * year was judged with that year's arrangement, but the next year's notice, not loaded yet, may
 * still arrange it.
 */
export function provisionalReason(judged: CalendarDate[], calendar: HolidayCalendar): string | undefined {
  const weekdayRule = sorted(judged.map(yearOf).filter((year) => !calendar.hasYear(year)));
  const december = judged.filter((date) => dateParts(date).month === 12 && !calendar.hasYear(yearOf(date) + 1));
  // A next year already named as unloaded for its own days needs no second mention.
  const nextYears = sorted(december.map((date) => yearOf(date) + 1)).filter((year) => !weekdayRule.includes(year));
  if (weekdayRule.length === 0 && nextYears.length === 0) return undefined;

  const parts: string[] = [];
  if (weekdayRule.length > 0) {
    const arrangement = weekdayRule.length === 1 ? 'arrangement for ' + listYears(weekdayRule) + ' is' : 'arrangements for ' + listYears(weekdayRule) + ' are';
    const loaded = sorted(judged.map(yearOf).filter((year) => calendar.hasYear(year)));
    const how =
      loaded.length > 0
        ? `computed with the loaded ${listYears(loaded)} arrangement for days in ${listYears(loaded)} and by the weekday rule and the holidays fixed by date only for days in ${listYears(weekdayRule)}`
        : 'computed by the weekday rule and the holidays fixed by date only';
    parts.push(`${how} because the official holiday ${arrangement} not loaded`);
  }
  if (nextYears.length > 0) {
    const judgedWith = sorted(december.map(yearOf).filter((year) => calendar.hasYear(year)));
    const withLoaded = judgedWith.length > 0 ? `computed with the loaded ${listYears(judgedWith)} arrangement, but ` : '';
    const arrangement = nextYears.length === 1 ? 'arrangement for ' + listYears(nextYears) : 'arrangements for ' + listYears(nextYears);
    const verb = nextYears.length === 1 ? 'is' : 'are';
    const decembers = listYears(nextYears.map((year) => year - 1));
    parts.push(`${withLoaded}the official holiday ${arrangement}, which may also move the last days of December ${decembers}, ${verb} not loaded`);
  }
  return `Provisional: ${parts.join('; ')} (the State Council publishes each year's arrangement late in the year before); recompute once loaded.`;
}

/**
 * When a period of `period` starting on `start` (the triggering day, not counted) ends, with the
 * rest-day rule applied using `calendar`: nominal last day by Civil Code arts. 201-202, then
 * art. 203 / Civil Procedure Law (2023) art. 85. Days inside the period are calendar days; only
 * the last day and the days after it are judged against the calendar.
 */
export function endOfPeriod(start: CalendarDate, period: PeriodLength, calendar: HolidayCalendar): PeriodEnd {
  return moveOffRestDays(nominalEndOfPeriod(start, period), calendar);
}
