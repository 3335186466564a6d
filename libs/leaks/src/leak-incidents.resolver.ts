import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { type Actor, Allow, type Connection, CurrentActor, IdArgs, type Loaders, MaxItems, Organisation, OrganisationsService, Role } from '@app/platform';
import { LeakIncident, LeakIncidentConnection, MAX_INCIDENT_SHARES, LeakIncidentsArgs, RegisterLeakIncidentInput, ShareLeakIncidentInput } from './leak-incident.model';
import { LeakIncidentsRepository } from './leak-incidents.repository';
import { LeakIncidentsService } from './leak-incidents.service';

/** Procurators register clues; associations register the leaks their representative actions rest on. */
const REGISTRARS = [Role.PROCURATOR, Role.ASSOCIATION_STAFF];

@Resolver(() => LeakIncident)
export class LeakIncidentsResolver {
  constructor(
    private readonly service: LeakIncidentsService,
    private readonly repository: LeakIncidentsRepository,
    private readonly organisations: OrganisationsService,
  ) {}

  @Allow(...REGISTRARS)
  @Mutation(() => LeakIncident, { description: 'Registers a leak incident as a clue of the caller\'s organisation' })
  registerLeakIncident(@CurrentActor() actor: Actor, @Args('input') input: RegisterLeakIncidentInput): Promise<LeakIncident> {
    return this.service.register(actor, input);
  }

  @Allow(...REGISTRARS)
  @Mutation(() => LeakIncident, {
    description:
      "Shares an incident the caller's organisation registered with other plaintiff-side organisations, which may then see it, enrol claimants against it and link it to their cases: its facts, never anyone's enrolments or matches. Audited. NOT_FOUND for another organisation's incident; BAD_USER_INPUT on organisationIds.<i> for an unknown organisation, a court or operator, or your own",
  })
  shareLeakIncident(@CurrentActor() actor: Actor, @Args('input') input: ShareLeakIncidentInput): Promise<LeakIncident> {
    return this.service.share(actor, input);
  }

  @Allow(...REGISTRARS)
  @Mutation(() => LeakIncident, {
    description:
      'Stops sharing an incident the caller\'s organisation registered with the organisations named (they may still see it through a case of their own or a published announcement; their enrolments stay). Audited. NOT_FOUND for another organisation\'s incident',
  })
  unshareLeakIncident(@CurrentActor() actor: Actor, @Args('input') input: ShareLeakIncidentInput): Promise<LeakIncident> {
    return this.service.unshare(actor, input);
  }

  @Allow(...REGISTRARS, Role.JUDGE)
  @Query(() => LeakIncident, {
    description:
      "An incident the caller may see: registered by the caller's organisation, shared with it, linked to a case whose pre-litigation announcement was published (every procuratorate, provincial-or-above consumer association and designated organisation), or linked to a case the caller may see (its parties, and its court once filed); NOT_FOUND otherwise",
  })
  leakIncident(@CurrentActor() actor: Actor, @Args() args: IdArgs): Promise<LeakIncident> {
    return this.service.get(actor, args.id);
  }

  @Allow(...REGISTRARS, Role.JUDGE)
  @Query(() => LeakIncidentConnection, { description: 'The incidents the caller may see (as leakIncident), newest first' })
  leakIncidents(@CurrentActor() actor: Actor, @Args() args: LeakIncidentsArgs): Promise<Connection<LeakIncident>> {
    return this.service.list(actor, args);
  }

  @ResolveField(() => [Organisation], {
    nullable: true,
    description: `The organisations the incident is shared with (shareLeakIncident, at most ${MAX_INCIDENT_SHARES}), oldest share first: for the registering organisation only, null for everyone else`,
  })
  @MaxItems(MAX_INCIDENT_SHARES)
  async sharedWith(@Parent() incident: LeakIncident, @CurrentActor() actor: Actor, @Context('loaders') loaders: Loaders): Promise<Organisation[] | null> {
    if (incident.organisationId !== actor.organisationId) return null;
    const shares = await loaders
      .get(
        'LeakIncidentShare.byIncidentId',
        async (ids) => {
          const byIncident = new Map<string, string[]>(ids.map((id) => [id, []]));
          for (const share of await this.repository.sharesOf(ids)) byIncident.get(share.incidentId)!.push(share.organisationId);
          return [...byIncident].map(([incidentId, organisationIds]) => ({ incidentId, organisationIds }));
        },
        (s) => s.incidentId,
      )
      .load(incident.id);
    const organisations = loaders.get('Organisation.byId', (ids) => this.organisations.byIds(ids), (o: Organisation) => o.id);
    return (await organisations.loadMany(shares?.organisationIds ?? [])) as Organisation[];
  }
}
