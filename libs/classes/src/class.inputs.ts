import { applyDecorators } from '@nestjs/common';
import { ArgsType, Field, ID, InputType, Int, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEnum,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { PageArgs } from '@app/platform';
import { ExposureBasis } from '@app/claimants';
import { ClassAnomalyKind } from './class.model';
import { MemberState } from './rules/membership';
import { Subclass } from './rules/subclasses';

/** The reason every review decision and manual change carries (kept with the decision). */
const ReasonField = () => applyDecorators(Field(), IsString(), MinLength(3), MaxLength(2000));

/** A judge's decision on members. */
export enum ReviewAction {
  ADMIT = 'ADMIT',
  EXCLUDE = 'EXCLUDE',
}
registerEnumType(ReviewAction, { name: 'ReviewAction' });

/** Default threshold of the SHARED_PHONE anomaly: this many members on one number. */
export const DEFAULT_SHARED_PHONE_THRESHOLD = 5;

@InputType()
export class FormClassInput {
  @Field(() => ID)
  @IsUUID()
  caseId: string;

  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @Field({ description: 'Who belongs to the class and on which common facts' })
  @IsString()
  @MinLength(10)
  @MaxLength(5000)
  definition: string;

  @Field(() => [ID], { description: 'One leak incident, or several argued to be one source; each linked to the case' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  incidentIds: string[];

  @Field(() => [ExposureBasis], { nullable: true, description: 'Bases that make a candidate; default all three' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsEnum(ExposureBasis, { each: true })
  bases?: ExposureBasis[];
}

/** Which members a list or a bulk decision covers; every given condition must hold. */
@InputType()
export class MemberFilterInput {
  @Field(() => [MemberState], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsEnum(MemberState, { each: true })
  states?: MemberState[];

  @Field(() => Subclass, { nullable: true })
  @IsOptional()
  @IsEnum(Subclass)
  subclass?: Subclass;

  @Field({ nullable: true, description: 'true: verified by a dataset match or breach notice; false: self-declared only' })
  @IsOptional()
  @IsBoolean()
  verified?: boolean;

  @Field({ nullable: true })
  @IsOptional()
  @IsBoolean()
  hasEvidence?: boolean;

  @Field({ nullable: true })
  @IsOptional()
  @IsBoolean()
  evidenceOutsideWindow?: boolean;

  @Field(() => ClassAnomalyKind, { nullable: true, description: 'Members showing this anomaly, by the same definition as classAnomalies (current members count for SHARED_PHONE)' })
  @IsOptional()
  @IsEnum(ClassAnomalyKind)
  anomaly?: ClassAnomalyKind;

  @Field(() => Int, { nullable: true, description: `SHARED_PHONE / SHARED_ADDRESS: how many members on one number or address make the anomaly (default ${DEFAULT_SHARED_PHONE_THRESHOLD})` })
  @IsOptional()
  @IsInt()
  @Min(2)
  @Max(100000)
  anomalyThreshold?: number;
}

/** One member of a class: the class and the claimant. */
@InputType()
export class RegisterMemberInput {
  @Field(() => ID)
  @IsUUID()
  classId: string;

  @Field(() => ID)
  @IsUUID()
  claimantId: string;
}

@InputType()
export class MemberReasonInput extends RegisterMemberInput {
  @ReasonField()
  reason: string;
}

@InputType()
export class ReviewMemberInput extends MemberReasonInput {
  @Field(() => ReviewAction)
  @IsEnum(ReviewAction)
  action: ReviewAction;
}

/** A bulk decision's preview: how many members it would move now. */
@InputType()
export class ReviewMembersPreviewInput {
  @Field(() => ID)
  @IsUUID()
  classId: string;

  @Field(() => MemberFilterInput)
  @ValidateNested()
  @Type(() => MemberFilterInput)
  filter: MemberFilterInput;

  @Field(() => ReviewAction)
  @IsEnum(ReviewAction)
  action: ReviewAction;
}

/** The court's decision on every member a filter selects, with its reason. */
@InputType()
export class ReviewMembersInput extends ReviewMembersPreviewInput {
  @ReasonField()
  reason: string;
}

@InputType()
export class ReassignSubclassInput extends MemberReasonInput {
  @Field(() => Subclass)
  @IsEnum(Subclass)
  subclass: Subclass;
}

@InputType()
export class ClassDecisionInput {
  @Field(() => ID)
  @IsUUID()
  classId: string;

  @Field({ nullable: true, description: 'Required to refuse certification and to reopen' })
  @IsOptional()
  @IsString()
  @MinLength(3)
  @MaxLength(5000)
  reason?: string;
}

@InputType()
export class ElectClassRepresentativesInput {
  @Field(() => ID)
  @IsUUID()
  classId: string;

  @Field(() => [ID], { description: 'Members of the class, in order; how many is the case rule (2 to 5)' })
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  claimantIds: string[];
}

@ArgsType()
export class ClassIdArgs {
  @Field(() => ID)
  @IsUUID()
  classId: string;
}

@ArgsType()
export class ClassesArgs extends PageArgs {
  @Field(() => ID)
  @IsUUID()
  caseId: string;
}

@ArgsType()
export class ClassMembersArgs extends PageArgs {
  @Field(() => ID)
  @IsUUID()
  classId: string;

  @Field(() => MemberFilterInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => MemberFilterInput)
  filter?: MemberFilterInput;
}

@ArgsType()
export class ClassAnomaliesArgs extends PageArgs {
  @Field(() => ID)
  @IsUUID()
  classId: string;

  @Field(() => ClassAnomalyKind)
  @IsEnum(ClassAnomalyKind)
  kind: ClassAnomalyKind;

  @Field(() => Int, {
    defaultValue: DEFAULT_SHARED_PHONE_THRESHOLD,
    description: 'SHARED_PHONE / SHARED_ADDRESS: how many members on one number or address make an anomaly',
  })
  @IsInt()
  @Min(2)
  @Max(100000)
  threshold: number = DEFAULT_SHARED_PHONE_THRESHOLD;
}

@ArgsType()
export class ClassDecisionsArgs extends PageArgs {
  @Field(() => ID)
  @IsUUID()
  classId: string;
}
