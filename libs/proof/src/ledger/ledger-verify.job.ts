import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig, type Job, type JobContext, JobsService } from '@app/platform';
import { RECORD_OBLIGATION_FAILURES } from '../obligations/obligation-failures.job';
import { type HeldHeads, LedgerChecksService } from './ledger-checks.service';

export const LEDGER_VERIFY = 'ledger.verify';

/**
 * The heads the caller holds (signed notes), compared with the logs (none for a scheduled run);
 * `checkpoint`: sign a checkpoint of both logs once they themselves verified (the scheduled round).
 */
export type LedgerVerifyPayload = HeldHeads & { checkpoint?: boolean };

/** The lock that lets one API instance of several run the scheduled checkpoint at a time. */
const SCHEDULE_LOCK = `hashtext('leakcase.ledger.schedule')`;

/**
 * The `ledger.verify` job: a full verification of the evidence log and the audit chain
 * (LedgerChecksService.verify), progress in evidence entries. Its result is the
 * LedgerVerification; a failure is also an alert and an error log line. With `checkpoint`, a
 * verification that found both logs themselves intact is followed by a checkpoint, even when some
 * entries' files or rows failed (those stay findings and alerts); a tampered log is never signed.
 */
@Injectable()
export class LedgerVerifyJob implements OnModuleInit {
  constructor(
    private readonly jobs: JobsService,
    private readonly checks: LedgerChecksService,
  ) {}

  onModuleInit(): void {
    this.jobs.register(LEDGER_VERIFY, (ctx: JobContext<LedgerVerifyPayload>) => this.run(ctx), { retryLimit: 1 });
  }

  async run(ctx: JobContext<LedgerVerifyPayload>): Promise<Record<string, unknown>> {
    const result = await this.checks.verify(ctx.payload, (done, total) => ctx.progress(done, total));
    // A missing or changed file (or an edited item row) is a finding about its entry; the tree itself verified and may be signed.
    const signable = result.evidence.logIntact && result.audit.logIntact;
    const checkpointed = ctx.payload.checkpoint && signable ? await this.checks.checkpoint() : null;
    return { ...result, ...(ctx.payload.checkpoint ? { checkpointed: checkpointed !== null } : {}) } as unknown as Record<string, unknown>;
  }
}

/**
 * Every LEDGER_CHECKPOINT_SECONDS (API only; 0 turns it off): queues a `ledger.verify` job that
 * verifies both logs first and only then, when intact, signs and stores a checkpoint of both
 * (written to LEDGER_CHECKPOINT_DIR), and the `obligations.record-failures` job under the operator organisation (the ADMIN follows them with
 * `job(id)`). One instance at a time.
 */
@Injectable()
export class LedgerSchedule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Ledger');
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.config.ledger.checkpointSeconds;
    if (seconds > 0) {
      this.timer = setInterval(() => void this.runOnce().catch((error: Error) => this.logger.error(`scheduled checkpoint failed: ${error.name}`)), seconds * 1000);
      this.timer.unref();
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One scheduled round: queue the jobs (verify, then checkpoint; obligation failures). Null when another instance holds the round or there is no operator organisation. */
  async runOnce(): Promise<{ verify: Job; obligations: Job } | null> {
    return this.dataSource.transaction(async (manager) => {
      const [{ locked }] = await manager.query(`SELECT pg_try_advisory_xact_lock(${SCHEDULE_LOCK}) AS locked`);
      if (!locked) return null;
      const [operator] = await manager.query(`SELECT id FROM organisation WHERE kind = 'OPERATOR' ORDER BY created_at, id LIMIT 1`);
      if (!operator) {
        this.logger.warn('no OPERATOR organisation: the scheduled ledger verification is not queued');
        return null;
      }
      const system = { organisationId: operator.id, userId: null };
      return {
        verify: await this.jobs.enqueue(manager, system, LEDGER_VERIFY, { checkpoint: true } satisfies LedgerVerifyPayload),
        obligations: await this.jobs.enqueue(manager, system, RECORD_OBLIGATION_FAILURES, {}),
      };
    });
  }
}
