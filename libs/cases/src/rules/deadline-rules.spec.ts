import { DomainError, ErrorCode } from '@app/platform/errors/domain-error';
import { computeDeadline, DEADLINE_RULES, DeadlineNature, DeadlineRule, DeadlineRuleError, isOverdue, OVERDUE_CAPABLE_RULES } from './deadline-rules';
import { HolidayCalendar } from './holiday-calendar';

const calendar = HolidayCalendar.official();

/** Catches the error `fn` throws, to check its properties. */
function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('deadline rules', () => {
  it('has one row per rule, each citing its article', () => {
    expect(Object.keys(DEADLINE_RULES).sort()).toEqual(Object.values(DeadlineRule).sort());
    for (const row of Object.values(DEADLINE_RULES)) {
      expect(row.source).toMatch(/, art\. \d+$/);
      expect(row.description.length).toBeGreaterThan(0);
    }
  });

  describe('PRE_LITIGATION_ANNOUNCEMENT (30 days, procuratorial PIL interpretation art. 13)', () => {
    it('ends 30 days after publication, the publication day not counted', () => {
      expect(computeDeadline(DeadlineRule.PRE_LITIGATION_ANNOUNCEMENT, '2025-03-01', calendar)).toEqual({
        rule: DeadlineRule.PRE_LITIGATION_ANNOUNCEMENT,
        triggerDate: '2025-03-01',
        period: { unit: 'DAYS', length: 30 },
        source: 'SPC/SPP interpretation on procuratorial public-interest litigation, art. 13',
        nature: DeadlineNature.WAITING_PERIOD,
        due: '2025-03-31',
        nominalDue: '2025-03-31',
        shiftedForRestDays: false,
        provisional: false,
      });
    });

    it('moves a last day on National Day to the first working day after the holiday', () => {
      expect(computeDeadline(DeadlineRule.PRE_LITIGATION_ANNOUNCEMENT, '2025-09-01', calendar)).toMatchObject({
        nominalDue: '2025-10-01',
        due: '2025-10-09',
        shiftedForRestDays: true,
      });
    });
  });

  describe('PROCURATORIAL_RECOMMENDATION_RESPONSE (2 months, or 15 days when urgent; art. 21)', () => {
    it('ends two months after receipt, on the same-numbered day', () => {
      expect(computeDeadline(DeadlineRule.PROCURATORIAL_RECOMMENDATION_RESPONSE, '2025-07-31', calendar)).toMatchObject({
        period: { unit: 'MONTHS', length: 2 },
        due: '2025-09-30',
      });
    });

    it('moves a last day in the Dragon Boat holiday (2025-05-31) to 2025-06-03', () => {
      expect(computeDeadline(DeadlineRule.PROCURATORIAL_RECOMMENDATION_RESPONSE, '2025-03-31', calendar)).toMatchObject({
        nominalDue: '2025-05-31',
        due: '2025-06-03',
      });
    });

    it('gives 15 days when the harm is ongoing and urgent', () => {
      const deadline = computeDeadline(DeadlineRule.PROCURATORIAL_RECOMMENDATION_RESPONSE, '2025-09-16', calendar, {
        urgent: true,
      });
      expect(deadline).toMatchObject({ period: { unit: 'DAYS', length: 15 }, nominalDue: '2025-10-01', due: '2025-10-09' });
    });

    it('gives the ordinary two months when urgent is false', () => {
      expect(
        computeDeadline(DeadlineRule.PROCURATORIAL_RECOMMENDATION_RESPONSE, '2025-07-31', calendar, { urgent: false }).due,
      ).toBe('2025-09-30');
    });
  });

  describe('REGISTRATION_PERIOD (at least 30 days, CPL interpretation art. 79)', () => {
    it('lasts 30 days when the court set no longer period', () => {
      expect(computeDeadline(DeadlineRule.REGISTRATION_PERIOD, '2026-03-01', calendar).due).toBe('2026-03-31');
    });

    it('lasts as long as the court set when that is longer', () => {
      expect(computeDeadline(DeadlineRule.REGISTRATION_PERIOD, '2026-03-01', calendar, { days: 45 })).toMatchObject({
        period: { unit: 'DAYS', length: 45 },
        due: '2026-04-15',
      });
    });

    it('refuses a period shorter than 30 days, naming the rule and the bound', () => {
      const error = errorOf(() => computeDeadline(DeadlineRule.REGISTRATION_PERIOD, '2026-03-01', calendar, { days: 29 }));
      expect(error).toBeInstanceOf(DeadlineRuleError);
      expect(error).toMatchObject({ rule: DeadlineRule.REGISTRATION_PERIOD, field: 'days' });
      expect((error as Error).message).toBe(
        'REGISTRATION_PERIOD: days must be at least 30 (SPC interpretation of the Civil Procedure Law (2022), art. 79); got 29',
      );
    });

    it('refuses a number of days that is not whole', () => {
      expect(() => computeDeadline(DeadlineRule.REGISTRATION_PERIOD, '2026-03-01', calendar, { days: 30.5 })).toThrow(
        /REGISTRATION_PERIOD: days must be a whole number of days/,
      );
    });
  });

  describe('EVIDENCE_PERIOD (court-set; ordinary >= 15 days, simplified <= 15 days; evidence provisions art. 51)', () => {
    it('accepts 15 days or more in ordinary procedure', () => {
      expect(
        computeDeadline(DeadlineRule.EVIDENCE_PERIOD, '2026-03-01', calendar, { days: 15, procedure: 'ORDINARY' }).due,
      ).toBe('2026-03-16');
      expect(
        computeDeadline(DeadlineRule.EVIDENCE_PERIOD, '2026-03-01', calendar, { days: 30, procedure: 'ORDINARY' }).due,
      ).toBe('2026-03-31');
    });

    it('refuses fewer than 15 days in ordinary procedure', () => {
      const error = errorOf(() =>
        computeDeadline(DeadlineRule.EVIDENCE_PERIOD, '2026-03-01', calendar, { days: 14, procedure: 'ORDINARY' }),
      );
      expect(error).toMatchObject({ rule: DeadlineRule.EVIDENCE_PERIOD, field: 'days' });
      expect((error as Error).message).toBe(
        'EVIDENCE_PERIOD: days must be at least 15 in ORDINARY procedure (SPC provisions on evidence in civil procedure (2019), art. 51); got 14',
      );
    });

    it('accepts up to 15 days in simplified procedure and refuses more', () => {
      expect(
        computeDeadline(DeadlineRule.EVIDENCE_PERIOD, '2026-03-01', calendar, { days: 10, procedure: 'SIMPLIFIED' }).due,
      ).toBe('2026-03-11');
      expect(() =>
        computeDeadline(DeadlineRule.EVIDENCE_PERIOD, '2026-03-01', calendar, { days: 16, procedure: 'SIMPLIFIED' }),
      ).toThrow(/^EVIDENCE_PERIOD: days must be at most 15 in SIMPLIFIED procedure \(.*art\. 51\); got 16$/);
      expect(() =>
        computeDeadline(DeadlineRule.EVIDENCE_PERIOD, '2026-03-01', calendar, { days: 0, procedure: 'SIMPLIFIED' }),
      ).toThrow(/days must be at least 1 in SIMPLIFIED procedure/);
    });

    it('refuses an evidence period without the procedure or the days the court set', () => {
      expect(errorOf(() => computeDeadline(DeadlineRule.EVIDENCE_PERIOD, '2026-03-01', calendar, { days: 15 }))).toMatchObject({
        field: 'procedure',
      });
      expect(
        errorOf(() => computeDeadline(DeadlineRule.EVIDENCE_PERIOD, '2026-03-01', calendar, { procedure: 'ORDINARY' })),
      ).toMatchObject({ field: 'days' });
      expect(() =>
        computeDeadline(DeadlineRule.EVIDENCE_PERIOD, '2026-03-01', calendar, {
          days: 15,
          procedure: 'SUMMARY' as 'ORDINARY',
        }),
      ).toThrow(/procedure must be ORDINARY or SIMPLIFIED/);
    });
  });

  describe('EVIDENCE_PERIOD extended by the court (evidence provisions art. 54; CPL art. 68)', () => {
    it('counts the extension from the last day of the period it extends, with no bound of art. 51', () => {
      // 7 days after Monday 2026-03-16: Monday 2026-03-23, fewer than the 15 an ordinary period needs.
      expect(computeDeadline(DeadlineRule.EVIDENCE_PERIOD, '2026-03-16', calendar, { days: 7, extension: true })).toMatchObject({
        period: { unit: 'DAYS', length: 7 },
        source: 'SPC provisions on evidence in civil procedure (2019), art. 54; Civil Procedure Law (2023), art. 68',
        due: '2026-03-23',
      });
      // 30 days in a case that was in simplified procedure: no 15-day ceiling either.
      expect(computeDeadline(DeadlineRule.EVIDENCE_PERIOD, '2026-03-16', calendar, { days: 30, extension: true }).due).toBe('2026-04-15');
    });

    it('moves an extension ending on a rest day to the next working day (Civil Code art. 203)', () => {
      // 2026-03-16 + 5 days = Saturday 2026-03-21: the last day is Monday 2026-03-23.
      expect(computeDeadline(DeadlineRule.EVIDENCE_PERIOD, '2026-03-16', calendar, { days: 5, extension: true })).toMatchObject({
        nominalDue: '2026-03-21',
        due: '2026-03-23',
      });
    });

    it('refuses an extension without days, with a procedure, or of a rule the court does not extend', () => {
      expect(errorOf(() => computeDeadline(DeadlineRule.EVIDENCE_PERIOD, '2026-03-16', calendar, { extension: true }))).toMatchObject({ field: 'days' });
      expect(errorOf(() => computeDeadline(DeadlineRule.EVIDENCE_PERIOD, '2026-03-16', calendar, { days: 0, extension: true }))).toMatchObject({ field: 'days' });
      expect(
        errorOf(() => computeDeadline(DeadlineRule.EVIDENCE_PERIOD, '2026-03-16', calendar, { days: 7, procedure: 'ORDINARY', extension: true })),
      ).toMatchObject({ field: 'procedure' });
      expect(errorOf(() => computeDeadline(DeadlineRule.APPEAL_JUDGMENT, '2026-03-16', calendar, { days: 7, extension: true }))).toMatchObject({
        field: 'days',
      });
      expect(errorOf(() => computeDeadline(DeadlineRule.REGISTRATION_PERIOD, '2026-03-16', calendar, { days: 30, extension: true }))).toMatchObject({
        field: 'extension',
      });
    });
  });

  describe('APPEAL_JUDGMENT and APPEAL_RULING (15 and 10 days from service, CPL art. 171)', () => {
    it('gives 15 days against a judgment, moved off the Dragon Boat holiday 2026', () => {
      expect(computeDeadline(DeadlineRule.APPEAL_JUDGMENT, '2026-06-04', calendar)).toMatchObject({
        period: { unit: 'DAYS', length: 15 },
        source: 'Civil Procedure Law (2023), art. 171',
        nominalDue: '2026-06-19',
        due: '2026-06-22',
      });
    });

    it('gives 10 days against a ruling, moved off the Mid-Autumn holiday 2026', () => {
      expect(computeDeadline(DeadlineRule.APPEAL_RULING, '2026-09-15', calendar)).toMatchObject({
        period: { unit: 'DAYS', length: 10 },
        nominalDue: '2026-09-25',
        due: '2026-09-28',
      });
    });

    it('comes back provisional, naming 2027, when the last day falls in 2027', () => {
      const deadline = computeDeadline(DeadlineRule.APPEAL_JUDGMENT, '2026-12-20', calendar);
      expect(deadline).toMatchObject({ due: '2027-01-04', provisional: true });
      expect(deadline.provisionalReason).toMatch(/2027/);
    });
  });

  describe('ADMINISTRATIVE_APPEAL_JUDGMENT and ADMINISTRATIVE_APPEAL_RULING (Administrative Procedure Law art. 85)', () => {
    it('gives 15 days against an administrative judgment and 10 against a ruling, citing the Administrative Procedure Law', () => {
      expect(computeDeadline(DeadlineRule.ADMINISTRATIVE_APPEAL_JUDGMENT, '2025-05-20', calendar)).toMatchObject({
        period: { unit: 'DAYS', length: 15 },
        due: '2025-06-04',
        source: 'Administrative Procedure Law, art. 85',
      });
      expect(computeDeadline(DeadlineRule.ADMINISTRATIVE_APPEAL_RULING, '2026-09-15', calendar)).toMatchObject({
        period: { unit: 'DAYS', length: 10 },
        due: '2026-09-28',
        source: 'Administrative Procedure Law, art. 85',
      });
    });

    it('keeps the civil appeal rules citing the Civil Procedure Law', () => {
      expect(DEADLINE_RULES[DeadlineRule.APPEAL_JUDGMENT].source).toBe('Civil Procedure Law (2023), art. 171');
      expect(DEADLINE_RULES[DeadlineRule.APPEAL_RULING].source).toBe('Civil Procedure Law (2023), art. 171');
    });
  });

  describe('nature: waiting periods are never overdue, time limits are once their last day has passed', () => {
    it('makes the announcement and the registration period waiting periods, and the rest time limits', () => {
      expect(Object.fromEntries(Object.entries(DEADLINE_RULES).map(([rule, def]) => [rule, def.nature]))).toEqual({
        PRE_LITIGATION_ANNOUNCEMENT: DeadlineNature.WAITING_PERIOD,
        REGISTRATION_PERIOD: DeadlineNature.WAITING_PERIOD,
        PROCURATORIAL_RECOMMENDATION_RESPONSE: DeadlineNature.TIME_LIMIT,
        EVIDENCE_PERIOD: DeadlineNature.TIME_LIMIT,
        APPEAL_JUDGMENT: DeadlineNature.TIME_LIMIT,
        APPEAL_RULING: DeadlineNature.TIME_LIMIT,
        ADMINISTRATIVE_APPEAL_JUDGMENT: DeadlineNature.TIME_LIMIT,
        ADMINISTRATIVE_APPEAL_RULING: DeadlineNature.TIME_LIMIT,
      });
      expect(OVERDUE_CAPABLE_RULES).not.toContain(DeadlineRule.PRE_LITIGATION_ANNOUNCEMENT);
    });

    it('never flags a pre-litigation announcement that has run out as overdue', () => {
      expect(isOverdue(DeadlineRule.PRE_LITIGATION_ANNOUNCEMENT, '2023-05-04', null, '2025-01-01')).toBe(false);
      expect(isOverdue(DeadlineRule.REGISTRATION_PERIOD, '2023-05-04', null, '2025-01-01')).toBe(false);
    });

    it('flags an open time limit from the day after its last day, and never a closed one', () => {
      const rule = DeadlineRule.PROCURATORIAL_RECOMMENDATION_RESPONSE;
      expect(isOverdue(rule, '2025-03-10', null, '2025-03-10')).toBe(false);
      expect(isOverdue(rule, '2025-03-10', null, '2025-03-11')).toBe(true);
      expect(isOverdue(rule, '2025-03-10', '2025-03-11', '2025-04-01')).toBe(false);
    });
  });

  describe('refusals', () => {
    it('refuses options that do not apply to the rule', () => {
      expect(errorOf(() => computeDeadline(DeadlineRule.APPEAL_JUDGMENT, '2026-06-04', calendar, { urgent: true }))).toMatchObject({
        rule: DeadlineRule.APPEAL_JUDGMENT,
        field: 'urgent',
      });
      expect(() => computeDeadline(DeadlineRule.APPEAL_JUDGMENT, '2026-06-04', calendar, { days: 30 })).toThrow(
        /APPEAL_JUDGMENT: days does not apply to this rule: its length is fixed by law/,
      );
      expect(() =>
        computeDeadline(DeadlineRule.REGISTRATION_PERIOD, '2026-06-04', calendar, { procedure: 'ORDINARY' }),
      ).toThrow(/REGISTRATION_PERIOD: procedure does not apply/);
    });

    it('refuses an unknown rule and a trigger date that is not a calendar date', () => {
      expect(errorOf(() => computeDeadline('APPEAL' as DeadlineRule, '2026-06-04', calendar))).toMatchObject({
        rule: 'APPEAL',
        field: 'rule',
      });
      expect(() => computeDeadline(DeadlineRule.APPEAL_RULING, '2026-02-30', calendar)).toThrow(
        'APPEAL_RULING: triggerDate is not a calendar date of the form YYYY-MM-DD',
      );
    });

    it('throws a BAD_USER_INPUT domain error whose facts name the rule, field and bound', () => {
      const error = errorOf(() => computeDeadline(DeadlineRule.REGISTRATION_PERIOD, '2026-03-01', calendar, { days: 20 }));
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({
        code: ErrorCode.BAD_USER_INPUT,
        facts: { rule: 'REGISTRATION_PERIOD', field: 'days', bound: 30, value: 20 },
      });
    });
  });
});
