import { Injectable, type OnModuleInit } from '@nestjs/common';
import { type JobContext, JobsService } from '@app/platform';
import { ObligationsService } from './obligations.service';

export const RECORD_OBLIGATION_FAILURES = 'obligations.record-failures';

/**
 * Records FAILED on every OPEN obligation whose case's evidence period has ended (one set-based
 * statement, audited per case). Reads are already right before it runs (the status is computed
 * from the deadline and the clock); the job makes the failure a stored fact with its time.
 * Idempotent: a second run finds nothing open past its deadline.
 */
@Injectable()
export class ObligationFailuresJob implements OnModuleInit {
  constructor(
    private readonly jobs: JobsService,
    private readonly obligations: ObligationsService,
  ) {}

  onModuleInit(): void {
    this.jobs.register(RECORD_OBLIGATION_FAILURES, (ctx: JobContext<Record<string, never>>) => this.run(ctx));
  }

  async run(ctx: JobContext<Record<string, never>>): Promise<Record<string, unknown>> {
    const result = await this.obligations.recordFailures();
    await ctx.progress(1, 1);
    return result;
  }
}
