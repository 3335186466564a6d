import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { type Actor, Allow, type Connection, CurrentActor, IdArgs, Role } from '@app/platform';
import { EvidenceItem, EvidenceItemConnection, EvidenceItemsArgs } from './evidence.model';
import { EvidenceService } from './evidence.service';

@Resolver(() => EvidenceItem)
export class EvidenceResolver {
  constructor(private readonly evidence: EvidenceService) {}

  /** The evidence of a case the caller may see: the court all of it; a party its own and what was exchanged. */
  @Allow(Role.PROCURATOR, Role.ASSOCIATION_STAFF, Role.JUDGE)
  @Query(() => EvidenceItemConnection)
  evidenceItems(@CurrentActor() actor: Actor, @Args() args: EvidenceItemsArgs): Promise<Connection<EvidenceItem>> {
    return this.evidence.list(actor, args.caseId, args.first, args.after);
  }

  /** The court exchanges an item to the other parties of the case (they see it from then on). */
  @Allow(Role.JUDGE)
  @Mutation(() => EvidenceItem)
  exchangeEvidence(@CurrentActor() actor: Actor, @Args() { id }: IdArgs): Promise<EvidenceItem> {
    return this.evidence.exchange(actor, id);
  }
}
