import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Generated documents in the evidence log (issues 11 and 14 wired together): a document's
 * `log_index` names its own ledger entry (one entry per document, which must exist), and the
 * documents not yet logged (made before the wiring) are found by a partial index, oldest first, to
 * be appended at startup (DocumentsService.logUnlogged).
 */
export class DocumentLogIndex1764400095000 implements MigrationInterface {
  name = 'DocumentLogIndex1764400095000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE case_document
        ADD CONSTRAINT case_document_log_index_key UNIQUE (log_index),
        ADD CONSTRAINT case_document_log_index_fkey FOREIGN KEY (log_index) REFERENCES ledger_entry (idx);
      CREATE INDEX case_document_unlogged_idx ON case_document (created_at, id) WHERE log_index IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX case_document_unlogged_idx;
      ALTER TABLE case_document DROP CONSTRAINT case_document_log_index_fkey, DROP CONSTRAINT case_document_log_index_key;
    `);
  }
}
