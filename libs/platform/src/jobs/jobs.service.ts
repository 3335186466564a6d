import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { PgBoss } from 'pg-boss';
import type { Actor } from '../auth/actor';
import { DomainError, NotFoundError } from '../errors/domain-error';
import { returningRows } from '../database/returning';
import { runWithRequestId } from '../logging/request-context';
import { Job, JobStatus } from './job.model';

/** Who a job belongs to: the organisation that sees it, and the user who queued it (null: the system). */
export type JobOwner = Pick<Actor, 'organisationId'> & { userId: string | null };

/** What a handler sees of its job. */
export interface JobContext<P> {
  id: string;
  organisationId: string;
  payload: P;
  /** Progress recorded by an earlier attempt: where a resumable handler picks up. */
  done: number;
  /**
   * Records progress. Pass the manager of the transaction that did the work, so the work and the
   * checkpoint commit together and a restart neither loses nor repeats a step. Throws
   * JobInterrupted once the server is stopping: the handler must let it through.
   */
  progress(done: number, total?: number | null, manager?: EntityManager): Promise<void>;
}

/** Runs one job kind. Must be resumable from `ctx.done`; returns the result to store (JSON). */
export type JobHandler<P = unknown> = (ctx: JobContext<P>) => Promise<Record<string, unknown>>;

export interface JobKindOptions {
  /** Attempts after the first, on error or after a crash. */
  retryLimit?: number;
  /** Longest an attempt may run before it is failed and retried. */
  expireInSeconds?: number;
}

/** Thrown by `progress()` while the server stops: the job goes back to the queue at its last checkpoint. */
export class JobInterrupted extends Error {
  constructor() {
    super('The server is stopping');
    this.name = 'JobInterrupted';
  }
}

interface JobRow {
  id: string;
  kind: string;
  status: JobStatus;
  organisation_id: string;
  payload: unknown;
  progress_done: string;
  progress_total: string | null;
  attempts: number;
  error: string | null;
  result: unknown;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

/**
 * How often a worker looks for due jobs besides being woken by NOTIFY: retries and jobs of a
 * dead server become due without a notification (pg-boss would wait 30 s with NOTIFY on).
 */
const WORKER_POLL_SECONDS = 2;

/**
 * The session advisory lock (with the job's id as second key) held by whoever runs a job, on a
 * connection of its own for the whole run: a worker and the CLI's runNow can both be handed the
 * same job, and only the holder runs it. A process that dies loses its connection and so the
 * lock, and the job's retry can take it at once.
 */
const JOB_LOCK = `hashtext('leakcase.job')`;

/** How often a process waiting for another's run of a job looks again (ms). */
const CLAIM_POLL_MS = 250;

/**
 * Durable jobs on pg-boss: our `job` table holds what users see (status, progress, result,
 * organisation) and pg-boss delivers the work, with heartbeats so that a job whose server died
 * is retried on another (or the restarted) server. pg-boss keeps its own schema `pgboss`,
 * created and migrated by pg-boss itself.
 */
@Injectable()
export class JobsService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private readonly handlers = new Map<string, { handler: JobHandler<never>; options: JobKindOptions }>();
  private boss?: PgBoss;
  private working = false;
  private stopping = false;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Registers the handler of a job kind; libraries call this in onModuleInit. */
  register<P>(kind: string, handler: JobHandler<P>, options: JobKindOptions = {}): void {
    this.handlers.set(kind, { handler: handler as JobHandler<never>, options });
  }

