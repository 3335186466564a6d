import { MigrationInterface, QueryRunner } from 'typeorm';

/** The tables claimant_enrolment refers to, with the column that refers to each. */
const REFERENCES = [
  ['claimant', 'claimant_id'],
  ['organisation', 'organisation_id'],
  ['app_user', 'enrolled_by'],
  ['legal_case', 'case_id'],
  ['claimant_import', 'import_id'],
] as const;

/**
 * The check of an enrolment statement's organisations, users, cases and imports (each distinct one
 * once): the start of a CASE naming the first column whose row is missing, read INTO `missing`.
 */
export const PARENT_CHECKS = `WITH parents AS (SELECT DISTINCT organisation_id, enrolled_by, case_id, import_id FROM written)
        SELECT CASE
                 WHEN EXISTS (SELECT 1 FROM parents p WHERE NOT EXISTS (SELECT 1 FROM organisation o WHERE o.id = p.organisation_id)) THEN 'organisation_id'
                 WHEN EXISTS (SELECT 1 FROM parents p WHERE p.enrolled_by IS NOT NULL AND NOT EXISTS (SELECT 1 FROM app_user u WHERE u.id = p.enrolled_by)) THEN 'enrolled_by'
                 WHEN EXISTS (SELECT 1 FROM parents p WHERE p.case_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM legal_case c WHERE c.id = p.case_id)) THEN 'case_id'
                 WHEN EXISTS (SELECT 1 FROM parents p WHERE p.import_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM claimant_import i WHERE i.id = p.import_id)) THEN 'import_id'`;

/** The statement trigger's function, checking each row's claimant with a probe of claimant's primary key. */
export const CHECK_REFERENCES = `
      CREATE FUNCTION claimant_enrolment_check_references() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        missing text;
      BEGIN
        ${PARENT_CHECKS}
                 WHEN EXISTS (SELECT 1 FROM written w WHERE NOT EXISTS (SELECT 1 FROM claimant c WHERE c.id = w.claimant_id)) THEN 'claimant_id'
               END INTO missing;
        IF missing IS NOT NULL THEN
          RAISE EXCEPTION 'claimant_enrolment.% refers to a row that does not exist', missing
            USING ERRCODE = 'foreign_key_violation', TABLE = 'claimant_enrolment', COLUMN = missing;
        END IF;
        RETURN NULL;
      END $$;`;

/**
 * claimant_enrolment's five references are checked once per statement instead of once per row.
 *
 * As foreign keys they cost five trigger calls per enrolment (a query and a row lock each): 40% of
 * a bulk import's enrolment statement, most of it re-checking the same organisation, user and
 * import for every row of the file. A statement trigger over the rows just written checks them
 * as a set instead: each distinct organisation, user, case and import once, and every claimant id
 * in one anti-join. It runs whichever path writes (form, CSV import, CLI), inside the writing
 * statement, and refuses with SQLSTATE 23503 (foreign_key_violation) naming the column, as the
 * foreign keys did.
 *
 * The other half of a foreign key, refusing to delete a referenced row, becomes a rule on the five
 * tables: their rows are never deleted (nor truncated, nor re-keyed). Nothing in leakcase deletes
 * them: they are the parties, people, cases and imports of legal records, and the audit log names
 * them. Refusing outright, rather than only when an enrolment refers to the row, also closes the
 * gap a per-statement check would otherwise leave (a delete racing an uncommitted enrolment).
 *
 * claimant_enrolment_import_idx goes: its one reader was the import job's exposure statement,
 * which now takes the enrolments from the INSERT that made them (RETURNING); every other query
 * reaches enrolments by organisation, claimant, case or phone.
 */
export class EnrolmentReferencesPerStatement1764400120000 implements MigrationInterface {
  name = 'EnrolmentReferencesPerStatement1764400120000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE claimant_enrolment ${REFERENCES.map(([, column]) => `DROP CONSTRAINT claimant_enrolment_${column}_fkey`).join(', ')}`);
    await q.query(`DROP INDEX claimant_enrolment_import_idx`);
    await q.query(`
      ${CHECK_REFERENCES}
      CREATE TRIGGER claimant_enrolment_references_insert AFTER INSERT ON claimant_enrolment
        REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION claimant_enrolment_check_references();
      CREATE TRIGGER claimant_enrolment_references_update AFTER UPDATE ON claimant_enrolment
        REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION claimant_enrolment_check_references();

      CREATE FUNCTION refuse_removal_of_enrolment_parent() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'rows of % are never deleted or re-keyed: claimant enrolments refer to them', TG_TABLE_NAME
          USING ERRCODE = 'foreign_key_violation', TABLE = TG_TABLE_NAME;
      END $$;
    `);
    for (const [table] of REFERENCES) {
      await q.query(`
        CREATE TRIGGER ${table}_kept BEFORE DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION refuse_removal_of_enrolment_parent();
        CREATE TRIGGER ${table}_key_kept BEFORE UPDATE OF id ON ${table}
          FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION refuse_removal_of_enrolment_parent();
        CREATE TRIGGER ${table}_not_truncated BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION refuse_removal_of_enrolment_parent();
      `);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [table] of REFERENCES) await q.query(`DROP TRIGGER ${table}_kept ON ${table}; DROP TRIGGER ${table}_key_kept ON ${table}; DROP TRIGGER ${table}_not_truncated ON ${table}`);
    await q.query(`
      DROP FUNCTION refuse_removal_of_enrolment_parent();
      DROP TRIGGER claimant_enrolment_references_update ON claimant_enrolment;
      DROP TRIGGER claimant_enrolment_references_insert ON claimant_enrolment;
      DROP FUNCTION claimant_enrolment_check_references();
    `);
    await q.query(`ALTER TABLE claimant_enrolment ${REFERENCES.map(([table, column]) => `ADD FOREIGN KEY (${column}) REFERENCES ${table} (id)`).join(', ')}`);
    await q.query(`CREATE INDEX claimant_enrolment_import_idx ON claimant_enrolment (import_id) WHERE import_id IS NOT NULL`);
  }
}
