import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { type Actor, Allow, type Connection, CurrentActor, type Loaders, PageArgs, Role } from '@app/platform';
import { MaskedClaimant } from '@app/classes';
import { EvidenceItem, EvidenceService } from '@app/proof';
import {
  AssessCompensationInput,
  AssessmentIdArgs,
  AssessmentsArgs,
  DefineDamageModelInput,
  DistributionArgs,
  MemberAssessmentArgs,
} from './assessment.inputs';
import { Assessment, AssessmentConnection, DamageModel, DamageModelConnection, MemberAssessment, MemberAssessmentConnection } from './assessment.model';
import { AssessmentsService } from './assessments.service';
import {
  RecordComplianceEvidenceInput,
  RecordCourtPublicationInput,
  RecordRemedyPaymentInput,
  RemediesArgs,
  RemedyIdArgs,
  SeekRemedyInput,
  TransitionRemedyInput,
  VerifyMeasureInput,
} from './remedy.inputs';
import { ComplianceEvidence, LiabilitySchedule, RemedyConnection, RemedyModel } from './remedy.model';
import { RemediesService } from './remedies.service';

const PLAINTIFF_SIDE = [Role.PROCURATOR, Role.ASSOCIATION_STAFF];
/** Whoever may see a case: its plaintiff side and, once filed, its court. */
const CASE_ROLES = [Role.PROCURATOR, Role.ASSOCIATION_STAFF, Role.JUDGE];

/** The evidence item behind a remedy's evidence of compliance, batched per request (one query for a page of remedies). */
@Resolver(() => ComplianceEvidence)
export class ComplianceEvidenceResolver {
  constructor(private readonly evidenceItems: EvidenceService) {}

  @ResolveField(() => EvidenceItem, { nullable: true })
  async evidenceItem(@Parent() e: ComplianceEvidence, @CurrentActor() actor: Actor, @Context('loaders') loaders: Loaders): Promise<EvidenceItem | null> {
    if (!e.evidenceItemId) return null;
    return loaders.get('EvidenceItem.visibleById', (ids) => this.evidenceItems.visibleByIds(actor, ids), (item) => item.id).load(e.evidenceItemId);
  }
}

@Resolver(() => RemedyModel)
export class RemediesResolver {
  constructor(private readonly service: RemediesService) {}

  /** A case's remedies with their status and what is overdue today. */
  @Allow(...CASE_ROLES)
  @Query(() => RemedyConnection)
  remedies(@CurrentActor() actor: Actor, @Args() args: RemediesArgs): Promise<Connection<RemedyModel>> {
    return this.service.list(actor, args);
  }

  @Allow(...CASE_ROLES)
  @Query(() => RemedyModel)
  remedy(@CurrentActor() actor: Actor, @Args() { remedyId }: RemedyIdArgs): Promise<RemedyModel> {
    return this.service.get(actor, remedyId);
  }

  /** Per defendant of a compensation: what it answers for, has paid, and may still be made to pay. */
  @Allow(...CASE_ROLES)
  @Query(() => LiabilitySchedule)
  liabilitySchedule(@CurrentActor() actor: Actor, @Args() { remedyId }: RemedyIdArgs): Promise<LiabilitySchedule> {
    return this.service.liabilitySchedule(actor, remedyId);
  }

  @Allow(...PLAINTIFF_SIDE)
  @Mutation(() => RemedyModel)
  seekRemedy(@CurrentActor() actor: Actor, @Args('input') input: SeekRemedyInput): Promise<RemedyModel> {
    return this.service.seek(actor, input);
  }

  @Allow(...CASE_ROLES)
  @Mutation(() => RemedyModel)
  transitionRemedy(@CurrentActor() actor: Actor, @Args('input') input: TransitionRemedyInput): Promise<RemedyModel> {
    return this.service.transition(actor, input);
  }

  @Allow(Role.JUDGE)
  @Mutation(() => RemedyModel)
  verifyRemedyMeasure(@CurrentActor() actor: Actor, @Args('input') input: VerifyMeasureInput): Promise<RemedyModel> {
    return this.service.verifyMeasure(actor, input);
  }

