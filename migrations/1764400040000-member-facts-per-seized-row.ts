import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Classes built from each member's own facts (issue 17):
 *
 * - seized_dataset.categories: the PIPL art. 28 (and other) data categories the procurator mapped
 *   to the dataset's columns at import, in bit order; seized_dataset_row.categories: per row, a
 *   bitmask of those present (a non-empty cell), bit i for categories[i + 1]; NULL for none.
 *   Added to the partitioned parent, so every partition (and each new one, made LIKE it) has it.
 * - claimant_enrolment.declared_categories: the categories a claimant declares were exposed
 *   (counted for the class only with evidence, and flagged as declared).
 * - claimant_enrolment.address_index (and claimant_import_row's, appended last, as the import's
 *   COPY writes it): the keyed blind index of the normalised address, for the shared-address
 *   anomaly. Enrolments made before have none (their addresses are encrypted; nothing to
 *   compare without decrypting them).
 * - class_member / class_member_enrolment: declared_categories (those of data_categories that
 *   come from a declaration, not from the seized data), subclass_rule (the rule of
 *   libs/classes/src/rules/subclasses.ts that put the member in its subclass; NULL after a
 *   reassignment by hand), and on class_member enrolling_organisations (how many of the case's
 *   parties' enrolments put the person in the class: the court's figure).
 */
export class MemberFactsPerSeizedRow1764400040000 implements MigrationInterface {
  name = 'MemberFactsPerSeizedRow1764400040000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE seized_dataset ADD COLUMN categories data_category[] NOT NULL DEFAULT '{}'
        CHECK (cardinality(categories) <= 31);
      ALTER TABLE seized_dataset_row ADD COLUMN categories integer;
      ALTER TABLE claimant_enrolment ADD COLUMN declared_categories data_category[] NOT NULL DEFAULT '{}', ADD COLUMN address_index bytea;
      ALTER TABLE claimant_import_row ADD COLUMN address_index bytea;
      ALTER TABLE class_member ADD COLUMN declared_categories data_category[] NOT NULL DEFAULT '{}',
        ADD COLUMN subclass_rule text, ADD COLUMN enrolling_organisations integer NOT NULL DEFAULT 1;
      ALTER TABLE class_member_enrolment ADD COLUMN declared_categories data_category[] NOT NULL DEFAULT '{}',
        ADD COLUMN subclass_rule text;
      UPDATE class_member m SET enrolling_organisations = greatest(1, (
        SELECT count(*) FROM class_member_enrolment o WHERE o.class_id = m.class_id AND o.claimant_id = m.claimant_id));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE class_member_enrolment DROP COLUMN declared_categories, DROP COLUMN subclass_rule;
      ALTER TABLE class_member DROP COLUMN declared_categories, DROP COLUMN subclass_rule, DROP COLUMN enrolling_organisations;
      ALTER TABLE claimant_import_row DROP COLUMN address_index;
      ALTER TABLE claimant_enrolment DROP COLUMN declared_categories, DROP COLUMN address_index;
      ALTER TABLE seized_dataset_row DROP COLUMN categories;
      ALTER TABLE seized_dataset DROP COLUMN categories;
    `);
  }
}
