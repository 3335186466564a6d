import { Inject, Optional } from '@nestjs/common';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor';
import { Allow, CurrentActor } from '../auth/auth.decorators';
import { Role } from '../auth/role';
import { InputError, NotFoundError } from '../errors/domain-error';
import { Job } from '../jobs/job.model';
import { JobsService } from '../jobs/jobs.service';
import type { Connection } from '../pagination/pagination';
import { AuditEvent, AuditEventConnection, AuditEventsArgs, VerifyAuditChainArgs } from './audit-event.model';
import { AUDIT_VERIFY_CHAIN, type AuditChainPayload } from './audit-chain.job';
import { AuditService } from './audit.service';
import { CASE_VISIBILITY, type CaseVisibility } from './case-visibility';

@Resolver(() => AuditEvent)
export class AuditResolver {
  constructor(
    private readonly audit: AuditService,
    private readonly jobs: JobsService,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Optional() @Inject(CASE_VISIBILITY) private readonly caseVisibility?: CaseVisibility,
  ) {}

  /** ADMIN: the whole log. JUDGE: the trail of one case filed at their court (`filter.caseId`). */
  @Allow(Role.ADMIN, Role.JUDGE)
  @Query(() => AuditEventConnection)
  async auditEvents(@CurrentActor() actor: Actor, @Args() args: AuditEventsArgs): Promise<Connection<AuditEvent>> {
    const filter = args.filter ?? {};
    if (actor.role === Role.JUDGE) {
      if (!filter.caseId) throw new InputError('filter.caseId', 'is required for a judge');
      if (!(await this.caseVisibility?.canSee(actor, filter.caseId))) throw new NotFoundError('Case', filter.caseId);
    }
    return this.audit.list(filter, args.first, args.after);
  }

  /** Starts a background check of the whole hash chain; the outcome is in `job(id).result`. */
  @Allow(Role.ADMIN, Role.JUDGE)
  @Mutation(() => Job)
  verifyAuditChain(@CurrentActor() actor: Actor, @Args() { batchSize }: VerifyAuditChainArgs): Promise<Job> {
    return this.dataSource.transaction(async (manager) => {
      const toSeq = await this.audit.lastSeq();
      const job = await this.jobs.enqueue(manager, actor, AUDIT_VERIFY_CHAIN, { toSeq, batchSize } satisfies AuditChainPayload);
      await this.audit.record(manager, actor, { action: 'audit.verify-chain', subjectType: 'Job', subjectId: job.id });
      return job;
    });
  }
}
