import { Args, ArgsType, Field, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsUUID } from 'class-validator';
import type { DataSource } from 'typeorm';
import { type Actor, Allow, AuditService, CurrentActor, Job, JobsService, Role } from '@app/platform';
import { BurdenOfProof, FlagAdverseInferenceInput, Obligation, RuleOnObligationInput, WithdrawAdverseInferenceInput } from './obligation.model';
import { ObligationsService } from './obligations.service';
import { RECORD_OBLIGATION_FAILURES } from './obligation-failures.job';

@ArgsType()
class CaseIdArgs {
  @Field(() => ID)
  @IsUUID()
  caseId: string;
}

@Resolver(() => Obligation)
export class ObligationsResolver {
  constructor(
    private readonly obligations: ObligationsService,
    private readonly jobs: JobsService,
    private readonly audit: AuditService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** Per element of the case: bearer, status as of today, deadline, evidence count, what follows. */
  @Allow(Role.PROCURATOR, Role.ASSOCIATION_STAFF, Role.JUDGE)
  @Query(() => BurdenOfProof)
  burdenOfProof(@CurrentActor() actor: Actor, @Args() { caseId }: CaseIdArgs): Promise<BurdenOfProof> {
    return this.obligations.burdenOfProof(actor, caseId);
  }

  /** Adds the obligations the rule table gives the case and that it does not have yet (idempotent). */
  @Allow(Role.PROCURATOR, Role.ASSOCIATION_STAFF, Role.JUDGE)
  @Mutation(() => BurdenOfProof)
  generateObligations(@CurrentActor() actor: Actor, @Args() { caseId }: CaseIdArgs): Promise<BurdenOfProof> {
    return this.obligations.generate(actor, caseId);
  }

  /** The court's ruling on an obligation, with reasons. */
  @Allow(Role.JUDGE)
  @Mutation(() => Obligation)
  ruleOnObligation(@CurrentActor() actor: Actor, @Args('input') input: RuleOnObligationInput): Promise<Obligation> {
    return this.obligations.rule(actor, input);
  }

  /** The court flags a party that holds evidence on an obligation and refuses to produce it (SPC evidence provisions art. 95). */
  @Allow(Role.JUDGE)
  @Mutation(() => Obligation)
  flagAdverseInference(@CurrentActor() actor: Actor, @Args('input') input: FlagAdverseInferenceInput): Promise<Obligation> {
    return this.obligations.flagAdverseInference(actor, input);
  }

  /** The court withdraws an art. 95 flag, with reasons; it stays in the obligation's history. */
  @Allow(Role.JUDGE)
  @Mutation(() => Obligation)
  withdrawAdverseInference(@CurrentActor() actor: Actor, @Args('input') input: WithdrawAdverseInferenceInput): Promise<Obligation> {
    return this.obligations.withdrawAdverseInference(actor, input);
  }

  /** Starts the job that records FAILED on every obligation whose evidence period has ended (it also runs on schedule). */
  @Allow(Role.ADMIN)
  @Mutation(() => Job)
  recordObligationFailures(@CurrentActor() actor: Actor): Promise<Job> {
    return this.dataSource.transaction(async (manager) => {
      const job = await this.jobs.enqueue(manager, actor, RECORD_OBLIGATION_FAILURES, {});
      await this.audit.record(manager, actor, { action: 'obligations.record-failures.start', subjectType: 'Job', subjectId: job.id });
      return job;
    });
  }
}
