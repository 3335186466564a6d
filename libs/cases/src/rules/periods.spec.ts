import { HolidayCalendar } from './holiday-calendar';
import { addDays, addMonths, endOfPeriod, moveOffRestDays, nominalEndOfPeriod } from './periods';

const official = HolidayCalendar.official();
const days = (length: number) => ({ unit: 'DAYS' as const, length });
const months = (length: number) => ({ unit: 'MONTHS' as const, length });

describe('counting a period (Civil Code arts. 200-203, Civil Procedure Law art. 85)', () => {
  describe('in days', () => {
    it('does not count the start day: a 30-day period starting 1 March ends on 31 March', () => {
      expect(addDays('2025-03-01', 30)).toBe('2025-03-31');
    });

    it('counts calendar days across month, leap-day and year ends', () => {
      expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
      expect(addDays('2025-02-28', 1)).toBe('2025-03-01');
      expect(addDays('2024-12-20', 15)).toBe('2025-01-04');
    });

    it('refuses a length that is not a whole number', () => {
      expect(() => addDays('2025-03-01', 1.5)).toThrow(RangeError);
      expect(() => nominalEndOfPeriod('2025-03-01', days(0))).toThrow(/at least 1/);
    });
  });

  describe('in months', () => {
    it('ends on the same-numbered day of the last month', () => {
      expect(addMonths('2025-03-15', 1)).toBe('2025-04-15');
      expect(addMonths('2025-12-31', 12)).toBe('2026-12-31');
    });

    it('ends on the last day of a month that has no such day: 31 Jan + 1 month = 28 Feb', () => {
      expect(addMonths('2025-01-31', 1)).toBe('2025-02-28');
    });

    it('ends on 29 Feb in a leap year: 31 Jan 2024 + 1 month = 2024-02-29', () => {
      expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    });

    it('ends a 2-month period from 31 December on the last day of February, before any rest-day shift', () => {
      expect(nominalEndOfPeriod('2024-12-31', months(2))).toBe('2025-02-28');
      expect(nominalEndOfPeriod('2023-12-31', months(2))).toBe('2024-02-29');
      expect(nominalEndOfPeriod('2025-11-30', months(3))).toBe('2026-02-28');
    });

    it('keeps the same-numbered day when the last month has it, even from a month end (30 Apr -> 30 May)', () => {
      expect(addMonths('2025-04-30', 1)).toBe('2025-05-30');
    });
  });

  describe('a last day that is a legal rest day (art. 203)', () => {
    it('moves a last day on an ordinary weekend to the next Monday', () => {
      expect(endOfPeriod('2025-02-06', days(30), official)).toEqual({
        due: '2025-03-10',
        nominalDue: '2025-03-08',
        shiftedForRestDays: true,
        provisional: false,
      });
    });

    it('moves a last day that falls on the National Day holiday to the first working day after it', () => {
      expect(endOfPeriod('2025-09-16', days(15), official)).toEqual({
        due: '2025-10-09',
        nominalDue: '2025-10-01',
        shiftedForRestDays: true,
        provisional: false,
      });
      expect(moveOffRestDays('2025-10-04', official).due).toBe('2025-10-09');
    });

    it('moves a last day inside a holiday to an adjusted working Sunday right after it (Qingming 2024 -> 2024-04-07)', () => {
      expect(moveOffRestDays('2024-04-04', official).due).toBe('2024-04-07');
      expect(moveOffRestDays('2024-02-10', official).due).toBe('2024-02-18');
    });

    it('keeps a last day on an adjusted working weekend day, because courts sit on it', () => {
      expect(endOfPeriod('2025-09-13', days(15), official)).toEqual({
        due: '2025-09-28',
        nominalDue: '2025-09-28',
        shiftedForRestDays: false,
        provisional: false,
      });
      expect(endOfPeriod('2026-01-30', days(15), official).due).toBe('2026-02-14');
    });

    it('keeps 28 Feb 2026, the last day of a 2-month period from 31 Dec 2025, as it is an adjusted working Saturday', () => {
      expect(endOfPeriod('2025-12-31', months(2), official)).toMatchObject({
        due: '2026-02-28',
        shiftedForRestDays: false,
        provisional: false,
      });
    });

    it('leaves a last day on an ordinary working day where it is', () => {
      expect(endOfPeriod('2025-03-01', days(30), official)).toEqual({
        due: '2025-03-31',
        nominalDue: '2025-03-31',
        shiftedForRestDays: false,
        provisional: false,
      });
    });
  });

  describe('a year whose official arrangement is not loaded', () => {
    it('comes back provisional, naming 2027, when the last day falls in 2027', () => {
      const end = endOfPeriod('2026-12-20', days(15), official);
      expect(end).toMatchObject({ due: '2027-01-04', nominalDue: '2027-01-04', shiftedForRestDays: false, provisional: true });
      expect(end.provisionalReason).toMatch(/weekday rule and the holidays fixed by date only because the official holiday arrangement for 2027 is not loaded/);
    });

    it('still shifts a 2027 weekend last day by the weekday rule, provisionally', () => {
      expect(endOfPeriod('2026-12-18', days(15), official)).toMatchObject({
        due: '2027-01-04',
        nominalDue: '2027-01-02',
        shiftedForRestDays: true,
        provisional: true,
      });
    });

    it('is provisional for a last day in December while the next year, which may arrange late December, is not loaded', () => {
      const end = endOfPeriod('2026-11-16', days(30), official);
      expect(end).toMatchObject({ due: '2026-12-16', provisional: true });
      expect(end.provisionalReason).toMatch(/2027/);
      expect(endOfPeriod('2026-11-15', days(15), official)).toMatchObject({ due: '2026-11-30', provisional: false });
    });

    it('says a December day was judged with the loaded calendar, not the weekday rule, when only the next year is missing', () => {
      const reason = endOfPeriod('2026-11-16', days(30), official).provisionalReason!;
      expect(reason).toMatch(/computed with the loaded 2026 arrangement/);
      expect(reason).toMatch(/arrangement for 2027, which may also move the last days of December 2026, is not loaded/);
      expect(reason).not.toMatch(/weekday rule/);
    });

    it('is provisional when the walk off a rest day reaches an unloaded year, naming every year it judged', () => {
      const fixture = new HolidayCalendar([
        { year: 2030, notice: 'test fixture', holidays: [['2030-12-31', '2030-12-31']], workdays: [] },
      ]);
      // 2031-01-01 (a Wednesday) is New Year's Day whatever 2031's arrangement says: the first working day is Thursday 2031-01-02.
      expect(moveOffRestDays('2030-12-31', fixture)).toMatchObject({ due: '2031-01-02', provisional: true });
      expect(moveOffRestDays('2030-12-31', fixture).provisionalReason).toMatch(
        /loaded 2030 arrangement for days in 2030 and by the weekday rule and the holidays fixed by date only for days in 2031 because the official holiday arrangement for 2031 is not loaded/,
      );
      const reason = moveOffRestDays('2031-12-31', new HolidayCalendar([])).provisionalReason;
      expect(reason).toMatch(/weekday rule and the holidays fixed by date only because the official holiday arrangement for 2031 is not loaded/);
      expect(reason).toMatch(/arrangement for 2032, which may also move the last days of December 2031, is not loaded/);
    });

    it('does not judge the start day, so a period starting in an unloaded year can be final', () => {
      expect(endOfPeriod('2023-12-20', days(15), official)).toEqual({
        due: '2024-01-04',
        nominalDue: '2024-01-04',
        shiftedForRestDays: false,
        provisional: false,
      });
    });
  });
});
