import { DomainError, ErrorCode } from '@app/platform/errors/domain-error';
import { DayKind, HolidayCalendar, HolidayCalendarError, validateCalendarYear } from './holiday-calendar';

/** A valid year of data (2026's official arrangement unless overridden). */
function year2026(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    year: 2026,
    notice: 'State Council General Office notice on the 2026 holiday arrangements, 2025-11-04',
    holidays: [
      ['2026-01-01', '2026-01-03'],
      ['2026-02-15', '2026-02-23'],
      ['2026-10-01', '2026-10-07'],
    ],
    workdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-10-10'],
    ...overrides,
  };
}

/** Catches the error `fn` throws, to check its properties. */
function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('HolidayCalendar', () => {
  describe('the official calendar', () => {
    const calendar = HolidayCalendar.official();

    it('loads the bundled 2024-2026 arrangements and no other year', () => {
      expect(calendar.loadedYears()).toEqual([2024, 2025, 2026]);
      expect(calendar.hasYear(2026)).toBe(true);
      expect(calendar.hasYear(2027)).toBe(false);
      expect(HolidayCalendar.official()).toBe(calendar);
    });

    it('treats a weekday inside a statutory holiday as a rest day (2025-10-08, National Day)', () => {
      expect(calendar.isRestDay('2025-10-08')).toBe(true);
      expect(calendar.isRestDay('2025-10-01')).toBe(true);
    });

    it('treats an ordinary Saturday or Sunday as a rest day and an ordinary weekday as a working day', () => {
      expect(calendar.isRestDay('2025-03-08')).toBe(true);
      expect(calendar.isRestDay('2025-03-09')).toBe(true);
      expect(calendar.isRestDay('2025-03-10')).toBe(false);
      expect(calendar.isWorkingDay('2025-03-10')).toBe(true);
    });

    it('treats an adjusted working weekend day (调休上班) as a working day', () => {
      expect(calendar.isRestDay('2025-09-28')).toBe(false);
      expect(calendar.isRestDay('2026-02-14')).toBe(false);
      expect(calendar.isRestDay('2026-01-04')).toBe(false);
    });

    it('falls back to the weekday rule and the holidays fixed by date for an unloaded year, and reports that year as unloaded', () => {
      // Friday 2027-01-01 is New Year's Day; Saturday 2027-01-02 a weekend day; Monday 2027-01-04 a working day.
      expect(calendar.isRestDay('2027-01-01')).toBe(true);
      expect(calendar.isRestDay('2027-01-02')).toBe(true);
      expect(calendar.isRestDay('2027-01-04')).toBe(false);
      expect(calendar.unloadedYearsFor('2027-01-01')).toEqual([2027]);
    });

    it('knows the holidays the Measures fix by date in an unloaded year: 1 January, 1 May (1-3 May until 2007, 1-2 May from 2025), 1-3 October', () => {
      const fixed = (date: string, first: string, last: string) => ({ date, kind: DayKind.FIXED_DATE_HOLIDAY, restDay: true, holiday: [first, last] });
      expect(calendar.dayStatus('2028-01-01')).toEqual(fixed('2028-01-01', '2028-01-01', '2028-01-01'));
      // Labour Day: Monday and Tuesday 2028-05-01/02 under the 2024 revision; in 2023 only Monday 2023-05-01 (Tuesday 2023-05-02 by the weekday rule).
      expect(calendar.dayStatus('2028-05-01')).toEqual(fixed('2028-05-01', '2028-05-01', '2028-05-02'));
      expect(calendar.dayStatus('2028-05-02')).toEqual(fixed('2028-05-02', '2028-05-01', '2028-05-02'));
      expect(calendar.dayStatus('2028-05-03')).toEqual({ date: '2028-05-03', kind: DayKind.WEEKDAY, restDay: false });
      expect(calendar.dayStatus('2023-05-01')).toEqual(fixed('2023-05-01', '2023-05-01', '2023-05-01'));
      expect(calendar.dayStatus('2023-05-02')).toEqual({ date: '2023-05-02', kind: DayKind.WEEKDAY, restDay: false });
      // Under the 1999 revision, until 2007: 1-3 May (Thursday 2007-05-03).
      expect(calendar.dayStatus('2007-05-03')).toEqual(fixed('2007-05-03', '2007-05-01', '2007-05-03'));
      // National Day, even on a Sunday (2027-10-03); Monday 2027-10-04 by the weekday rule only.
      expect(calendar.dayStatus('2027-10-03')).toEqual(fixed('2027-10-03', '2027-10-01', '2027-10-03'));
      expect(calendar.dayStatus('2027-10-04')).toEqual({ date: '2027-10-04', kind: DayKind.WEEKDAY, restDay: false });
      // A loaded year answers from its arrangement, which names its own holiday period.
      expect(calendar.dayStatus('2026-10-01')).toMatchObject({ kind: DayKind.HOLIDAY, holiday: ['2026-10-01', '2026-10-07'] });
    });

    it('reports the next year as needed for a December date, since its notice may arrange late December', () => {
      expect(calendar.unloadedYearsFor('2026-12-16')).toEqual([2027]);
      expect(calendar.unloadedYearsFor('2025-12-16')).toEqual([]);
      expect(calendar.unloadedYearsFor('2026-11-30')).toEqual([]);
    });
  });

  describe('validateCalendarYear (an ADMIN upload)', () => {
    it('returns the year it accepts, typed and frozen', () => {
      const year = validateCalendarYear(year2026());
      expect(year.year).toBe(2026);
      expect(year.holidays[1]).toEqual(['2026-02-15', '2026-02-23']);
      expect(Object.isFrozen(year)).toBe(true);
    });

    it('accepts arrangements of the previous December around New Year (2019 notice: 2018-12-29 worked)', () => {
      const year = validateCalendarYear({
        year: 2019,
        notice: '国办发明电〔2018〕15号',
        holidays: [['2018-12-30', '2019-01-01']],
        workdays: ['2018-12-29'],
      });
      expect(year.workdays).toEqual(['2018-12-29']);
    });

    it('refuses a bad date string, naming the year and the entry', () => {
      const bad = year2026({ holidays: [['2026-02-30', '2026-03-01']] });
      expect(() => validateCalendarYear(bad)).toThrow(HolidayCalendarError);
      expect(() => validateCalendarYear(bad)).toThrow(
        'Holiday calendar 2026: holidays[0] ["2026-02-30","2026-03-01"]: "2026-02-30" is not a calendar date of the form YYYY-MM-DD',
      );
    });

    it('refuses a holiday period that ends before it starts', () => {
      const bad = year2026({ holidays: [['2026-01-01', '2026-01-03'], ['2026-02-23', '2026-02-15']] });
      expect(() => validateCalendarYear(bad)).toThrow(
        'Holiday calendar 2026: holidays[1] ["2026-02-23","2026-02-15"]: ends (2026-02-15) before it starts (2026-02-23)',
      );
    });

    it('refuses an adjusted working day that is not a Saturday or Sunday', () => {
      const bad = year2026({ workdays: ['2026-02-16'] });
      expect(() => validateCalendarYear(bad)).toThrow(
        'Holiday calendar 2026: workdays[0] "2026-02-16": is a Monday; an adjusted working day (调休上班) must be a Saturday or Sunday',
      );
    });

    it('refuses a working day inside a holiday period, and a working day listed twice', () => {
      expect(() => validateCalendarYear(year2026({ workdays: ['2026-02-15'] }))).toThrow(
        /workdays\[0\] "2026-02-15": lies inside holidays\[1\]/,
      );
      expect(() => validateCalendarYear(year2026({ workdays: ['2026-01-04', '2026-01-04'] }))).toThrow(
        /workdays\[1\] "2026-01-04": is listed twice/,
      );
    });

    it('refuses holiday periods that overlap each other', () => {
      const bad = year2026({ holidays: [['2026-10-01', '2026-10-07'], ['2026-10-07', '2026-10-08']] });
      expect(() => validateCalendarYear(bad)).toThrow(/holidays\[1\] .*: overlaps holidays\[0\] on 2026-10-07/);
    });

    it('refuses a date outside the year (beyond the previous December)', () => {
      expect(() => validateCalendarYear(year2026({ holidays: [['2027-01-01', '2027-01-01']] }))).toThrow(
        /Holiday calendar 2026: holidays\[0\] .*: 2027-01-01 lies outside 2026/,
      );
      expect(() => validateCalendarYear(year2026({ workdays: ['2025-11-29'] }))).toThrow(/lies outside 2026/);
    });

    it('refuses a year without a source notice, without holidays, or with an unreadable year', () => {
      expect(() => validateCalendarYear(year2026({ notice: ' ' }))).toThrow('Holiday calendar 2026: notice:');
      expect(() => validateCalendarYear(year2026({ holidays: [] }))).toThrow('Holiday calendar 2026: holidays:');
      expect(() => validateCalendarYear(year2026({ workdays: undefined }))).toThrow('Holiday calendar 2026: workdays:');
      expect(() => validateCalendarYear(year2026({ year: '2026' }))).toThrow(
        'Holiday calendar (year unreadable): year "2026": must be a year from 1999 to 2099',
      );
      // The week-long holidays (and their moved rest days) began with the 1999 revision.
      expect(() => validateCalendarYear(year2026({ year: 1998 }))).toThrow('Holiday calendar (year unreadable): year 1998: must be a year from 1999 to 2099');
      expect(() => validateCalendarYear(year2026({ year: 2100 }))).toThrow('year 2100: must be a year from 1999 to 2099');
      expect(() => validateCalendarYear([2026])).toThrow(/Holiday calendar \(year unreadable\): entry/);
    });

    it('throws a BAD_USER_INPUT domain error carrying the year and entry as facts', () => {
      const error = errorOf(() => validateCalendarYear(year2026({ workdays: ['2026-02-16'] })));
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: ErrorCode.BAD_USER_INPUT, year: 2026, entry: 'workdays[0] "2026-02-16"' });
    });

    it('names the field at fault, as every BAD_USER_INPUT does: its path in the year (and the input)', () => {
      const fieldOf = (data: unknown) => (errorOf(() => validateCalendarYear(data)) as DomainError).facts.field;
      expect(fieldOf(year2026({ workdays: ['2026-01-04', '2026-02-16'] }))).toBe('workdays.1');
      expect(fieldOf(year2026({ holidays: [['2026-01-01', '2026-01-03'], ['2026-02-23', '2026-02-15']] }))).toBe('holidays.1');
      expect(fieldOf(year2026({ holidays: [] }))).toBe('holidays');
      expect(fieldOf(year2026({ notice: '' }))).toBe('notice');
      expect(fieldOf(year2026({ year: 26 }))).toBe('year');
      expect((errorOf(() => new HolidayCalendar([year2026(), year2026()])) as DomainError).facts.field).toBe('year');
    });
  });

  describe('building and extending a calendar', () => {
    it('refuses a year loaded twice', () => {
      expect(() => new HolidayCalendar([year2026(), year2026()])).toThrow(
        'Holiday calendar 2026: year: overlaps: 2026 is already loaded',
      );
      expect(() => HolidayCalendar.official().withYear(year2026())).toThrow(/2026 is already loaded/);
    });

    it('refuses a year that makes a working day of another year\'s holiday', () => {
      const y2030 = { year: 2030, notice: 'test', holidays: [['2030-12-28', '2030-12-31']], workdays: [] };
      const y2031 = { year: 2031, notice: 'test', holidays: [['2031-01-01', '2031-01-01']], workdays: ['2030-12-28'] };
      expect(() => new HolidayCalendar([y2030, y2031])).toThrow(
        'Holiday calendar 2031: workdays[0] "2030-12-28": overlaps year 2030, which makes 2030-12-28 a holiday, not a working day',
      );
    });

    it('adds an uploaded year to a new calendar and leaves the old one unchanged', () => {
      const base = new HolidayCalendar([]);
      const extended = base.withYear(year2026());
      expect(extended.loadedYears()).toEqual([2026]);
      expect(base.loadedYears()).toEqual([]);
      expect(extended.isRestDay('2026-02-16')).toBe(true);
      expect(base.isRestDay('2026-02-16')).toBe(false);
    });

    it('refuses a file without a years list', () => {
      expect(() => HolidayCalendar.fromFile({ year: 2026 })).toThrow(/file: must be an object with a "years" list/);
    });
  });
});
