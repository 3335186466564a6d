import { ArgsType, Field, ID, InputType, Int, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsBoolean,
  IsEnum,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { PageArgs } from '@app/platform';
import { IsUnifiedSocialCreditCode, LeakHandlerInput } from '@app/leaks';
import { IsCalendarDate } from './calendar-date.validator';
import { FirstInstanceProcedure } from './case.model';
import { CaseStage, CaseType } from './rules/case-types';
import { CASE_LIMITS } from './rules/case-limits';
import { CALENDAR_YEARS } from './rules/holiday-calendar';
import { DeadlineRule } from './rules/deadline-rules';
import { LiabilityBasis } from './rules/liability';
import { REPRESENTATIVES } from './rules/standing';

/** A defendant: the handler or provider sued (an operator), with the basis of its liability. */
@InputType()
export class DefendantInput extends LeakHandlerInput {
  @Field(() => LiabilityBasis)
  @IsEnum(LiabilityBasis)
  liabilityBasis: LiabilityBasis;
}

@InputType()
export class AgencyInput {
  @Field({ description: 'The administrative agency that failed to supervise the handler' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsUnifiedSocialCreditCode()
  unifiedSocialCreditCode?: string;
}

@InputType()
export class OpenCaseInput {
  @Field(() => CaseType)
  @IsEnum(CaseType)
  type: CaseType;

  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  title: string;

  @Field(() => ID, { description: 'A COURT organisation' })
  @IsUUID()
  courtId: string;

  @Field(() => [ID], {
    nullable: true,
    description: "Plaintiff organisations; defaults to the caller's organisation, except for a representative action (none)",
  })
  @IsOptional()
  @ArrayMaxSize(CASE_LIMITS.plaintiffs)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  plaintiffOrganisationIds?: string[];

  @Field(() => ID, { nullable: true, description: "Supporting organisation; defaults to the caller's for a representative action" })
  @IsOptional()
  @IsUUID()
  supportingOrganisationId?: string;

  @Field(() => [DefendantInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(CASE_LIMITS.defendants)
  @ValidateNested({ each: true })
  @Type(() => DefendantInput)
  defendants?: DefendantInput[];

  @Field(() => AgencyInput, { nullable: true, description: 'Administrative public-interest cases only' })
  @IsOptional()
  @ValidateNested()
  @Type(() => AgencyInput)
  agency?: AgencyInput;

  @Field(() => [ID], { nullable: true, description: "Leak incidents the caller may see (leakIncident): registered by its organisation, shared with it, announced, or linked to another of its cases" })
  @IsOptional()
  @ArrayMaxSize(CASE_LIMITS.incidents)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  incidentIds?: string[];

  @Field({ nullable: true, description: 'Representative actions: the number of claimants is uncertain (CPL (2023) art. 57)' })
  @IsOptional()
  @IsBoolean()
  claimantsNumberUncertain?: boolean;
}

/** The roles an organisation can take in a case. */
export enum OrganisationPartyRole {
  PLAINTIFF = 'PLAINTIFF',
  SUPPORTER = 'SUPPORTER',
}
registerEnumType(OrganisationPartyRole, { name: 'OrganisationPartyRole' });

@InputType()
export class AddCaseOrganisationInput {
  @Field(() => ID) @IsUUID() caseId: string;
  @Field(() => ID) @IsUUID() organisationId: string;
  @Field(() => OrganisationPartyRole) @IsEnum(OrganisationPartyRole) role: OrganisationPartyRole;
}

@InputType()
export class AddDefendantInput {
  @Field(() => ID) @IsUUID() caseId: string;

  @Field(() => DefendantInput)
  @ValidateNested()
  @Type(() => DefendantInput)
  defendant: DefendantInput;
}

@InputType()
export class AddAgencyInput {
  @Field(() => ID) @IsUUID() caseId: string;

  @Field(() => AgencyInput)
  @ValidateNested()
  @Type(() => AgencyInput)
  agency: AgencyInput;
}

@InputType()
export class ElectRepresentativesInput {
  @Field(() => ID) @IsUUID() caseId: string;

  @Field(() => [String], {
    description: `Claimant references of the elected representatives (e.g. enrolment numbers), ${REPRESENTATIVES.min} to ${REPRESENTATIVES.max}; never names`,
  })
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @ArrayUnique()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9-]{0,39}$/, { each: true, message: 'each must be a claimant reference of letters, digits and dashes' })
  references: string[];
}

@InputType()
export class LinkLeakIncidentInput {
  @Field(() => ID) @IsUUID() caseId: string;
  @Field(() => ID) @IsUUID() incidentId: string;
}

/** When the judgment (or ruling) was served on one party. */
@InputType()
export class PartyServiceInput {
  @Field(() => ID, { description: 'A party of the case (Case.parties), not the supporting organisation' })
  @IsUUID()
  partyId: string;

  @Field({ description: 'Date of service on that party (YYYY-MM-DD, Asia/Shanghai); not before the event, not in the future' })
  @IsCalendarDate()
  servedOn: string;
}

@InputType()
export class TransitionCaseInput {
  @Field(() => ID)
  @IsUUID()
  caseId: string;

  @Field(() => CaseStage)
  @IsEnum(CaseStage)
  to: CaseStage;

  @Field({
    description:
      'Date of the event (YYYY-MM-DD, Asia/Shanghai): publication of the announcement, receipt of the recommendation, filing, service of the evidence notice or judgment; not in the future',
  })
  @IsCalendarDate()
  on: string;

  @Field({ nullable: true, description: 'RECOMMENDATION: the harm is ongoing and urgent (15-day response)' })
  @IsOptional()
  @IsBoolean()
  urgent?: boolean;

  @Field(() => Int, { nullable: true, description: 'REGISTRATION and EVIDENCE_EXCHANGE: the period in days the court set' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(366)
  days?: number;

  @Field(() => FirstInstanceProcedure, { nullable: true, description: 'EVIDENCE_EXCHANGE: the first-instance procedure' })
  @IsOptional()
  @IsEnum(FirstInstanceProcedure)
  procedure?: FirstInstanceProcedure;

  @Field(() => [PartyServiceInput], {
    nullable: true,
    description:
      'JUDGMENT: the service on each party (every party but the supporter), each starting its own appeal period (CPL (2023) art. 171); the case\'s ends with the last. Without it, `on` is the service on all',
  })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => PartyServiceInput)
  servedOn?: PartyServiceInput[];

  @Field({
    nullable: true,
    description: "Take a step gated by a period whose end is still provisional (its year's holiday arrangement is not loaded); recorded in the audit",
  })
  @IsOptional()
  @IsBoolean()
  confirmProvisionalEnd?: boolean;
}

@InputType()
export class RecordAgencyResponseInput {
  @Field(() => ID) @IsUUID() caseId: string;

  @Field({ description: 'Date of the written response (YYYY-MM-DD)' })
  @IsCalendarDate()
  respondedOn: string;

  @Field({ description: 'Whether the agency acted on the recommendation adequately' })
  @IsBoolean()
  adequate: boolean;
}

@InputType()
export class CaseFilter {
  @Field(() => CaseType, { nullable: true }) @IsOptional() @IsEnum(CaseType) type?: CaseType;
  @Field(() => CaseStage, { nullable: true }) @IsOptional() @IsEnum(CaseStage) stage?: CaseStage;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() courtId?: string;
  @Field(() => ID, { nullable: true, description: 'Cases linked to this leak incident' }) @IsOptional() @IsUUID() incidentId?: string;

  @Field({ nullable: true, description: 'Only cases with (true) or without (false) an overdue open deadline' })
  @IsOptional()
  @IsBoolean()
  hasOverdueDeadline?: boolean;
}

@ArgsType()
export class CasesArgs extends PageArgs {
  @Field(() => CaseFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => CaseFilter)
  filter?: CaseFilter;
}

@ArgsType()
export class UpcomingDeadlinesArgs extends PageArgs {
  @Field({ nullable: true, description: 'Only deadlines whose last day is on or before this date' })
  @IsOptional()
  @IsCalendarDate()
  dueBy?: string;

  @Field({ nullable: true, description: 'Only overdue deadlines' })
  @IsOptional()
  @IsBoolean()
  overdueOnly?: boolean;
}

/** The choices a rule leaves to the facts or the court (DeadlineOptions), as transitionCase takes them. */
@InputType()
export class DeadlineOptionsInput {
  @Field({ nullable: true, description: 'PROCURATORIAL_RECOMMENDATION_RESPONSE: the harm is ongoing and urgent (15 days)' })
  @IsOptional()
  @IsBoolean()
  urgent?: boolean;

  @Field(() => Int, { nullable: true, description: 'REGISTRATION_PERIOD and EVIDENCE_PERIOD: the period in days the court set' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(366)
  days?: number;

  @Field(() => FirstInstanceProcedure, { nullable: true, description: 'EVIDENCE_PERIOD: the first-instance procedure' })
  @IsOptional()
  @IsEnum(FirstInstanceProcedure)
  procedure?: FirstInstanceProcedure;
}

@ArgsType()
export class PreviewDeadlineArgs {
  @Field(() => DeadlineRule)
  @IsEnum(DeadlineRule)
  rule: DeadlineRule;

  @Field({ description: 'Date of the triggering event (YYYY-MM-DD, Asia/Shanghai; not counted); any date, past or future' })
  @IsCalendarDate()
  from: string;

  @Field(() => DeadlineOptionsInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => DeadlineOptionsInput)
  options?: DeadlineOptionsInput;
}

@ArgsType()
export class CalendarDayArgs {
  @Field({ description: 'A calendar date, YYYY-MM-DD (Asia/Shanghai)' })
  @IsCalendarDate()
  date: string;
}

@InputType()
export class HolidayPeriodInput {
  @Field() @IsCalendarDate() first: string;
  @Field() @IsCalendarDate() last: string;
}

@InputType()
export class LoadHolidayCalendarYearInput {
  @Field(() => Int)
  @IsInt()
  @Min(CALENDAR_YEARS.first)
  @Max(CALENDAR_YEARS.last)
  year: number;

  @Field({ description: 'The notice it comes from (document number and date)' })
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  notice: string;

  @Field(() => [HolidayPeriodInput])
  @ArrayMinSize(1)
  @ArrayMaxSize(60)
  @ValidateNested({ each: true })
  @Type(() => HolidayPeriodInput)
  holidays: HolidayPeriodInput[];

  @Field(() => [String])
  @ArrayMaxSize(60)
  @IsCalendarDate({ each: true })
  workdays: string[];
}
