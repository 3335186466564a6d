import { Args, Info, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import type { Actor } from '../auth/actor';
import { Allow, ANY_ROLE, CurrentActor } from '../auth/auth.decorators';
import { Role } from '../auth/role';
import { ConnectionType, type Connection, selectsField, selectsNodeField } from '../pagination/pagination';
import { Organisation } from './organisation.entity';
import { CreateOrganisationInput, OrganisationsArgs, OrganisationsService } from './organisations.service';

const OrganisationConnection = ConnectionType(Organisation);

@Resolver(() => Organisation)
export class OrganisationsResolver {
  constructor(private readonly service: OrganisationsService) {}

  @Allow(...ANY_ROLE)
  @Query(() => OrganisationConnection)
  organisations(@Args() args: OrganisationsArgs, @Info() info: GraphQLResolveInfo): Promise<Connection<Organisation>> {
    return this.service.list(args, { count: selectsField(info, 'totalCount'), createdAt: selectsNodeField(info, 'createdAt') });
  }

  @Allow(Role.ADMIN)
  @Mutation(() => Organisation)
  createOrganisation(@CurrentActor() actor: Actor, @Args('input') input: CreateOrganisationInput): Promise<Organisation> {
    return this.service.create(input, actor);
  }
}
