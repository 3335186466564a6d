import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Classes of a case (members who share one leak source), their members with the facts the
 * judge reviews (snapshotted at formation, refreshed by re-forming), the review decisions, the
 * elected representatives, and a tally of members per combination of reviewed facts.
 *
 * Every class table carries `class_id` first in its key: the distribution column under Citus.
 *
 * class_tally is maintained by statement-level triggers with transition tables, so every change
 * of class_member (formation INSERT, bulk UPDATE by filter, single decision) adjusts the tally in
 * the same statement, set-based: the composition of a class reads a handful of tally rows
 * instead of scanning its members, and stays near-constant from 10 thousand to 1 million.
 * class_loss_bucket counts the current members' losses per logarithmic bucket the same way, so
 * the exact median is a walk inside one bucket rather than through half the losses.
 */
export class Classes1764400003000 implements MigrationInterface {
  name = 'Classes1764400003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TYPE class_status AS ENUM ('OPEN', 'CERTIFIED', 'REFUSED');
      CREATE TYPE class_member_state AS ENUM ('PROPOSED', 'ADMITTED', 'EXCLUDED', 'OPTED_OUT', 'REGISTERED');
      CREATE TYPE class_subclass AS ENUM ('SENSITIVE_DATA', 'FINANCIAL_LOSS', 'ORDINARY');
      CREATE TYPE review_decision_kind AS ENUM
        ('FORM', 'REFORM', 'ADMIT', 'EXCLUDE', 'OPT_OUT', 'REGISTER', 'REASSIGN_SUBCLASS',
         'CERTIFY', 'REFUSE_CERTIFICATION', 'REOPEN', 'ELECT_REPRESENTATIVES');

