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
import { ConsentMethod, ConsentScope, HarmType } from './claimant.model';

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
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(500, { each: true })
  evidenceRefs: string[] = [];
}

@InputType()
export class EnrolClaimantInput {
  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
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
  @MaxLength(200)
  email?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  address?: string;

  @Field(() => ConsentInput)
  @ValidateNested()
  @Type(() => ConsentInput)
  consent: ConsentInput;

  @Field(() => [HarmInput], { defaultValue: [] })
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => HarmInput)
  harms: HarmInput[] = [];

  @Field(() => [ID], { description: 'Leak incidents the claimant believes exposed them' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  incidentIds: string[];

  @Field(() => ID, { nullable: true, description: 'The case the enrolment is for, if any' })
  @IsOptional()
  @IsUUID()
  caseId?: string;
}
