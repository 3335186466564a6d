import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IsIn, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { MaxItems } from '@app/platform';
import { Bearer, BurdenRule, MAX_OBLIGATIONS } from '../rules/burden-rules';
import { ObligationStatus } from '../rules/obligation-status';

registerEnumType(Bearer, { name: 'ProofBearer', description: 'Who must prove an element: the plaintiff side, or a named defendant or agency' });
registerEnumType(BurdenRule, { name: 'BurdenRule', description: 'The named rows of the burden-of-proof rule table (libs/proof/src/rules/burden-rules.ts)' });

/**
 * The most adverse-inference flags an obligation holds, withdrawn ones included (they stay as
 * history); flagAdverseInference refuses one more. Not law: one flag per withholding party and
 * evidence requested, far more than a case needs, few enough for the query cost model.
 */
export const MAX_ADVERSE_INFERENCES = 20;

/**
 * One art. 95 flag of the court on an obligation (SPC evidence provisions (2019) art. 95): a party
 * that controls evidence the court asked for refuses without good reason to produce it, so the
 * court may presume the other side's account of that evidence true. One per withholding party
 * and evidence; the court may withdraw it with reasons (kept, with the withdrawal).
 */
@ObjectType()
export class AdverseInference {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { description: 'The party that holds the evidence and refuses to produce it' })
  partyId: string;

  @Field({ description: 'The evidence the court asked for and the party withholds' })
  evidence: string;

  @Field()
  reasons: string;

  @Field()
  flaggedAt: Date;

  @Field({ description: 'False once withdrawn: only a standing flag lets the court presume (whatFollows says so)' })
  standing: boolean;

  @Field(() => Date, { nullable: true })
  withdrawnAt: Date | null;

  @Field(() => String, { nullable: true, description: "The court's reasons for withdrawing it (the evidence was produced, or the refusal had good reason)" })
  withdrawalReasons: string | null;
}

/** One burden-of-proof obligation of a case: one element, its bearer, deadline, status and what follows. */
@ObjectType()
export class Obligation {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  caseId: string;

  @Field(() => BurdenRule)
  rule: BurdenRule;

  @Field(() => Bearer)
  bearer: Bearer;

  @Field(() => ID, { nullable: true, description: 'The defendant or agency it is about (it bears it unless the bearer is PLAINTIFF); null for the plaintiff side\'s case-wide elements' })
  partyId: string | null;

  @Field({ description: 'The fact to prove' })
  element: string;

  @Field()
  legalBasis: string;

  @Field()
  typicalEvidence: string;

  @Field({ description: 'What follows when it is not proved' })
  consequence: string;

  @Field(() => String, { nullable: true, description: 'Last day of the evidence period (EVIDENCE_PERIOD deadline of the case, as extended by the court), YYYY-MM-DD; null until the court sets it' })
  deadline: string | null;

  @Field(() => String, { nullable: true, description: 'Last day of the evidence period as the court first set it; differs from deadline once the court extended the period (SPC evidence provisions (2019) art. 54)' })
  originalDeadline: string | null;

  @Field(() => ObligationStatus, { description: 'As of today: FAILED once the evidence period ended with it OPEN, whether or not the job has recorded it yet' })
  status: ObligationStatus;

  @Field(() => ObligationStatus, { description: 'As stored: set by the court, or FAILED by the obligation-failure job' })
  recordedStatus: ObligationStatus;

  @Field(() => Date, { nullable: true, description: 'When the obligation-failure job recorded it FAILED' })
  failureRecordedAt: Date | null;

  @Field(() => String, { nullable: true, description: "The court's reasons for its last ruling" })
  rulingReasons: string | null;

  @Field(() => Date, { nullable: true })
  ruledAt: Date | null;

  @Field(() => [AdverseInference], { description: 'The court\'s art. 95 flags on it, standing and withdrawn, in the order flagged' })
  @MaxItems(MAX_ADVERSE_INFERENCES)
  adverseInferences: AdverseInference[];

  @Field(() => [ID], { description: 'The evidence items addressing it that the caller may see, in log order' })
  evidenceIds: string[];

  @Field(() => Int, { description: 'How many those are' })
  evidenceCount: number;

  @Field({ description: 'What follows, in words: deadline (and its extension) and consequence while open, the consequence once failed, the art. 95 presumption per standing flag' })
  whatFollows: string;
}

/** The burden-of-proof picture of a case. */
@ObjectType()
export class BurdenOfProof {
  @Field(() => ID)
  caseId: string;

  @Field(() => String, { nullable: true, description: 'Last day of the evidence period (as extended), null until the court sets it' })
  evidencePeriodEnds: string | null;

  @Field(() => String, { nullable: true, description: 'Last day of the evidence period as the court first set it, before any extension (art. 54)' })
  evidencePeriodFirstEnds: string | null;

  @Field(() => [Obligation], { description: 'One per element and bearer, in rule-table order' })
  @MaxItems(MAX_OBLIGATIONS)
  elements: Obligation[];
}

const RULINGS = Object.values(ObligationStatus);

/** The court's ruling: the status it sets and its reasons. */
@InputType()
export class RuleOnObligationInput {
  @Field(() => ID)
  @IsUUID()
  obligationId: string;

  @Field(() => ObligationStatus, { description: 'OPEN reopens it' })
  @IsIn(RULINGS)
  status: ObligationStatus;

  @Field()
  @IsString()
  @Matches(/\S/, { message: 'must not be blank' })
  @MaxLength(5000)
  reasons: string;
}

/** The court's art. 95 flag: the withholding party, the evidence and the reasons. */
@InputType()
export class FlagAdverseInferenceInput {
  @Field(() => ID)
  @IsUUID()
  obligationId: string;

  @Field(() => ID, { description: 'The party of the case that holds the evidence and refuses to produce it' })
  @IsUUID()
  partyId: string;

  @Field({ description: 'The evidence the court asked for and the party withholds (one flag per party and evidence)' })
  @IsString()
  @Matches(/\S/, { message: 'must not be blank' })
  @MaxLength(500)
  evidence: string;

  @Field({ description: 'Why the refusal is without good reason' })
  @IsString()
  @Matches(/\S/, { message: 'must not be blank' })
  @MaxLength(5000)
  reasons: string;
}

/** The court withdraws an art. 95 flag, with reasons. */
@InputType()
export class WithdrawAdverseInferenceInput {
  @Field(() => ID)
  @IsUUID()
  adverseInferenceId: string;

  @Field({ description: 'Why: the evidence was produced, or the refusal had good reason' })
  @IsString()
  @Matches(/\S/, { message: 'must not be blank' })
  @MaxLength(5000)
  reasons: string;
}