  @Allow(...CASE_ROLES)
  @Mutation(() => RemedyModel)
  recordComplianceEvidence(@CurrentActor() actor: Actor, @Args('input') input: RecordComplianceEvidenceInput): Promise<RemedyModel> {
    return this.service.recordEvidence(actor, input);
  }

  /** A refused apology published by the court at the defendant's cost (Civil Code art. 1000(2)). */
  @Allow(Role.JUDGE)
  @Mutation(() => RemedyModel)
  recordCourtPublication(@CurrentActor() actor: Actor, @Args('input') input: RecordCourtPublicationInput): Promise<RemedyModel> {
    return this.service.recordCourtPublication(actor, input);
  }

  @Allow(...CASE_ROLES)
  @Mutation(() => LiabilitySchedule)
  recordRemedyPayment(@CurrentActor() actor: Actor, @Args('input') input: RecordRemedyPaymentInput): Promise<LiabilitySchedule> {
    return this.service.recordPayment(actor, input);
  }
}

@Resolver(() => Assessment)
export class AssessmentsResolver {
  constructor(private readonly service: AssessmentsService) {}

  /** The caller's organisation's damage-model versions. */
  @Allow(...CASE_ROLES)
  @Query(() => DamageModelConnection)
  damageModels(@CurrentActor() actor: Actor, @Args() args: PageArgs): Promise<Connection<DamageModel>> {
    return this.service.models(actor, args.first, args.after);
  }

  @Allow(...CASE_ROLES)
  @Mutation(() => DamageModel)
  defineDamageModel(@CurrentActor() actor: Actor, @Args('input') input: DefineDamageModelInput): Promise<DamageModel> {
    return this.service.defineModel(actor, input);
  }

  /** Queues the assessment of a class (a job); poll `assessment` or `job` for its completion. */
  @Allow(...CASE_ROLES)
  @Mutation(() => Assessment)
  assessCompensation(@CurrentActor() actor: Actor, @Args('input') input: AssessCompensationInput): Promise<Assessment> {
    return this.service.assess(actor, input);
  }

  /** An assessment with its totals by subclass. */
  @Allow(...CASE_ROLES)
  @Query(() => Assessment)
  assessment(@CurrentActor() actor: Actor, @Args() { assessmentId }: AssessmentIdArgs): Promise<Assessment> {
    return this.service.get(actor, assessmentId);
  }

  @Allow(...CASE_ROLES)
  @Query(() => AssessmentConnection)
  assessments(@CurrentActor() actor: Actor, @Args() args: AssessmentsArgs): Promise<Connection<Assessment>> {
    return this.service.list(actor, args.caseId, args.first, args.after);
  }

  /** One member's amount and its explanation. */
  @Allow(...CASE_ROLES)
  @Query(() => MemberAssessment)
  memberAssessment(@CurrentActor() actor: Actor, @Args() args: MemberAssessmentArgs): Promise<MemberAssessment> {
    return this.service.member(actor, args.assessmentId, args.claimantId);
  }

  /** A representative action's per-member distribution schedule, keyset on the claimant id. */
  @Allow(...CASE_ROLES)
  @Query(() => MemberAssessmentConnection)
  async distributionSchedule(@CurrentActor() actor: Actor, @Args() args: DistributionArgs): Promise<Connection<MemberAssessment>> {
    return (await this.service.distribution(actor, args)).page;
  }
}

/** A member's masked identifiers on its amount, batched: a page of N members costs one query. */
@Resolver(() => MemberAssessment)
export class MemberAssessmentResolver {
  constructor(private readonly service: AssessmentsService) {}

  @ResolveField(() => MaskedClaimant, {
    description: "The member's masked name and ID number: the plaintiff side's from its own enrolment, the court's from the merged view",
  })
  claimant(@Parent() member: MemberAssessment, @CurrentActor() actor: Actor, @Context('loaders') loaders: Loaders): Promise<MaskedClaimant | null> {
    // A member's amount reaches a caller only through an assessment it may read (member, distribution).
    return loaders
      .get(`MemberAssessment.claimant:${member.classId}`, (ids) => this.service.maskedMembers(actor, member.classId, ids), (c) => c.id)
      .load(member.claimantId);
  }
}
