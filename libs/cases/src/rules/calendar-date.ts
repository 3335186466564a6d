import { DomainError, ErrorCode } from '@app/platform/errors/domain-error';

/**
 * A calendar date in Asia/Shanghai, written 'YYYY-MM-DD' (ISO 8601, no time, no zone).
 * Legal periods are counted in whole calendar days (Civil Code art. 200), so a deadline is a
 * date, not an instant. Arithmetic on these strings goes through UTC day numbers only, so the
 * machine's own time zone never shifts a date.
 */
export type CalendarDate = string;

/** Day of the week as JavaScript numbers it: 0 = Sunday, 1 = Monday, ... 6 = Saturday. */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;
const SHANGHAI_DATE = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** A value that is not a real 'YYYY-MM-DD' date; names the field, shows at most 32 characters. */
export class CalendarDateError extends DomainError {
  constructor(
    readonly field: string,
    value: unknown,
  ) {
    const shown = JSON.stringify(typeof value === 'string' ? value.slice(0, 32) : (value ?? null)) ?? String(value);
    const reason = 'is not a calendar date of the form YYYY-MM-DD';
    super(ErrorCode.BAD_USER_INPUT, `${field}: ${shown} ${reason}`, { field, reason });
  }
}

/** Splits a date into [year, month 1-12, day 1-31], or null when it is not a real date. */
function parts(value: unknown): [number, number, number] | null {
  if (typeof value !== 'string') return null;
  const match = DATE_PATTERN.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return [year, month, day];
}

/** True when `value` is a string 'YYYY-MM-DD' naming a day that exists (no 2025-02-29). */
export function isCalendarDate(value: unknown): value is CalendarDate {
  return parts(value) !== null;
}

/** Returns `value` as a CalendarDate or throws CalendarDateError naming `field`. */
export function parseCalendarDate(value: unknown, field = 'date'): CalendarDate {
  if (!isCalendarDate(value)) throw new CalendarDateError(field, value);
  return value;
}

function partsOrThrow(date: CalendarDate): [number, number, number] {
  const p = parts(date);
  if (!p) throw new CalendarDateError('date', date);
  return p;
}

/** Number of days in `month` (1-12) of `year` in the Gregorian calendar (28-31). */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Builds a date from year, month (1-12) and day (1-31); throws if that day does not exist. */
export function calendarDate(year: number, month: number, day: number): CalendarDate {
  const date = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return parseCalendarDate(date);
}

/** Days since 1970-01-01 (negative before it): the unit all date arithmetic here uses. */
export function toDayNumber(date: CalendarDate): number {
  const [year, month, day] = partsOrThrow(date);
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  return Math.round(utc.getTime() / MS_PER_DAY);
}

/** The date `dayNumber` days after 1970-01-01; throws RangeError outside years 0001-9999. */
export function fromDayNumber(dayNumber: number): CalendarDate {
  if (!Number.isSafeInteger(dayNumber)) throw new RangeError(`day number ${dayNumber} is not an integer`);
  const utc = new Date(dayNumber * MS_PER_DAY);
  const year = utc.getUTCFullYear();
  if (Number.isNaN(year) || year < 1 || year > 9999) {
    throw new RangeError(`day number ${dayNumber} lies outside the years 0001-9999`);
  }
  return calendarDate(year, utc.getUTCMonth() + 1, utc.getUTCDate());
}

/** Year, month (1-12) and day of a date. */
export function dateParts(date: CalendarDate): { year: number; month: number; day: number } {
  const [year, month, day] = partsOrThrow(date);
  return { year, month, day };
}

/** The Gregorian year a date lies in. */
export function yearOf(date: CalendarDate): number {
  return partsOrThrow(date)[0];
}

/** Day of the week of a date (0 = Sunday ... 6 = Saturday). */
export function weekdayOf(date: CalendarDate): Weekday {
  return new Date(toDayNumber(date) * MS_PER_DAY).getUTCDay() as Weekday;
}

/** True for a Saturday or a Sunday. */
export function isWeekend(date: CalendarDate): boolean {
  const weekday = weekdayOf(date);
  return weekday === 0 || weekday === 6;
}

/** The English name of a date's weekday, for messages ('Monday'). */
export function weekdayName(date: CalendarDate): string {
  return ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][weekdayOf(date)];
}

/**
 * The calendar date in Asia/Shanghai at an instant (default: now). Use it to turn a timestamp
 * (service of a judgment, publication of an announcement) into the date a period starts from.
 */
export function calendarDateInShanghai(instant: Date = new Date()): CalendarDate {
  if (Number.isNaN(instant.getTime())) throw new CalendarDateError('instant', 'Invalid Date');
  // en-CA formats as YYYY-MM-DD.
  return parseCalendarDate(SHANGHAI_DATE.format(instant), 'instant');
}
