import { Injectable, type OnModuleInit } from '@nestjs/common';
import { type JobContext, JobsService } from '../jobs/jobs.service';
import { AuditService } from './audit.service';

export const AUDIT_VERIFY_CHAIN = 'audit.verify-chain';

/** The chain is checked up to the last seq at the time the job was queued. */
export interface AuditChainPayload {
  toSeq: number;
  batchSize: number;
}

/**
 * Checks the audit hash chain batch by batch, checkpointing after each batch so that a
 * restarted server resumes where the previous attempt stopped, then the chain against its
 * latest signed heads (AuditService.checkHeads): a rewrite with recomputed hashes or deleted
 * newest rows is broken too, `reason` saying why. The result says how many signed heads were
 * compared (`signedHeadsChecked`, 0 when no checkpoint exists yet) and the newest row they sign.
 */
@Injectable()
export class AuditChainJob implements OnModuleInit {
  constructor(
    private readonly jobs: JobsService,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.jobs.register(AUDIT_VERIFY_CHAIN, (ctx: JobContext<AuditChainPayload>) => this.run(ctx));
  }

  async run(ctx: JobContext<AuditChainPayload>): Promise<Record<string, unknown>> {
    const { toSeq, batchSize } = ctx.payload;
    await ctx.progress(ctx.done, toSeq);
    for (let from = ctx.done + 1; from <= toSeq; from += batchSize) {
      const to = Math.min(from + batchSize - 1, toSeq);
      const report = await this.audit.verifyRange(from, to);
      if (!report.intact) {
        const checked = Number(report.firstBrokenSeq) - 1;
        await ctx.progress(checked);
        return { intact: false, checked, firstBrokenSeq: report.firstBrokenSeq, reason: `row ${report.firstBrokenSeq} does not chain to the row before it` };
      }
      await ctx.progress(to);
    }
    const heads = await this.audit.checkHeads();
    // What the signed heads covered: none at all (no checkpoint yet), or rows up to newestSigned.
    const signed = { signedHeadsChecked: heads?.heads ?? 0, newestSignedSeq: heads?.newestSigned ?? null };
    const failure = heads?.failure;
    if (failure) return { intact: false, checked: toSeq, firstBrokenSeq: failure.seq === null ? null : String(failure.seq), reason: failure.reason, ...signed };
    return { intact: true, checked: toSeq, firstBrokenSeq: null, reason: null, ...signed };
  }
}
