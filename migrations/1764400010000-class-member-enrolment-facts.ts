import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A class member's facts as each enrolling organisation recorded them. class_member keeps the
 * merged facts the court reviews (every enrolment's harms, losses and evidence); the plaintiff
 * side sees, counts and computes only from its own enrolment, which is this table: one row per
 * member and organisation whose own enrolment puts the person in the class (a verified basis, or
 * its own declaration of one of the class's incidents). A member enrolled by two associations
 * has two rows; neither association's row says the other exists.
 *
 * Keyed (class_id, organisation_id, claimant_id): an organisation's members of a class, keyset on
 * claimant_id, and the join from class_member with the organisation fixed. No foreign key to
 * class_member: formation rewrites a class's rows in bulk in the same transaction as its members,
 * and class members are never deleted.
 *
 * Classes formed before this migration get their rows when they are next formed (reformClass):
 * until then their plaintiff side lists none of their members, rather than facts guessed here.
 */
export class ClassMemberEnrolmentFacts1764400010000 implements MigrationInterface {
  name = 'ClassMemberEnrolmentFacts1764400010000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE class_member_enrolment (
        class_id uuid NOT NULL,
        organisation_id uuid NOT NULL,
        claimant_id uuid NOT NULL,
        bases exposure_basis[] NOT NULL CHECK (cardinality(bases) > 0),
        subclass class_subclass NOT NULL,
        harm_types harm_type[] NOT NULL,
        declared_loss_fen bigint CHECK (declared_loss_fen > 0),
        has_evidence boolean NOT NULL,
        evidence_outside_window boolean NOT NULL,
        PRIMARY KEY (class_id, organisation_id, claimant_id)
      );
      -- An organisation's enrollees' memberships across classes (Claimant.classMemberships).
      CREATE INDEX class_member_enrolment_claimant_idx ON class_member_enrolment (claimant_id, organisation_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE class_member_enrolment`);
  }
}
