import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A party's hand reassignment of a member's subclass is its own: kept on its own facts of the
 * member (class_member_enrolment), shown in its own view, and never written over the court's
 * member (class_member), which only the court's reassignment moves. Two parties that enrolled the
 * same person each keep theirs: one's reassignment no longer replaces, and so reveals, the
 * other's. The next formation keeps both columns.
 */
export class OwnSubclassReassignment1764400016000 implements MigrationInterface {
  name = 'OwnSubclassReassignment1764400016000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE class_member_enrolment ADD COLUMN subclass_override class_subclass, ADD COLUMN subclass_override_reason text,
        ADD CONSTRAINT class_member_enrolment_override_reason CHECK ((subclass_override IS NULL) = (subclass_override_reason IS NULL));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE class_member_enrolment DROP COLUMN subclass_override, DROP COLUMN subclass_override_reason`);
  }
}
