import { Field, Float, ID, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum JobStatus {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  COMPLETED = 'COMPLETED',
  FAILED = 'FAILED',
}
registerEnumType(JobStatus, { name: 'JobStatus' });

/** Long work run in the background (dataset imports, chain checks, large PDFs), with progress. */
@ObjectType()
export class Job {
  @Field(() => ID)
  id: string;

  @Field({ description: 'What the job does, e.g. audit.verify-chain' })
  kind: string;

  @Field(() => JobStatus)
  status: JobStatus;

  @Field(() => Float, { description: 'Units of work done so far (rows, records)' })
  done: number;

  @Field(() => Float, { nullable: true, description: 'Units of work in all, when known' })
  total: number | null;

  @Field({ description: 'How many times it was started (more than 1 after a retry or a restart)' })
  attempts: number;

  @Field(() => String, { nullable: true, description: 'Why the last attempt failed' })
  error: string | null;

  @Field(() => String, { nullable: true, description: 'Outcome as JSON text, once COMPLETED' })
  result: string | null;

  @Field({ description: 'When the job was queued (the queuing transaction\'s start)' })
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: 'When its first attempt started; null while it has not' })
  startedAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it became COMPLETED or FAILED (after its work was committed); null before' })
  finishedAt: Date | null;
}
