import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type Actor, type JobContext, JobsService } from '@app/platform';
import { MatchingRepository } from './matching.repository';

export const MATCH_DATASET = 'datasets.match';
export const MATCH_NEW_CLAIMANTS = 'claimants.match-new';

/**
 * The matching jobs. `datasets.match` runs after a dataset upload completes; `claimants.match-new`
 * after enrolments, against every dataset already imported. Each dataset is matched in its own
 * transaction with its checkpoint, so a restarted job resumes at the next dataset.
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
    this.jobs.register(MATCH_NEW_CLAIMANTS, (ctx: JobContext<Record<string, never>>) => this.matchAll(ctx));
  }

  /**
   * Queues a rematch after enrolments, unless no dataset exists yet or one is already queued
   * (a queued run will see these enrolments too).
   */
  async queueRematch(manager: EntityManager, actor: Actor): Promise<void> {
    const [{ needed }] = await manager.query(
      `SELECT EXISTS (SELECT 1 FROM seized_dataset WHERE status = 'COMPLETE')
              AND NOT EXISTS (SELECT 1 FROM job WHERE kind = $1 AND status = 'QUEUED') AS needed`,
      [MATCH_NEW_CLAIMANTS],
    );
    if (needed) await this.jobs.enqueue(manager, actor, MATCH_NEW_CLAIMANTS, {});
  }

  private async matchOne(ctx: JobContext<{ datasetId: string }>): Promise<Record<string, unknown>> {
    if (ctx.done >= 1) {
      const [row] = await this.dataSource.query(`SELECT matched_claimants, unmatched_rows FROM seized_dataset WHERE id = $1`, [ctx.payload.datasetId]);
      return { datasetId: ctx.payload.datasetId, matchedClaimants: Number(row.matched_claimants), unmatchedRows: Number(row.unmatched_rows) };
    }
    return this.dataSource.transaction(async (manager) => {
      const outcome = await this.matching.matchDataset(manager, ctx.payload.datasetId);
      await ctx.progress(1, 1, manager);
      return { datasetId: ctx.payload.datasetId, ...outcome };
    });
  }

  private async matchAll(ctx: JobContext<Record<string, never>>): Promise<Record<string, unknown>> {
    const ids = await this.matching.completedDatasetIds(this.dataSource.manager);
    let changed = 0;
    for (let i = ctx.done; i < ids.length; i++) {
      changed += await this.dataSource.transaction(async (manager) => {
        const outcome = await this.matching.matchDataset(manager, ids[i]);
        await ctx.progress(i + 1, ids.length, manager);
        return outcome.changedExposures;
      });
    }
    return { datasets: ids.length, changedExposures: changed };
  }
}
