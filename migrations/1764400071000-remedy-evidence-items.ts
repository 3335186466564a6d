import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Evidence of compliance points into the evidence log: remedy_evidence.evidence_item_id becomes a
 * foreign key to evidence_item. A reference written before this (when the column was a bare uuid)
 * that names no evidence item is cleared, its id kept at the end of the description, so the
 * constraint can be validated.
 */
export class RemedyEvidenceItems1764400071000 implements MigrationInterface {
  name = 'RemedyEvidenceItems1764400071000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE remedy_evidence re
         SET description = re.description || ' (evidence item ' || re.evidence_item_id || ' not in the evidence log)', evidence_item_id = NULL
       WHERE re.evidence_item_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM evidence_item ev WHERE ev.id = re.evidence_item_id);
      ALTER TABLE remedy_evidence ADD CONSTRAINT remedy_evidence_evidence_item_fk FOREIGN KEY (evidence_item_id) REFERENCES evidence_item (id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE remedy_evidence DROP CONSTRAINT remedy_evidence_evidence_item_fk;
    `);
  }
}
