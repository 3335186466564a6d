import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Extensions of the evidence period and adverse inferences as the law reads them.
 *
 * - `case_deadline.extends_deadline_id`: a deadline that is the court's extension of an earlier
 *   one of the same case (SPC evidence provisions (2019) art. 54); it is counted in days from
 *   that deadline's last day (`trigger_date`), and the earlier one is closed on the day of the
 *   grant.
 * - `evidence_period_extension`: a party's written application to extend the evidence period
 *   (made before the period ended: `period_ends` is its end when applied for) and the court's
 *   ruling on it: GRANTED with the new end (`extended_deadline_id`: the deadline it opened) or
 *   REFUSED, with reasons. `organisation_id` is the applying party's organisation (null for a
 *   defendant, agency or representative whose application the court recorded).
 * - `adverse_inference`: the court's art. 95 flags, one per obligation, withholding party and
 *   evidence requested (several per obligation), each withdrawable with reasons and kept after
 *   withdrawal as history. The single flag of `obligation` moves there.
 */
export class EvidencePeriodExtensions1764400150000 implements MigrationInterface {
  name = 'EvidencePeriodExtensions1764400150000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE case_deadline
        ADD COLUMN extends_deadline_id uuid,
        ADD CONSTRAINT case_deadline_extends_fkey FOREIGN KEY (case_id, extends_deadline_id) REFERENCES case_deadline (case_id, id);

      CREATE TYPE extension_status AS ENUM ('PENDING', 'GRANTED', 'REFUSED');
      CREATE TABLE evidence_period_extension (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL REFERENCES legal_case (id),
        party_id uuid NOT NULL,
        organisation_id uuid REFERENCES organisation (id),
        applied_by uuid NOT NULL REFERENCES app_user (id),
        applied_on date NOT NULL,
        deadline_id uuid NOT NULL,
        period_ends date NOT NULL,
        requested_end date,
        reasons text NOT NULL,
        status extension_status NOT NULL DEFAULT 'PENDING',
        ruled_by uuid REFERENCES app_user (id),
        ruled_on date,
        ruling_reasons text,
        extended_deadline_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (case_id, party_id) REFERENCES case_party (case_id, id),
        FOREIGN KEY (case_id, deadline_id) REFERENCES case_deadline (case_id, id),
        FOREIGN KEY (case_id, extended_deadline_id) REFERENCES case_deadline (case_id, id),
        CHECK (applied_on <= period_ends),
        CHECK ((status = 'PENDING') = (ruled_on IS NULL) AND (ruled_on IS NULL) = (ruling_reasons IS NULL) AND (ruled_on IS NULL) = (ruled_by IS NULL)),
        CHECK ((status = 'GRANTED') = (extended_deadline_id IS NOT NULL))
      );
      -- A case's applications in the order they were made (the list is keyset-paginated on it).
      CREATE INDEX evidence_period_extension_case_idx ON evidence_period_extension (case_id, created_at, id);

      CREATE TABLE adverse_inference (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL REFERENCES legal_case (id),
        obligation_id uuid NOT NULL REFERENCES obligation (id),
        party_id uuid NOT NULL,
        evidence text NOT NULL,
        reasons text NOT NULL,
        flagged_by uuid REFERENCES app_user (id),
        flagged_at timestamptz NOT NULL DEFAULT now(),
        withdrawn_by uuid REFERENCES app_user (id),
        withdrawn_at timestamptz,
        withdrawal_reasons text,
        FOREIGN KEY (case_id, party_id) REFERENCES case_party (case_id, id),
        CHECK ((withdrawn_at IS NULL) = (withdrawal_reasons IS NULL) AND (withdrawn_at IS NULL) = (withdrawn_by IS NULL))
      );
      -- One standing flag per obligation, withholding party and evidence requested.
      CREATE UNIQUE INDEX adverse_inference_standing_key ON adverse_inference (obligation_id, party_id, lower(evidence)) WHERE withdrawn_at IS NULL;
      CREATE INDEX adverse_inference_obligation_idx ON adverse_inference (obligation_id, flagged_at, id);

      INSERT INTO adverse_inference (case_id, obligation_id, party_id, evidence, reasons, flagged_at)
        SELECT case_id, id, adverse_inference_party_id, 'not recorded (flagged before flags named the evidence)', adverse_inference_reasons, adverse_inference_at
          FROM obligation WHERE adverse_inference_party_id IS NOT NULL;
      ALTER TABLE obligation DROP COLUMN adverse_inference_party_id, DROP COLUMN adverse_inference_reasons, DROP COLUMN adverse_inference_at;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE obligation ADD COLUMN adverse_inference_party_id uuid, ADD COLUMN adverse_inference_reasons text,
        ADD COLUMN adverse_inference_at timestamptz,
        ADD FOREIGN KEY (case_id, adverse_inference_party_id) REFERENCES case_party (case_id, id),
        ADD CHECK ((adverse_inference_party_id IS NULL) = (adverse_inference_reasons IS NULL));
      UPDATE obligation o SET adverse_inference_party_id = a.party_id, adverse_inference_reasons = a.reasons, adverse_inference_at = a.flagged_at
        FROM (SELECT DISTINCT ON (obligation_id) * FROM adverse_inference WHERE withdrawn_at IS NULL ORDER BY obligation_id, flagged_at DESC) a
       WHERE a.obligation_id = o.id;
      DROP TABLE adverse_inference;
      DROP TABLE evidence_period_extension;
      DROP TYPE extension_status;
      ALTER TABLE case_deadline DROP COLUMN extends_deadline_id;
    `);
  }
}
