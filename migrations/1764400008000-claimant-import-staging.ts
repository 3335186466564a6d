import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Bulk enrolment in two steps. The upload validates and seals every row into
 * `claimant_import_row` (ciphertext, blind indexes and masks only: never plaintext) and records
 * every rejected row; a job then enrols the staged rows in one transaction, with progress, and
 * deletes them. Imports recorded before this migration were enrolled in one step: COMPLETE.
 */
export class ClaimantImportStaging1764400008000 implements MigrationInterface {
  name = 'ClaimantImportStaging1764400008000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TYPE claimant_import_status AS ENUM ('STAGED', 'COMPLETE');
      ALTER TABLE claimant_import
        ADD COLUMN status claimant_import_status NOT NULL DEFAULT 'COMPLETE',
        ADD COLUMN job_id uuid REFERENCES job (id),
        ADD COLUMN completed_at timestamptz,
        ALTER COLUMN accepted DROP NOT NULL,
        ALTER COLUMN already_enrolled DROP NOT NULL;
      UPDATE claimant_import SET completed_at = created_at;
      ALTER TABLE claimant_import ALTER COLUMN status SET DEFAULT 'STAGED';

      -- One sealed row of an import awaiting enrolment (the columns of claimant_enrolment, sealed).
      CREATE TABLE claimant_import_row (
        import_id uuid NOT NULL REFERENCES claimant_import (id) ON DELETE CASCADE,
        row_no integer NOT NULL,
        id_number_index bytea NOT NULL, phone_index bytea NOT NULL,
        name_enc bytea NOT NULL, id_number_enc bytea NOT NULL, phone_enc bytea NOT NULL, email_enc bytea, address_enc bytea,
        name_masked text NOT NULL, id_number_masked text NOT NULL, phone_masked text NOT NULL, email_masked text,
        consent_given_at timestamptz NOT NULL, consent_method consent_method NOT NULL, consent_scope consent_scope[] NOT NULL,
        harms jsonb NOT NULL, incident_ids uuid[] NOT NULL,
        PRIMARY KEY (import_id, row_no)
      );

      -- Why a row of an import was refused: the column and a reason, never the value.
      CREATE TABLE claimant_import_rejection (
        import_id uuid NOT NULL REFERENCES claimant_import (id) ON DELETE CASCADE,
        row_no integer NOT NULL,
        field text NOT NULL,
        reason text NOT NULL,
        PRIMARY KEY (import_id, row_no)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE claimant_import_rejection; DROP TABLE claimant_import_row;
      DELETE FROM claimant_import WHERE status = 'STAGED';
      ALTER TABLE claimant_import DROP COLUMN status, DROP COLUMN job_id, DROP COLUMN completed_at,
        ALTER COLUMN accepted SET NOT NULL, ALTER COLUMN already_enrolled SET NOT NULL;
      DROP TYPE claimant_import_status;
    `);
  }
}
