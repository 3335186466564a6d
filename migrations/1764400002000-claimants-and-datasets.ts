import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Claimants and their personal-data vault, enrolments by organisation, harm declarations, seized
 * datasets (as keyed hashes only) and the exposures that link a claimant to a leak incident.
 *
 * No column holds a plaintext identifier: `*_enc` are AES-256-GCM (key version byte first),
 * `*_index` are HMAC-SHA256 blind indexes, `*_masked` are the display forms judges see.
 * Member tables are keyed by claimant_id (enrolments, harms) or incident_id (exposures) or
 * dataset_id (dataset rows), the columns they would be distributed by under Citus.
 */
export class ClaimantsAndDatasets1764400002000 implements MigrationInterface {
  name = 'ClaimantsAndDatasets1764400002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TYPE consent_method AS ENUM ('WRITTEN_SIGNATURE', 'ELECTRONIC_SIGNATURE', 'ONLINE_FORM', 'RECORDED_ORAL');
      CREATE TYPE consent_scope AS ENUM ('REPRESENTATION', 'DATA_USE');
      CREATE TYPE harm_type AS ENUM
        ('FRAUD_LOSS', 'SCAM_CALLS_OR_SPAM', 'IDENTITY_MISUSE', 'ACCOUNT_TAKEOVER', 'REPUTATION', 'MENTAL_DISTRESS', 'OTHER');
      CREATE TYPE exposure_basis AS ENUM ('DATASET_MATCH', 'BREACH_NOTICE', 'SELF_DECLARED');
      CREATE TYPE dataset_status AS ENUM ('RECEIVING', 'COMPLETE');

      -- One row per natural person: the unique blind index of the ID number is the dedupe key, so
      -- two concurrent enrolments of the same person cannot create two claimants.
      CREATE TABLE claimant (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        id_number_index bytea NOT NULL CHECK (octet_length(id_number_index) = 32),
        id_number_masked text NOT NULL,
        name_masked text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT claimant_id_number_index_key UNIQUE (id_number_index)
      );

