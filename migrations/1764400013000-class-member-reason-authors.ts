import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whose decision gave a class member's state reason and hand-assigned subclass: the court's, or
 * a party organisation's (an opt-out, a registration, a subclass moved by hand). The plaintiff
 * side is shown a reason, and a subclass moved by hand, only when its own organisation or the
 * court gave it: another party's opt-out reason or reassignment of a person both enrolled would
 * tell it of that party's enrolment.
 *
 * No foreign key: a bulk decision writes the court's id on up to millions of rows at once, and
 * the ids are copied from the deciding actor's organisation in the same transaction. Reasons
 * given before this migration have no recorded author: the court still sees them, the plaintiff
 * side no longer does.
 */
export class ClassMemberReasonAuthors1764400013000 implements MigrationInterface {
  name = 'ClassMemberReasonAuthors1764400013000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE class_member ADD COLUMN state_reason_organisation_id uuid, ADD COLUMN subclass_reason_organisation_id uuid;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE class_member DROP COLUMN state_reason_organisation_id, DROP COLUMN subclass_reason_organisation_id`);
  }
}
