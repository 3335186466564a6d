import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Unusable rows of a seized dataset (blank lines, repeated header lines, rows without a valid
 * identifier: all their hashes zero) are counted apart when the dataset completes, and are no
 * longer "people still to reach": the matching statement skips them, so unmatched_rows counts
 * only rows that carry an identifier. Datasets completed before are counted from their stored
 * rows, and their unmatched_rows corrected.
 */
export class DatasetUnusableRows1764400020000 implements MigrationInterface {
  name = 'DatasetUnusableRows1764400020000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE seized_dataset ADD COLUMN unusable_rows bigint CHECK (unusable_rows >= 0 AND unusable_rows <= row_count);
      UPDATE seized_dataset d
         SET unusable_rows = (SELECT count(*) FROM seized_dataset_row r WHERE r.dataset_id = d.id AND r.id_number_index IS NULL AND r.phone_index IS NULL)
       WHERE d.status = 'COMPLETE';
      UPDATE seized_dataset SET unmatched_rows = unmatched_rows - unusable_rows WHERE matched_at IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE seized_dataset SET unmatched_rows = unmatched_rows + unusable_rows WHERE matched_at IS NOT NULL;
      ALTER TABLE seized_dataset DROP COLUMN unusable_rows;
    `);
  }
}
