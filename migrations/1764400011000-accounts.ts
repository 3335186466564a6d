import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts: token revocation and login throttling.
 *
 * app_user.token_generation is copied into every login token (claim `gen`); a token is valid only
 * while it equals the user's current value, so revoking (and disabling, and any password change)
 * bumps it and every token issued before is refused at once. A counter, not a timestamp compared
 * with `iat`: `iat` has whole seconds, so a timestamp cannot refuse a token issued earlier in the
 * same second as the revocation while accepting a login later in that second.
 *
 * login_throttle keeps failed-login counters shared by every API process and kept across
 * restarts, one row per key: a keyed hash (HMAC) of a normalised email or of a client address,
 * never the value itself, so the table does not list who tried which email.
 */
export class Accounts1764400011000 implements MigrationInterface {
  name = 'Accounts1764400011000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE app_user ADD COLUMN token_generation integer NOT NULL DEFAULT 0;

      CREATE TABLE login_throttle (
        key bytea PRIMARY KEY,
        scope text NOT NULL CHECK (scope IN ('account', 'address')),
        -- Failures since window_started_at (reset when a lock is set or the window has passed).
        failures integer NOT NULL,
        window_started_at timestamptz NOT NULL,
        last_failure_at timestamptz NOT NULL,
        -- Locks set since the key was last quiet for a whole window: the backoff step.
        lockouts integer NOT NULL DEFAULT 0,
        locked_until timestamptz
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE login_throttle;
      ALTER TABLE app_user DROP COLUMN token_generation;
    `);
  }
}
