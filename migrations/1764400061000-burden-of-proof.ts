import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Burden-of-proof obligations (libs/proof/src/rules/burden-rules.ts), generated per case from the
 * rule table: the rule, the defendant or agency it is about, the texts as the rule gave them when
 * generated, the status the court set (OPEN until it rules), when the obligation-failure job
 * recorded a FAILED, the court's reasons, and the adverse-inference flag (SPC evidence provisions
 * (2019) art. 95). Evidence items name the obligations they address.
 */
export class BurdenOfProof1764400061000 implements MigrationInterface {
  name = 'BurdenOfProof1764400061000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TYPE obligation_status AS ENUM ('OPEN', 'DISCHARGED', 'FAILED', 'CONTESTED', 'WAIVED');
      CREATE TABLE obligation (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL REFERENCES legal_case (id),
        rule text NOT NULL,
        bearer text NOT NULL CHECK (bearer IN ('PLAINTIFF', 'DEFENDANT', 'AGENCY')),
        party_id uuid,
        element text NOT NULL,
        legal_basis text NOT NULL,
        typical_evidence text NOT NULL,
        consequence text NOT NULL,
        status obligation_status NOT NULL DEFAULT 'OPEN',
        -- Set by the obligation-failure job when the evidence period ended with it OPEN.
        failure_recorded_at timestamptz,
        ruling_reasons text,
        ruled_by uuid REFERENCES app_user (id),
        ruled_at timestamptz,
        adverse_inference_party_id uuid,
        adverse_inference_reasons text,
        adverse_inference_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (case_id, party_id) REFERENCES case_party (case_id, id),
        FOREIGN KEY (case_id, adverse_inference_party_id) REFERENCES case_party (case_id, id),
        CHECK ((adverse_inference_party_id IS NULL) = (adverse_inference_reasons IS NULL))
      );
      -- One obligation per rule and party of a case: generating again adds only what is missing.
      CREATE UNIQUE INDEX obligation_key ON obligation (case_id, rule, coalesce(party_id, '00000000-0000-0000-0000-000000000000'));
      -- The obligation-failure job's scan: open obligations.
      CREATE INDEX obligation_open_idx ON obligation (case_id) WHERE status = 'OPEN';

      CREATE TABLE evidence_obligation (
        evidence_id uuid NOT NULL REFERENCES evidence_item (id),
        obligation_id uuid NOT NULL REFERENCES obligation (id),
        PRIMARY KEY (evidence_id, obligation_id)
      );
      CREATE INDEX evidence_obligation_obligation_idx ON evidence_obligation (obligation_id, evidence_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE evidence_obligation; DROP TABLE obligation; DROP TYPE obligation_status;`);
  }
}
