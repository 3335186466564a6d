import { Field, ID, Int, ObjectType, PickType, registerEnumType } from '@nestjs/graphql';
import { ConnectionType, MaxItems } from '@app/platform';
import { HandlerRole } from '@app/leaks';
import { CasePartyRole, CaseStage, CaseType } from './rules/case-types';
import { DeadlineNature, DeadlineRule } from './rules/deadline-rules';
import { DayKind } from './rules/holiday-calendar';
import { LiabilityBasis } from './rules/liability';

registerEnumType(CaseType, { name: 'CaseType' });
registerEnumType(CaseStage, { name: 'CaseStage' });
registerEnumType(CasePartyRole, { name: 'CasePartyRole' });
registerEnumType(LiabilityBasis, { name: 'LiabilityBasis' });
registerEnumType(DeadlineRule, { name: 'DeadlineRule' });
registerEnumType(DayKind, {
  name: 'DayKind',
  description: 'Why a day is or is not a legal rest day',
  valuesMap: {
    WEEKDAY: { description: 'Monday to Friday outside any holiday period: a working day' },
    WEEKEND: { description: 'Saturday or Sunday not made a working day: a rest day' },
    HOLIDAY: { description: 'Inside a statutory holiday period of a loaded arrangement: a rest day' },
    FIXED_DATE_HOLIDAY: {
      description: "A holiday the Measures on National Holidays fix by date (New Year's Day, Labour Day, National Day), in a year whose arrangement is not loaded: a rest day",
    },
    ADJUSTED_WORKING_DAY: { description: 'A Saturday or Sunday the arrangement made a working day (调休上班)' },
  },
});
registerEnumType(DeadlineNature, {
  name: 'DeadlineNature',
  description: 'What running out of a deadline means: a waiting period is never overdue, a time limit for a party to act can be',
  valuesMap: {
    WAITING_PERIOD: { description: 'Must run out before the next step (announcement, registration); nobody fails anything when it ends' },
    TIME_LIMIT: { description: 'A party must act within it (agency reply, evidence, appeal)' },
  },
});

/** First-instance procedure, which bounds the evidence period the court sets. */
export enum FirstInstanceProcedure {
  ORDINARY = 'ORDINARY',
  SIMPLIFIED = 'SIMPLIFIED',
}
registerEnumType(FirstInstanceProcedure, { name: 'CourtProcedure' });

/** A party as the API shows it; `organisationId` for plaintiffs and supporters, `name` otherwise. */
@ObjectType()
export class CaseParty {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  caseId: string;

  @Field(() => CasePartyRole)
  role: CasePartyRole;

  @Field(() => ID, { nullable: true })
  organisationId: string | null;

  @Field(() => String, { nullable: true, description: 'Defendant or agency name; for a representative, the claimant reference (never a personal name)' })
  name: string | null;

  @Field(() => String, { nullable: true })
  unifiedSocialCreditCode: string | null;

  @Field(() => HandlerRole, { nullable: true, description: 'Defendants only' })
  handlerRole: HandlerRole | null;

  @Field(() => LiabilityBasis, { nullable: true, description: 'Defendants only' })
  liabilityBasis: LiabilityBasis | null;

  @Field(() => String, { nullable: true, description: 'The article the liability basis rests on' })
  liabilitySource: string | null;

  position: number;
}

/** One stage change, with who made it and when. */
@ObjectType()
export class CaseStageTransition {
  @Field(() => ID)
  id: string;

  @Field(() => CaseStage)
  from: CaseStage;

  @Field(() => CaseStage)
  to: CaseStage;

  @Field({ description: 'Date of the event (YYYY-MM-DD, Asia/Shanghai)' })
  occurredOn: string;

  @Field(() => ID)
  actorId: string;

  @Field(() => ID)
  organisationId: string;

  @Field()
  recordedAt: Date;
}

@ObjectType()
export class PeriodLengthModel {
  @Field()
  unit: string;

  @Field(() => Int)
  length: number;
}

/**
 * A recorded stage transition that a recomputation of the deadline it waited for now makes
 * premature (the period's new last day is on or after the transition's date).
 */
