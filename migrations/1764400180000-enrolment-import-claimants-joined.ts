import { MigrationInterface, QueryRunner } from 'typeorm';
import { PARENT_CHECKS } from './1764400120000-enrolment-references-per-statement';
import { CHECK_REFERENCES_AT_SCALE, CLAIMANT_CHECKS, REFUSE_MISSING } from './1764400140000-bulk-enrolment-checks';

/** The setting (transaction-local) by which the enrolment job names the import whose claimants its statement joined. */
export const CLAIMANTS_JOINED_SETTING = 'leakcase.enrolment_claimants_joined';

/**
 * claimant_enrolment's statement trigger leaves out the claimant check of a write that the bulk
 * enrolment job has vouched for (issue 16).
 *
 * The job's enrolment statement takes every claimant id from a join with claimant in the same
 * statement, and claimant rows are never deleted, truncated or re-keyed (their triggers refuse):
 * each id it writes exists and keeps existing. Checking them again cost the hash anti-join of a
 * million written ids against claimant, about 2.3 s of a 1,000,000-row import. The job names its
 * import in the transaction-local setting `leakcase.enrolment_claimants_joined` for that one
 * statement; the trigger skips the claimant check only when every row written has that import id
 * (read from the same distinct parents the other checks use, so at no extra pass). Any other write
 * (a form, a CLI enrolment, an update, a statement writing rows of another import or of none) is
 * checked as before. The organisations, users, cases and imports are always checked.
 */
export class EnrolmentImportClaimantsJoined1764400180000 implements MigrationInterface {
  name = 'EnrolmentImportClaimantsJoined1764400180000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION claimant_enrolment_check_references() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        missing text;
        joined uuid := nullif(current_setting('${CLAIMANTS_JOINED_SETTING}', true), '')::uuid;
        joined_only boolean;
        written_rows bigint;
        claimants float8;
        nestloop text;
      BEGIN
        ${PARENT_CHECKS}
               END,
               joined IS NOT NULL AND (SELECT count(*) = 1 AND bool_and(p.import_id IS NOT DISTINCT FROM joined) FROM parents p)
          INTO missing, joined_only;
        IF missing IS NULL AND joined_only IS NOT TRUE THEN
          ${CLAIMANT_CHECKS}
        END IF;
        ${REFUSE_MISSING}
        RETURN NULL;
      END $$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(CHECK_REFERENCES_AT_SCALE);
  }
}
