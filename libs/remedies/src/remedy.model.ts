import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionType, MaxItems } from '@app/platform';
import { LiabilityBasis } from '@app/cases';
import { EvidenceItem } from '@app/proof';
import { LiabilityExtent } from './rules/liability';
import { RemedyKind, RemedyStatus } from './rules/lifecycle';
import { PROPORTIONALITY_RULES, ProportionalityRule, RemedyMedium } from './rules/proportionality';
import { REMEDY_LIMITS } from './remedy.inputs';

registerEnumType(RemedyKind, { name: 'RemedyKind' });
registerEnumType(RemedyStatus, { name: 'RemedyStatus' });
registerEnumType(RemedyMedium, { name: 'RemedyMedium' });
registerEnumType(LiabilityExtent, { name: 'LiabilityExtent' });
registerEnumType(ProportionalityRule, { name: 'ProportionalityRule' });

/** A defendant a remedy is sought against, its basis (from the case's parties) and extent. */
@ObjectType()
export class RemedyDefendant {
  @Field(() => ID)
  partyId: string;

  @Field()
  name: string;

  @Field(() => LiabilityBasis)
  basis: LiabilityBasis;

  @Field({ description: 'The article the basis rests on' })
  basisSource: string;

  @Field(() => LiabilityExtent)
  extent: LiabilityExtent;

  @Field(() => Int, { nullable: true, description: 'SHARE: the share of the total, in basis points (2000 = 20 %)' })
  shareBasisPoints: number | null;
}

/** One measure of a cessation or of eliminating the impact, with its due date and verification. */
@ObjectType()
export class RemedyMeasure {
  @Field(() => ID)
  id: string;

  @Field()
  description: string;

  @Field(() => String, { nullable: true })
  scope: string | null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD (Asia/Shanghai)' })
  dueOn: string | null;

  @Field(() => String, { nullable: true })
  verifiedOn: string | null;

  @Field(() => String, { nullable: true, description: 'How compliance was verified' })
  verification: string | null;

  @Field({ description: 'Past its due date, unverified, while the defendant owes the remedy (computed today)' })
  overdue: boolean;
}

/** Evidence of compliance: a reference to the evidence log and what it shows. */
@ObjectType()
export class ComplianceEvidence {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { nullable: true })
  measureId: string | null;

  @Field(() => ID, { nullable: true, description: 'The evidence item of the evidence log' })
  evidenceItemId: string | null;

  @Field(() => EvidenceItem, { nullable: true, description: 'That evidence item (its SHA-256 and log index), when the caller may see it (visibleEvidence); null otherwise' })
  evidenceItem?: EvidenceItem | null;

  @Field()
  description: string;

  @Field()
  recordedOn: string;
}

/** The court's publication of a refused apology or elimination, at the defendant's cost (Civil Code art. 1000(2)). */
@ObjectType()
export class CourtPublication {
  @Field()
  refusedOn: string;

  @Field()
  publishedOn: string;

  @Field(() => RemedyMedium)
  medium: RemedyMedium;

  @Field({ description: "Its cost in fen, borne by the defendant" })
  costFen: string;
}

/** A remedy that is out of proportion to the leak: the rule, its source and why. */
@ObjectType()
export class ProportionalityWarningModel {
  @Field(() => ProportionalityRule)
  rule: ProportionalityRule;

  @Field()
  source: string;

  @Field()
  message: string;
}

/** One remedy sought in a case against one or more of its defendants. */
@ObjectType('Remedy')
export class RemedyModel {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  caseId: string;

  @Field(() => RemedyKind)
  kind: RemedyKind;

  @Field(() => RemedyStatus)
  status: RemedyStatus;

  @Field({ description: 'The date of the last status change' })
  statusOn: string;

  @Field()
  soughtOn: string;

  @Field()
  description: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD (Asia/Shanghai)' })
  dueOn: string | null;

  @Field({ description: 'The remedy or one of its measures is past due while the defendant owes it (computed today)' })
  overdue: boolean;

  @Field(() => RemedyMedium, { nullable: true })
  medium: RemedyMedium | null;

  @Field(() => Boolean, { nullable: true, description: 'APOLOGY / ELIMINATING_IMPACT: private (a letter to each member) or public' })
  isPublic: boolean | null;

  @Field(() => Int, { nullable: true })
  durationDays: number | null;

  @Field(() => String, { nullable: true })
  approvedText: string | null;

  @Field(() => String, { nullable: true, description: 'COMPENSATION: the total in fen' })
  amountFen: string | null;

  @Field(() => CourtPublication, { nullable: true })
  courtPublication: CourtPublication | null;

  @Field(() => [RemedyDefendant], { description: `At most ${REMEDY_LIMITS.defendants}` })
  @MaxItems(REMEDY_LIMITS.defendants)
  defendants: RemedyDefendant[];

  @Field(() => [RemedyMeasure], { description: `At most ${REMEDY_LIMITS.measures}` })
  @MaxItems(REMEDY_LIMITS.measures)
  measures: RemedyMeasure[];

  @Field(() => [ComplianceEvidence], { description: `At most ${REMEDY_LIMITS.evidence}` })
  @MaxItems(REMEDY_LIMITS.evidence)
  evidence: ComplianceEvidence[];

  @Field(() => [ProportionalityWarningModel], { description: 'Each rule at most once' })
  @MaxItems(PROPORTIONALITY_RULES.length)
  proportionalityWarnings: ProportionalityWarningModel[];
}

export const RemedyConnection = ConnectionType(RemedyModel);

/** One defendant's line of the per-defendant schedule of a compensation, in fen. */
@ObjectType()
export class LiabilityScheduleLine {
  @Field(() => RemedyDefendant)
  defendant: RemedyDefendant;

  @Field({ description: 'What it answers for: the total, or its share rounded down to the fen' })
  answersForFen: string;

  @Field()
  paidFen: string;

  @Field({ description: 'What it may still be made to pay' })
  remainingFen: string;
}

/** The per-defendant schedule of a compensation remedy. */
@ObjectType()
export class LiabilitySchedule {
  @Field(() => ID)
  remedyId: string;

  @Field()
  totalFen: string;

  @Field()
  paidFen: string;

  @Field()
  outstandingFen: string;

  @Field(() => [LiabilityScheduleLine], { description: "One per defendant of the remedy" })
  @MaxItems(REMEDY_LIMITS.defendants)
  lines: LiabilityScheduleLine[];
}
