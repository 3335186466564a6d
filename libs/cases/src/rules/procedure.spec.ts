import { CaseType } from './case-types';
import { checkFirstInstanceProcedure, ProcedureError, ProcedureRule } from './procedure';

describe('first-instance procedure (SPC interpretation of the CPL (2022) art. 257)', () => {
  it.each(Object.values(CaseType))('refuses simplified procedure for a %s case, naming the rule, the field and the article', (type) => {
    let error: unknown;
    try {
      checkFirstInstanceProcedure(type, 'SIMPLIFIED');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ProcedureError);
    expect(error).toMatchObject({
      code: 'BAD_USER_INPUT',
      facts: { rule: ProcedureRule.SIMPLIFIED_PROCEDURE_EXCLUDED, field: 'procedure', caseType: type },
    });
    expect((error as Error).message).toMatch(/^SIMPLIFIED_PROCEDURE_EXCLUDED: .*art\. 257\)$/);
  });

  it('names the many-party reason for a representative action and the public interest for the others', () => {
    expect(() => checkFirstInstanceProcedure(CaseType.REPRESENTATIVE_ACTION, 'SIMPLIFIED')).toThrow(/very many members/);
    expect(() => checkFirstInstanceProcedure(CaseType.CIVIL_PUBLIC_INTEREST, 'SIMPLIFIED')).toThrow(/public interest/);
  });

  it.each(Object.values(CaseType))('accepts ordinary procedure for a %s case', (type) => {
    expect(() => checkFirstInstanceProcedure(type, 'ORDINARY')).not.toThrow();
  });
});
