import { MigrationInterface, QueryRunner } from 'typeorm';
import { CHECK_REFERENCES, PARENT_CHECKS } from './1764400120000-enrolment-references-per-statement';

/**
 * The check of the written rows' claimants, at the end of claimant_enrolment_check_references
 * (its variables written_rows, claimants and nestloop; sets `missing`): a hash anti-join for a
 * large write, probes of claimant's primary key for a small one.
 */
export const CLAIMANT_CHECKS = `SELECT count(*) INTO written_rows FROM written;
          SELECT reltuples INTO claimants FROM pg_class WHERE oid = 'claimant'::regclass;
          -- reltuples is -1 before the first ANALYZE.
          IF written_rows >= 10000 AND written_rows * 10 >= claimants THEN
            nestloop := current_setting('enable_nestloop');
            PERFORM set_config('enable_nestloop', 'off', true);
            EXECUTE 'SELECT CASE WHEN EXISTS (SELECT 1 FROM written w WHERE NOT EXISTS (SELECT 1 FROM claimant c WHERE c.id = w.claimant_id)) THEN ''claimant_id'' END'
              INTO missing;
            PERFORM set_config('enable_nestloop', nestloop, true);
          ELSIF EXISTS (SELECT 1 FROM written w WHERE NOT EXISTS (SELECT 1 FROM claimant c WHERE c.id = w.claimant_id)) THEN
            missing := 'claimant_id';
          END IF;`;

/** The refusal that ends claimant_enrolment_check_references once `missing` names a column. */
export const REFUSE_MISSING = `IF missing IS NOT NULL THEN
          RAISE EXCEPTION 'claimant_enrolment.% refers to a row that does not exist', missing
            USING ERRCODE = 'foreign_key_violation', TABLE = 'claimant_enrolment', COLUMN = missing;
        END IF;`;

/** claimant_enrolment_check_references as this migration leaves it. */
export const CHECK_REFERENCES_AT_SCALE = `
      CREATE OR REPLACE FUNCTION claimant_enrolment_check_references() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        missing text;
        written_rows bigint;
        claimants float8;
        nestloop text;
      BEGIN
        ${PARENT_CHECKS}
               END INTO missing;
        IF missing IS NULL THEN
          ${CLAIMANT_CHECKS}
        END IF;
        ${REFUSE_MISSING}
        RETURN NULL;
      END $$;`;

/**
 * Bulk enrolment's set-based checks at the scale of an import (issue 16).
 *
 * - claimant_enrolment's statement trigger checks the claimants of a large write (at least
 *   10,000 rows, and a tenth of the claimants or more) with one hash anti-join instead of a
 *   probe of claimant's primary key per row. Right after an import created them, claimant's new
 *   rows are not yet marked all-visible, so every probe also visits the heap: 1,000,000 probes
 *   took 7 s, the hash anti-join 1.3 s. The planner, costing probes as index-only, would pick them
 *   anyway: the check is planned afresh (EXECUTE) with nested loops off. Small writes (a form, a
 *   small file into a large table) keep the probes. Same refusal, same SQLSTATE.
 * - claimant_import_row_harms_idx: the enrolment job looks for the staged rows that declare harms
 *   (few: most files declare none) through this partial index instead of reading every staged row.
 * - claimant_import_row is not vacuumed or analyzed for its inserts by autovacuum: its rows live
 *   until their job, which took them with a vacuum of the whole import running beside it (the
 *   visibility bits it sets serve no query of these rows), and the staging analyzes them itself
 *   before its job reads them. Deleted rows still bring autovacuum, as before.
 */
export class BulkEnrolmentChecks1764400140000 implements MigrationInterface {
  name = 'BulkEnrolmentChecks1764400140000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ${CHECK_REFERENCES_AT_SCALE}

      CREATE INDEX claimant_import_row_harms_idx ON claimant_import_row (import_id) WHERE harms <> '[]'::jsonb;
      ALTER TABLE claimant_import_row SET (autovacuum_vacuum_insert_threshold = -1, autovacuum_analyze_threshold = 2147483647);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE claimant_import_row RESET (autovacuum_vacuum_insert_threshold, autovacuum_analyze_threshold)`);
    await q.query(`DROP INDEX claimant_import_row_harms_idx`);
    await q.query(CHECK_REFERENCES.replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION'));
  }
}
