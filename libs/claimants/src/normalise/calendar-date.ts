// A deep import of a pure file: this module runs in the CLI's worker threads, which must not load Nest.
import { dayExists } from '@app/platform/calendar/day-exists';
import { accepted, foldCell, type Normalised, refused } from './normalised';

const SHANGHAI_DATE = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

/** Today's calendar date in Asia/Shanghai, `YYYY-MM-DD`. */
export function shanghaiToday(now: Date = new Date()): string {
  return SHANGHAI_DATE.format(now); // en-CA formats as YYYY-MM-DD
}

/** Day 0 of Excel's 1900 date system, as a UTC day number: serial 1 is 1900-01-01, and Excel counts a 29 February 1900 that never was, so from serial 61 (1900-03-01) on, serial n is 1899-12-30 + n days. */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const MS_PER_DAY = 86_400_000;
/** The earliest date an Excel serial is read as: 1970-01-01 (serial 25569). A smaller number in a date column is more likely an amount or a code. */
const EARLIEST_SERIAL = 25569;
/** Years a written date may have. */
const YEARS = { first: 1900, last: 2099 } as const;

const TIME = String.raw`(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?`;
/** The year-first forms Chinese sheets use; an optional time of day (Excel adds ` 0:00`) is dropped. */
const YEAR_FIRST = [
  new RegExp(String.raw`^(\d{4})-(\d{1,2})-(\d{1,2})${TIME}$`), // ISO 8601, 2025-4-2
  new RegExp(String.raw`^(\d{4})/(\d{1,2})/(\d{1,2})${TIME}$`), // 2025/4/2 (Excel's zh-CN display)
  new RegExp(String.raw`^(\d{4})\.(\d{1,2})\.(\d{1,2})${TIME}$`), // 2025.4.2
  /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$/, // 2025年4月2日
  /^(\d{4})(\d{2})(\d{2})$/, // 20250402
];
/** Day-first or month-first with the year last: 02/04/2025 is 2 April in Europe and 4 February in the US. */
const YEAR_LAST = /^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}(?:\s.*)?$/;

function isoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}


function fromSerial(serial: number, today: string): Normalised<string> {
  if (!Number.isFinite(serial)) return refused('is not a date');
  const day = Math.floor(serial); // a fraction is the time of day
  const date = new Date(EXCEL_EPOCH_MS + day * MS_PER_DAY);
  const iso = isoDate(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
  if (day < EARLIEST_SERIAL || iso > today) return refused('is a number outside the range of an Excel date (1970-01-01 to today): format the column as a date or write YYYY-MM-DD');
  return accepted(iso);
}

/**
 * Reads a calendar date into `YYYY-MM-DD`. `raw` is text (`2025-04-02`, `2025-4-2`, `2025/4/2`,
 * `2025.4.2`, `2025年4月2日`, `20250402`, full-width forms too; a time of day after the date is
 * dropped) or a number: an Excel serial date of the 1900 system (45749 = 2025-04-02), accepted from
 * 1970-01-01 to `today` (YYYY-MM-DD, Asia/Shanghai): a spreadsheet's date cells record events
 * that happened. A day that does not exist (2025-02-29) is refused, never rolled over; so are
 * day-first forms (02/04/2025), whose month and day cannot be told apart, and years outside
 * 1900-2099. Reasons never contain the value.
 */
export function readCalendarDate(raw: string | number, today: string = shanghaiToday()): Normalised<string> {
  if (typeof raw === 'number') return fromSerial(raw, today);
  const text = foldCell(raw);
  if (!text) return refused('is required');
  for (const form of YEAR_FIRST) {
    const m = form.exec(text);
    if (!m) continue;
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (year < YEARS.first || year > YEARS.last) return refused(`has a year outside ${YEARS.first}-${YEARS.last}`);
    if (!dayExists(year, month, day)) return refused('is a day that does not exist (such as 2025-02-29 or 2025-06-31)');
    return accepted(isoDate(year, month, day));
  }
  if (YEAR_LAST.test(text)) return refused('is ambiguous: day and month cannot be told apart in a day-first or month-first date (02/04/2025); write the year first, as 2025-04-02');
  if (/^\d{5}(?:\.\d+)?$/.test(text)) return fromSerial(Number(text), today);
  return refused('is not a date: write it as 2025-04-02, 2025/4/2, 2025.4.2, 2025年4月2日 or 20250402');
}

const WITH_ZONE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;
const TRAILING_TIME = /^(.*?)(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/s;

/** Whether hours, minutes and seconds name a time of day. */
const timeExists = (h: number, mi: number, s: number) => h < 24 && mi < 60 && s < 60;

/**
 * Reads an instant such as a consent's: an ISO 8601 date-time with a zone (`2025-04-02T09:30:00Z`,
 * `…+08:00`), or a date in any form readCalendarDate accepts with an optional time of day
 * (`2025/4/2 9:30`), read in Asia/Shanghai (UTC+8, no daylight saving); a number is an Excel serial
 * date-time. A day or time that does not exist is refused, never rolled over.
 */
export function readShanghaiDateTime(raw: string | number, today: string = shanghaiToday()): Normalised<Date> {
  if (typeof raw === 'number') {
    const date = readCalendarDate(raw, today);
    if (!date.ok) return date;
    const seconds = Math.round((raw - Math.floor(raw)) * 86_400);
    return accepted(new Date(Date.parse(`${date.value}T00:00:00+08:00`) + seconds * 1000));
  }
  const text = foldCell(raw);
  const zoned = WITH_ZONE.exec(text);
  if (zoned) {
    const [, y, mo, d, h, mi, s = '0'] = zoned;
    if (!dayExists(+y, +mo, +d)) return refused('is a day that does not exist (such as 2025-02-29 or 2025-06-31)');
    if (!timeExists(+h, +mi, +s)) return refused('is a time of day that does not exist');
    return accepted(new Date(text));
  }
  const [, datePart, h = '0', mi = '0', s = '0'] = TRAILING_TIME.exec(text)!;
  const date = readCalendarDate(datePart, today);
  if (!date.ok) return date;
  if (!timeExists(+h, +mi, +s)) return refused('is a time of day that does not exist');
  const [y, mo, d] = date.value.split('-').map(Number);
  return accepted(new Date(Date.UTC(y, mo - 1, d, +h - 8, +mi, +s)));
}
