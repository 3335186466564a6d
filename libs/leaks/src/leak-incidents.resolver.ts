import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { type Actor, Allow, type Connection, CurrentActor, IdArgs, Role } from '@app/platform';
import { LeakIncident, LeakIncidentConnection, LeakIncidentsArgs, RegisterLeakIncidentInput } from './leak-incident.model';
import { LeakIncidentsService } from './leak-incidents.service';

/** Procurators register clues; associations register the leaks their representative actions rest on. */
const REGISTRARS = [Role.PROCURATOR, Role.ASSOCIATION_STAFF];

@Resolver(() => LeakIncident)
export class LeakIncidentsResolver {
  constructor(private readonly service: LeakIncidentsService) {}

  @Allow(...REGISTRARS)
  @Mutation(() => LeakIncident, { description: 'Registers a leak incident as a clue of the caller\'s organisation' })
  registerLeakIncident(@CurrentActor() actor: Actor, @Args('input') input: RegisterLeakIncidentInput): Promise<LeakIncident> {
    return this.service.register(actor, input);
  }

  @Allow(...REGISTRARS, Role.JUDGE)
  @Query(() => LeakIncident, {
    description: "An incident the caller may see: registered by the caller's organisation, or linked to a case the caller may see (its parties, and its court once filed); NOT_FOUND otherwise",
  })
  leakIncident(@CurrentActor() actor: Actor, @Args() args: IdArgs): Promise<LeakIncident> {
    return this.service.get(actor, args.id);
  }

  @Allow(...REGISTRARS, Role.JUDGE)
  @Query(() => LeakIncidentConnection, { description: 'The incidents the caller may see (as leakIncident), newest first' })
  leakIncidents(@CurrentActor() actor: Actor, @Args() args: LeakIncidentsArgs): Promise<Connection<LeakIncident>> {
    return this.service.list(actor, args);
  }
}
