import { ArgsType, Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { IsDate, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { ConnectionType, PageArgs } from '../pagination/pagination';

/** One row of the audit log as the API shows it. */
@ObjectType()
export class AuditEvent {
  @Field(() => ID)
  id: string;

  @Field({ description: 'Position in the hash chain, 1-based, no gaps (a bigint, as a string)' })
  seq: string;

  @Field()
  occurredAt: Date;

  @Field(() => String, { nullable: true })
  actorId: string | null;

  @Field(() => String, { nullable: true })
  organisationId: string | null;

  @Field(() => String, { nullable: true })
  caseId: string | null;

  @Field()
  action: string;

  @Field()
  subjectType: string;

  @Field(() => String, { nullable: true })
  subjectId: string | null;

  @Field(() => String, { nullable: true })
  requestId: string | null;

  @Field({ description: 'Facts of the event as JSON text; never personal data' })
  details: string;

  @Field({ description: 'SHA-256 of this row chained to the previous row, hex' })
  hash: string;
}

export const AuditEventConnection = ConnectionType(AuditEvent);

@InputType()
export class AuditEventFilter {
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(100) action?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(100) subjectType?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(100) subjectId?: string;
  @Field({ nullable: true }) @IsOptional() @IsUUID() actorId?: string;
  @Field({ nullable: true }) @IsOptional() @IsUUID() organisationId?: string;
  @Field({ nullable: true, description: 'Required for a JUDGE: a case filed at their court' })
  @IsOptional()
  @IsUUID()
  caseId?: string;
  @Field({ nullable: true }) @IsOptional() @IsDate() from?: Date;
  @Field({ nullable: true }) @IsOptional() @IsDate() to?: Date;
}

@ArgsType()
export class AuditEventsArgs extends PageArgs {
  @Field(() => AuditEventFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => AuditEventFilter)
  filter?: AuditEventFilter;
}

/** Outcome of checking the hash chain over a range of the log. */
@ObjectType()
export class AuditChainReport {
  @Field()
  intact: boolean;

  @Field({ description: 'Rows checked (a bigint, as a string)' })
  checked: string;

  @Field(() => String, { nullable: true, description: 'seq of the first row whose link does not hold' })
  firstBrokenSeq: string | null;
}

@ArgsType()
export class VerifyAuditChainArgs {
  @Field(() => Int, { defaultValue: 10_000, description: 'Rows checked between two progress checkpoints' })
  @IsInt()
  @Min(100)
  @Max(1_000_000)
  batchSize: number = 10_000;
}