  /** Connects to the queue (creating pg-boss's schema on first use) and the kinds' queues. */
  async start(options: { url: string; heartbeatSeconds: number; superviseSeconds: number; work: boolean }): Promise<void> {
    const { PgBoss } = await import('pg-boss');
    const boss = new PgBoss({
      connectionString: options.url,
      max: 4,
      superviseIntervalSeconds: options.superviseSeconds,
      monitorIntervalSeconds: options.superviseSeconds,
      application_name: 'leakcase-jobs',
      // Workers wake on a new job at once (LISTEN/NOTIFY) instead of at their next poll: an
      // upload waiting for its enrolment job answers sooner. Polling stays as the fallback.
      useListenNotify: options.work,
    });
    boss.on('error', (error: Error) => this.logger.error(`queue error: ${error.name}: ${error.message}`));
    await boss.start();
    for (const [kind, { options: kindOptions }] of this.handlers) {
      await boss.createQueue(kind, {
        retryLimit: kindOptions.retryLimit ?? 3,
        retryDelay: 5,
        retryBackoff: true,
        expireInSeconds: kindOptions.expireInSeconds ?? 24 * 3600,
        heartbeatSeconds: options.heartbeatSeconds,
        notify: true,
      });
    }
    this.boss = boss;
    if (!options.work) return;
    this.working = true;
    for (const kind of this.handlers.keys()) {
      await boss.work(kind, { batchSize: 1, notifyPollingIntervalSeconds: WORKER_POLL_SECONDS }, async ([job]) => this.execute(job.id, kind));
    }
  }

  /**
   * Before the shutdown hooks, as TypeORM closes its pool in its own and a running job needs it.
   * A running job stops at its next checkpoint and goes back to the queue (resumed by the next
   * start from there); pg-boss waits up to 10 s for it before closing its pool.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.boss?.stop({ graceful: this.working, timeout: 10_000 });
  }

  /**
   * Queues a job in the caller's transaction: the job row and the queue entry commit together.
   * The payload must not contain personal data (it is stored as it is). A job the system starts
   * itself (a scheduled check) has no user: `userId` null, under the operator organisation.
   */
  async enqueue(manager: EntityManager, actor: JobOwner, kind: string, payload: Record<string, unknown>): Promise<Job> {
    if (!this.boss) throw new Error('The job queue is not started');
    if (!this.handlers.has(kind)) throw new Error(`No handler for job kind ${kind}`);
    const [row]: JobRow[] = await manager.query(
      `INSERT INTO job (kind, organisation_id, created_by, payload) VALUES ($1, $2, $3, $4) RETURNING *`,
      [kind, actor.organisationId, actor.userId, JSON.stringify(payload)],
    );
    await this.boss.send(kind, { jobId: row.id }, {
      id: row.id,
      db: { executeSql: async (text: string, values?: unknown[]) => ({ rows: await manager.query(text, values) }) },
    });
    return toJob(row);
  }

  /** A job of the caller's organisation; NOT_FOUND for anyone else's. */
  async get(actor: Pick<Actor, 'organisationId'>, id: string): Promise<Job> {
    const [row]: JobRow[] = await this.dataSource.query(
      `SELECT * FROM job WHERE id = $1 AND organisation_id = $2`,
      [id, actor.organisationId],
    );
    if (!row) throw new NotFoundError('Job', id);
    return toJob(row);
  }

  /**
   * Runs a queued job in this process now, exactly as a worker would (status, attempts, progress,
   * result), for the CLI, which has no worker. When a worker already runs it (the API on the same
   * database took it), waits for that run instead: a job is run by one process at a time. Its
   * queue entry stays: a worker that takes it later finds it COMPLETED and does nothing. Throws
   * the job's error (a worker's run: an Error with the job's stored message).
   */
  async runNow(id: string): Promise<void> {
    const [row]: JobRow[] = await this.dataSource.query(`SELECT kind FROM job WHERE id = $1`, [id]);
    if (!row) throw new NotFoundError('Job', id);
    await this.execute(id, row.kind);
    const [after]: JobRow[] = await this.dataSource.query(`SELECT status, error FROM job WHERE id = $1`, [id]);
    if (after.status === JobStatus.FAILED) throw new Error(`Job ${id} failed: ${after.error}`);
  }

