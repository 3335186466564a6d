import { ArgsType, Field, Float, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsBoolean,
  IsEnum,
  IsInt,
  IsISO8601,
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
import { ConnectionType, MaxItems, PageArgs } from '@app/platform';
import { IsUnifiedSocialCreditCode } from './rules/credit-code';
import { DataCategory } from './rules/data-categories';

/** The handler's position in the chain that leaked the data (Civil Code arts. 1194-1197). */
export enum HandlerRole {
  NETWORK_SERVICE_PROVIDER = 'NETWORK_SERVICE_PROVIDER',
  CONTENT_SERVICE_PROVIDER = 'CONTENT_SERVICE_PROVIDER',
  INTERMEDIARY_SERVICE_PROVIDER = 'INTERMEDIARY_SERVICE_PROVIDER',
  OTHER_HANDLER = 'OTHER_HANDLER',
}
registerEnumType(HandlerRole, { name: 'HandlerRole' });

/** How the leak became known; decides how strong the later membership evidence is. */
export enum DiscoveryChannel {
  POLICE_SEIZURE = 'POLICE_SEIZURE',
  BREACH_NOTICE = 'BREACH_NOTICE',
  REGULATOR_FINDING = 'REGULATOR_FINDING',
  MEDIA_REPORT = 'MEDIA_REPORT',
  CLAIMANT_REPORTS = 'CLAIMANT_REPORTS',
}
registerEnumType(DiscoveryChannel, { name: 'DiscoveryChannel' });

/** 'YYYY-MM-DD', a real date (strict ISO 8601 rejects 2025-02-29). */
export const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_MESSAGE = 'must be a calendar date of the form YYYY-MM-DD';


@ObjectType()
export class ExposedDataCategory {
  @Field(() => DataCategory)
  category: DataCategory;

  @Field({ description: 'Sensitive personal information under PIPL art. 28' })
  sensitive: boolean;
}

@ObjectType()
export class LeakHandler {
  @Field({ description: 'Name of the handler (an operator, not a person)' })
  name: string;

  @Field(() => String, { nullable: true, description: 'Unified social credit code, when known' })
  unifiedSocialCreditCode: string | null;

  @Field(() => HandlerRole)
  role: HandlerRole;
}

/** A leak incident: the clue a case is opened on. */
@ObjectType()
export class LeakIncident {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { description: 'The organisation that registered it' })
  organisationId: string;

  @Field(() => LeakHandler)
  handler: LeakHandler;

  @Field(() => [ExposedDataCategory], { description: 'Each category once' })
  @MaxItems(Object.keys(DataCategory).length)
  dataCategories: ExposedDataCategory[];

  @Field({ description: 'True when any exposed category is sensitive (PIPL art. 28)' })
  involvesSensitiveData: boolean;

  @Field({ description: 'First day of exposure (YYYY-MM-DD)' })
  exposureStart: string;

  @Field(() => String, { nullable: true, description: 'Last day of exposure; null while unknown or ongoing' })
  exposureEnd: string | null;

  @Field({ description: 'YYYY-MM-DD' })
  discoveredOn: string;

  @Field(() => DiscoveryChannel)
  discoveryChannel: DiscoveryChannel;

  @Field(() => Float, { nullable: true })
  estimatedRecords: number | null;

  @Field(() => Float, { nullable: true })
  estimatedPeople: number | null;

  @Field()
  createdAt: Date;
}

export const LeakIncidentConnection = ConnectionType(LeakIncident);

@InputType()
export class LeakHandlerInput {
  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsUnifiedSocialCreditCode()
  unifiedSocialCreditCode?: string;

  @Field(() => HandlerRole)
  @IsEnum(HandlerRole)
  role: HandlerRole;
}

@InputType()
export class RegisterLeakIncidentInput {
  @Field(() => LeakHandlerInput)
  @ValidateNested()
  @Type(() => LeakHandlerInput)
  handler: LeakHandlerInput;

  @Field(() => [DataCategory])
  @ArrayMinSize(1)
  @ArrayMaxSize(Object.keys(DataCategory).length)
  @ArrayUnique()
  @IsEnum(DataCategory, { each: true })
  dataCategories: DataCategory[];

  @Field()
  @Matches(DATE_ONLY, { message: DATE_MESSAGE })
  @IsISO8601({ strict: true }, { message: DATE_MESSAGE })
  exposureStart: string;

  @Field({ nullable: true })
  @IsOptional()
  @Matches(DATE_ONLY, { message: DATE_MESSAGE })
  @IsISO8601({ strict: true }, { message: DATE_MESSAGE })
  exposureEnd?: string;

  @Field()
  @Matches(DATE_ONLY, { message: DATE_MESSAGE })
  @IsISO8601({ strict: true }, { message: DATE_MESSAGE })
  discoveredOn: string;

  @Field(() => DiscoveryChannel)
  @IsEnum(DiscoveryChannel)
  discoveryChannel: DiscoveryChannel;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  estimatedRecords?: number;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  estimatedPeople?: number;
}

@InputType()
export class LeakIncidentFilter {
  @Field({ nullable: true, description: 'Handler name contains this text, or equals this credit code' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  search?: string;

  @Field(() => HandlerRole, { nullable: true })
  @IsOptional()
  @IsEnum(HandlerRole)
  handlerRole?: HandlerRole;

  @Field(() => DataCategory, { nullable: true, description: 'Incidents that exposed this category' })
  @IsOptional()
  @IsEnum(DataCategory)
  dataCategory?: DataCategory;

  @Field({ nullable: true, description: 'Only incidents that exposed sensitive data (PIPL art. 28)' })
  @IsOptional()
  @IsBoolean()
  sensitiveOnly?: boolean;

  @Field(() => DiscoveryChannel, { nullable: true })
  @IsOptional()
  @IsEnum(DiscoveryChannel)
  discoveryChannel?: DiscoveryChannel;

  @Field({ nullable: true, description: 'Discovered on or after (YYYY-MM-DD)' })
  @IsOptional()
  @Matches(DATE_ONLY, { message: DATE_MESSAGE })
  @IsISO8601({ strict: true }, { message: DATE_MESSAGE })
  discoveredFrom?: string;

  @Field({ nullable: true, description: 'Discovered on or before (YYYY-MM-DD)' })
  @IsOptional()
  @Matches(DATE_ONLY, { message: DATE_MESSAGE })
  @IsISO8601({ strict: true }, { message: DATE_MESSAGE })
  discoveredTo?: string;
}

@ArgsType()
export class LeakIncidentsArgs extends PageArgs {
  @Field(() => LeakIncidentFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => LeakIncidentFilter)
  filter?: LeakIncidentFilter;
}

/**
 * The most organisations one incident is shared with at a time (LeakIncident.sharedWith): enough
 * for every provincial procuratorate and consumer association; beyond that, a published
 * pre-litigation announcement shows the incident to every organisation with standing.
 */
export const MAX_INCIDENT_SHARES = 50;

/** Organisations to share an incident with, or to stop sharing it with. */
@InputType()
export class ShareLeakIncidentInput {
  @Field(() => ID, { description: 'An incident your organisation registered' })
  @IsUUID()
  incidentId: string;

  @Field(() => [ID], { description: `Procuratorates, consumer associations or designated organisations (1 to ${MAX_INCIDENT_SHARES}, each once)` })
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_INCIDENT_SHARES)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  organisationIds: string[];
}
