import { Args, ArgsType, Context, Field, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { type Actor, Allow, ANY_ROLE, CurrentActor, type Connection, type GraphqlContext, IdArgs, loadPage, ownEnrolments, PageArgs, Role } from '@app/platform';
import { EnrolClaimantInput } from './claimant.inputs';
import { ENROLMENT_LIMITS } from './enrolment-record';
import {
  Claimant,
  ClaimantConnection,
  ClaimantCounts,
  ClaimantIdentity,
  ClaimantsArgs,
  Exposure,
  ExposureConnection,
  ExposureCounts,
  HarmDeclaration,
  IncidentExposuresArgs,
  IncidentIdArgs,
} from './claimant.model';
import { ClaimantsRepository } from './claimants.repository';
import { ClaimantsService } from './claimants.service';

/** Who enrols and reads claimants: association staff, and procurators for their own cases. */
const ENROLLERS = [Role.ASSOCIATION_STAFF, Role.PROCURATOR];

@ArgsType()
class UnmaskArgs extends IdArgs {
  @Field({ description: 'Why the plaintext is needed; kept in the audit log' })
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  reason: string;
}

@Resolver(() => Claimant)
export class ClaimantsResolver {
  constructor(
    private readonly service: ClaimantsService,
    private readonly repository: ClaimantsRepository,
  ) {}

  /** Enrols a claimant for the caller's organisation (deduplicated across organisations). */
  @Allow(...ENROLLERS)
  @Mutation(() => Claimant)
  enrolClaimant(@CurrentActor() actor: Actor, @Args('input') input: EnrolClaimantInput): Promise<Claimant> {
    return this.service.enrol(actor, input);
  }

  /** A claimant the caller's organisation enrolled (masked); NOT_FOUND for anyone else's. */
  @Allow(...ENROLLERS)
  @Query(() => Claimant)
  claimant(@CurrentActor() actor: Actor, @Args() { id }: IdArgs): Promise<Claimant> {
    return this.service.get(actor, id);
  }

  @Allow(...ENROLLERS)
  @Query(() => ClaimantConnection)
  claimants(@CurrentActor() actor: Actor, @Args() args: ClaimantsArgs): Promise<Connection<Claimant>> {
    return this.service.list(actor, args.first, args.after, args.incidentId);
  }

  /** Unmasked identifiers of a claimant the caller's organisation enrolled; audited as claimant.unmask. */
  @Allow(...ENROLLERS)
  @Query(() => ClaimantIdentity)
  claimantIdentity(@CurrentActor() actor: Actor, @Args() { id, reason }: UnmaskArgs): Promise<ClaimantIdentity> {
    return this.service.unmask(actor, id, reason);
  }

  @Allow(...ANY_ROLE)
  @Query(() => ClaimantCounts)
  claimantCounts(@CurrentActor() actor: Actor): Promise<ClaimantCounts> {
    return this.service.counts(actor);
  }

  /** Exposures to an incident of the claimants the caller's organisation enrolled, on every basis or on `basis`. */
  @Allow(...ENROLLERS)
  @Query(() => ExposureConnection)
  incidentExposures(@CurrentActor() actor: Actor, @Args() args: IncidentExposuresArgs): Promise<Connection<Exposure>> {
    return this.service.incidentExposures(actor, args.incidentId, args.first, args.after, args.basis);
  }

  /** Anonymous counts over an incident the caller may see: matched, declared but unmatched, people still to reach. */
  @Allow(...ENROLLERS, Role.JUDGE)
  @Query(() => ExposureCounts)
  exposureCounts(@CurrentActor() actor: Actor, @Args() { incidentId }: IncidentIdArgs): Promise<ExposureCounts> {
    return this.service.incidentExposureCounts(actor, incidentId);
  }

  @ResolveField(() => [HarmDeclaration], { description: `The harms your enrolment declared (at most ${ENROLMENT_LIMITS.harms})` })
  harms(@Parent() claimant: Claimant, @Context() ctx: GraphqlContext): Promise<HarmDeclaration[]> {
    return ctx.loaders
      .get('Claimant.harms', async (keys) => {
        const rows = await this.repository.harmsByEnrolment(keys);
        return keys.map((k) => ({ key: k, rows: rows.filter((r) => r.enrolmentId === k) }));
      }, (v) => v.key)
      .load(claimant.enrolmentId)
      .then((v) => v?.rows ?? []);
  }

  @ResolveField(() => ExposureConnection, { description: "The claimant's exposures your own enrolment gives (see incidentExposures), by incident and basis, a page at a time" })
  async exposures(
    @Parent() claimant: Claimant,
    @Context() ctx: GraphqlContext,
    @CurrentActor() actor: Actor,
    @Args() { first, after }: PageArgs,
  ): Promise<Connection<Exposure>> {
    return loadPage(ctx.loaders, 'Claimant.exposures', claimant.id, first, after, (ids) => this.repository.exposuresByClaimant(ownEnrolments(actor), ids, first, after));
  }
}