      CREATE TABLE case_class (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL REFERENCES legal_case (id),
        name text NOT NULL,
        definition text NOT NULL,
        -- Which exposure bases make a claimant a candidate (re-forming uses the same).
        bases exposure_basis[] NOT NULL CHECK (cardinality(bases) > 0),
        status class_status NOT NULL DEFAULT 'OPEN',
        status_reason text,
        created_by uuid NOT NULL REFERENCES app_user (id),
        organisation_id uuid NOT NULL REFERENCES organisation (id),
        formed_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX case_class_case_idx ON case_class (case_id, created_at, id);

      -- The incidents the plaintiff side argues are one leak source.
      CREATE TABLE class_incident (
        class_id uuid NOT NULL REFERENCES case_class (id),
        incident_id uuid NOT NULL REFERENCES leak_incident (id),
        PRIMARY KEY (class_id, incident_id)
      );
      CREATE INDEX class_incident_incident_idx ON class_incident (incident_id, class_id);

      CREATE TABLE class_member (
        class_id uuid NOT NULL REFERENCES case_class (id),
        claimant_id uuid NOT NULL REFERENCES claimant (id),
        case_id uuid NOT NULL,
        state class_member_state NOT NULL DEFAULT 'PROPOSED',
        state_reason text,
        state_changed_at timestamptz,
        subclass class_subclass NOT NULL,
        -- Set when someone reassigned the subclass by hand: re-forming keeps it.
        subclass_reason text,
        -- Facts snapshotted from exposures and harm declarations at formation / re-formation.
        bases exposure_basis[] NOT NULL,
        verified boolean NOT NULL,
        data_categories data_category[] NOT NULL,
        harm_types harm_type[] NOT NULL,
        declared_loss_fen bigint CHECK (declared_loss_fen > 0),
        -- Logarithmic bucket of the loss (about 1.6 % wide), monotonic in the amount: the median
        -- is found by bucket counts first, then a short walk inside one bucket.
        loss_bucket integer GENERATED ALWAYS AS (floor(ln(declared_loss_fen::double precision) * 64)::integer) STORED,
        has_evidence boolean NOT NULL,
        evidence_outside_window boolean NOT NULL,
        joined_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (class_id, claimant_id)
      );
      -- Bulk decisions by filter (state, subclass, verified) and filtered member lists.
      CREATE INDEX class_member_state_idx ON class_member (class_id, state, subclass, claimant_id);
      -- Anomaly lists (keyset on claimant_id), small partial indexes: anomalies are rare.
      CREATE INDEX class_member_unverified_idx ON class_member (class_id, claimant_id) WHERE NOT verified;
      CREATE INDEX class_member_no_evidence_idx ON class_member (class_id, claimant_id) WHERE NOT has_evidence;
      CREATE INDEX class_member_window_idx ON class_member (class_id, claimant_id) WHERE evidence_outside_window;
      -- Duplicates across classes: the other classes of a claimant.
      CREATE INDEX class_member_claimant_idx ON class_member (claimant_id, class_id);
      -- Median and maximum declared loss of the current members: an index-only walk within one bucket.
      CREATE INDEX class_member_loss_idx ON class_member (class_id, loss_bucket, declared_loss_fen)
        WHERE declared_loss_fen IS NOT NULL AND state IN ('PROPOSED', 'ADMITTED', 'REGISTERED');

      CREATE TABLE class_tally (
        class_id uuid NOT NULL,
        state class_member_state NOT NULL,
        subclass class_subclass NOT NULL,
        bases exposure_basis[] NOT NULL,
        data_categories data_category[] NOT NULL,
        harm_types harm_type[] NOT NULL,
        has_evidence boolean NOT NULL,
        members bigint NOT NULL,
        loss_members bigint NOT NULL,
        loss_sum_fen numeric NOT NULL,
        PRIMARY KEY (class_id, state, subclass, bases, data_categories, harm_types, has_evidence)
      );

      -- Current members with a declared loss, per loss bucket (kept by the same triggers).
      CREATE TABLE class_loss_bucket (
        class_id uuid NOT NULL,
        bucket integer NOT NULL,
        members bigint NOT NULL,
        PRIMARY KEY (class_id, bucket)
      );

      CREATE FUNCTION class_tally_apply() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
          INSERT INTO class_tally AS t
          SELECT class_id, state, subclass, bases, data_categories, harm_types, has_evidence,
                 -count(*), -count(declared_loss_fen), -coalesce(sum(declared_loss_fen), 0)
            FROM old_rows GROUP BY 1, 2, 3, 4, 5, 6, 7
          ON CONFLICT (class_id, state, subclass, bases, data_categories, harm_types, has_evidence) DO UPDATE
            SET members = t.members + EXCLUDED.members, loss_members = t.loss_members + EXCLUDED.loss_members,
                loss_sum_fen = t.loss_sum_fen + EXCLUDED.loss_sum_fen;
          INSERT INTO class_loss_bucket AS b
          SELECT class_id, loss_bucket, -count(*) FROM old_rows
           WHERE loss_bucket IS NOT NULL AND state IN ('PROPOSED', 'ADMITTED', 'REGISTERED') GROUP BY 1, 2
          ON CONFLICT (class_id, bucket) DO UPDATE SET members = b.members + EXCLUDED.members;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
          INSERT INTO class_tally AS t
          SELECT class_id, state, subclass, bases, data_categories, harm_types, has_evidence,
                 count(*), count(declared_loss_fen), coalesce(sum(declared_loss_fen), 0)
            FROM new_rows GROUP BY 1, 2, 3, 4, 5, 6, 7
          ON CONFLICT (class_id, state, subclass, bases, data_categories, harm_types, has_evidence) DO UPDATE
            SET members = t.members + EXCLUDED.members, loss_members = t.loss_members + EXCLUDED.loss_members,
                loss_sum_fen = t.loss_sum_fen + EXCLUDED.loss_sum_fen;
          INSERT INTO class_loss_bucket AS b
          SELECT class_id, loss_bucket, count(*) FROM new_rows
           WHERE loss_bucket IS NOT NULL AND state IN ('PROPOSED', 'ADMITTED', 'REGISTERED') GROUP BY 1, 2
          ON CONFLICT (class_id, bucket) DO UPDATE SET members = b.members + EXCLUDED.members;
        END IF;
        RETURN NULL;
      END $$;
      CREATE TRIGGER class_member_tally_insert AFTER INSERT ON class_member
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION class_tally_apply();
      CREATE TRIGGER class_member_tally_update AFTER UPDATE ON class_member
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION class_tally_apply();
      CREATE TRIGGER class_member_tally_delete AFTER DELETE ON class_member
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION class_tally_apply();

      -- Every decision on a class: who, when, what (one member or a filter), why, how many it touched.
      CREATE TABLE review_decision (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        class_id uuid NOT NULL REFERENCES case_class (id),
        case_id uuid NOT NULL,
        kind review_decision_kind NOT NULL,
        claimant_id uuid,
        filter jsonb,
        reason text,
        details jsonb NOT NULL DEFAULT '{}',
        touched bigint NOT NULL,
        actor_id uuid NOT NULL REFERENCES app_user (id),
        organisation_id uuid NOT NULL REFERENCES organisation (id),
        decided_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (class_id, id)
      );
      CREATE INDEX review_decision_class_idx ON review_decision (class_id, decided_at, id);

      CREATE TABLE class_representative (
        class_id uuid NOT NULL,
        claimant_id uuid NOT NULL,
        position integer NOT NULL,
        elected_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (class_id, claimant_id),
        FOREIGN KEY (class_id, claimant_id) REFERENCES class_member (class_id, claimant_id)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE class_representative; DROP TABLE review_decision;
      DROP TRIGGER class_member_tally_delete ON class_member; DROP TRIGGER class_member_tally_update ON class_member;
      DROP TRIGGER class_member_tally_insert ON class_member; DROP FUNCTION class_tally_apply();
      DROP TABLE class_loss_bucket; DROP TABLE class_tally; DROP TABLE class_member; DROP TABLE class_incident; DROP TABLE case_class;
      DROP TYPE review_decision_kind; DROP TYPE class_subclass; DROP TYPE class_member_state; DROP TYPE class_status;
    `);
  }
}
