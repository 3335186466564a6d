import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig, type LoginThrottleConfig } from '../config/config';

/**
 * How long each successive lock of one key lasts, in seconds: `lockSeconds`, doubling, up to and
 * ending with `maxLockSeconds` (every lock after the last step lasts `maxLockSeconds`).
 * E.g. (60, 900) → [60, 120, 240, 480, 900].
 */
export function lockSchedule(lockSeconds: number, maxLockSeconds: number): number[] {
  const steps: number[] = [];
  for (let seconds = lockSeconds; seconds < maxLockSeconds; seconds *= 2) steps.push(seconds);
  steps.push(maxLockSeconds);
  return steps;
}

/** The form of an email that throttling and login compare: trimmed, lower case. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The throttle keys of one attempt: keyed hashes (32 bytes) of the email and of the client address. */
export interface ThrottleKeys {
  account: Buffer;
  address?: Buffer;
}

/** What counting one failure left behind. */
export interface FailureCount {
  /** Failures of the account key in its current window (0 right after a lock was set). */
  accountFailures: number;
  /** True when the account or the address is now locked. */
  locked: boolean;
}

/**
 * Failed-login counters in PostgreSQL (table login_throttle), shared by every API process.
 * A key is locked after too many failures in a window; the lock expires on its own, so an
 * attacker can delay a real user but never shut them out for good. Keys are HMACs under a key
 * derived from JWT_SECRET: neither the table nor the audit log holds an email or an address,
 * and whoever lacks the secret cannot test a guessed email against them.
 */
@Injectable()
export class LoginThrottle {
  private readonly secret: Buffer;
  private readonly limits: LoginThrottleConfig;
  private readonly schedule: number[];

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    this.secret = createHmac('sha256', config.jwtSecret).update('leakcase:login-throttle').digest();
    this.limits = config.loginThrottle;
    this.schedule = lockSchedule(config.loginThrottle.lockSeconds, config.loginThrottle.maxLockSeconds);
  }

  /** The keys of an attempt on `email` (any case) from `address` (absent when unknown). */
  keys(email: string, address: string | undefined): ThrottleKeys {
    const key = (scope: string, value: string) => createHmac('sha256', this.secret).update(`${scope}:${value}`).digest();
    return { account: key('account', normaliseEmail(email)), address: address ? key('address', address) : undefined };
  }

  /** Whole seconds until every lock on `keys` has expired; 0 when none is locked. */
  async retryAfterSeconds(keys: ThrottleKeys): Promise<number> {
    const [{ seconds }] = await this.dataSource.query(
      `SELECT ceil(extract(epoch FROM max(locked_until) - now()))::int AS seconds
         FROM login_throttle WHERE key = ANY($1) AND locked_until > now()`,
      [keyList(keys)],
    );
    return seconds ?? 0;
  }

  /**
   * Counts one failure on each key, in `manager`'s transaction, one atomic statement. A key's
   * failures count within a window that starts at its first failure; reaching the scope's limit
   * sets a lock for the next step of the schedule and restarts the count. A key quiet for a whole
   * window (no failure, no lock) starts again from the first step.
   */
  async recordFailure(manager: EntityManager, keys: ThrottleKeys): Promise<FailureCount> {
    const scopes = keys.address ? ['account', 'address'] : ['account'];
    const rows: { scope: string; failures: number; locked: boolean }[] = await manager.query(
      `INSERT INTO login_throttle AS t (key, scope, failures, window_started_at, last_failure_at)
       SELECT key, scope, 1, now(), now() FROM unnest($1::bytea[], $2::text[]) AS k (key, scope)
        ORDER BY key -- concurrent attempts lock the same rows in the same order
       ON CONFLICT (key) DO UPDATE SET (failures, window_started_at, last_failure_at, lockouts, locked_until) = (
         SELECT CASE WHEN s.locks THEN 0 ELSE s.failures END,
                CASE WHEN s.in_window AND NOT s.locks THEN t.window_started_at ELSE now() END,
                now(),
                s.lockouts + s.locks::int,
                CASE WHEN s.locks
                     THEN now() + make_interval(secs => ($5::int[])[least(s.lockouts + 1, cardinality($5::int[]))])
                     ELSE t.locked_until END
           FROM (SELECT c.*, c.failures >= CASE t.scope WHEN 'account' THEN $3::int ELSE $4::int END AS locks
                   FROM (SELECT w.in_window,
                                CASE WHEN w.in_window THEN t.failures + 1 ELSE 1 END AS failures,
                                CASE WHEN w.quiet THEN 0 ELSE t.lockouts END AS lockouts
                           FROM (SELECT t.window_started_at > now() - make_interval(secs => $6) AS in_window,
                                        greatest(t.last_failure_at, t.locked_until) <= now() - make_interval(secs => $6) AS quiet) w
                        ) c
                ) s
       )
       RETURNING scope, failures, coalesce(locked_until > now(), false) AS locked`,
      [keyList(keys), scopes, this.limits.maxFailures, this.limits.maxFailuresPerAddress, this.schedule, this.limits.windowSeconds],
    );
    return { accountFailures: rows.find((r) => r.scope === 'account')!.failures, locked: rows.some((r) => r.locked) };
  }

  /** Forgets an account's failures and locks (after a successful login), in `manager`'s transaction. */
  async reset(manager: EntityManager, keys: ThrottleKeys): Promise<void> {
    await manager.query(`DELETE FROM login_throttle WHERE key = $1`, [keys.account]);
  }
}

function keyList(keys: ThrottleKeys): Buffer[] {
  return keys.address ? [keys.account, keys.address] : [keys.account];
}
