import { DomainError, ErrorCode } from '@app/platform';
import type { CaseStage } from './rules/case-types';

export { FilingGateError, StageTransitionError } from './rules/stages';
export { ProcedureError } from './rules/procedure';
export { StandingError } from './rules/standing';

/**
 * Parties are shaped by the plaintiff side until filing; afterwards a change needs the court's
 * leave (e.g. adding a co-plaintiff, CPL (2023) art. 135), which the product does not record yet.
 * The one exception: with an uncertain number of claimants, representatives are elected during
 * registration (CPL (2023) art. 57).
 */
export class PartiesFixedError extends DomainError {
  constructor(stage: CaseStage) {
    super(
      ErrorCode.CONFLICT,
      `Parties can change only before filing (representatives of an uncertain number of claimants also during registration); the case is at ${stage}`,
      { stage },
    );
  }
}
