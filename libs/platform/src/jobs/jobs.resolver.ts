import { Args, Query, Resolver } from '@nestjs/graphql';
import type { Actor } from '../auth/actor';
import { Allow, ANY_ROLE, CurrentActor } from '../auth/auth.decorators';
import { IdArgs } from '../pagination/pagination';
import { Job } from './job.model';
import { JobsService } from './jobs.service';

@Resolver(() => Job)
export class JobsResolver {
  constructor(private readonly jobs: JobsService) {}

  /** A job started by the caller's organisation: status, progress, result. */
  @Allow(...ANY_ROLE)
  @Query(() => Job)
  job(@CurrentActor() actor: Actor, @Args() { id }: IdArgs): Promise<Job> {
    return this.jobs.get(actor, id);
  }
}
