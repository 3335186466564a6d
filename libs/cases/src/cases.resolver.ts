import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { type Actor, Allow, type Connection, CurrentActor, IdArgs, type Loaders, MaxItems, Organisation, PageArgs, Role } from '@app/platform';
import { LeakIncident } from '@app/leaks';
import {
  AddAgencyInput,
  AddCaseOrganisationInput,
  AddDefendantInput,
  CasesArgs,
  ElectRepresentativesInput,
  LinkLeakIncidentInput,
  OpenCaseInput,
  RecordAgencyResponseInput,
  TransitionCaseInput,
  UpcomingDeadlinesArgs,
} from './case.inputs';
import { CaseConnection, CaseDeadline, CaseDeadlineConnection, CaseModel, CaseParty, CaseStageTransition, RelatedCase, RelatedCaseConnection } from './case.model';
import { CaseLoaders } from './case.loaders';
import { CasesService } from './cases.service';
import { Clock } from './clock';
import { toCaseDeadline } from './deadlines.repository';
import { DeadlinesService } from './deadlines.service';
import { CASE_LIMITS, MAX_CASE_DEADLINES, MAX_CASE_PARTIES, MAX_CASE_TRANSITIONS } from './rules/case-limits';
import { CasePartyRole, CaseStage } from './rules/case-types';
import { transitionsFrom } from './rules/stages';
import { REPRESENTATIVES } from './rules/standing';

/** Who works on cases; what each may see is decided per case (see visibleCase). */
const CASE_ROLES = [Role.PROCURATOR, Role.ASSOCIATION_STAFF, Role.JUDGE];
/** The plaintiff side shapes a case before filing. */
const PLAINTIFF_SIDE = [Role.PROCURATOR, Role.ASSOCIATION_STAFF];

@Resolver(() => CaseModel)
export class CasesResolver {
  constructor(
    private readonly service: CasesService,
    private readonly deadlineService: DeadlinesService,
    private readonly loaders: CaseLoaders,
    private readonly clock: Clock,
  ) {}

  @Allow(...CASE_ROLES)
  @Query(() => CaseModel, { description: 'A case the caller may see; NOT_FOUND otherwise' })
  case(@CurrentActor() actor: Actor, @Args() args: IdArgs): Promise<CaseModel> {
    return this.service.get(actor, args.id);
  }

  @Allow(...CASE_ROLES)
  @Query(() => CaseConnection, { description: 'The cases the caller may see, newest first' })
  cases(@CurrentActor() actor: Actor, @Args() args: CasesArgs): Promise<Connection<CaseModel>> {
    return this.service.list(actor, args);
  }

  @Allow(...CASE_ROLES)
  @Query(() => CaseDeadlineConnection, { description: 'Open deadlines across the caller\'s cases, soonest first, overdue ones flagged' })
  upcomingDeadlines(@CurrentActor() actor: Actor, @Args() args: UpcomingDeadlinesArgs): Promise<Connection<CaseDeadline>> {
    return this.deadlineService.upcoming(actor, args);
  }

  @Allow(...PLAINTIFF_SIDE)
  @Mutation(() => CaseModel, { description: 'Opens a case at CLUE; standing is checked for every plaintiff and the supporter' })
  openCase(@CurrentActor() actor: Actor, @Args('input') input: OpenCaseInput): Promise<CaseModel> {
    return this.service.open(actor, input);
  }

  @Allow(...PLAINTIFF_SIDE)
  @Mutation(() => CaseModel, { description: 'Adds a plaintiff or supporting organisation before filing; standing is checked' })
  addCaseOrganisation(@CurrentActor() actor: Actor, @Args('input') input: AddCaseOrganisationInput): Promise<CaseModel> {
    return this.service.addOrganisation(actor, input);
  }

  @Allow(...PLAINTIFF_SIDE)
  @Mutation(() => CaseModel, { description: 'Adds a defendant (with its role and basis of liability) before filing' })
  addDefendant(@CurrentActor() actor: Actor, @Args('input') input: AddDefendantInput): Promise<CaseModel> {
    return this.service.addDefendant(actor, input);
  }

  @Allow(Role.PROCURATOR)
  @Mutation(() => CaseModel, { description: 'Names the agency an administrative public-interest case is brought against' })
  addAgency(@CurrentActor() actor: Actor, @Args('input') input: AddAgencyInput): Promise<CaseModel> {
    return this.service.addAgency(actor, input);
  }

  @Allow(Role.ASSOCIATION_STAFF)
  @Mutation(() => CaseModel, {
    description: `Records the ${REPRESENTATIVES.min} to ${REPRESENTATIVES.max} elected representatives of a representative action (replaces any earlier election): before filing, or during registration when the number of claimants is uncertain`,
  })
  electRepresentatives(@CurrentActor() actor: Actor, @Args('input') input: ElectRepresentativesInput): Promise<CaseModel> {
    return this.service.electRepresentatives(actor, input);
  }

  @Allow(...PLAINTIFF_SIDE)
  @Mutation(() => CaseModel, { description: "Links a leak incident the caller may see (leakIncident: registered by its organisation, shared with it, announced, or linked to another of its cases) to one of its cases" })
  linkLeakIncident(@CurrentActor() actor: Actor, @Args('input') input: LinkLeakIncidentInput): Promise<CaseModel> {
    return this.service.linkIncident(actor, input);
  }

  @Allow(...CASE_ROLES)
  @Mutation(() => CaseModel, { description: "Moves a case to its next stage as its type's stage machine allows, recording the event date" })
  transitionCase(@CurrentActor() actor: Actor, @Args('input') input: TransitionCaseInput): Promise<CaseModel> {
    return this.service.transition(actor, input);
  }

