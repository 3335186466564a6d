import { DomainError, ErrorCode } from '@app/platform/errors/domain-error';
import {
  type CalendarDate,
  dateParts,
  fromDayNumber,
  isCalendarDate,
  isWeekend,
  toDayNumber,
  weekdayName,
} from './calendar-date';
import officialData from './cn-public-holidays.json';

/**
 * The years a holiday arrangement may be loaded for (so holidayCalendarYears has at most 101):
 * rest days moved to make week-long holidays date from the 1999 revision of the 全国年节及纪念日放假办法
 * (State Council Decree No. 270), and each year's arrangement since is a General Office notice.
 */
export const CALENDAR_YEARS = Object.freeze({ first: 1999, last: 2099 });

/**
 * One year's official holiday arrangement, as the State Council General Office notice
 * (国务院办公厅关于…部分节假日安排的通知) publishes it between late October and early December of
 * the year before. Shape of one entry of `years` in cn-public-holidays.json.
 */
export interface CalendarYearData {
  /** The Gregorian year the notice arranges. */
  readonly year: number;
  /** The notice it comes from (document number and date), so every rest day has a source. */
  readonly notice: string;
  /**
   * Statutory holiday periods (放假), each an inclusive [first day, last day] pair of Asia/Shanghai
   * calendar dates; weekend days inside a period are part of it.
   */
  readonly holidays: ReadonlyArray<readonly [CalendarDate, CalendarDate]>;
  /** Saturdays and Sundays made working days (调休上班); courts sit on them, so not rest days. */
  readonly workdays: readonly CalendarDate[];
}

/** Shape of the whole calendar file: `{ about?, years: CalendarYearData[] }`. */
export interface HolidayCalendarFile {
  readonly about?: string;
  readonly years: readonly CalendarYearData[];
}

/**
 * Calendar data refused on load or upload. Names the year (null when the year itself is
 * unreadable), the entry, e.g. `workdays[1] "2026-02-16"`, and, like every BAD_USER_INPUT, the
 * `field`: the entry's path in one year's data (`year`, `notice`, `holidays.1`, `workdays.0`),
 * which is also its path in the loadHolidayCalendarYear input. Holds no personal data.
 */
export class HolidayCalendarError extends DomainError {
  readonly field: string;

  constructor(
    readonly year: number | null,
    readonly entry: string,
    readonly reason: string,
  ) {
    const field = fieldOf(entry);
    super(ErrorCode.BAD_USER_INPUT, `Holiday calendar ${year ?? '(year unreadable)'}: ${entry}: ${reason}`, {
      field,
      year,
      entry,
      reason,
    });
    this.field = field;
  }
}

