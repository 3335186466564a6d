import { DomainError, ErrorCode } from '@app/platform/errors/domain-error';
import { CaseType } from './case-types';
import type { CourtProcedure } from './deadline-rules';

/** The named rules on which first-instance procedure a case may be tried in. */
export enum ProcedureRule {
  SIMPLIFIED_PROCEDURE_EXCLUDED = 'SIMPLIFIED_PROCEDURE_EXCLUDED',
}

const SIMPLIFIED_PROCEDURE_SOURCE = 'SPC interpretation of the Civil Procedure Law (2022), art. 257';

/**
 * SPC interpretation of the CPL (2022) art. 257: simplified procedure does not apply where one
 * party has very many members (当事人一方人数众多) or the case involves the state or social public
 * interest (涉及国家利益、社会公共利益). Every case type here is one or the other; the reason per type.
 * (The administrative stage machine sets no procedure; it is listed so the table is complete.)
 */
export const SIMPLIFIED_PROCEDURE_EXCLUDED: Readonly<Record<CaseType, string>> = Object.freeze({
  [CaseType.CIVIL_PUBLIC_INTEREST]: 'it involves the social public interest',
  [CaseType.ADMINISTRATIVE_PUBLIC_INTEREST]: 'it involves the state or social public interest',
  [CaseType.REPRESENTATIVE_ACTION]: 'one party has very many members',
  [CaseType.SUPPORTED]: 'it is a public-interest suit of an association and involves the social public interest',
});

/** A procedure the law does not allow for the case; names the rule, the field and the article. */
export class ProcedureError extends DomainError {
  constructor(type: CaseType, procedure: CourtProcedure, reason: string) {
    super(
      ErrorCode.BAD_USER_INPUT,
      `${ProcedureRule.SIMPLIFIED_PROCEDURE_EXCLUDED}: procedure ${procedure} does not apply to a ${type} case: ${reason} (${SIMPLIFIED_PROCEDURE_SOURCE})`,
      { rule: ProcedureRule.SIMPLIFIED_PROCEDURE_EXCLUDED, field: 'procedure', caseType: type, source: SIMPLIFIED_PROCEDURE_SOURCE },
    );
  }
}

/** Throws ProcedureError unless a case of `type` may be tried at first instance in `procedure`. */
export function checkFirstInstanceProcedure(type: CaseType, procedure: CourtProcedure): void {
  const excluded = SIMPLIFIED_PROCEDURE_EXCLUDED[type];
  if (procedure === 'SIMPLIFIED' && excluded) throw new ProcedureError(type, procedure, excluded);
}