      CREATE TABLE claimant_import (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation_id uuid NOT NULL REFERENCES organisation (id),
        created_by uuid REFERENCES app_user (id),
        file_sha256 bytea,
        encoding text NOT NULL,
        rows bigint NOT NULL,
        accepted bigint NOT NULL,
        already_enrolled bigint NOT NULL,
        rejected bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX claimant_import_organisation_idx ON claimant_import (organisation_id, created_at, id);

      -- What one organisation recorded about the person, encrypted; visibility is by this row.
      CREATE TABLE claimant_enrolment (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        claimant_id uuid NOT NULL REFERENCES claimant (id),
        organisation_id uuid NOT NULL REFERENCES organisation (id),
        enrolled_by uuid REFERENCES app_user (id),
        case_id uuid REFERENCES legal_case (id),
        import_id uuid REFERENCES claimant_import (id),
        name_enc bytea NOT NULL,
        id_number_enc bytea NOT NULL,
        phone_enc bytea NOT NULL,
        email_enc bytea,
        address_enc bytea,
        phone_index bytea NOT NULL CHECK (octet_length(phone_index) = 32),
        name_masked text NOT NULL,
        phone_masked text NOT NULL,
        email_masked text,
        consent_given_at timestamptz NOT NULL,
        consent_method consent_method NOT NULL,
        consent_scope consent_scope[] NOT NULL CHECK (cardinality(consent_scope) > 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (claimant_id, id),
        CONSTRAINT claimant_enrolment_organisation_key UNIQUE (organisation_id, claimant_id)
      );
      CREATE INDEX claimant_enrolment_list_idx ON claimant_enrolment (organisation_id, created_at, claimant_id);
      CREATE INDEX claimant_enrolment_phone_idx ON claimant_enrolment (phone_index);
      CREATE INDEX claimant_enrolment_import_idx ON claimant_enrolment (import_id) WHERE import_id IS NOT NULL;
      CREATE INDEX claimant_enrolment_case_idx ON claimant_enrolment (case_id) WHERE case_id IS NOT NULL;

      CREATE TABLE harm_declaration (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        claimant_id uuid NOT NULL,
        enrolment_id uuid NOT NULL,
        harm_type harm_type NOT NULL,
        -- Integer fen; required for a fraud loss.
        amount_fen bigint CHECK (amount_fen >= 0),
        evidence_refs text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (claimant_id, id),
        FOREIGN KEY (claimant_id, enrolment_id) REFERENCES claimant_enrolment (claimant_id, id),
        CHECK (harm_type <> 'FRAUD_LOSS' OR amount_fen IS NOT NULL)
      );
      CREATE INDEX harm_declaration_enrolment_idx ON harm_declaration (claimant_id, enrolment_id);
    `);

    await q.query(`
      CREATE TABLE seized_dataset (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        incident_id uuid NOT NULL REFERENCES leak_incident (id),
        organisation_id uuid NOT NULL REFERENCES organisation (id),
        created_by uuid REFERENCES app_user (id),
        source text NOT NULL,
        file_name text,
        -- Which identifier kinds each row carries, in the order of the uploaded hashes.
        fields text[] NOT NULL CHECK (cardinality(fields) > 0 AND fields <@ ARRAY['ID_NUMBER', 'PHONE']),
        chunk_rows integer NOT NULL CHECK (chunk_rows > 0),
        status dataset_status NOT NULL DEFAULT 'RECEIVING',
        file_sha256 bytea CHECK (octet_length(file_sha256) = 32),
        row_count bigint,
        matched_claimants bigint,
        unmatched_rows bigint,
        matched_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz
      );
      CREATE INDEX seized_dataset_incident_idx ON seized_dataset (incident_id, created_at, id);
      CREATE INDEX seized_dataset_organisation_idx ON seized_dataset (organisation_id, created_at, id);

      -- A chunk is applied once: its row commits with its COPY, and a re-sent chunk conflicts.
      CREATE TABLE seized_dataset_chunk (
        dataset_id uuid NOT NULL REFERENCES seized_dataset (id),
        chunk_no integer NOT NULL CHECK (chunk_no >= 0),
        rows integer NOT NULL CHECK (rows >= 0),
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (dataset_id, chunk_no)
      );

      -- Keyed hashes only (NULL where the row had no valid identifier of that kind). Loaded with
      -- COPY, so no primary key, foreign key or btree to maintain per row: matching is a hash
      -- join against the claimants' unique/btree blind indexes, and the BRIN index keeps a
      -- dataset's scan to its own block ranges (a dataset's rows arrive contiguously).
      CREATE TABLE seized_dataset_row (
        dataset_id uuid NOT NULL,
        id_number_index bytea,
        phone_index bytea
      );
      CREATE INDEX seized_dataset_row_dataset_brin ON seized_dataset_row USING brin (dataset_id) WITH (pages_per_range = 32);

      CREATE TABLE exposure (
        incident_id uuid NOT NULL REFERENCES leak_incident (id),
        claimant_id uuid NOT NULL REFERENCES claimant (id),
        basis exposure_basis NOT NULL,
        -- For DATASET_MATCH: which identifiers matched (ID_NUMBER, PHONE).
        matched_fields text[] NOT NULL DEFAULT '{}',
        dataset_id uuid REFERENCES seized_dataset (id),
        first_seen timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (incident_id, claimant_id, basis)
      );
      CREATE INDEX exposure_claimant_idx ON exposure (claimant_id, incident_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE exposure; DROP TABLE seized_dataset_row; DROP TABLE seized_dataset_chunk; DROP TABLE seized_dataset;
      DROP TABLE harm_declaration; DROP TABLE claimant_enrolment; DROP TABLE claimant_import; DROP TABLE claimant;
      DROP TYPE dataset_status; DROP TYPE exposure_basis; DROP TYPE harm_type; DROP TYPE consent_scope; DROP TYPE consent_method;
    `);
  }
}
