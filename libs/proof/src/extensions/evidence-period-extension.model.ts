import { ArgsType, Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { ConnectionType, PageArgs } from '@app/platform';
import { IsCalendarDate } from '@app/cases';
import { ExtensionStatus } from '../rules/evidence-period-extension';

/**
 * A party's application to extend the evidence period and the court's ruling on it (SPC evidence
 * provisions (2019) art. 54). Dates are Asia/Shanghai calendar dates, YYYY-MM-DD.
 */
@ObjectType()
export class EvidencePeriodExtension {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  caseId: string;

  @Field(() => ID, { description: 'The applying party' })
  partyId: string;

  @Field({ description: 'The day the application was recorded (on or before periodEnds)' })
  appliedOn: string;

  @Field({ description: 'The last day of the evidence period when it was applied for' })
  periodEnds: string;

  @Field(() => String, { nullable: true, description: 'The end the applicant asked for, if it named one' })
  requestedEnd: string | null;

  @Field({ description: "The applicant's reasons: why it cannot produce its evidence in time" })
  reasons: string;

  @Field(() => ExtensionStatus)
  status: ExtensionStatus;

  @Field(() => String, { nullable: true, description: 'The day the court ruled' })
  ruledOn: string | null;

  @Field(() => String, { nullable: true, description: "The court's reasons" })
  rulingReasons: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'GRANTED: the last day of the evidence period as extended, for every party (the date the court set, moved to the next working day if it is a rest day)',
  })
  extendedTo: string | null;

  @Field(() => ID, { nullable: true, description: 'GRANTED: the EVIDENCE_PERIOD deadline of the case the grant opened (Case.deadlines)' })
  extendedDeadlineId: string | null;
}

export const EvidencePeriodExtensionConnection = ConnectionType(EvidencePeriodExtension);

/** `evidencePeriodExtensions(caseId, first, after)`. */
@ArgsType()
export class EvidencePeriodExtensionsArgs extends PageArgs {
  @Field(() => ID)
  @IsUUID()
  caseId: string;
}

/** A party's written application to extend the evidence period, made before the period ends. */
@InputType()
export class ApplyForEvidencePeriodExtensionInput {
  @Field(() => ID)
  @IsUUID()
  caseId: string;

  @Field(() => ID, {
    nullable: true,
    description: "The applying party: the plaintiff side's own (default: its organisation's party); for the court, the defendant, agency or representative whose written application it records",
  })
  @IsOptional()
  @IsUUID()
  partyId?: string;

  @Field({ description: 'Why the party cannot produce its evidence within the period' })
  @IsString()
  @Matches(/\S/, { message: 'must not be blank' })
  @MaxLength(5000)
  reasons: string;

  @Field(() => String, { nullable: true, description: 'The end asked for (after the current end); the court decides' })
  @IsOptional()
  @IsCalendarDate()
  requestedEnd?: string;
}

const DECISIONS = [ExtensionStatus.GRANTED, ExtensionStatus.REFUSED];

/** The court's ruling on an application: GRANTED with the new last day, or REFUSED; with reasons. */
@InputType()
export class RuleOnEvidencePeriodExtensionInput {
  @Field(() => ID)
  @IsUUID()
  applicationId: string;

  @Field(() => ExtensionStatus, { description: 'GRANTED or REFUSED' })
  @IsIn(DECISIONS, { message: 'must be GRANTED or REFUSED' })
  decision: ExtensionStatus;

  @Field(() => String, { nullable: true, description: 'GRANTED only, required: the new last day of the evidence period, after its current end' })
  @IsOptional()
  @IsCalendarDate()
  newEnd?: string;

  @Field()
  @IsString()
  @Matches(/\S/, { message: 'must not be blank' })
  @MaxLength(5000)
  reasons: string;
}
