import { MigrationInterface, QueryRunner } from 'typeorm';

/** The evidence list (证据清单) as a document kind: each visible evidence item with its hash and log position. */
export class EvidenceListDocument1764400096000 implements MigrationInterface {
  name = 'EvidenceListDocument1764400096000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TYPE document_kind ADD VALUE IF NOT EXISTS 'EVIDENCE_LIST'`);
  }

  /** PostgreSQL cannot drop an enum value: the type is recreated (fails while an evidence list is stored). */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TYPE document_kind RENAME TO document_kind_with_evidence_list;
      CREATE TYPE document_kind AS ENUM
        ('CIVIL_PUBLIC_INTEREST_COMPLAINT', 'PRE_LITIGATION_ANNOUNCEMENT', 'PROCURATORIAL_RECOMMENDATION',
         'EVIDENCE_PRESERVATION_APPLICATION', 'CLASS_ROSTER', 'CLASS_COMPOSITION_REPORT');
      ALTER TABLE case_document ALTER COLUMN kind TYPE document_kind USING kind::text::document_kind;
      DROP TYPE document_kind_with_evidence_list;
    `);
  }
}
