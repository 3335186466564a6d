import { MigrationInterface, QueryRunner } from 'typeorm';
import officialCalendar from '../libs/cases/src/rules/cn-public-holidays.json';

/**
 * Leak incidents (clues), cases with their parties, linked incidents, stage history and legal
 * deadlines, and the holiday calendar the deadlines are counted with.
 *
 * Every case-owned table carries `case_id` and is keyed by it, so the case tables can later be
 * distributed by case (Citus). List indexes end in the keyset pagination key (created_at, id).
 */
export class CasesAndIncidents1764400001000 implements MigrationInterface {
  name = 'CasesAndIncidents1764400001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TYPE handler_role AS ENUM
        ('NETWORK_SERVICE_PROVIDER', 'CONTENT_SERVICE_PROVIDER', 'INTERMEDIARY_SERVICE_PROVIDER', 'OTHER_HANDLER');
      CREATE TYPE data_category AS ENUM
        ('NAME', 'PHONE_NUMBER', 'ID_NUMBER', 'ADDRESS', 'EMAIL', 'ACCOUNT_CREDENTIALS', 'PURCHASE_HISTORY',
         'LOCATION_WHEREABOUTS', 'FINANCIAL_ACCOUNT', 'MEDICAL_HEALTH', 'BIOMETRIC', 'GENETIC', 'RELIGIOUS_BELIEF',
         'SPECIFIC_IDENTITY', 'CRIMINAL_RECORD', 'MINOR_UNDER_14');
      CREATE TYPE discovery_channel AS ENUM
        ('POLICE_SEIZURE', 'BREACH_NOTICE', 'REGULATOR_FINDING', 'MEDIA_REPORT', 'CLAIMANT_REPORTS');

