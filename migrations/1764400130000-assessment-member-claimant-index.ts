import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * assessment_member is read by (assessment_id, claimant_id): one member's amount, and the
 * distribution schedule in claimant order. Every assessment has its own partition, so the
 * assessment id selects the partition and the key inside it need only be the claimant: the
 * two-column primary key (whose constant first column made its build sort on full 32-byte keys)
 * becomes a btree on claimant_id alone, defined once on the parent so that every partition,
 * existing and attached later, has it (an attach builds it in one pass). Its pages are filled
 * (fillfactor 100): a partition is never changed once attached. One row per claimant is kept by
 * construction: a partition is written by one INSERT … SELECT from the class's members, one row
 * per claimant.
 */
export class AssessmentMemberClaimantIndex1764400130000 implements MigrationInterface {
  name = 'AssessmentMemberClaimantIndex1764400130000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE assessment_member DROP CONSTRAINT assessment_member_pkey;
      CREATE INDEX assessment_member_claimant_idx ON assessment_member (claimant_id) WITH (fillfactor = 100);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX assessment_member_claimant_idx;
      ALTER TABLE assessment_member ADD PRIMARY KEY (assessment_id, claimant_id);
    `);
  }
}
