import { Injectable, type OnModuleInit } from '@nestjs/common';
import { type JobContext, JobsService } from '../jobs/jobs.service';
import { AuditService } from './audit.service';

export const AUDIT_VERIFY_CHAIN = 'audit.verify-chain';
const BATCH = 10_000;

/**
 * Checks the chain up to the seq that was last when the job was queued, BATCH rows at a time,
 * checkpointing after each batch so a restarted server resumes where it stopped.
 */
@Injectable()
export class AuditChainJob implements OnModuleInit {
  constructor(
    private readonly jobs: JobsService,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.jobs.register(AUDIT_VERIFY_CHAIN, (ctx: JobContext<{ toSeq: number }>) => this.run(ctx));
  }

  async run(ctx: JobContext<{ toSeq: number }>): Promise<Record<string, unknown>> {
    const { toSeq } = ctx.payload;
    await ctx.progress(ctx.done, toSeq);
    for (let from = ctx.done + 1; from <= toSeq; from += BATCH) {
      const to = Math.min(from + BATCH - 1, toSeq);
      const report = await this.audit.verifyRange(from, to);
      if (!report.intact) return { intact: false, checked: Number(report.firstBrokenSeq) - 1, firstBrokenSeq: report.firstBrokenSeq };
      await ctx.progress(to);
    }
    return { intact: true, checked: toSeq, firstBrokenSeq: null };
  }
}
