import { computeDeadline, type DeadlineOptions, DeadlineRule } from './deadline-rules';
import { countingRuleFor, explainCalendarDay, explainDeadline } from './explanations';
import { DayKind, HolidayCalendar } from './holiday-calendar';

const calendar = HolidayCalendar.official();
const NOTICE_2025 = '国办发明电〔2024〕12号, 2024-11-12';
const NOTICE_2026 = 'State Council General Office notice on the 2026 holiday arrangements, 2025-11-04';

/** The explanation of the deadline computeDeadline gives, as the API shows it. */
function explain(rule: DeadlineRule, from: string, options: DeadlineOptions = {}): string {
  return explainDeadline(computeDeadline(rule, from, calendar, options), calendar);
}

describe('explanations', () => {
  describe('countingRuleFor', () => {
    it('cites Civil Code arts. 201 and 203 for days, adding art. 202 for months, and CPL art. 85', () => {
      expect(countingRuleFor('DAYS')).toBe('Civil Code arts. 201 and 203; Civil Procedure Law (2023) art. 85');
      expect(countingRuleFor('MONTHS')).toBe('Civil Code arts. 201, 202 and 203; Civil Procedure Law (2023) art. 85');
    });
  });

  describe('explainDeadline', () => {
    it('says the start day is not counted and the last day, a working weekday, stands', () => {
      expect(explain(DeadlineRule.PRE_LITIGATION_ANNOUNCEMENT, '2025-03-01')).toBe(
        '30 days from 2025-03-01 (not counted) end on 2025-03-31. 2025-03-31 is a Monday: a working day, so the period ends on that day.',
      );
    });

    it('says a period in months ends on the last day of a shorter month (art. 202)', () => {
      expect(explain(DeadlineRule.PROCURATORIAL_RECOMMENDATION_RESPONSE, '2025-07-31')).toBe(
        '2 months from 2025-07-31 end on 2025-09-30, the last day of that month, which has no day 31. ' +
          '2025-09-30 is a Tuesday: a working day, so the period ends on that day.',
      );
    });

    it('ends on 29 February in a leap year', () => {
      expect(explain(DeadlineRule.PROCURATORIAL_RECOMMENDATION_RESPONSE, '2023-12-31')).toBe(
        '2 months from 2023-12-31 end on 2024-02-29, the last day of that month, which has no day 31. ' +
          '2024-02-29 is a Thursday: a working day, so the period ends on that day.',
      );
    });

    it('names the same-numbered day of the last month when it exists', () => {
      expect(explain(DeadlineRule.PROCURATORIAL_RECOMMENDATION_RESPONSE, '2025-03-31')).toBe(
        `2 months from 2025-03-31 end on 2025-05-31, the same-numbered day. 2025-05-31 falls in the holiday 2025-05-31..2025-06-02 of the 2025 arrangement (${NOTICE_2025}): a rest day, ` +
          'so the period ends on the first working day after the rest: 2025-06-03 is a Tuesday: a working day.',
      );
    });

    it('names the holiday period and its arrangement when it moves the last day (urgent variant, 15 days)', () => {
      expect(explain(DeadlineRule.PROCURATORIAL_RECOMMENDATION_RESPONSE, '2025-09-16', { urgent: true })).toBe(
        `15 days from 2025-09-16 (not counted) end on 2025-10-01. 2025-10-01 falls in the holiday 2025-10-01..2025-10-08 of the 2025 arrangement (${NOTICE_2025}): a rest day, ` +
          'so the period ends on the first working day after the rest: 2025-10-09 is a Thursday: a working day.',
      );
    });

    it('moves a last day on a weekend to the Monday', () => {
      expect(explain(DeadlineRule.APPEAL_JUDGMENT, '2026-02-20')).toBe(
        '15 days from 2026-02-20 (not counted) end on 2026-03-07. 2026-03-07 is a Saturday: a rest day, ' +
          'so the period ends on the first working day after the rest: 2026-03-09 is a Monday: a working day.',
      );
    });

    it('keeps a last day on an adjusted working Saturday, naming the arrangement', () => {
      expect(explain(DeadlineRule.APPEAL_RULING, '2026-09-30')).toBe(
        `10 days from 2026-09-30 (not counted) end on 2026-10-10. 2026-10-10 is a working day by the 2026 arrangement (${NOTICE_2026}), though a Saturday, ` +
          'so the period ends on that day.',
      );
    });

    it('moves a last day in a holiday onto an adjusted working Sunday', () => {
      expect(explain(DeadlineRule.APPEAL_RULING, '2025-12-23')).toBe(
        `10 days from 2025-12-23 (not counted) end on 2026-01-02. 2026-01-02 falls in the holiday 2026-01-01..2026-01-03 of the 2026 arrangement (${NOTICE_2026}): a rest day, ` +
          `so the period ends on the first working day after the rest: 2026-01-04 is a working day by the 2026 arrangement (${NOTICE_2026}), though a Sunday.`,
      );
    });

    it('judges a day of an unloaded year by the weekday rule (the deadline says it is provisional)', () => {
      expect(explain(DeadlineRule.APPEAL_JUDGMENT, '2026-12-20')).toBe(
        '15 days from 2026-12-20 (not counted) end on 2027-01-04. 2027-01-04 is a Monday: a working day, so the period ends on that day.',
      );
    });
  });

  describe('explainCalendarDay', () => {
    it('names the holiday period a day falls in, and its arrangement', () => {
      expect(explainCalendarDay('2026-02-21', calendar)).toEqual({
        date: '2026-02-21',
        weekday: 'Saturday',
        kind: DayKind.HOLIDAY,
        restDay: true,
        holiday: ['2026-02-15', '2026-02-23'],
        arrangement: { year: 2026, notice: NOTICE_2026 },
        explanation: `2026-02-21 falls in the holiday 2026-02-15..2026-02-23 of the 2026 arrangement (${NOTICE_2026}): a rest day`,
        provisional: false,
      });
    });

    it('names the arrangement that made a weekend day a working day', () => {
      expect(explainCalendarDay('2026-10-10', calendar)).toMatchObject({
        kind: DayKind.ADJUSTED_WORKING_DAY,
        restDay: false,
        arrangement: { year: 2026 },
        explanation: `2026-10-10 is a working day by the 2026 arrangement (${NOTICE_2026}), though a Saturday`,
        provisional: false,
      });
    });

    it('answers weekend days and weekdays by the weekday rule', () => {
      expect(explainCalendarDay('2026-03-07', calendar)).toMatchObject({ kind: DayKind.WEEKEND, restDay: true, explanation: '2026-03-07 is a Saturday: a rest day' });
      expect(explainCalendarDay('2026-03-09', calendar)).toMatchObject({ kind: DayKind.WEEKDAY, restDay: false, explanation: '2026-03-09 is a Monday: a working day' });
      expect(explainCalendarDay('2024-02-29', calendar)).toMatchObject({ kind: DayKind.WEEKDAY, weekday: 'Thursday', provisional: false });
    });

    it('says a day of an unloaded year is provisional and judged by the weekday rule and the holidays fixed by date only', () => {
      expect(explainCalendarDay('2027-10-01', calendar)).toEqual({
        date: '2027-10-01',
        weekday: 'Friday',
        kind: DayKind.FIXED_DATE_HOLIDAY,
        restDay: true,
        holiday: ['2027-10-01', '2027-10-03'],
        explanation: '2027-10-01 falls in National Day (国庆节), 2027-10-01..2027-10-03, a holiday fixed by date (Measures on National Holidays and Memorial Days, art. 2): a rest day',
        provisional: true,
        provisionalReason:
          'Provisional: computed by the weekday rule and the holidays fixed by date only because the official holiday arrangement for 2027 is not loaded ' +
          "(the State Council publishes each year's arrangement late in the year before); recompute once loaded.",
      });
    });

    it('says a December day is provisional while the next year, whose notice may arrange it, is not loaded', () => {
      expect(explainCalendarDay('2026-12-31', calendar)).toMatchObject({
        kind: DayKind.WEEKDAY,
        provisional: true,
        provisionalReason:
          'Provisional: computed with the loaded 2026 arrangement, but the official holiday arrangement for 2027, which may also move the last days of December 2026, is not loaded ' +
          "(the State Council publishes each year's arrangement late in the year before); recompute once loaded.",
      });
    });
  });
});