@ObjectType()
export class StepContradiction {
  @Field(() => ID, { description: 'The transition (see Case.transitions) now premature' })
  transitionId: string;

  @Field({ description: 'What moved, when the step was taken and the earliest date it was allowed' })
  reason: string;

  @Field({ description: 'When the recomputation flagged it' })
  flaggedAt: Date;
}

/**
 * A legal deadline computed by a named rule (computeDeadline), what a case stores and a preview
 * shows alike. Dates are Asia/Shanghai calendar dates, YYYY-MM-DD.
 */
@ObjectType({ isAbstract: true })
export abstract class ComputedDeadline {
  @Field(() => DeadlineRule)
  rule: DeadlineRule;

  @Field({ description: 'The article that sets the period' })
  source: string;

  @Field({ description: 'The articles the period is counted by: Civil Code arts. 201-203, Civil Procedure Law (2023) art. 85' })
  countingRule: string;

  @Field({ description: 'The day the period starts from (not counted)' })
  triggerDate: string;

  @Field(() => PeriodLengthModel)
  period: PeriodLengthModel;

  @Field()
  urgent: boolean;

  @Field({ description: 'Last day of the period (to 24:00, Asia/Shanghai), after moving off rest days' })
  due: string;

  @Field({ description: 'Last day by counting alone; the safe date to act by while provisional' })
  nominalDue: string;

  @Field()
  shiftedForRestDays: boolean;

  @Field({ description: 'True when a year the result depends on has no loaded holiday calendar' })
  provisional: boolean;

  @Field(() => String, { nullable: true })
  provisionalReason: string | null;

  @Field(() => DeadlineNature, { description: 'Waiting period or time limit to act; decides whether it can be overdue' })
  nature: DeadlineNature;

  @Field({ description: 'How the last day was counted, what day it is, and why it moved if it did, with the arrangement that decided it' })
  explanation: string;
}

/** A legal deadline computed by a named rule from an event of the case. */
@ObjectType()
export class CaseDeadline extends ComputedDeadline {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  caseId: string;

  @Field(() => ID, { nullable: true, description: "The party whose service started the period (CPL (2023) art. 171); null when it runs for every party" })
  partyId: string | null;

  @Field(() => String, { nullable: true, description: 'When the case moved past the stage that opened it' })
  closedOn: string | null;

  @Field({ description: 'A time limit (never a waiting period) still open whose last day is before today' })
  overdue: boolean;

  @Field(() => StepContradiction, { nullable: true, description: 'Set when a holiday-calendar reload made the step that closed it premature' })
  contradiction: StepContradiction | null;

  @Field(() => ID, {
    nullable: true,
    description: 'The deadline this one extends (the court granted a party\'s application, SPC evidence provisions (2019) art. 54): counted from that one\'s last day, which was closed on the day of the grant',
  })
  extendsDeadlineId: string | null;
}

@ObjectType()
export class AgencyResponse {
  @Field()
  respondedOn: string;

  @Field()
  adequate: boolean;
}

/** A case. Parties, incidents, court, history and deadlines resolve through per-request loaders. */
@ObjectType('Case')
export class CaseModel {
  @Field(() => ID)
  id: string;

  @Field(() => CaseType)
  type: CaseType;

  @Field()
  title: string;

  @Field(() => CaseStage)
  stage: CaseStage;

  @Field(() => ID)
  courtId: string;

  @Field(() => ID)
  openedByOrganisationId: string;

  @Field({ description: 'Representative actions: the number of claimants is uncertain (CPL (2023) art. 57)' })
  claimantsNumberUncertain: boolean;

  @Field(() => String, { nullable: true })
  filedOn: string | null;

  @Field(() => AgencyResponse, { nullable: true })
  agencyResponse: AgencyResponse | null;

  @Field()
  createdAt: Date;

  @Field()
  updatedAt: Date;
}

/**
 * Another filed case over one of the same leak incidents (a procuratorate's and an association's
 * public-interest suits over one leak, say), as the court of a case sees it: the facts of record
 * of a filed case, never its parties' enrolments, classes or members.
 */
