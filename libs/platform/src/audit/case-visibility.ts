import type { Actor } from '../auth/actor';

/**
 * Port through which the cases library tells the platform whether an actor may see a case
 * (platform sits below cases, so it cannot ask directly). Provided globally by libs/cases.
 */
export interface CaseVisibility {
  canSee(actor: Actor, caseId: string): Promise<boolean>;
}

export const CASE_VISIBILITY = Symbol('CASE_VISIBILITY');
