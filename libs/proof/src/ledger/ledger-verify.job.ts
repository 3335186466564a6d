import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig, type Job, type JobContext, JobsService } from '@app/platform';
import { RECORD_OBLIGATION_FAILURES } from '../obligations/obligation-failures.job';
import { type HeldHeads, LedgerChecksService } from './ledger-checks.service';

export const LEDGER_VERIFY = 'ledger.verify';

/** The heads the caller holds (signed notes), compared with the logs; none for a scheduled run. */
export type LedgerVerifyPayload = HeldHeads;

/** The lock that lets one API instance of several run the scheduled checkpoint at a time. */
const SCHEDULE_LOCK = `hashtext('leakcase.ledger.schedule')`;

/**
 * The `ledger.verify` job: a full verification of the evidence log and the audit chain
 * (LedgerChecksService.verify), progress in evidence entries. Its result is the
 * LedgerVerification; a failure is also an alert and an error log line.
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
    return result as unknown as Record<string, unknown>;
  }
}

/**
 * Every LEDGER_CHECKPOINT_SECONDS (API only; 0 turns it off): signs and stores a checkpoint of
 * both logs (written to LEDGER_CHECKPOINT_DIR), then queues a `ledger.verify` job and the
 * `obligations.record-failures` job under the operator organisation (the ADMIN follows them with
 * `job(id)`). One instance at a time.
 */
@Injectable()
export class LedgerSchedule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Ledger');
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly checks: LedgerChecksService,
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

  /** One scheduled round: checkpoint, then queue the jobs. Null when another instance holds the round or there is no operator organisation. */
  async runOnce(): Promise<{ verify: Job; obligations: Job } | null> {
    return this.dataSource.transaction(async (manager) => {
      const [{ locked }] = await manager.query(`SELECT pg_try_advisory_xact_lock(${SCHEDULE_LOCK}) AS locked`);
      if (!locked) return null;
      const [operator] = await manager.query(`SELECT id FROM organisation WHERE kind = 'OPERATOR' ORDER BY created_at, id LIMIT 1`);
      await this.checks.checkpoint();
      if (!operator) {
        this.logger.warn('no OPERATOR organisation: the scheduled ledger verification is not queued');
        return null;
      }
      const system = { organisationId: operator.id, userId: null };
      return {
        verify: await this.jobs.enqueue(manager, system, LEDGER_VERIFY, {}),
        obligations: await this.jobs.enqueue(manager, system, RECORD_OBLIGATION_FAILURES, {}),
      };
    });
  }
}
