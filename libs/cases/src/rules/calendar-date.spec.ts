import {
  CalendarDateError,
  calendarDateInShanghai,
  dateParts,
  fromDayNumber,
  isCalendarDate,
  parseCalendarDate,
  toDayNumber,
  weekdayOf,
} from './calendar-date';
import { addDays, addMonths } from './periods';

describe('calendar dates (Asia/Shanghai, YYYY-MM-DD)', () => {
  it('accepts only real dates written YYYY-MM-DD', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2025-02-29')).toBe(false);
    expect(isCalendarDate('2025-2-3')).toBe(false);
    expect(isCalendarDate('2025-02-03T00:00:00Z')).toBe(false);
    expect(isCalendarDate('2025-13-01')).toBe(false);
    expect(isCalendarDate(20250203)).toBe(false);
  });

  it('refuses a bad date with a named error that names the field', () => {
    expect(() => parseCalendarDate('2026-02-30', 'servedOn')).toThrow(CalendarDateError);
    expect(() => parseCalendarDate('2026-02-30', 'servedOn')).toThrow(/^servedOn: "2026-02-30" is not a calendar date/);
  });

  it('round-trips dates through day numbers, 1970-01-01 being day 0', () => {
    expect(toDayNumber('1970-01-01')).toBe(0);
    expect(toDayNumber('1969-12-31')).toBe(-1);
    expect(fromDayNumber(toDayNumber('2024-02-29'))).toBe('2024-02-29');
    expect(dateParts('2026-12-31')).toEqual({ year: 2026, month: 12, day: 31 });
  });

  it('gives the same weekdays and sums whatever time zone the machine is in', () => {
    const original = process.env.TZ;
    try {
      for (const tz of ['UTC', 'America/Los_Angeles', 'Pacific/Kiritimati', 'Asia/Shanghai']) {
        process.env.TZ = tz;
        expect(weekdayOf('2025-10-01')).toBe(3);
        expect(addDays('2025-03-01', 30)).toBe('2025-03-31');
        expect(addMonths('2024-12-31', 2)).toBe('2025-02-28');
      }
    } finally {
      process.env.TZ = original;
    }
  });

  it('turns an instant into the date it is in Shanghai (UTC+8), not on the machine', () => {
    expect(calendarDateInShanghai(new Date('2025-12-31T15:59:59Z'))).toBe('2025-12-31');
    expect(calendarDateInShanghai(new Date('2025-12-31T16:00:00Z'))).toBe('2026-01-01');
  });
});
