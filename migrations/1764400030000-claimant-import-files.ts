import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Claimant files as associations have them (issue 13): an import records the file's format and
 * separator, the header columns it ignored, the all-empty rows it skipped, and warnings (rows
 * accepted but worth a look) besides rejections: row, column, code and reason, never the value.
 */
export class ClaimantImportFiles1764400030000 implements MigrationInterface {
  name = 'ClaimantImportFiles1764400030000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE claimant_import
        ADD COLUMN format text NOT NULL DEFAULT 'csv',
        ADD COLUMN delimiter text,
        ADD COLUMN ignored_columns text[] NOT NULL DEFAULT '{}',
        ADD COLUMN skipped bigint NOT NULL DEFAULT 0,
        ADD COLUMN skipped_rows integer[] NOT NULL DEFAULT '{}',
        ADD COLUMN warned bigint NOT NULL DEFAULT 0;

      -- Why a row was accepted but deserves a look (e.g. a 15-digit ID upgraded): never the value.
      CREATE TABLE claimant_import_warning (
        import_id uuid NOT NULL REFERENCES claimant_import (id) ON DELETE CASCADE,
        row_no integer NOT NULL,
        seq smallint NOT NULL,
        field text NOT NULL,
        code text NOT NULL,
        message text NOT NULL,
        PRIMARY KEY (import_id, row_no, seq)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE claimant_import_warning;
      ALTER TABLE claimant_import DROP COLUMN format, DROP COLUMN delimiter, DROP COLUMN ignored_columns,
        DROP COLUMN skipped, DROP COLUMN skipped_rows, DROP COLUMN warned;
    `);
  }
}