      CREATE TABLE leak_incident (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation_id uuid NOT NULL REFERENCES organisation (id),
        created_by uuid NOT NULL REFERENCES app_user (id),
        handler_name text NOT NULL,
        handler_credit_code text,
        handler_role handler_role NOT NULL,
        data_categories data_category[] NOT NULL CHECK (cardinality(data_categories) > 0),
        -- Derived from data_categories by the PIPL art. 28 table in libs/leaks; stored to filter on.
        involves_sensitive_data boolean NOT NULL,
        exposure_start date NOT NULL,
        exposure_end date CHECK (exposure_end >= exposure_start),
        discovered_on date NOT NULL,
        discovery_channel discovery_channel NOT NULL,
        estimated_records bigint CHECK (estimated_records >= 0),
        estimated_people bigint CHECK (estimated_people >= 0),
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX leak_incident_organisation_idx ON leak_incident (organisation_id, created_at, id);
      CREATE INDEX leak_incident_role_idx ON leak_incident (organisation_id, handler_role, created_at, id);
      CREATE INDEX leak_incident_channel_idx ON leak_incident (organisation_id, discovery_channel, created_at, id);
      CREATE INDEX leak_incident_sensitive_idx ON leak_incident (organisation_id, created_at, id) WHERE involves_sensitive_data;
      CREATE INDEX leak_incident_discovered_idx ON leak_incident (organisation_id, discovered_on);
      CREATE INDEX leak_incident_categories_idx ON leak_incident USING gin (data_categories);
      CREATE INDEX leak_incident_credit_code_idx ON leak_incident (handler_credit_code) WHERE handler_credit_code IS NOT NULL;
      CREATE INDEX leak_incident_handler_name_idx ON leak_incident (organisation_id, lower(handler_name) text_pattern_ops);
    `);

    await q.query(`
      CREATE TYPE case_type AS ENUM
        ('CIVIL_PUBLIC_INTEREST', 'ADMINISTRATIVE_PUBLIC_INTEREST', 'REPRESENTATIVE_ACTION', 'SUPPORTED');
      CREATE TYPE case_stage AS ENUM
        ('CLUE', 'INVESTIGATION', 'ANNOUNCEMENT', 'RECOMMENDATION', 'FILED', 'REGISTRATION', 'EVIDENCE_EXCHANGE',
         'HEARING', 'JUDGMENT', 'ENFORCEMENT', 'CLOSED');
      CREATE TYPE case_party_role AS ENUM ('PLAINTIFF', 'SUPPORTER', 'DEFENDANT', 'AGENCY', 'REPRESENTATIVE');
      CREATE TYPE liability_basis AS ENUM
        ('PRESUMED_FAULT', 'JOINT_TORT', 'NOTICE_NOT_ACTED_ON', 'KNEW_OR_SHOULD_HAVE_KNOWN');
      CREATE TYPE deadline_rule AS ENUM
        ('PRE_LITIGATION_ANNOUNCEMENT', 'PROCURATORIAL_RECOMMENDATION_RESPONSE', 'REGISTRATION_PERIOD',
         'EVIDENCE_PERIOD', 'APPEAL_JUDGMENT', 'APPEAL_RULING');

      CREATE TABLE legal_case (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_type case_type NOT NULL,
        title text NOT NULL,
        stage case_stage NOT NULL DEFAULT 'CLUE',
        court_id uuid NOT NULL REFERENCES organisation (id),
        opened_by_organisation_id uuid NOT NULL REFERENCES organisation (id),
        opened_by uuid NOT NULL REFERENCES app_user (id),
        claimants_number_uncertain boolean NOT NULL DEFAULT false,
        filed_on date,
        agency_responded_on date,
        agency_response_adequate boolean,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX legal_case_created_idx ON legal_case (created_at, id);
      CREATE INDEX legal_case_opened_by_idx ON legal_case (opened_by_organisation_id, created_at, id);
      CREATE INDEX legal_case_type_idx ON legal_case (case_type, created_at, id);
      CREATE INDEX legal_case_stage_idx ON legal_case (stage, created_at, id);
      -- The court filter, and judges' visibility (the cases filed at their court).
      CREATE INDEX legal_case_court_idx ON legal_case (court_id, created_at, id);

      CREATE TABLE case_party (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL REFERENCES legal_case (id),
        role case_party_role NOT NULL,
        -- Plaintiffs and supporters are organisations; defendants, the agency and representatives are named.
        organisation_id uuid REFERENCES organisation (id),
        name text,
        credit_code text,
        handler_role handler_role,
        liability_basis liability_basis,
        position integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (case_id, id),
        CHECK ((organisation_id IS NULL) <> (name IS NULL)),
        CHECK ((role IN ('PLAINTIFF', 'SUPPORTER')) = (organisation_id IS NOT NULL)),
        CHECK ((role = 'DEFENDANT') = (liability_basis IS NOT NULL AND handler_role IS NOT NULL))
      );
      CREATE UNIQUE INDEX case_party_organisation_key ON case_party (case_id, role, organisation_id) WHERE organisation_id IS NOT NULL;
      -- Visibility: the cases where an organisation is a plaintiff or supporter.
      CREATE INDEX case_party_organisation_idx ON case_party (organisation_id, case_id) WHERE organisation_id IS NOT NULL;

      CREATE TABLE case_incident (
        case_id uuid NOT NULL REFERENCES legal_case (id),
        incident_id uuid NOT NULL REFERENCES leak_incident (id),
        linked_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (case_id, incident_id)
      );
      CREATE INDEX case_incident_incident_idx ON case_incident (incident_id, case_id);

      CREATE TABLE case_stage_transition (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL REFERENCES legal_case (id),
        from_stage case_stage NOT NULL,
        to_stage case_stage NOT NULL,
        occurred_on date NOT NULL,
        actor_id uuid NOT NULL REFERENCES app_user (id),
        organisation_id uuid NOT NULL REFERENCES organisation (id),
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (case_id, id)
      );
      CREATE INDEX case_stage_transition_case_idx ON case_stage_transition (case_id, recorded_at);

      CREATE TABLE case_deadline (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL REFERENCES legal_case (id),
        rule deadline_rule NOT NULL,
        trigger_date date NOT NULL,
        urgent boolean NOT NULL DEFAULT false,
        court_set_days integer,
        procedure text CHECK (procedure IN ('ORDINARY', 'SIMPLIFIED')),
        period_unit text NOT NULL CHECK (period_unit IN ('DAYS', 'MONTHS')),
        period_length integer NOT NULL,
        source text NOT NULL,
        nominal_due date NOT NULL,
        due date NOT NULL,
        provisional boolean NOT NULL,
        provisional_reason text,
        -- Set when the case moves past the stage that opened the deadline.
        closed_on date,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (case_id, id)
      );
      CREATE INDEX case_deadline_open_idx ON case_deadline (case_id, due) WHERE closed_on IS NULL;
      CREATE INDEX case_deadline_due_idx ON case_deadline (due, case_id) WHERE closed_on IS NULL;
      -- Recomputed when an ADMIN loads or replaces the calendar of the year they fall in.
      CREATE INDEX case_deadline_nominal_due_idx ON case_deadline (nominal_due);
    `);

    await q.query(`
      CREATE TABLE holiday_calendar_year (
        year integer PRIMARY KEY CHECK (year BETWEEN 1000 AND 9999),
        notice text NOT NULL,
        holidays jsonb NOT NULL,
        workdays jsonb NOT NULL,
        loaded_by uuid REFERENCES app_user (id),
        loaded_at timestamptz NOT NULL DEFAULT now()
      );
    `);
    // The official 2024-2026 arrangements (State Council General Office notices, each named in
    // `notice`), as bundled and cross-checked in libs/cases/src/rules/cn-public-holidays.json.
    for (const year of officialCalendar.years) {
      await q.query(`INSERT INTO holiday_calendar_year (year, notice, holidays, workdays) VALUES ($1, $2, $3, $4)`, [
        year.year,
        year.notice,
        JSON.stringify(year.holidays),
        JSON.stringify(year.workdays),
      ]);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE holiday_calendar_year;
      DROP TABLE case_deadline; DROP TABLE case_stage_transition; DROP TABLE case_incident;
      DROP TABLE case_party; DROP TABLE legal_case;
      DROP TYPE deadline_rule; DROP TYPE liability_basis; DROP TYPE case_party_role; DROP TYPE case_stage; DROP TYPE case_type;
      DROP TABLE leak_incident;
      DROP TYPE discovery_channel; DROP TYPE data_category; DROP TYPE handler_role;
    `);
  }
}