  @Allow(Role.PROCURATOR)
  @Mutation(() => CaseModel, { description: "Records the agency's written response to the procuratorial recommendation" })
  recordAgencyResponse(@CurrentActor() actor: Actor, @Args('input') input: RecordAgencyResponseInput): Promise<CaseModel> {
    return this.service.recordAgencyResponse(actor, input);
  }

  @ResolveField(() => Organisation)
  async court(@Parent() c: CaseModel, @Context('loaders') loaders: Loaders): Promise<Organisation> {
    return (await this.loaders.organisation(loaders).load(c.courtId))!;
  }

  @ResolveField(() => [CaseParty], { description: `In the order they were added (at most ${MAX_CASE_PARTIES})` })
  @MaxItems(MAX_CASE_PARTIES)
  async parties(
    @Parent() c: CaseModel,
    @Context('loaders') loaders: Loaders,
    @Args('role', { type: () => CasePartyRole, nullable: true }) role?: CasePartyRole,
  ): Promise<CaseParty[]> {
    const parties = (await this.loaders.parties(loaders).load(c.id))?.items ?? [];
    return role ? parties.filter((p) => p.role === role) : parties;
  }

  @ResolveField(() => [LeakIncident], { description: `The leak incidents linked to the case (at most ${CASE_LIMITS.incidents})` })
  @MaxItems(CASE_LIMITS.incidents)
  async incidents(@Parent() c: CaseModel, @Context('loaders') loaders: Loaders): Promise<LeakIncident[]> {
    return (await this.loaders.incidents(loaders).load(c.id))?.items ?? [];
  }

  @ResolveField(() => RelatedCaseConnection, {
    nullable: true,
    description:
      "The other filed cases over one of this case's leak incidents (a procuratorate's and an association's suits over one leak), oldest filing first, whatever their court, a page at a time: for the judges of this case's court only, null for everyone else",
  })
  async relatedCases(
    @Parent() c: CaseModel,
    @CurrentActor() actor: Actor,
    @Context('loaders') loaders: Loaders,
    @Args() { first, after }: PageArgs,
  ): Promise<Connection<RelatedCase> | null> {
    if (actor.role !== Role.JUDGE || actor.organisationId !== c.courtId) return null;
    return this.loaders.relatedCases(loaders, c.id, first, after);
  }

  @ResolveField(() => [CaseStageTransition], { description: `Every stage change, oldest first (at most ${MAX_CASE_TRANSITIONS}: no stage is entered twice)` })
  @MaxItems(MAX_CASE_TRANSITIONS)
  async transitions(@Parent() c: CaseModel, @Context('loaders') loaders: Loaders): Promise<CaseStageTransition[]> {
    return (await this.loaders.transitions(loaders).load(c.id))?.items ?? [];
  }

  @ResolveField(() => [CaseDeadline], { description: `Every deadline computed for the case, open and closed (at most ${MAX_CASE_DEADLINES})` })
  @MaxItems(MAX_CASE_DEADLINES)
  async deadlines(@Parent() c: CaseModel, @Context('loaders') loaders: Loaders): Promise<CaseDeadline[]> {
    const today = this.clock.today();
    const [group, calendar] = await Promise.all([this.loaders.deadlines(loaders).load(c.id), this.loaders.calendar(loaders)]);
    return (group?.items ?? []).map((row) => toCaseDeadline(row, today, calendar));
  }

  @ResolveField(() => [CaseStage], { description: "The stages its type's stage machine allows next" })
  nextStages(@Parent() c: CaseModel): CaseStage[] {
    return transitionsFrom(c.type, c.stage).map((t) => t.to);
  }
}

@Resolver(() => CaseParty)
export class CasePartyResolver {
  constructor(private readonly loaders: CaseLoaders) {}

  @ResolveField(() => Organisation, { nullable: true, description: 'Plaintiffs and supporters' })
  organisation(@Parent() party: CaseParty, @Context('loaders') loaders: Loaders): Promise<Organisation | null> | null {
    return party.organisationId ? this.loaders.organisation(loaders).load(party.organisationId) : null;
  }
}

@Resolver(() => CaseDeadline)
export class CaseDeadlineResolver {
  constructor(private readonly loaders: CaseLoaders) {}

  @ResolveField(() => CaseModel, { name: 'case' })
  async caseOf(@Parent() deadline: CaseDeadline, @Context('loaders') loaders: Loaders): Promise<CaseModel> {
    return (await this.loaders.caseById(loaders).load(deadline.caseId))!;
  }
}

@Resolver(() => RelatedCase)
export class RelatedCaseResolver {
  constructor(private readonly loaders: CaseLoaders) {}

  @ResolveField(() => Organisation, { description: 'The court it is filed at' })
  async court(@Parent() related: RelatedCase, @Context('loaders') loaders: Loaders): Promise<Organisation> {
    return (await this.loaders.organisation(loaders).load(related.courtId))!;
  }

  @ResolveField(() => [Organisation], { description: `Its plaintiff organisations, in the order they were added (at most ${CASE_LIMITS.plaintiffs})` })
  @MaxItems(CASE_LIMITS.plaintiffs)
  async plaintiffs(@Parent() related: RelatedCase, @Context('loaders') loaders: Loaders): Promise<Organisation[]> {
    return (await this.loaders.organisation(loaders).loadMany(related.plaintiffOrganisationIds)) as Organisation[];
  }
}
