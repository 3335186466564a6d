import { MigrationInterface, QueryRunner } from 'typeorm';

const CIVIL_RULES = `'PRE_LITIGATION_ANNOUNCEMENT', 'PROCURATORIAL_RECOMMENDATION_RESPONSE', 'REGISTRATION_PERIOD',
  'EVIDENCE_PERIOD', 'APPEAL_JUDGMENT', 'APPEAL_RULING'`;

/**
 * The appeal periods of an administrative case get their own rules, citing Administrative
 * Procedure Law art. 85 instead of Civil Procedure Law (2023) art. 171, and the appeal deadlines
 * already stored for administrative public-interest cases are renamed and re-sourced (same
 * lengths: 15 days against a judgment, 10 against a ruling, so no date changes).
 *
 * The enum is recreated rather than extended with ADD VALUE: a value added that way cannot be
 * used in the same transaction, and the rows must be moved in this one.
 */
export class AdministrativeAppealRules1764400004000 implements MigrationInterface {
  name = 'AdministrativeAppealRules1764400004000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TYPE deadline_rule RENAME TO deadline_rule_before_1764400004000;
      CREATE TYPE deadline_rule AS ENUM (${CIVIL_RULES}, 'ADMINISTRATIVE_APPEAL_JUDGMENT', 'ADMINISTRATIVE_APPEAL_RULING');
      ALTER TABLE case_deadline ALTER COLUMN rule TYPE deadline_rule USING rule::text::deadline_rule;
      DROP TYPE deadline_rule_before_1764400004000;

      UPDATE case_deadline d
         SET rule = ('ADMINISTRATIVE_' || d.rule::text)::deadline_rule, source = 'Administrative Procedure Law, art. 85'
        FROM legal_case c
       WHERE c.id = d.case_id AND c.case_type = 'ADMINISTRATIVE_PUBLIC_INTEREST' AND d.rule IN ('APPEAL_JUDGMENT', 'APPEAL_RULING');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE case_deadline
         SET rule = replace(rule::text, 'ADMINISTRATIVE_', '')::deadline_rule, source = 'Civil Procedure Law (2023), art. 171'
       WHERE rule IN ('ADMINISTRATIVE_APPEAL_JUDGMENT', 'ADMINISTRATIVE_APPEAL_RULING');

      ALTER TYPE deadline_rule RENAME TO deadline_rule_after_1764400004000;
      CREATE TYPE deadline_rule AS ENUM (${CIVIL_RULES});
      ALTER TABLE case_deadline ALTER COLUMN rule TYPE deadline_rule USING rule::text::deadline_rule;
      DROP TYPE deadline_rule_after_1764400004000;
    `);
  }
}
