import { startTestApi, type TestApi } from './support/api';

/**
 * previewDeadline and calendarDay through GraphQL: the hand-computed cases of
 * libs/cases/src/rules/deadline-rules.spec.ts and holiday-calendar.spec.ts (the bundled 2024-2026
 * arrangements), and a provisional answer for 2027, which they lack.
 */
describe('deadlines a user can ask about', () => {
  let api: TestApi;
  let judge: string;
  let association: string;

  const NOTICE_2025 = '国办发明电〔2024〕12号, 2024-11-12';
  const NOTICE_2026 = 'State Council General Office notice on the 2026 holiday arrangements, 2025-11-04';
  const PREVIEW = `query($r: DeadlineRule!, $f: String!, $o: DeadlineOptionsInput) {
    previewDeadline(rule: $r, from: $f, options: $o) {
      rule source countingRule triggerDate period { unit length } urgent due nominalDue shiftedForRestDays
      provisional provisionalReason nature explanation
    }
  }`;
  const DAY = `query($d: String!) {
    calendarDay(date: $d) { date weekday restDay kind holiday arrangement { year notice } provisional provisionalReason explanation }
  }`;

  beforeAll(async () => {
    api = await startTestApi();
    [judge, association] = await Promise.all([api.login('judge@demo.local'), api.login('association@demo.local')]);
  });
  afterAll(() => api?.close());

  async function preview(rule: string, from: string, options?: Record<string, unknown>) {
    const res = await api.gql(PREVIEW, { r: rule, f: from, o: options }, association);
    expect(res.errors).toBeUndefined();
    return res.data!.previewDeadline;
  }

  async function day(date: string) {
    const res = await api.gql(DAY, { d: date }, judge);
    expect(res.errors).toBeUndefined();
    return res.data!.calendarDay;
  }

  describe('previewDeadline', () => {
    it('counts 30 days from the day after the trigger, citing the rule and the counting articles', async () => {
      expect(await preview('PRE_LITIGATION_ANNOUNCEMENT', '2025-03-01')).toEqual({
        rule: 'PRE_LITIGATION_ANNOUNCEMENT',
        source: 'SPC/SPP interpretation on procuratorial public-interest litigation, art. 13',
        countingRule: 'Civil Code arts. 201 and 203; Civil Procedure Law (2023) art. 85',
        triggerDate: '2025-03-01',
        period: { unit: 'DAYS', length: 30 },
        urgent: false,
        due: '2025-03-31',
        nominalDue: '2025-03-31',
        shiftedForRestDays: false,
        provisional: false,
        provisionalReason: null,
        nature: 'WAITING_PERIOD',
        explanation: '30 days from 2025-03-01 (not counted) end on 2025-03-31. 2025-03-31 is a Monday: a working day, so the period ends on that day.',
      });
    });

    it('ends a period in months on the last day of a shorter month, and on 29 February', async () => {
      expect(await preview('PROCURATORIAL_RECOMMENDATION_RESPONSE', '2025-07-31')).toMatchObject({
        due: '2025-09-30',
        countingRule: 'Civil Code arts. 201, 202 and 203; Civil Procedure Law (2023) art. 85',
        explanation:
          '2 months from 2025-07-31 end on 2025-09-30, the last day of that month, which has no day 31. 2025-09-30 is a Tuesday: a working day, so the period ends on that day.',
      });
      expect(await preview('PROCURATORIAL_RECOMMENDATION_RESPONSE', '2023-12-31')).toMatchObject({ due: '2024-02-29', shiftedForRestDays: false });
    });

    it('moves the urgent 15-day reply off National Day 2025, naming the holiday and its notice', async () => {
      expect(await preview('PROCURATORIAL_RECOMMENDATION_RESPONSE', '2025-09-16', { urgent: true })).toMatchObject({
        urgent: true,
        period: { unit: 'DAYS', length: 15 },
        nominalDue: '2025-10-01',
        due: '2025-10-09',
        shiftedForRestDays: true,
        nature: 'TIME_LIMIT',
        explanation:
          `15 days from 2025-09-16 (not counted) end on 2025-10-01. 2025-10-01 falls in the holiday 2025-10-01..2025-10-08 of the 2025 arrangement (${NOTICE_2025}): a rest day, ` +
          'so the period ends on the first working day after the rest: 2025-10-09 is a Thursday: a working day.',
      });
    });

    it('moves a last day on a Saturday to the Monday, and keeps one on an adjusted working Saturday', async () => {
      expect(await preview('APPEAL_JUDGMENT', '2026-02-20')).toMatchObject({ nominalDue: '2026-03-07', due: '2026-03-09', shiftedForRestDays: true });
      expect(await preview('APPEAL_RULING', '2026-09-30')).toMatchObject({
        due: '2026-10-10',
        shiftedForRestDays: false,
        explanation: `10 days from 2026-09-30 (not counted) end on 2026-10-10. 2026-10-10 is a working day by the 2026 arrangement (${NOTICE_2026}), though a Saturday, so the period ends on that day.`,
      });
    });

    it('uses the court-set days within their bounds, as transitionCase does', async () => {
      expect(await preview('EVIDENCE_PERIOD', '2026-03-01', { days: 30, procedure: 'ORDINARY' })).toMatchObject({ period: { unit: 'DAYS', length: 30 }, due: '2026-03-31' });
      const res = await api.gql(PREVIEW, { r: 'EVIDENCE_PERIOD', f: '2026-03-01', o: { days: 14, procedure: 'ORDINARY' } }, judge);
      expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'EVIDENCE_PERIOD', field: 'days', bound: 15 });
    });

    it('says a deadline in 2027, whose arrangement is not loaded, is provisional', async () => {
      expect(await preview('APPEAL_JUDGMENT', '2026-12-20')).toMatchObject({
        due: '2027-01-04',
        provisional: true,
        provisionalReason: expect.stringMatching(/arrangement for 2027 is not loaded/),
        explanation: '15 days from 2026-12-20 (not counted) end on 2027-01-04. 2027-01-04 is a Monday: a working day, so the period ends on that day.',
      });
    });

    it('refuses a date that is not a calendar date, naming the argument', async () => {
      const res = await api.gql(PREVIEW, { r: 'APPEAL_RULING', f: '2026-02-30' }, judge);
      expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'from' });
    });
  });

  describe('calendarDay', () => {
    it('names the holiday period a day falls in and the notice that set it', async () => {
      expect(await day('2026-02-21')).toEqual({
        date: '2026-02-21',
        weekday: 'Saturday',
        restDay: true,
        kind: 'HOLIDAY',
        holiday: ['2026-02-15', '2026-02-23'],
        arrangement: { year: 2026, notice: NOTICE_2026 },
        provisional: false,
        provisionalReason: null,
        explanation: `2026-02-21 falls in the holiday 2026-02-15..2026-02-23 of the 2026 arrangement (${NOTICE_2026}): a rest day`,
      });
    });

    it('names the arrangement that made a Saturday a working day', async () => {
      expect(await day('2026-10-10')).toMatchObject({ restDay: false, kind: 'ADJUSTED_WORKING_DAY', holiday: null, arrangement: { year: 2026 } });
    });

    it('answers ordinary weekend days and weekdays, 29 February included', async () => {
      expect(await day('2026-03-07')).toMatchObject({ restDay: true, kind: 'WEEKEND', arrangement: null, explanation: '2026-03-07 is a Saturday: a rest day' });
      expect(await day('2024-02-29')).toMatchObject({ restDay: false, kind: 'WEEKDAY', weekday: 'Thursday', provisional: false });
    });

    it('answers for 2027, not loaded, by the weekday rule and the holidays fixed by date, and says so', async () => {
      // Friday 2027-10-01 is National Day whatever 2027's arrangement will say; Monday 2027-10-04 is judged by the weekday rule.
      expect(await day('2027-10-04')).toMatchObject({ restDay: false, kind: 'WEEKDAY', provisional: true });
      expect(await day('2027-10-01')).toMatchObject({
        restDay: true,
        kind: 'FIXED_DATE_HOLIDAY',
        provisional: true,
        provisionalReason: expect.stringMatching(/^Provisional: computed by the weekday rule and the holidays fixed by date only because the official holiday arrangement for 2027 is not loaded/),
      });
    });

    it('refuses a date that does not exist, naming the argument', async () => {
      const res = await api.gql(DAY, { d: '2025-02-29' }, judge);
      expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'date' });
    });
  });
});
