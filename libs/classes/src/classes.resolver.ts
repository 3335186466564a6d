import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { type Actor, Allow, caseMemberView, type Connection, CurrentActor, type GraphqlContext, loadPage, ownEnrolments, PageArgs, Role } from '@app/platform';
import { Claimant } from '@app/claimants';
import {
  ClassAnomaliesArgs,
  ClassDecisionInput,
  ClassDecisionsArgs,
  ClassesArgs,
  ClassIdArgs,
  ClassMembersArgs,
  ElectClassRepresentativesInput,
  FormClassInput,
  MemberReasonInput,
  ReassignSubclassInput,
  RegisterMemberInput,
  ReviewMemberInput,
  ReviewMembersInput,
  ReviewMembersPreviewInput,
} from './class.inputs';
import {
  ClaimantClassMembership,
  ClaimantClassMembershipConnection,
  ClassAnomaly,
  ClassAnomalyConnection,
  ClassComposition,
  ClassConnection,
  ClassMember,
  ClassMemberConnection,
  ClassModel,
  ClassRepresentatives,
  FormationResult,
  MaskedClaimant,
  ReviewDecision,
  ReviewPreview,
  ReviewDecisionConnection,
} from './class.model';
import { ClassesRepository } from './classes.repository';
import { ClassesService } from './classes.service';

/** The plaintiff side forms classes and records their members' choices. */
const PLAINTIFF_SIDE = [Role.PROCURATOR, Role.ASSOCIATION_STAFF];
/** Whoever may see a case may see its classes: the plaintiff side and the court. */
const CASE_ROLES = [Role.PROCURATOR, Role.ASSOCIATION_STAFF, Role.JUDGE];

@Resolver(() => ClassModel)
export class ClassesResolver {
  constructor(private readonly service: ClassesService) {}

  @Allow(...CASE_ROLES)
  @Query(() => ClassModel, { name: 'class' })
  getClass(@CurrentActor() actor: Actor, @Args() { classId }: ClassIdArgs): Promise<ClassModel> {
    return this.service.get(actor, classId);
  }

  @Allow(...CASE_ROLES)
  @Query(() => ClassConnection)
  classes(@CurrentActor() actor: Actor, @Args() args: ClassesArgs): Promise<Connection<ClassModel>> {
    return this.service.list(actor, args.caseId, args.first, args.after);
  }

  /** Members: the court sees all (masked), the plaintiff side only the claimants its organisation enrolled. */
  @Allow(...CASE_ROLES)
  @Query(() => ClassMemberConnection)
  classMembers(@CurrentActor() actor: Actor, @Args() args: ClassMembersArgs): Promise<Connection<ClassMember>> {
    return this.service.members(actor, args);
  }

  @Allow(...CASE_ROLES)
  @Query(() => ClassAnomalyConnection)
  classAnomalies(@CurrentActor() actor: Actor, @Args() args: ClassAnomaliesArgs): Promise<Connection<ClassAnomaly>> {
    return this.service.anomalies(actor, args.classId, args.kind, args.threshold, args.first, args.after);
  }

  /** Anonymous counts, shares and losses, computed in SQL. */
  @Allow(...CASE_ROLES)
  @Query(() => ClassComposition)
  classComposition(@CurrentActor() actor: Actor, @Args() { classId }: ClassIdArgs): Promise<ClassComposition> {
    return this.service.composition(actor, classId);
  }

  @Allow(...CASE_ROLES)
  @Query(() => ReviewDecisionConnection)
  classDecisions(@CurrentActor() actor: Actor, @Args() args: ClassDecisionsArgs): Promise<Connection<ReviewDecision>> {
    return this.service.decisions(actor, args.classId, args.first, args.after);
  }

  @Allow(...CASE_ROLES)
  @Query(() => ClassRepresentatives)
  classRepresentatives(@CurrentActor() actor: Actor, @Args() { classId }: ClassIdArgs): Promise<ClassRepresentatives> {
    return this.service.representatives(actor, classId);
  }

  @Allow(...PLAINTIFF_SIDE)
  @Mutation(() => FormationResult)
  formClass(@CurrentActor() actor: Actor, @Args('input') input: FormClassInput): Promise<FormationResult> {
    return this.service.form(actor, input);
  }

  @Allow(...PLAINTIFF_SIDE)
  @Mutation(() => FormationResult)
  reformClass(@CurrentActor() actor: Actor, @Args() { classId }: ClassIdArgs): Promise<FormationResult> {
    return this.service.reform(actor, classId);
  }

  @Allow(Role.JUDGE)
  @Mutation(() => ReviewDecision)
  reviewClassMember(@CurrentActor() actor: Actor, @Args('input') input: ReviewMemberInput): Promise<ReviewDecision> {
    return this.service.reviewMember(actor, input);
  }

