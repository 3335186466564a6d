import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Generated filing documents (issue 14): one row per version of a document that an organisation
 * generated for a case, in its own view (an association's roster lists its own enrollees, the
 * court's the merged view), with the file's SHA-256, size and pages. Regenerating adds a version;
 * earlier ones stay. `log_index` is the document's position in the evidence log (issue 11), null
 * until it is appended there.
 */
export class Documents1764400080000 implements MigrationInterface {
  name = 'Documents1764400080000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TYPE document_kind AS ENUM
        ('CIVIL_PUBLIC_INTEREST_COMPLAINT', 'PRE_LITIGATION_ANNOUNCEMENT', 'PROCURATORIAL_RECOMMENDATION',
         'EVIDENCE_PRESERVATION_APPLICATION', 'CLASS_ROSTER', 'CLASS_COMPOSITION_REPORT',
         'REMEDY_SCHEDULE');
      CREATE TYPE document_language AS ENUM ('ZH', 'EN');
      CREATE TYPE document_format AS ENUM ('PDF', 'XLSX');

      CREATE TABLE case_document (
        id uuid PRIMARY KEY,
        case_id uuid NOT NULL REFERENCES legal_case (id),
        organisation_id uuid NOT NULL REFERENCES organisation (id),
        kind document_kind NOT NULL,
        language document_language NOT NULL,
        format document_format NOT NULL,
        version integer NOT NULL CHECK (version > 0),
        sha256 bytea NOT NULL CHECK (octet_length(sha256) = 32),
        size_bytes bigint NOT NULL CHECK (size_bytes > 0),
        page_count integer CHECK (page_count > 0),
        -- The stored file, relative to the documents directory.
        storage_name text NOT NULL,
        created_by uuid REFERENCES app_user (id),
        job_id uuid REFERENCES job (id),
        log_index bigint,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT case_document_version_key UNIQUE (case_id, organisation_id, kind, language, format, version)
      );
      -- A case's documents of one organisation, newest first (the list), keyset on (created_at, id).
      CREATE INDEX case_document_list_idx ON case_document (case_id, organisation_id, created_at, id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE case_document; DROP TYPE document_format; DROP TYPE document_language; DROP TYPE document_kind`);
  }
}
