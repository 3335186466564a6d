import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The four liability remedies of a case with their lifecycle, measures, evidence of compliance,
 * defendants (extent of liability) and payments; the versioned moral-damage factor models; and
 * compensation assessments of a class with every member's amount and the facts it was computed
 * from (its explanation), and the totals per subclass.
 *
 * Case-owned tables carry case_id; assessment_member is keyed (assessment_id, claimant_id),
 * partitioned by assessment, each partition written by one INSERT ... SELECT.
 */
export class Remedies1764400070000 implements MigrationInterface {
  name = 'Remedies1764400070000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TYPE remedy_kind AS ENUM ('CESSATION', 'APOLOGY', 'ELIMINATING_IMPACT', 'COMPENSATION');
      CREATE TYPE remedy_status AS ENUM ('SOUGHT', 'ORDERED', 'SETTLED', 'DISMISSED', 'IN_COMPLIANCE', 'COMPLIED', 'DEFAULTED');
      CREATE TYPE remedy_medium AS ENUM ('NATIONAL_MEDIA', 'PROVINCIAL_MEDIA', 'APP_HOME_PAGE', 'WEBSITE', 'LETTER_TO_EACH_MEMBER');
      CREATE TYPE liability_extent AS ENUM ('FULL', 'SHARE');
      CREATE TYPE assessment_method AS ENUM ('LOSS', 'GAIN', 'DISCRETIONARY');
      CREATE TYPE damages_recipient AS ENUM ('PUBLIC_INTEREST_FUND', 'MEMBERS');

