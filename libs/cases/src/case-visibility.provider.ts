import { Injectable } from '@nestjs/common';
import type { Actor, CaseVisibility } from '@app/platform';
import { CasesRepository } from './cases.repository';

/** Answers the platform's CASE_VISIBILITY port (e.g. a judge reading the audit trail of a case). */
@Injectable()
export class CaseVisibilityProvider implements CaseVisibility {
  constructor(private readonly cases: CasesRepository) {}

  canSee(actor: Actor, caseId: string): Promise<boolean> {
    return this.cases.canSee(actor, caseId);
  }
}