/** `holidays[1] ["2026-10-01",...]` -> `holidays.1`; `year 2026` -> `year`. */
function fieldOf(entry: string): string {
  const match = /^(\w+)(?:\[(\d+)\])?/.exec(entry);
  if (!match) return 'input';
  return match[2] === undefined ? match[1] : `${match[1]}.${match[2]}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Checks one year's arrangement (typically an ADMIN's upload) and returns it typed and frozen,
 * or throws HolidayCalendarError naming the year and the entry. Rules:
 * - `year` is an integer within CALENDAR_YEARS; `notice` a non-empty string naming the source;
 * - `holidays` is a non-empty list of [first, last] pairs of real 'YYYY-MM-DD' dates, last >= first,
 *   no two periods sharing a day;
 * - `workdays` are real dates, each a Saturday or Sunday (an adjusted working day replaces a
 *   weekend day), none inside a holiday period, none listed twice;
 * - every date lies in `year` or in December of the year before: a notice sometimes arranges the
 *   last days of the previous December around New Year's Day (the 2019 notice made 2018-12-29 a
 *   working day; the 2023 notice's New Year holiday began on 2022-12-31).
 */
export function validateCalendarYear(data: unknown): CalendarYearData {
  if (!isRecord(data)) {
    throw new HolidayCalendarError(null, 'entry', 'must be an object with year, notice, holidays and workdays');
  }
  const year = data.year;
  if (typeof year !== 'number' || !Number.isInteger(year) || year < CALENDAR_YEARS.first || year > CALENDAR_YEARS.last) {
    throw new HolidayCalendarError(null, `year ${show(year)}`, `must be a year from ${CALENDAR_YEARS.first} to ${CALENDAR_YEARS.last}`);
  }
  const fail: (entry: string, reason: string) => never = (entry, reason) => {
    throw new HolidayCalendarError(year, entry, reason);
  };

  const notice = data.notice;
  if (typeof notice !== 'string' || notice.trim() === '') {
    fail('notice', 'must name the notice the arrangement comes from');
  }

  const earliest = toDayNumber(`${year - 1}-12-01`);
  const latest = toDayNumber(`${year}-12-31`);
  const checkDate = (entry: string, value: unknown): number => {
    if (!isCalendarDate(value)) return fail(entry, `${show(value)} is not a calendar date of the form YYYY-MM-DD`);
    const day = toDayNumber(value);
    if (day < earliest || day > latest) {
      fail(entry, `${value} lies outside ${year} (only December ${year - 1} may also be arranged)`);
    }
    return day;
  };

  if (!Array.isArray(data.holidays) || data.holidays.length === 0) {
    fail('holidays', 'must be a non-empty list of [first day, last day] periods');
  }
  const holidays: Array<readonly [CalendarDate, CalendarDate]> = [];
  const holidayOwner = new Map<number, string>();
  (data.holidays as unknown[]).forEach((period, index) => {
    const entry = `holidays[${index}] ${show(period)}`;
    if (!Array.isArray(period) || period.length !== 2) fail(entry, 'must be a [first day, last day] pair');
    const [first, last] = period as unknown[];
    const from = checkDate(entry, first);
    const to = checkDate(entry, last);
    if (to < from) fail(entry, `ends (${last}) before it starts (${first})`);
    for (let day = from; day <= to; day++) {
      const other = holidayOwner.get(day);
      if (other) fail(entry, `overlaps ${other} on ${fromDayNumber(day)}`);
      holidayOwner.set(day, `holidays[${index}]`);
    }
    holidays.push(Object.freeze([first, last] as [CalendarDate, CalendarDate]));
  });

  if (!Array.isArray(data.workdays)) fail('workdays', 'must be a list of dates (empty when none)');
  const workdays: CalendarDate[] = [];
  const seen = new Set<number>();
  (data.workdays as unknown[]).forEach((value, index) => {
    const entry = `workdays[${index}] ${show(value)}`;
    const day = checkDate(entry, value);
    const date = value as CalendarDate;
    if (!isWeekend(date)) {
      fail(entry, `is a ${weekdayName(date)}; an adjusted working day (调休上班) must be a Saturday or Sunday`);
    }
    const period = holidayOwner.get(day);
    if (period) fail(entry, `lies inside ${period}; a day cannot be both a holiday and a working day`);
    if (seen.has(day)) fail(entry, 'is listed twice');
    seen.add(day);
    workdays.push(date);
  });

  return Object.freeze({
    year,
    notice: (notice as string).trim(),
    holidays: Object.freeze(holidays),
    workdays: Object.freeze(workdays),
  });
}

/**
 * The holidays the Measures on National Holidays and Memorial Days (全国年节及纪念日放假办法) fix by
 * Gregorian date: New Year's Day (元旦) 1 January, Labour Day (劳动节) 1 May (1-3 May until 2007,
 * 1-2 May from the 2024 revision, in force 1 January 2025), National Day (国庆节) 1-3 October. A year's arrangement adds
 * days around them but never makes them working days, so they are rest days even in a year whose
 * arrangement is not loaded. The other holidays (Spring Festival, Qingming, Dragon Boat, Mid-Autumn)
 * follow the lunar calendar or a solar term and are known only from the year's arrangement.
 */
export const FIXED_DATE_HOLIDAYS = Object.freeze({
  // 全国年节及纪念日放假办法 art. 2 (State Council Decree No. 270 of 1999; No. 513 of 2007, in force 2008-01-01; No. 644 of 2013; No. 797 of 2024, in force 2025-01-01).
  source: 'Measures on National Holidays and Memorial Days, art. 2',
});

/**
 * The holiday the Measures fix on `date` (years from 2000, under the 1999 revision and later),
 * with its name and its days that year (inclusive), or undefined.
 */
export function fixedDateHoliday(date: CalendarDate): { name: string; period: readonly [CalendarDate, CalendarDate] } | undefined {
  const { year, month, day } = dateParts(date);
  const on = (m: number, first: number, last: number) => [`${year}-${pad(m)}-${pad(first)}`, `${year}-${pad(m)}-${pad(last)}`] as const;
  if (month === 1 && day === 1) return { name: "New Year's Day (元旦)", period: on(1, 1, 1) };
  // Labour Day: three days under the 1999 revision (Decree No. 270) to 2007, one from 2008 (No. 513), two from 2025 (No. 797).
  const labourDays = year >= 2025 ? 2 : year >= 2008 ? 1 : 3;
  if (month === 5 && day <= labourDays) return { name: 'Labour Day (劳动节)', period: on(5, 1, labourDays) };
  if (month === 10 && day <= 3) return { name: 'National Day (国庆节)', period: on(10, 1, 3) };
  return undefined;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Why a day is, or is not, a legal rest day (HolidayCalendar.dayStatus). */
export enum DayKind {
  /** Monday to Friday outside any holiday period: a working day. */
  WEEKDAY = 'WEEKDAY',
  /** Saturday or Sunday not made a working day: a rest day. */
  WEEKEND = 'WEEKEND',
  /** Inside a statutory holiday period of a loaded arrangement: a rest day. */
  HOLIDAY = 'HOLIDAY',
  /** A holiday the Measures fix by date (FIXED_DATE_HOLIDAYS), in a year whose arrangement is not loaded: a rest day. */
  FIXED_DATE_HOLIDAY = 'FIXED_DATE_HOLIDAY',
  /** A Saturday or Sunday a loaded arrangement made a working day (调休上班). */
  ADJUSTED_WORKING_DAY = 'ADJUSTED_WORKING_DAY',
}

/**
 * What the calendar says of one Asia/Shanghai calendar date, and from which data: for HOLIDAY
 * and ADJUSTED_WORKING_DAY the arrangement (`year`, `notice`) that decided it, and for HOLIDAY
 * and FIXED_DATE_HOLIDAY the inclusive period it lies in. Says nothing of provisional answers (unloadedYearsFor).
 */
export interface DayStatus {
  readonly date: CalendarDate;
  readonly kind: DayKind;
  readonly restDay: boolean;
  readonly arrangement?: { readonly year: number; readonly notice: string };
  readonly holiday?: readonly [CalendarDate, CalendarDate];
}

/** A day a loaded arrangement decides: the arrangement, and the period for a holiday. */
interface ArrangedDay {
  readonly data: CalendarYearData;
  readonly holiday?: readonly [CalendarDate, CalendarDate];
}

/**
 * Which days are legal rest days (法定休假日) in mainland China, for Civil Code art. 203 and
 * Civil Procedure Law (2023) art. 85: statutory holidays, and Saturdays and Sundays unless the
 * year's notice made them working days. Built from per-year official data; immutable.
 *
 * For a year that is not loaded, `isRestDay` falls back to the weekday rule (Saturday and Sunday
 * rest) and the holidays fixed by date (FIXED_DATE_HOLIDAYS), nothing else; callers must treat
 * such answers as provisional (`unloadedYearsFor`).
 */
export class HolidayCalendar {
  private static officialCalendar?: HolidayCalendar;

  private readonly years: ReadonlyMap<number, CalendarYearData>;
  /** Day numbers (see toDayNumber) of statutory holiday days and of adjusted working days. */
  private readonly holidayDays = new Map<number, ArrangedDay>();
  private readonly workingDays = new Map<number, ArrangedDay>();

  /** Validates every year (validateCalendarYear) and refuses a year given twice, or a date one
   * year calls a holiday and another a working day. */
  constructor(years: readonly unknown[]) {
    const byYear = new Map<number, CalendarYearData>();
    const claimedBy = new Map<number, { year: number; kind: 'holiday' | 'working day' }>();
    for (const raw of years) {
      const data = validateCalendarYear(raw);
      if (byYear.has(data.year)) {
        throw new HolidayCalendarError(data.year, 'year', `overlaps: ${data.year} is already loaded`);
      }
      const claim = (date: CalendarDate, kind: 'holiday' | 'working day', entry: string, arranged: ArrangedDay) => {
        const day = toDayNumber(date);
        const other = claimedBy.get(day);
        if (other && other.kind !== kind) {
          throw new HolidayCalendarError(
            data.year,
            entry,
            `overlaps year ${other.year}, which makes ${date} a ${other.kind}, not a ${kind}`,
          );
        }
        claimedBy.set(day, { year: data.year, kind });
        (kind === 'holiday' ? this.holidayDays : this.workingDays).set(day, arranged);
      };
      data.holidays.forEach(([first, last], index) => {
        for (let day = toDayNumber(first); day <= toDayNumber(last); day++) {
          claim(fromDayNumber(day), 'holiday', `holidays[${index}] ${show([first, last])}`, { data, holiday: [first, last] });
        }
      });
      data.workdays.forEach((date, index) => claim(date, 'working day', `workdays[${index}] ${show(date)}`, { data }));
      byYear.set(data.year, data);
    }
    this.years = byYear;
  }

  /** A calendar from data of the file's shape `{ years: [...] }`, validated. */
  static fromFile(file: unknown): HolidayCalendar {
    if (!isRecord(file) || !Array.isArray(file.years)) {
      throw new HolidayCalendarError(null, 'file', 'must be an object with a "years" list');
    }
    return new HolidayCalendar(file.years);
  }

  /** The official arrangements bundled with this library (cn-public-holidays.json, 2024-2026). */
  static official(): HolidayCalendar {
    HolidayCalendar.officialCalendar ??= HolidayCalendar.fromFile(officialData);
    return HolidayCalendar.officialCalendar;
  }

  /** A new calendar with one more year (an ADMIN's upload), validated; this one is unchanged. */
  withYear(data: unknown): HolidayCalendar {
    return new HolidayCalendar([...this.years.values(), data]);
  }

  /** True when `year`'s official arrangement is loaded. */
  hasYear(year: number): boolean {
    return this.years.has(year);
  }

  /** The loaded years, ascending. */
  loadedYears(): number[] {
    return [...this.years.keys()].sort((a, b) => a - b);
  }

  /** The loaded data of one year, or undefined. */
  yearData(year: number): CalendarYearData | undefined {
    return this.years.get(year);
  }

  /**
   * True when `date` (Asia/Shanghai calendar date) is a legal rest day: a statutory holiday, or a
   * Saturday or Sunday that is not an adjusted working day. For unloaded years: the weekday rule
   * and the holidays fixed by date.
   */
  isRestDay(date: CalendarDate): boolean {
    return this.dayStatus(date).restDay;
  }

  /**
   * Whether `date` (Asia/Shanghai calendar date) is a rest day and why: a holiday period or an
   * adjusted working day of a loaded arrangement first, then (in a year not loaded) a holiday
   * fixed by date, else the weekday rule.
   */
  dayStatus(date: CalendarDate): DayStatus {
    const day = toDayNumber(date);
    const holiday = this.holidayDays.get(day);
    if (holiday) {
      return { date, kind: DayKind.HOLIDAY, restDay: true, arrangement: arrangementOf(holiday.data), holiday: holiday.holiday };
    }
    const working = this.workingDays.get(day);
    if (working) return { date, kind: DayKind.ADJUSTED_WORKING_DAY, restDay: false, arrangement: arrangementOf(working.data) };
    const fixed = this.years.has(dateParts(date).year) ? undefined : fixedDateHoliday(date);
    if (fixed) return { date, kind: DayKind.FIXED_DATE_HOLIDAY, restDay: true, holiday: fixed.period };
    return isWeekend(date) ? { date, kind: DayKind.WEEKEND, restDay: true } : { date, kind: DayKind.WEEKDAY, restDay: false };
  }

  /** The opposite of isRestDay: courts sit and periods may end on it. */
  isWorkingDay(date: CalendarDate): boolean {
    return !this.isRestDay(date);
  }

  /**
   * Years whose arrangement decides whether `date` is a rest day but are not loaded: its own
   * year, and for a December date also the next year, whose notice may arrange the last days of
   * December around New Year's Day (see validateCalendarYear). Empty when the answer is final.
   */
  unloadedYearsFor(date: CalendarDate): number[] {
    const { year, month } = dateParts(date);
    const needed = month === 12 ? [year, year + 1] : [year];
    return needed.filter((y) => !this.years.has(y));
  }
}

function arrangementOf(data: CalendarYearData): { year: number; notice: string } {
  return { year: data.year, notice: data.notice };
}