      CREATE TABLE remedy (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL REFERENCES legal_case (id),
        kind remedy_kind NOT NULL,
        status remedy_status NOT NULL DEFAULT 'SOUGHT',
        description text NOT NULL,
        due_on date,
        -- APOLOGY and ELIMINATING_IMPACT: where and how long; the apology's approved text.
        medium remedy_medium,
        duration_days integer CHECK (duration_days > 0),
        approved_text text,
        -- COMPENSATION: the total the defendants answer for.
        amount_fen bigint CHECK (amount_fen >= 0),
        -- A refused apology or elimination published by the court at the defendant's cost (Civil Code art. 1000(2)).
        refused_on date,
        court_published_on date,
        court_publication_medium remedy_medium,
        court_publication_cost_fen bigint CHECK (court_publication_cost_fen >= 0),
        sought_on date NOT NULL,
        status_on date NOT NULL,
        organisation_id uuid NOT NULL REFERENCES organisation (id),
        created_by uuid NOT NULL REFERENCES app_user (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((kind = 'COMPENSATION') = (amount_fen IS NOT NULL)),
        CHECK (kind IN ('APOLOGY', 'ELIMINATING_IMPACT') OR (medium IS NULL AND duration_days IS NULL AND approved_text IS NULL AND refused_on IS NULL)),
        CHECK ((court_published_on IS NULL) = (court_publication_medium IS NULL))
      );
      CREATE INDEX remedy_case_idx ON remedy (case_id, created_at, id);

      CREATE TABLE remedy_defendant (
        remedy_id uuid NOT NULL REFERENCES remedy (id),
        case_id uuid NOT NULL,
        party_id uuid NOT NULL,
        extent liability_extent NOT NULL,
        share_basis_points integer CHECK (share_basis_points BETWEEN 1 AND 9999),
        position integer NOT NULL,
        PRIMARY KEY (remedy_id, party_id),
        FOREIGN KEY (case_id, party_id) REFERENCES case_party (case_id, id),
        CHECK ((extent = 'SHARE') = (share_basis_points IS NOT NULL))
      );

      CREATE TABLE remedy_measure (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        remedy_id uuid NOT NULL REFERENCES remedy (id),
        position integer NOT NULL,
        description text NOT NULL,
        scope text,
        due_on date,
        verified_on date,
        verification text,
        CHECK ((verified_on IS NULL) = (verification IS NULL))
      );
      CREATE INDEX remedy_measure_remedy_idx ON remedy_measure (remedy_id, position);

      -- Evidence of compliance: a reference to an item of the evidence log (no foreign key: the
      -- evidence log is another library's, added later) and a description.
      CREATE TABLE remedy_evidence (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        remedy_id uuid NOT NULL REFERENCES remedy (id),
        measure_id uuid REFERENCES remedy_measure (id),
        evidence_item_id uuid,
        description text NOT NULL,
        recorded_on date NOT NULL,
        organisation_id uuid NOT NULL REFERENCES organisation (id),
        recorded_by uuid NOT NULL REFERENCES app_user (id),
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX remedy_evidence_remedy_idx ON remedy_evidence (remedy_id, created_at, id);

      CREATE TABLE remedy_payment (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        remedy_id uuid NOT NULL REFERENCES remedy (id),
        party_id uuid NOT NULL,
        amount_fen bigint NOT NULL CHECK (amount_fen > 0),
        paid_on date NOT NULL,
        organisation_id uuid NOT NULL REFERENCES organisation (id),
        recorded_by uuid NOT NULL REFERENCES app_user (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (remedy_id, party_id) REFERENCES remedy_defendant (remedy_id, party_id)
      );
      CREATE INDEX remedy_payment_remedy_idx ON remedy_payment (remedy_id, party_id);

      CREATE TABLE remedy_transition (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        remedy_id uuid NOT NULL REFERENCES remedy (id),
        from_status remedy_status NOT NULL,
        to_status remedy_status NOT NULL,
        occurred_on date NOT NULL,
        reason text,
        organisation_id uuid NOT NULL REFERENCES organisation (id),
        actor_id uuid NOT NULL REFERENCES app_user (id),
        recorded_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX remedy_transition_remedy_idx ON remedy_transition (remedy_id, recorded_at);

      -- A factor model is never changed: defining it again adds the next version.
      CREATE TABLE damage_model (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation_id uuid NOT NULL REFERENCES organisation (id),
        name text NOT NULL,
        version integer NOT NULL CHECK (version > 0),
        factors jsonb NOT NULL,
        created_by uuid NOT NULL REFERENCES app_user (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (organisation_id, name, version)
      );
      CREATE INDEX damage_model_list_idx ON damage_model (organisation_id, created_at, id);

      CREATE TABLE assessment (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL REFERENCES legal_case (id),
        class_id uuid NOT NULL REFERENCES case_class (id),
        -- Whose view the members and their facts came from: the court's merged view, or the organisation's own enrolments.
        organisation_id uuid NOT NULL REFERENCES organisation (id),
        merged boolean NOT NULL,
        method assessment_method NOT NULL,
        model_id uuid NOT NULL REFERENCES damage_model (id),
        -- GAIN / DISCRETIONARY: the total divided among the members, and its evidence or reasons.
        divided_total_fen bigint CHECK (divided_total_fen >= 0),
        total_basis text,
        recipient damages_recipient NOT NULL,
        spread_people bigint NOT NULL,
        spread_basis_points integer NOT NULL,
        exposure_days integer NOT NULL,
        duration_basis_points integer NOT NULL,
        job_id uuid,
        completed_at timestamptz,
        members bigint,
        total_fen bigint,
        created_by uuid NOT NULL REFERENCES app_user (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((method = 'LOSS') = (divided_total_fen IS NULL))
      );
      CREATE INDEX assessment_case_idx ON assessment (case_id, created_at, id);

      -- Every member's amount with the facts it came from (the explanation: the factor values
      -- follow from the assessment's immutable model version). One partition per assessment:
      -- the job writes it unindexed, builds its key in one pass and attaches it (a million
      -- members cost about as much as writing them, instead of a million index insertions).
      CREATE TABLE assessment_member (
        assessment_id uuid NOT NULL,
        claimant_id uuid NOT NULL,
        subclass class_subclass NOT NULL,
        data_categories data_category[] NOT NULL,
        harm_types harm_type[] NOT NULL,
        proven_loss_fen bigint,
        property_fen bigint NOT NULL,
        category_fen bigint NOT NULL,
        harm_fen bigint NOT NULL,
        moral_fen bigint NOT NULL,
        amount_fen bigint NOT NULL,
        PRIMARY KEY (assessment_id, claimant_id)
      ) PARTITION BY LIST (assessment_id);

      CREATE TABLE assessment_subclass_total (
        assessment_id uuid NOT NULL REFERENCES assessment (id),
        subclass class_subclass NOT NULL,
        members bigint NOT NULL,
        property_fen bigint NOT NULL,
        moral_fen bigint NOT NULL,
        amount_fen bigint NOT NULL,
        PRIMARY KEY (assessment_id, subclass)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE assessment_subclass_total; DROP TABLE assessment_member; DROP TABLE assessment; DROP TABLE damage_model;
      DROP TABLE remedy_transition; DROP TABLE remedy_payment; DROP TABLE remedy_evidence; DROP TABLE remedy_measure;
      DROP TABLE remedy_defendant; DROP TABLE remedy;
      DROP TYPE damages_recipient; DROP TYPE assessment_method; DROP TYPE liability_extent; DROP TYPE remedy_medium;
      DROP TYPE remedy_status; DROP TYPE remedy_kind;
    `);
  }
}