  /** The court's preview of reviewClassMembers: the count the same filter and action would move now. */
  @Allow(Role.JUDGE)
  @Query(() => ReviewPreview)
  classReviewPreview(@CurrentActor() actor: Actor, @Args('input') input: ReviewMembersPreviewInput): Promise<ReviewPreview> {
    return this.service.previewReviewMembers(actor, input);
  }

  @Allow(Role.JUDGE)
  @Mutation(() => ReviewDecision)
  reviewClassMembers(@CurrentActor() actor: Actor, @Args('input') input: ReviewMembersInput): Promise<ReviewDecision> {
    return this.service.reviewMembers(actor, input);
  }

  @Allow(...PLAINTIFF_SIDE)
  @Mutation(() => ReviewDecision)
  optOutClassMember(@CurrentActor() actor: Actor, @Args('input') input: MemberReasonInput): Promise<ReviewDecision> {
    return this.service.optOut(actor, input);
  }

  @Allow(...CASE_ROLES)
  @Mutation(() => ReviewDecision)
  registerClassMember(@CurrentActor() actor: Actor, @Args('input') input: RegisterMemberInput): Promise<ReviewDecision> {
    return this.service.register(actor, input);
  }

  @Allow(...CASE_ROLES)
  @Mutation(() => ReviewDecision)
  reassignClassSubclass(@CurrentActor() actor: Actor, @Args('input') input: ReassignSubclassInput): Promise<ReviewDecision> {
    return this.service.reassignSubclass(actor, input);
  }

  @Allow(Role.JUDGE)
  @Mutation(() => ClassModel)
  certifyClass(@CurrentActor() actor: Actor, @Args('input') input: ClassDecisionInput): Promise<ClassModel> {
    return this.service.certify(actor, input);
  }

  @Allow(Role.JUDGE)
  @Mutation(() => ClassModel)
  refuseClassCertification(@CurrentActor() actor: Actor, @Args('input') input: ClassDecisionInput): Promise<ClassModel> {
    return this.service.refuseCertification(actor, input);
  }

  @Allow(Role.JUDGE)
  @Mutation(() => ClassModel)
  reopenClass(@CurrentActor() actor: Actor, @Args('input') input: ClassDecisionInput): Promise<ClassModel> {
    return this.service.reopen(actor, input);
  }

  @Allow(...PLAINTIFF_SIDE)
  @Mutation(() => ClassRepresentatives)
  electClassRepresentatives(@CurrentActor() actor: Actor, @Args('input') input: ElectClassRepresentativesInput): Promise<ClassRepresentatives> {
    return this.service.electRepresentatives(actor, input);
  }
}

/** The masked claimant of a member, batched: a page of N members costs one claimant query. */
@Resolver(() => ClassMember)
export class ClassMemberResolver {
  constructor(private readonly repository: ClassesRepository) {}

  @ResolveField(() => MaskedClaimant)
  claimant(@Parent() member: ClassMember, @CurrentActor() actor: Actor, @Context() ctx: GraphqlContext): Promise<MaskedClaimant | null> {
    // Members reach a caller only through a class it may see: the court's view merged, the plaintiff side's its own.
    const view = caseMemberView(actor);
    return ctx.loaders
      .get(`ClassMember.claimant:${member.classId}`, (ids) => this.repository.maskedClaimants(view, member.classId, ids), (c) => c.id)
      .load(member.claimantId);
  }
}

/**
 * The class memberships of a claimant, for the organisation that enrolled them: a Claimant is
 * only ever returned to its enrolling organisation, and the query is scoped to the caller's
 * enrolments again. Batched: a page of N claimants costs one query.
 */
@Resolver(() => Claimant)
export class ClaimantMembershipsResolver {
  constructor(private readonly repository: ClassesRepository) {}

  @ResolveField(() => ClaimantClassMembershipConnection, {
    description:
      "The claimant's class memberships (class, state, subclass, exclusion reason) in the cases you may see, where your own enrolment puts the claimant in the class, by class id, a page at a time",
  })
  async classMemberships(
    @Parent() claimant: Claimant,
    @CurrentActor() actor: Actor,
    @Context() ctx: GraphqlContext,
    @Args() { first, after }: PageArgs,
  ): Promise<Connection<ClaimantClassMembership>> {
    return loadPage(ctx.loaders, `Claimant.classMemberships:${actor.organisationId}`, claimant.id, first, after, (ids) =>
      this.repository.membershipsOfEnrollees(actor, ownEnrolments(actor), ids, first, after),
    );
  }
}