  /** Waits (polling every 200 ms) until a job is COMPLETED or FAILED, or `timeoutMs` passes; returns its status. */
  async waitFor(id: string, timeoutMs: number): Promise<JobStatus> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [row]: JobRow[] = await this.dataSource.query(`SELECT status FROM job WHERE id = $1`, [id]);
      if (!row || row.status === JobStatus.COMPLETED || row.status === JobStatus.FAILED || Date.now() >= deadline) return row?.status;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /**
   * Takes JOB_LOCK for job `id` on a connection of its own, waiting while another process holds
   * it; null once the job is COMPLETED or FAILED (by that other run: there is nothing left to do).
   * Throws JobInterrupted when this server stops while waiting, so pg-boss retries the job later.
   */
  private async claim(id: string): Promise<QueryRunner | null> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      for (;;) {
        const [{ locked }] = await runner.query(`SELECT pg_try_advisory_lock(${JOB_LOCK}, hashtext($1)) AS locked`, [id]);
        if (locked) return runner;
        const [row]: JobRow[] = await runner.query(`SELECT status FROM job WHERE id = $1`, [id]);
        if (!row || row.status === JobStatus.COMPLETED || row.status === JobStatus.FAILED) break;
        if (this.stopping) throw new JobInterrupted();
        await new Promise((r) => setTimeout(r, CLAIM_POLL_MS));
      }
    } catch (error) {
      await runner.release();
      throw error;
    }
    await runner.release();
    return null;
  }

  private async execute(id: string, kind: string): Promise<void> {
    const entry = this.handlers.get(kind);
    if (!entry) throw new Error(`No handler for job kind ${kind}`);
    const lock = await this.claim(id);
    if (!lock) return;
    try {
      await this.attempt(id, kind, entry);
    } finally {
      // Releasing the connection would leave the lock held by the pool's idle session.
      await lock.query(`SELECT pg_advisory_unlock(${JOB_LOCK}, hashtext($1))`, [id]).finally(() => lock.release());
    }
  }

  /** One attempt at job `id`, under its JOB_LOCK. */
  private async attempt(id: string, kind: string, entry: { handler: JobHandler<never>; options: JobKindOptions }): Promise<void> {
    // A final failure is not run again (runNow after a worker's last attempt failed).
    const [row] = await returningRows<JobRow>(
      this.dataSource.manager,
      `UPDATE job SET status = 'RUNNING', attempts = attempts + 1, started_at = coalesce(started_at, now()),
              error = NULL, updated_at = now()
        WHERE id = $1 AND status NOT IN ('COMPLETED', 'FAILED') RETURNING *`,
      [id],
    );
    if (!row) return; // already finished by an earlier attempt: finish once
    const ctx: JobContext<never> = {
      id,
      organisationId: row.organisation_id,
      payload: row.payload as never,
      done: Number(row.progress_done),
      progress: async (done, total, manager) => {
        if (this.stopping) throw new JobInterrupted();
        await (manager ?? this.dataSource.manager)
          .query(
            `UPDATE job SET progress_done = $2, progress_total = coalesce($3, progress_total), updated_at = now() WHERE id = $1`,
            [id, done, total ?? null],
          );
      },
    };
    try {
      const result = await runWithRequestId(`job:${id}`, () => entry.handler(ctx));
      await this.dataSource.query(
        `UPDATE job SET status = 'COMPLETED', result = $2, finished_at = now(), updated_at = now()
          WHERE id = $1 AND status <> 'COMPLETED'`,
        [id, JSON.stringify(result)],
      );
    } catch (error) {
      if (error instanceof JobInterrupted) {
        const [queued] = await returningRows<JobRow>(
          this.dataSource.manager,
          `UPDATE job SET status = 'QUEUED', updated_at = now() WHERE id = $1 RETURNING *`,
          [id],
        );
        this.logger.log(`job ${id} (${kind}) handed back at ${queued?.progress_done} for the next start`);
        throw error; // pg-boss retries it (the next start takes it)
      }
      // Only our own errors have messages fit to show; anything else may carry data.
      const message = error instanceof DomainError ? error.message : 'Internal error; see the server log';
      const retryLimit = entry.options.retryLimit ?? 3;
      const final = Number(row.attempts) > retryLimit;
      this.logger.error(`job ${id} (${kind}) attempt ${row.attempts} failed: ${(error as Error).name}`);
      await this.dataSource.query(
        `UPDATE job SET status = $2::job_status, error = $3,
                finished_at = CASE WHEN $2::job_status = 'FAILED' THEN now() END,
                updated_at = now() WHERE id = $1`,
        [id, final ? JobStatus.FAILED : JobStatus.QUEUED, message],
      );
      throw error;
    }
  }
}

function toJob(row: JobRow): Job {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    done: Number(row.progress_done),
    total: row.progress_total === null ? null : Number(row.progress_total),
    attempts: row.attempts,
    error: row.error,
    result: row.result === null ? null : JSON.stringify(row.result),
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}
