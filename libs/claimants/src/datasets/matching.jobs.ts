import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type Actor, type JobContext, JobsService } from '@app/platform';
import { MatchingRepository } from './matching.repository';

export const MATCH_DATASET = 'datasets.match';
export const MATCH_NEW_CLAIMANTS = 'claimants.match-new';

/** Pending enrolments matched per transaction (and checkpoint) by `claimants.match-new`. */
export const MATCH_NEW_BATCH = 10_000;

/**
 * The matching jobs. `datasets.match` runs after a dataset upload completes: it matches the
 * pending enrolments against the datasets matched before, then the whole dataset against every
 * enrolment, in one transaction, then indexes the dataset's partition. `claimants.match-new`
 * runs after enrolments: it matches the pending enrolments, batch by batch, against the datasets
 * already matched. The pending list is the checkpoint: a batch and its removal from the list
 * commit together, so a restarted job resumes with the enrolments not yet matched.
 */
@Injectable()
export class MatchingJobs implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobsService,
    private readonly matching: MatchingRepository,
  ) {}

  onModuleInit(): void {
    this.jobs.register(MATCH_DATASET, (ctx: JobContext<{ datasetId: string }>) => this.matchOne(ctx));
    this.jobs.register(MATCH_NEW_CLAIMANTS, (ctx: JobContext<Record<string, never>>) => this.matchNew(ctx));
  }

  /**
   * Queues the matching of new enrolments, in the enrolling transaction `manager`, after its
   * enrolments are inserted (the enrolments themselves are listed as pending by the database).
   * Nothing is queued when no dataset is complete yet (each is matched in full when it is), nor
   * when a queued job exists: that job is locked until this transaction ends, so it cannot start
   * before these enrolments are committed and will match them.
   */
  async queueRematch(manager: EntityManager, actor: Actor): Promise<void> {
    const [{ datasets }] = await manager.query(`SELECT EXISTS (SELECT 1 FROM seized_dataset WHERE status = 'COMPLETE') AS datasets`);
    if (!datasets) return;
    const queued = await manager.query(`SELECT id FROM job WHERE kind = $1 AND status = 'QUEUED' LIMIT 1 FOR SHARE`, [MATCH_NEW_CLAIMANTS]);
    if (!queued.length) await this.jobs.enqueue(manager, actor, MATCH_NEW_CLAIMANTS, {});
  }

  private async matchOne(ctx: JobContext<{ datasetId: string }>): Promise<Record<string, unknown>> {
    const { datasetId } = ctx.payload;
    if (ctx.done < 1) {
      await this.matching.exclusively(async (manager) => {
        // The dataset's counts then account for every enrolment, and none is left pending.
        await this.matching.matchPendingEnrolments(manager, null);
        await this.matching.matchDataset(manager, datasetId);
        await ctx.progress(1, 2, manager);
      });
    }
    if (ctx.done < 2) {
      // After the counts are out: only matching later enrolments uses these (scanning the
      // partition until they exist), and building them costs about as much as the match.
      await this.dataSource.transaction(async (manager) => {
        await this.matching.indexDataset(manager, datasetId);
        await ctx.progress(2, 2, manager);
      });
    }
    // No counts in the result: they cover every organisation's enrolments, and the uploader would
    // learn from them whether a person in its file is enrolled elsewhere. exposureCounts gives each
    // caller the figures of its own view.
    return { datasetId };
  }

  private async matchNew(ctx: JobContext<Record<string, never>>): Promise<Record<string, unknown>> {
    let enrolments = ctx.done;
    let changed = 0;
    for (;;) {
      const batch = await this.matching.exclusively(async (manager) => {
        const outcome = await this.matching.matchPendingEnrolments(manager, MATCH_NEW_BATCH);
        if (outcome.enrolments) await ctx.progress(enrolments + outcome.enrolments, null, manager);
        return outcome;
      });
      if (!batch.enrolments) break;
      enrolments += batch.enrolments;
      changed += batch.changedExposures;
    }
    return { enrolments, changedExposures: changed };
  }
}
