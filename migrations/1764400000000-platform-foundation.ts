import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Organisations, users and roles; the append-only, hash-chained audit log; the job table.
 * No extensions: gen_random_uuid() and sha256() are built into PostgreSQL 13+.
 */
export class PlatformFoundation1764400000000 implements MigrationInterface {
  name = 'PlatformFoundation1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TYPE organisation_kind AS ENUM
        ('PROCURATORATE', 'CONSUMER_ASSOCIATION', 'DESIGNATED_ORGANISATION', 'COURT', 'OPERATOR');
      CREATE TYPE administrative_level AS ENUM ('NATIONAL', 'PROVINCIAL', 'PREFECTURAL', 'COUNTY');
      CREATE TYPE user_role AS ENUM ('PROCURATOR', 'ASSOCIATION_STAFF', 'JUDGE', 'ADMIN');

      CREATE TABLE organisation (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        kind organisation_kind NOT NULL,
        level administrative_level,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT organisation_name_key UNIQUE (name)
      );
      CREATE INDEX organisation_kind_idx ON organisation (kind, name);

      CREATE TABLE app_user (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL,
        display_name text NOT NULL,
        password_hash text NOT NULL,
        role user_role NOT NULL,
        organisation_id uuid NOT NULL REFERENCES organisation (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        disabled_at timestamptz
      );
      CREATE UNIQUE INDEX app_user_email_key ON app_user (lower(email));
      CREATE INDEX app_user_organisation_idx ON app_user (organisation_id);
    `);

    // The audit log. seq is assigned inside the trigger under a transaction-scoped advisory lock,
    // so the chain order is the commit order and has no gaps; each row's hash covers the previous
    // row's hash, so editing or deleting a row breaks every later link.
    await q.query(`
      CREATE TABLE audit_event (
        seq bigint PRIMARY KEY,
        id uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        actor_id uuid,
        organisation_id uuid,
        case_id uuid,
        action text NOT NULL,
        subject_type text NOT NULL,
        subject_id text,
        request_id text,
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        prev_hash bytea,
        hash bytea NOT NULL
      );
      CREATE INDEX audit_event_organisation_idx ON audit_event (organisation_id, seq);
      CREATE INDEX audit_event_subject_idx ON audit_event (subject_type, subject_id, seq);
      CREATE INDEX audit_event_action_idx ON audit_event (action, seq);
      CREATE INDEX audit_event_actor_idx ON audit_event (actor_id, seq);
      CREATE INDEX audit_event_case_idx ON audit_event (case_id, seq) WHERE case_id IS NOT NULL;

      -- The one definition of an audit row's digest, used when writing and when verifying.
      CREATE FUNCTION audit_event_digest(
        prev_hash bytea, seq bigint, occurred_at timestamptz, actor_id uuid, organisation_id uuid,
        case_id uuid, action text, subject_type text, subject_id text, request_id text, details jsonb
      ) RETURNS bytea LANGUAGE sql STABLE AS $$
        SELECT sha256(coalesce(prev_hash, '\\x'::bytea) || convert_to(jsonb_build_array(
          seq, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
          actor_id, organisation_id, case_id, action, subject_type, subject_id, request_id, details
        )::text, 'UTF8'))
      $$;

      CREATE FUNCTION audit_event_chain() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        last record;
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtext('leakcase.audit_event_chain'));
        SELECT a.seq, a.hash INTO last FROM audit_event a ORDER BY a.seq DESC LIMIT 1;
        NEW.seq := coalesce(last.seq, 0) + 1;
        NEW.prev_hash := last.hash;
        NEW.hash := audit_event_digest(NEW.prev_hash, NEW.seq, NEW.occurred_at, NEW.actor_id,
          NEW.organisation_id, NEW.case_id, NEW.action, NEW.subject_type, NEW.subject_id, NEW.request_id, NEW.details);
        RETURN NEW;
      END $$;
      CREATE TRIGGER audit_event_chain BEFORE INSERT ON audit_event
        FOR EACH ROW EXECUTE FUNCTION audit_event_chain();

      CREATE FUNCTION audit_event_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
        FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change();
      CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
        FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_change();
    `);

    await q.query(`
      CREATE TYPE job_status AS ENUM ('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED');
      CREATE TABLE job (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL,
        status job_status NOT NULL DEFAULT 'QUEUED',
        organisation_id uuid NOT NULL REFERENCES organisation (id),
        created_by uuid REFERENCES app_user (id),
        payload jsonb NOT NULL DEFAULT '{}'::jsonb,
        progress_done bigint NOT NULL DEFAULT 0,
        progress_total bigint,
        attempts integer NOT NULL DEFAULT 0,
        error text,
        result jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX job_organisation_idx ON job (organisation_id, created_at DESC, id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE job; DROP TYPE job_status;
      DROP TABLE audit_event;
      DROP FUNCTION audit_event_refuse_change(); DROP FUNCTION audit_event_chain();
      DROP FUNCTION audit_event_digest(bytea, bigint, timestamptz, uuid, uuid, uuid, text, text, text, text, jsonb);
      DROP TABLE app_user; DROP TABLE organisation;
      DROP TYPE user_role; DROP TYPE administrative_level; DROP TYPE organisation_kind;
    `);
  }
}
