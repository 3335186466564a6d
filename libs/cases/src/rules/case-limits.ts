import { ConflictError } from '@app/platform/errors/domain-error';
import { CaseStage } from './case-types';
import { REPRESENTATIVES } from './standing';

/**
 * How many of each a case holds, checked on every write that adds one (openCase's input and
 * addCaseOrganisation, addDefendant, linkLeakIncident), so that a case's lists have a size the
 * query cost model can count on. Not law: sizes well above what a leak case needs, small enough
 * that a page of cases with their parties stays answerable.
 */
export const CASE_LIMITS = Object.freeze({ plaintiffs: 10, defendants: 50, incidents: 50 });

/**
 * The most parties a case has: its plaintiffs and defendants (CASE_LIMITS), one supporter
 * (addCaseOrganisation refuses a second), one agency (StandingRule.ONE_AGENCY) and at most
 * REPRESENTATIVES.max representatives (CPL interpretation art. 78).
 */
export const MAX_CASE_PARTIES = CASE_LIMITS.plaintiffs + 1 + CASE_LIMITS.defendants + 1 + REPRESENTATIVES.max;

/** The most stage transitions of a case: the stage machine has no cycle, so each stage is entered at most once. */
export const MAX_CASE_TRANSITIONS = Object.keys(CaseStage).length - 1;

/**
 * The most times the court may extend a case's deadlines (the evidence period, SPC evidence
 * provisions (2019) art. 54: each grant is a new deadline); DeadlinesService.extend refuses one
 * more. Not law: the court extends "appropriately", rarely more than once or twice.
 */
export const MAX_DEADLINE_EXTENSIONS = 10;

/**
 * The most deadlines of a case: each transition opens at most one, except the one period counted
 * from the service on each party (SERVED_ON_EACH_PARTY, at most once on any path), one per party;
 * and each extension the court grants (MAX_DEADLINE_EXTENSIONS).
 */
export const MAX_CASE_DEADLINES = MAX_CASE_TRANSITIONS + MAX_CASE_PARTIES + MAX_DEADLINE_EXTENSIONS;

/** CONFLICT when a case already holds `limit` of `what` and `adding` more are asked for; names the input field. */
export function checkCaseLimit(what: keyof typeof CASE_LIMITS, already: number, adding: number, field: string): void {
  const limit = CASE_LIMITS[what];
  if (already + adding > limit) throw new ConflictError(`A case has at most ${limit} ${what}`, { field, limit });
}
