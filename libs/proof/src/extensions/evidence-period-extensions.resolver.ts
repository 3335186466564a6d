import { Args, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { type Actor, Allow, type Connection, CurrentActor, PageArgs, Role } from '@app/platform';
import { BurdenOfProof } from '../obligations/obligation.model';
import {
  ApplyForEvidencePeriodExtensionInput,
  EvidencePeriodExtension,
  EvidencePeriodExtensionConnection,
  EvidencePeriodExtensionsArgs,
  RuleOnEvidencePeriodExtensionInput,
} from './evidence-period-extension.model';
import { EvidencePeriodExtensionsService } from './evidence-period-extensions.service';

/** Applications to extend the evidence period and the court's rulings (SPC evidence provisions (2019) art. 54). */
@Resolver(() => EvidencePeriodExtension)
export class EvidencePeriodExtensionsResolver {
  constructor(private readonly extensions: EvidencePeriodExtensionsService) {}

  /** A case's applications the caller may see: the court all, a party its own and the granted ones; in the order made. */
  @Allow(Role.PROCURATOR, Role.ASSOCIATION_STAFF, Role.JUDGE)
  @Query(() => EvidencePeriodExtensionConnection)
  evidencePeriodExtensions(@CurrentActor() actor: Actor, @Args() { caseId, first, after }: EvidencePeriodExtensionsArgs): Promise<Connection<EvidencePeriodExtension>> {
    return this.extensions.list(actor, caseId, first, after);
  }

  /** A party applies, before the evidence period ends, to extend it (the court records a defendant's, agency's or representative's). */
  @Allow(Role.PROCURATOR, Role.ASSOCIATION_STAFF, Role.JUDGE)
  @Mutation(() => EvidencePeriodExtension)
  applyForEvidencePeriodExtension(@CurrentActor() actor: Actor, @Args('input') input: ApplyForEvidencePeriodExtensionInput): Promise<EvidencePeriodExtension> {
    return this.extensions.apply(actor, input);
  }

  /** The court grants (with the new last day, for every party) or refuses an application, with reasons. */
  @Allow(Role.JUDGE)
  @Mutation(() => EvidencePeriodExtension)
  ruleOnEvidencePeriodExtension(@CurrentActor() actor: Actor, @Args('input') input: RuleOnEvidencePeriodExtensionInput): Promise<EvidencePeriodExtension> {
    return this.extensions.rule(actor, input);
  }
}

/** The extension history on the burden-of-proof summary. */
@Resolver(() => BurdenOfProof)
export class BurdenOfProofExtensionsResolver {
  constructor(private readonly service: EvidencePeriodExtensionsService) {}

  @ResolveField(() => EvidencePeriodExtensionConnection, {
    description: 'The applications to extend the evidence period the caller may see (the court all, a party its own and the granted ones), in the order made',
  })
  extensions(@CurrentActor() actor: Actor, @Parent() burden: BurdenOfProof, @Args() { first, after }: PageArgs): Promise<Connection<EvidencePeriodExtension>> {
    return this.service.list(actor, burden.caseId, first, after);
  }
}
