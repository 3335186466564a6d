import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsEnum,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { PageArgs } from '@app/platform';
import { IsCalendarDate } from '@app/cases';
import { LiabilityExtent } from './rules/liability';
import { RemedyKind, RemedyStatus } from './rules/lifecycle';
import { RemedyMedium } from './rules/proportionality';

/**
 * How many of each a remedy holds: the defendants and measures given when it is sought, and the
 * compliance evidence recorded on it (recordComplianceEvidence refuses more), so that its lists
 * have a size the query cost model can count on.
 */
export const REMEDY_LIMITS = Object.freeze({ defendants: 50, measures: 50, evidence: 100 });

/** An amount in integer fen, as a decimal string (bigint). */
export const FEN_PATTERN = /^(0|[1-9][0-9]{0,15})$/;
const FEN_MESSAGE = 'must be a whole number of fen (digits only, at most 16)';

@InputType()
export class RemedyDefendantInput {
  @Field(() => ID, { description: 'A DEFENDANT party of the case' })
  @IsUUID()
  partyId: string;

  @Field(() => LiabilityExtent, { defaultValue: LiabilityExtent.FULL })
  @IsEnum(LiabilityExtent)
  extent: LiabilityExtent = LiabilityExtent.FULL;

  @Field(() => Int, { nullable: true, description: 'SHARE only: 1 to 9999 basis points of the total (2000 = 20 %)' })
  @IsOptional()
  @IsInt()
  shareBasisPoints?: number;
}

@InputType()
export class RemedyMeasureInput {
  @Field({ description: 'What must be done: stop the handling, delete or return the data, close the channel, retract, notify' })
  @IsString()
  @MinLength(3)
  @MaxLength(2000)
  description: string;

  @Field({ nullable: true, description: 'How far it reaches (who, which systems, which recipients)' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  scope?: string;

  @Field({ nullable: true, description: 'YYYY-MM-DD (Asia/Shanghai)' })
  @IsOptional()
  @IsCalendarDate()
  dueOn?: string;
}

@InputType()
export class SeekRemedyInput {
  @Field(() => ID)
  @IsUUID()
  caseId: string;

  @Field(() => RemedyKind)
  @IsEnum(RemedyKind)
  kind: RemedyKind;

  @Field()
  @IsString()
  @MinLength(3)
  @MaxLength(5000)
  description: string;

  @Field(() => [RemedyDefendantInput])
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(REMEDY_LIMITS.defendants)
  @ValidateNested({ each: true })
  @Type(() => RemedyDefendantInput)
  defendants: RemedyDefendantInput[];

  @Field({ description: 'The day the remedy is claimed, YYYY-MM-DD (not in the future)' })
  @IsCalendarDate()
  soughtOn: string;

  @Field({ nullable: true, description: 'The date by which the defendant must comply, YYYY-MM-DD' })
  @IsOptional()
  @IsCalendarDate()
  dueOn?: string;

  @Field(() => [RemedyMeasureInput], { nullable: true, description: 'CESSATION and ELIMINATING_IMPACT: the measures' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(REMEDY_LIMITS.measures)
  @ValidateNested({ each: true })
  @Type(() => RemedyMeasureInput)
  measures?: RemedyMeasureInput[];

  @Field(() => RemedyMedium, { nullable: true, description: 'APOLOGY and ELIMINATING_IMPACT: where it is published' })
  @IsOptional()
  @IsEnum(RemedyMedium)
  medium?: RemedyMedium;

  @Field(() => Int, { nullable: true, description: 'APOLOGY and ELIMINATING_IMPACT: days it stays published' })
  @IsOptional()
  @IsInt()
  @Min(1)
  durationDays?: number;

  @Field({ nullable: true, description: 'APOLOGY: the approved text' })
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  approvedText?: string;

  @Field({ nullable: true, description: 'COMPENSATION: the total in fen' })
  @IsOptional()
  @Matches(FEN_PATTERN, { message: FEN_MESSAGE })
  amountFen?: string;
}

@InputType()
export class TransitionRemedyInput {
  @Field(() => ID)
  @IsUUID()
  remedyId: string;

  @Field(() => RemedyStatus)
  @IsEnum(RemedyStatus)
  to: RemedyStatus;

  @Field({ description: 'The day of the event, YYYY-MM-DD (not in the future)' })
  @IsCalendarDate()
  on: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;

  @Field({ nullable: true, description: 'ORDERED / SETTLED: the due date the order or settlement sets' })
  @IsOptional()
  @IsCalendarDate()
  dueOn?: string;

  @Field({ nullable: true, description: 'ORDERED / SETTLED of a COMPENSATION: the total ordered or agreed, in fen' })
  @IsOptional()
  @Matches(FEN_PATTERN, { message: FEN_MESSAGE })
  amountFen?: string;
}

@InputType()
export class VerifyMeasureInput {
  @Field(() => ID)
  @IsUUID()
  measureId: string;

  @Field()
  @IsCalendarDate()
  verifiedOn: string;

  @Field({ description: 'How compliance was verified' })
  @IsString()
  @MinLength(3)
  @MaxLength(2000)
  verification: string;
}

@InputType()
export class RecordComplianceEvidenceInput {
  @Field(() => ID)
  @IsUUID()
  remedyId: string;

  @Field(() => ID, { nullable: true, description: 'The measure it proves, if one' })
  @IsOptional()
  @IsUUID()
  measureId?: string;

  @Field(() => ID, { nullable: true, description: 'The item of the evidence log (proof of publication, deletion report)' })
  @IsOptional()
  @IsUUID()
  evidenceItemId?: string;

  @Field()
  @IsString()
  @MinLength(3)
  @MaxLength(2000)
  description: string;

  @Field()
  @IsCalendarDate()
  recordedOn: string;
}

@InputType()
export class RecordCourtPublicationInput {
  @Field(() => ID)
  @IsUUID()
  remedyId: string;

  @Field({ description: 'The day the defendant refused (or the time to comply ran out unperformed)' })
  @IsCalendarDate()
  refusedOn: string;

  @Field({ description: 'The day the court published the judgment or a notice' })
  @IsCalendarDate()
  publishedOn: string;

  @Field(() => RemedyMedium)
  @IsEnum(RemedyMedium)
  medium: RemedyMedium;

  @Field({ description: 'Its cost in fen, borne by the defendant' })
  @Matches(FEN_PATTERN, { message: FEN_MESSAGE })
  costFen: string;
}

@InputType()
export class RecordRemedyPaymentInput {
  @Field(() => ID)
  @IsUUID()
  remedyId: string;

  @Field(() => ID, { description: 'The paying defendant (a defendant of the remedy)' })
  @IsUUID()
  partyId: string;

  @Field({ description: 'Amount in fen, more than 0' })
  @Matches(FEN_PATTERN, { message: FEN_MESSAGE })
  amountFen: string;

  @Field()
  @IsCalendarDate()
  paidOn: string;
}

@ArgsType()
export class RemediesArgs extends PageArgs {
  @Field(() => ID)
  @IsUUID()
  caseId: string;

  @Field({ nullable: true, description: 'Only the remedies overdue today' })
  @IsOptional()
  @IsBoolean()
  overdueOnly?: boolean;
}

@ArgsType()
export class RemedyIdArgs {
  @Field(() => ID)
  @IsUUID()
  remedyId: string;
}
