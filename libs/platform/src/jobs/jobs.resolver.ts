import { Args, ArgsType, Field, ID, Query, Resolver } from '@nestjs/graphql';
import { IsUUID } from 'class-validator';
import type { Actor } from '../auth/actor';
import { Allow, ANY_ROLE, CurrentActor } from '../auth/auth.decorators';
import { Job } from './job.model';
import { JobsService } from './jobs.service';

@ArgsType()
class JobArgs {
  @Field(() => ID)
  @IsUUID()
  id: string;
}

@Resolver(() => Job)
export class JobsResolver {
  constructor(private readonly jobs: JobsService) {}

  /** A job started by the caller's organisation: status, progress, result. */
  @Allow(...ANY_ROLE)
  @Query(() => Job)
  job(@CurrentActor() actor: Actor, @Args() { id }: JobArgs): Promise<Job> {
    return this.jobs.get(actor, id);
  }
}
