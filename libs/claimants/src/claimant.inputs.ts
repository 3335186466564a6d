import { Field, ID, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsDate,
  IsEmail,
  IsEnum,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { DataCategory } from '@app/leaks';
import { ConsentMethod, ConsentScope, HarmType } from './claimant.model';
import { ENROLMENT_LIMITS } from './enrolment-record';

@InputType()
export class ConsentInput {
  @Field()
  @Type(() => Date)
  @IsDate()
  givenAt: Date;

  @Field(() => ConsentMethod)
  @IsEnum(ConsentMethod)
  method: ConsentMethod;

  @Field(() => [ConsentScope])
  @IsArray()
  @ArrayUnique()
  @IsEnum(ConsentScope, { each: true })
  scopes: ConsentScope[];
}

@InputType()
export class HarmInput {
  @Field(() => HarmType)
  @IsEnum(HarmType)
  type: HarmType;

  @Field(() => String, { nullable: true, description: 'Loss in fen, a non-negative integer (required for FRAUD_LOSS)' })
  @IsOptional()
  @Matches(/^\d{1,15}$/, { message: 'must be a non-negative integer number of fen' })
  amountFen?: string;

  @Field(() => [String], { defaultValue: [] })
  @IsArray()
  @ArrayMaxSize(ENROLMENT_LIMITS.evidenceRefs)
  @IsString({ each: true })
  @MaxLength(ENROLMENT_LIMITS.evidenceRef, { each: true })
  evidenceRefs: string[] = [];
}

@InputType()
export class EnrolClaimantInput {
  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(ENROLMENT_LIMITS.name)
  name: string;

  @Field({ description: '18-character resident ID number (GB 11643)' })
  @IsString()
  @MaxLength(40)
  idNumber: string;

  @Field({ description: 'Mainland mobile number; +86, spaces and dashes are accepted' })
  @IsString()
  @MaxLength(40)
  phone: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsEmail()
  @MaxLength(ENROLMENT_LIMITS.email)
  email?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(ENROLMENT_LIMITS.address)
  address?: string;

  @Field(() => ConsentInput)
  @ValidateNested()
  @Type(() => ConsentInput)
  consent: ConsentInput;

  @Field(() => [HarmInput], { defaultValue: [] })
  @IsArray()
  @ArrayMaxSize(ENROLMENT_LIMITS.harms)
  @ValidateNested({ each: true })
  @Type(() => HarmInput)
  harms: HarmInput[] = [];

  @Field(() => [DataCategory], {
    defaultValue: [],
    description:
      'Data categories the claimant declares were exposed (e.g. MEDICAL_HEALTH). A class counts them, flagged as declared, only with an evidence reference on one of the harms',
  })
  @IsArray()
  @ArrayUnique()
  @IsEnum(DataCategory, { each: true })
  declaredDataCategories: DataCategory[] = [];

  @Field(() => [ID], { description: 'Leak incidents the claimant believes exposed them' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ENROLMENT_LIMITS.incidents)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  incidentIds: string[];

  @Field(() => ID, { nullable: true, description: 'The case the enrolment is for, if any' })
  @IsOptional()
  @IsUUID()
  caseId?: string;
}
