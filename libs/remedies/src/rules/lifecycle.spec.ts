import { ConflictError, ForbiddenError } from '@app/platform';
import { checkRemedyTransition, isDueOverdue, RemedyStatus as S } from './lifecycle';

describe('remedy lifecycle', () => {
  it('the court orders, settles or dismisses a sought remedy', () => {
    for (const to of [S.ORDERED, S.SETTLED, S.DISMISSED]) expect(checkRemedyTransition(S.SOUGHT, to, 'COURT').to).toBe(to);
  });

  it('the plaintiff side cannot order its own remedy', () => {
    expect(() => checkRemedyTransition(S.SOUGHT, S.ORDERED, 'PLAINTIFF_SIDE')).toThrow(ForbiddenError);
  });

  it('either side records that compliance started; only the court finds it complied or defaulted', () => {
    expect(checkRemedyTransition(S.ORDERED, S.IN_COMPLIANCE, 'PLAINTIFF_SIDE').by).toContain('COURT');
    expect(checkRemedyTransition(S.SETTLED, S.IN_COMPLIANCE, 'COURT').from).toBe(S.SETTLED);
    expect(() => checkRemedyTransition(S.IN_COMPLIANCE, S.COMPLIED, 'PLAINTIFF_SIDE')).toThrow(ForbiddenError);
    expect(checkRemedyTransition(S.IN_COMPLIANCE, S.DEFAULTED, 'COURT').source).toBe('CPL (2023) arts. 247, 264');
  });

  it('refuses a step the table does not have, naming the allowed ones', () => {
    expect(() => checkRemedyTransition(S.DISMISSED, S.IN_COMPLIANCE, 'COURT')).toThrow(ConflictError);
    expect(() => checkRemedyTransition(S.SOUGHT, S.COMPLIED, 'COURT')).toThrow(/cannot move from SOUGHT to COMPLIED/);
    expect(() => checkRemedyTransition(S.COMPLIED, S.DEFAULTED, 'COURT')).toThrow(ConflictError);
  });

  it('something due on a day is overdue from the next day, only while owed', () => {
    expect(isDueOverdue('2026-03-01', true, '2026-03-01')).toBe(false);
    expect(isDueOverdue('2026-03-01', true, '2026-03-02')).toBe(true);
    expect(isDueOverdue('2026-03-01', false, '2026-03-02')).toBe(false);
    expect(isDueOverdue(null, true, '2026-03-02')).toBe(false);
  });
});