@ObjectType()
export class RelatedCase extends PickType(CaseModel, ['id', 'type', 'title', 'stage', 'courtId', 'filedOn'] as const, ObjectType) {
  @Field(() => [ID], { description: 'Its plaintiff organisations (Case.parties with role PLAINTIFF)' })
  plaintiffOrganisationIds: string[];

  @Field(() => [ID], { description: 'The leak incidents both cases are linked to' })
  sharedIncidentIds: string[];

  /** The case it is related to (the loader's key). */
  caseId: string;
}

export const CaseConnection = ConnectionType(CaseModel);
export const CaseDeadlineConnection = ConnectionType(CaseDeadline);
export const RelatedCaseConnection = ConnectionType(RelatedCase);

/** A deadline computed for planning, as a case would get it, stored nowhere. */
@ObjectType()
export class DeadlinePreview extends ComputedDeadline {}

/** The arrangement (State Council notice) that decided a day. */
@ObjectType()
export class HolidayArrangement {
  @Field(() => Int)
  year: number;

  @Field()
  notice: string;
}

/** One calendar date (Asia/Shanghai) as the holiday calendar judges it. */
@ObjectType()
export class CalendarDay {
  @Field()
  date: string;

  @Field({ description: "English weekday name ('Saturday')" })
  weekday: string;

  @Field({ description: 'A legal rest day (Civil Code art. 203): a period ending on it moves to the next working day' })
  restDay: boolean;

  @Field(() => DayKind)
  kind: DayKind;

  @Field(() => [String], { nullable: true, description: 'HOLIDAY: the holiday period it falls in, [first day, last day]' })
  holiday: string[] | null;

  @Field(() => HolidayArrangement, { nullable: true, description: 'HOLIDAY and ADJUSTED_WORKING_DAY: the arrangement that decided it' })
  arrangement: HolidayArrangement | null;

  @Field({ description: 'True when an arrangement that may decide this day is not loaded (its year, or for a December day the next)' })
  provisional: boolean;

  @Field(() => String, { nullable: true })
  provisionalReason: string | null;

  @Field({ description: 'Why it is a rest or working day, in words' })
  explanation: string;
}

/** One loaded year of the official holiday arrangement. */
@ObjectType()
export class HolidayCalendarYear {
  @Field(() => Int)
  year: number;

  @Field({ description: 'The State Council notice the arrangement comes from' })
  notice: string;

  @Field(() => [[String]], { description: 'Holiday periods, each [first day, last day]' })
  holidays: string[][];

  @Field(() => [String], { description: 'Weekend days made working days (调休上班)' })
  workdays: string[];

  @Field()
  loadedAt: Date;
}

/** One deadline a holiday-calendar load recomputed: its end moved, or the step it gated changed flag. */
@ObjectType()
export class RecomputedDeadline {
  @Field(() => ID)
  deadlineId: string;

  @Field(() => ID)
  caseId: string;

  @Field(() => ID, { nullable: true })
  partyId: string | null;

  @Field(() => DeadlineRule)
  rule: DeadlineRule;

  @Field({ description: 'Last day before the load (YYYY-MM-DD, Asia/Shanghai)' })
  previousDue: string;

  @Field({ description: 'Last day after the load' })
  due: string;

  @Field()
  provisional: boolean;

  @Field(() => String, { nullable: true, description: 'The recorded step the new last day makes premature, if any' })
  contradiction: string | null;
}

/**
 * The most recomputed deadlines a load answers with; every one is audited
 * (`case.deadline-recomputed`, auditEvents), however many.
 */
export const MAX_RECOMPUTED_REPORTED = 500;

/** The answer to loading a year: the year as stored, and what its load recomputed. */
@ObjectType()
export class LoadedHolidayCalendarYear extends HolidayCalendarYear {
  @Field(() => [RecomputedDeadline], {
    description: `Deadlines whose last day moved or whose gated step was flagged or cleared: the first ${MAX_RECOMPUTED_REPORTED} (recomputedCount says how many; each is in the audit log as case.deadline-recomputed)`,
  })
  @MaxItems(MAX_RECOMPUTED_REPORTED)
  recomputed: RecomputedDeadline[];

  @Field(() => Int, { description: 'How many deadlines the load reported (all of them, where recomputed lists the first ones)' })
  recomputedCount: number;
}
