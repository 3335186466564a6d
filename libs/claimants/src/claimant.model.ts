import { ArgsType, Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IsEnum, IsOptional, IsUUID } from 'class-validator';
import { ConnectionType, MaxItems, PageArgs } from '@app/platform';
import { ConsentMethod, ConsentScope, ExposureBasis, HarmType } from './claimant.enums';
import { ENROLMENT_LIMITS, MAX_ENROLMENT_WARNINGS } from './enrolment-record';

export { ConsentMethod, ConsentScope, ExposureBasis, HarmType };

registerEnumType(ConsentMethod, { name: 'ConsentMethod' });
registerEnumType(ConsentScope, { name: 'ConsentScope' });
registerEnumType(HarmType, { name: 'HarmType' });
registerEnumType(ExposureBasis, { name: 'ExposureBasis' });

@ObjectType()
export class Consent {
  @Field()
  givenAt: Date;

  @Field(() => ConsentMethod)
  method: ConsentMethod;

  @Field(() => [ConsentScope])
  scopes: ConsentScope[];
}

@ObjectType()
export class HarmDeclaration {
  @Field(() => ID)
  id: string;

  @Field(() => HarmType)
  type: HarmType;

  @Field(() => String, { nullable: true, description: 'Loss in fen (integer, as a string: may exceed 2^53)' })
  amountFen: string | null;

  @Field(() => [String])
  evidenceRefs: string[];
}

@ObjectType()
export class Exposure {
  @Field(() => ID)
  incidentId: string;

  @Field(() => ID)
  claimantId: string;

  @Field(() => ExposureBasis)
  basis: ExposureBasis;

  @Field(() => [String], { description: 'For DATASET_MATCH: the identifiers that matched (ID_NUMBER, PHONE)' })
  matchedFields: string[];

  @Field(() => ID, { nullable: true })
  datasetId: string | null;

  @Field(() => Date, {
    nullable: true,
    description:
      'When the exposure became known: a self-declared one at your enrolment; null for a dataset match or breach notice (it may have been found before, through another enrolment of the person)',
  })
  firstSeen: Date | null;

  /** Masked display forms of the claimant, for rosters. */
  @Field()
  nameMasked: string;

  @Field()
  idNumberMasked: string;
}

/** A value accepted with a warning at enrolment (accepted, but look): the field and what was done, never the value. */
@ObjectType()
export class EnrolmentWarning {
  @Field({ description: 'The input field, named as in errors: input.name, input.idNumber' })
  field: string;

  @Field({ description: 'Stable code: ID_UPGRADED_FROM_15, NAME_NORMALISED' })
  code: string;

  @Field()
  message: string;
}

/** A claimant as the enrolling organisation sees them: masked identifiers only. */
@ObjectType()
export class Claimant {
  @Field(() => ID)
  id: string;

  @Field()
  nameMasked: string;

  @Field()
  idNumberMasked: string;

  @Field()
  phoneMasked: string;

  @Field(() => String, { nullable: true })
  emailMasked: string | null;

  @Field(() => ID, { nullable: true })
  caseId: string | null;

  @Field()
  enrolledAt: Date;

  @Field(() => Consent)
  consent: Consent;

  // The bound sits on the property: a field's extensions are read from the model, not the resolver.
  @Field(() => [HarmDeclaration])
  @MaxItems(ENROLMENT_LIMITS.harms)
  harms: HarmDeclaration[];

  @MaxItems(MAX_ENROLMENT_WARNINGS)
  @Field(() => [EnrolmentWarning], {
    nullable: true,
    description: "What enrolClaimant normalised in this enrolment's values (empty when nothing); null outside enrolClaimant's answer: warnings are not stored",
  })
  enrolmentWarnings?: EnrolmentWarning[] | null;

  /** Internal: the caller's enrolment. */
  enrolmentId: string;
}

/** Unmasked identifiers: only for the enrolling organisation, and every read is audited. */
@ObjectType()
export class ClaimantIdentity {
  @Field(() => ID)
  claimantId: string;

  @Field()
  name: string;

  @Field()
  idNumber: string;

  @Field()
  phone: string;

  @Field(() => String, { nullable: true })
  email: string | null;

  @Field(() => String, { nullable: true })
  address: string | null;
}

@ObjectType()
export class ClaimantConnection extends ConnectionType(Claimant) {}

@ObjectType()
export class ExposureConnection extends ConnectionType(Exposure) {}

/**
 * Anonymous counts over an incident the caller may see (it registered it, or it is linked to a
 * case the caller may see). The claimant figures are of the caller's view: the plaintiff side
 * counts only its own enrolments (its own declarations), the court of a linked case all of them.
 * The dataset figures are the seized datasets' own, and name nobody.
 */
@ObjectType()
export class ExposureCounts {
  @Field(() => ID)
  incidentId: string;

  @Field(() => Int, { description: 'Claimants in your view whose exposure is verified (dataset match or breach notice)' })
  matched: number;

  @Field(() => Int, { description: 'Claimants in your view who declared this incident (through your enrolment) but are not (yet) verified' })
  declaredUnmatched: number;

  @Field(() => String, { description: "Usable rows of this incident's seized datasets, those with at least one valid identifier (bigint as a string)" })
  datasetRows: string;

  @Field(() => String, {
    description: "Rows of this incident's seized datasets without any valid identifier (blank lines, repeated headers, nothing readable), counted apart from datasetRows (bigint as a string)",
  })
  datasetUnusableRows: string;

  @Field(() => String, {
    nullable: true,
    description:
      "Dataset rows that match no enrolled claimant, whoever enrolled them: the people still to reach. The court's figure, of the seized data (anonymous: rows, not whose enrolments); " +
      "null for the plaintiff side, for whom it would move when another organisation enrolled a person it enrols too",
  })
  datasetRowsWithoutClaimant: string | null;

  @Field(() => Int, { description: 'Of `matched`, the claimants enrolled by your organisation' })
  matchedEnrolledByYou: number;
}

@ObjectType()
export class ClaimantCounts {
  @Field(() => Int)
  enrolledByYou: number;

  @Field(() => Int, {
    nullable: true,
    description:
      "All claimants of all organisations, for the operator (ADMIN) only; null for everyone else: the plaintiff side counts only its own enrolments",
  })
  total: number | null;
}

@ArgsType()
export class ClaimantsArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: 'Only claimants exposed to this incident' })
  @IsOptional()
  @IsUUID()
  incidentId?: string;
}

@ArgsType()
export class IncidentExposuresArgs extends PageArgs {
  @Field(() => ID)
  @IsUUID()
  incidentId: string;

  @Field(() => ExposureBasis, { nullable: true, description: 'Only exposures on this basis (the list and totalCount); every basis when omitted' })
  @IsOptional()
  @IsEnum(ExposureBasis)
  basis?: ExposureBasis;
}

@ArgsType()
export class IncidentIdArgs {
  @Field(() => ID)
  @IsUUID()
  incidentId: string;
}
