import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsEnum, IsInt, IsOptional, IsString, IsUUID, Matches, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { PageArgs } from '@app/platform';
import { DataCategory } from '@app/leaks';
import { HarmType } from '@app/claimants';
import { AssessmentMethod } from './rules/compensation';
import { MAX_FACTOR_TIERS } from './rules/damage-model';
import { FEN_PATTERN } from './remedy.inputs';

@InputType()
export class CategoryAmountInput {
  @Field(() => DataCategory)
  @IsEnum(DataCategory)
  category: DataCategory;

  @Field(() => Int)
  @IsInt()
  fen: number;
}

@InputType()
export class HarmAmountInput {
  @Field(() => HarmType)
  @IsEnum(HarmType)
  harmType: HarmType;

  @Field(() => Int)
  @IsInt()
  fen: number;
}

@InputType()
export class FactorTierInput {
  @Field(() => Int)
  @IsInt()
  @Min(0)
  atLeast: number;

  @Field(() => Int, { description: '10000 = × 1' })
  @IsInt()
  multiplierBasisPoints: number;
}

@InputType()
export class DefineDamageModelInput {
  @Field({ description: 'Defining a name again adds its next version; earlier versions and their assessments stay' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @Field(() => [CategoryAmountInput])
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => CategoryAmountInput)
  categoryFen: CategoryAmountInput[];

  @Field(() => [HarmAmountInput])
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => HarmAmountInput)
  harmFen: HarmAmountInput[];

  @Field(() => [FactorTierInput], { description: 'Ascending, the first at 0 people' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_FACTOR_TIERS)
  @ValidateNested({ each: true })
  @Type(() => FactorTierInput)
  spreadTiers: FactorTierInput[];

  @Field(() => [FactorTierInput], { description: 'Ascending, the first at 0 days' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_FACTOR_TIERS)
  @ValidateNested({ each: true })
  @Type(() => FactorTierInput)
  durationTiers: FactorTierInput[];
}

@InputType()
export class AssessCompensationInput {
  @Field(() => ID)
  @IsUUID()
  classId: string;

  @Field(() => AssessmentMethod)
  @IsEnum(AssessmentMethod)
  method: AssessmentMethod;

  @Field(() => ID, { description: "A version of one of the caller's organisation's damage models" })
  @IsUUID()
  modelId: string;

  @Field({ nullable: true, description: 'GAIN / DISCRETIONARY: the total to divide among the members, in fen' })
  @IsOptional()
  @Matches(FEN_PATTERN, { message: 'must be a whole number of fen (digits only, at most 16)' })
  dividedTotalFen?: string;

  @Field({ nullable: true, description: "GAIN: the evidence of the handler's gain; DISCRETIONARY: the circumstances weighed" })
  @IsOptional()
  @IsString()
  @MinLength(3)
  @MaxLength(5000)
  totalBasis?: string;
}

@ArgsType()
export class AssessmentIdArgs {
  @Field(() => ID)
  @IsUUID()
  assessmentId: string;
}

@ArgsType()
export class AssessmentsArgs extends PageArgs {
  @Field(() => ID)
  @IsUUID()
  caseId: string;
}

@ArgsType()
export class DistributionArgs extends PageArgs {
  @Field(() => ID)
  @IsUUID()
  assessmentId: string;
}

@ArgsType()
export class MemberAssessmentArgs {
  @Field(() => ID)
  @IsUUID()
  assessmentId: string;

  @Field(() => ID)
  @IsUUID()
  claimantId: string;
}
