import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionType, MaxItems } from '@app/platform';
import { DataCategory } from '@app/leaks';
import { HarmType } from '@app/claimants';
import { Subclass } from '@app/classes';
import { AssessmentMethod, DamagesRecipient } from './rules/compensation';
import { MAX_FACTOR_TIERS } from './rules/damage-model';

registerEnumType(AssessmentMethod, { name: 'AssessmentMethod' });
registerEnumType(DamagesRecipient, { name: 'DamagesRecipient' });

@ObjectType()
export class CategoryAmount {
  @Field(() => DataCategory)
  category: DataCategory;

  @Field(() => Int)
  fen: number;
}

@ObjectType()
export class HarmAmount {
  @Field(() => HarmType)
  harmType: HarmType;

  @Field(() => Int)
  fen: number;
}

@ObjectType()
export class FactorTierModel {
  @Field(() => Int)
  atLeast: number;

  @Field(() => Int, { description: '10000 = × 1' })
  multiplierBasisPoints: number;
}

/** One version of a moral-damage factor model; never changed once defined. */
@ObjectType()
export class DamageModel {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field(() => Int)
  version: number;

  @Field(() => [CategoryAmount], { description: 'Fen per exposed data category (its sensitivity), each category once' })
  @MaxItems(Object.keys(DataCategory).length)
  categoryFen: CategoryAmount[];

  @Field(() => [HarmAmount], { description: 'Fen per harm that followed, each harm once' })
  @MaxItems(Object.keys(HarmType).length)
  harmFen: HarmAmount[];

  @Field(() => [FactorTierModel], { description: `Multiplier by the people the leak reached (at most ${MAX_FACTOR_TIERS} tiers)` })
  @MaxItems(MAX_FACTOR_TIERS)
  spreadTiers: FactorTierModel[];

  @Field(() => [FactorTierModel], { description: `Multiplier by the days the data was exposed (at most ${MAX_FACTOR_TIERS} tiers)` })
  @MaxItems(MAX_FACTOR_TIERS)
  durationTiers: FactorTierModel[];

  @Field()
  createdAt: Date;
}

export const DamageModelConnection = ConnectionType(DamageModel);

/** Totals of one subclass, in fen. */
@ObjectType()
export class SubclassTotal {
  @Field(() => Subclass)
  subclass: Subclass;

  @Field()
  members: number;

  @Field()
  propertyFen: string;

  @Field()
  moralFen: string;

  @Field()
  amountFen: string;
}

/** A compensation assessment of a class, by one method and one factor-model version. */
@ObjectType()
export class Assessment {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  caseId: string;

  @Field(() => ID)
  classId: string;

  @Field(() => AssessmentMethod)
  method: AssessmentMethod;

  @Field(() => ID)
  modelId: string;

  @Field(() => Int)
  modelVersion: number;

  @Field({ description: "Computed from the court's merged view (true) or the assessing organisation's own enrolments" })
  merged: boolean;

  @Field(() => String, { nullable: true, description: 'GAIN / DISCRETIONARY: the total divided among the members, in fen' })
  dividedTotalFen: string | null;

  @Field(() => String, { nullable: true, description: "GAIN: the evidence of the handler's gain; DISCRETIONARY: the circumstances" })
  totalBasis: string | null;

  @Field(() => DamagesRecipient)
  recipient: DamagesRecipient;

  @Field({ description: 'People the leak reached (largest estimate of the class incidents)' })
  spreadPeople: number;

  @Field(() => Int)
  spreadBasisPoints: number;

  @Field(() => Int, { description: 'Days the data was exposed (longest window of the class incidents)' })
  exposureDays: number;

  @Field(() => Int)
  durationBasisPoints: number;

  @Field(() => ID, { nullable: true, description: 'The job computing it' })
  jobId: string | null;

  @Field({ description: 'True once every member amount is written' })
  completed: boolean;

  @Field(() => Float, { nullable: true })
  members: number | null;

  @Field(() => String, { nullable: true, description: 'Sum of the member amounts, in fen' })
  totalFen: string | null;

  @Field(() => [SubclassTotal], { description: 'Totals by subclass (empty until completed)' })
  @MaxItems(Object.keys(Subclass).length)
  bySubclass: SubclassTotal[];

  @Field()
  createdAt: Date;
}

export const AssessmentConnection = ConnectionType(Assessment);

/** How a GAIN or DISCRETIONARY total was divided: equal shares, largest remainder. */
@ObjectType()
export class DivisionExplanation {
  @Field()
  totalFen: string;

  @Field()
  members: number;

  @Field({ description: 'floor(total / members)' })
  baseFen: string;

  @Field(() => Int, { description: '1 when this member is one of the first (total mod members) by claimant id, else 0' })
  extraFen: number;
}

/** Which factors, with which values, gave a member's amount. */
@ObjectType()
export class AmountExplanation {
  @Field(() => AssessmentMethod)
  method: AssessmentMethod;

  @Field(() => String, { nullable: true, description: 'LOSS: the declared loss counted (with evidence), in fen' })
  provenLossFen: string | null;

  @Field(() => DivisionExplanation, { nullable: true })
  division: DivisionExplanation | null;

  @Field(() => [CategoryAmount], { description: "The member's exposed categories and each one's fen" })
  @MaxItems(Object.keys(DataCategory).length)
  categories: CategoryAmount[];

  @Field()
  categoryFen: string;

  @Field()
  spreadPeople: number;

  @Field(() => Int)
  spreadBasisPoints: number;

  @Field(() => Int)
  exposureDays: number;

  @Field(() => Int)
  durationBasisPoints: number;

  @Field(() => [HarmAmount], { description: "The member's harms (each type once) and each one's fen" })
  @MaxItems(Object.keys(HarmType).length)
  harms: HarmAmount[];

  @Field()
  harmFen: string;

  @Field({ description: 'moral = floor(categoryFen × spread × duration / 10^8) + harmFen' })
  formula: string;
}

/** One member's amount (fen) and its explanation. */
@ObjectType()
export class MemberAssessment {
  @Field(() => ID)
  claimantId: string;

  @Field(() => Subclass)
  subclass: Subclass;

  @Field()
  propertyFen: string;

  @Field()
  moralFen: string;

  @Field()
  amountFen: string;

  @Field(() => AmountExplanation)
  explanation: AmountExplanation;

  /** The assessed class (not in the API): the `claimant` field's masked identifiers are read from its enrolments. */
  classId: string;
}

export const MemberAssessmentConnection = ConnectionType(MemberAssessment);
