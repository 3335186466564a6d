import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The data categories exposed for a member as each party organisation's own enrolment gives them
 * (the verified exposures' incidents and matched identifiers, and the incidents it declared
 * itself): another organisation's declaration of an incident that exposed, say, medical data
 * must not move the person into SENSITIVE_DATA in this organisation's view.
 *
 * Existing rows take the member's merged categories, which they showed until now; the next
 * formation of their class rewrites them from the enrolment's own facts.
 */
export class ClassMemberEnrolmentCategories1764400012000 implements MigrationInterface {
  name = 'ClassMemberEnrolmentCategories1764400012000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE class_member_enrolment ADD COLUMN data_categories data_category[] NOT NULL DEFAULT '{}';
      UPDATE class_member_enrolment o SET data_categories = m.data_categories
        FROM class_member m WHERE m.class_id = o.class_id AND m.claimant_id = o.claimant_id;
      ALTER TABLE class_member_enrolment ALTER COLUMN data_categories DROP DEFAULT;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE class_member_enrolment DROP COLUMN data_categories`);
  }
}
