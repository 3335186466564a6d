import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The remedy and distribution schedule as a document kind (REMEDY_SCHEDULE). On a database where
 * Documents1764400080000 already ran (it sorts after this one, but was merged first) the value is
 * added to document_kind here; on a new database that type does not exist yet and
 * Documents1764400080000 creates it with the value.
 */
export class RemedyScheduleDocument1764400072000 implements MigrationInterface {
  name = 'RemedyScheduleDocument1764400072000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM pg_type WHERE typname = 'document_kind') THEN
          ALTER TYPE document_kind ADD VALUE IF NOT EXISTS 'REMEDY_SCHEDULE';
        END IF;
      END $$;
    `);
  }

  async down(): Promise<void> {
    // PostgreSQL cannot drop an enum value; the kind stays (unused) after a revert.
  }
}
