import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deadlines per party, and recorded steps a recomputation contradicts.
 *
 * - `party_id`: the party whose service started the period, where the law counts from each
 *   party's service (CPL (2023) art. 171, APL art. 85); null when one event starts it for all.
 * - `contradicted_transition_id`, `contradiction`, `contradicted_at`: set when reloading a year's
 *   holiday arrangement moved the deadline's end on or after the date of the stage transition it
 *   gated (that step is now premature); cleared when a later reload makes the step timely again.
 */
export class DeadlineRecomputation1764400015000 implements MigrationInterface {
  name = 'DeadlineRecomputation1764400015000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE case_deadline
        ADD COLUMN party_id uuid,
        ADD COLUMN contradicted_transition_id uuid,
        ADD COLUMN contradiction text,
        ADD COLUMN contradicted_at timestamptz,
        ADD CONSTRAINT case_deadline_party_fkey FOREIGN KEY (case_id, party_id) REFERENCES case_party (case_id, id),
        ADD CONSTRAINT case_deadline_contradicted_transition_fkey
          FOREIGN KEY (case_id, contradicted_transition_id) REFERENCES case_stage_transition (case_id, id),
        ADD CONSTRAINT case_deadline_contradiction_check
          CHECK ((contradicted_transition_id IS NULL) = (contradiction IS NULL) AND (contradiction IS NULL) = (contradicted_at IS NULL));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE case_deadline DROP COLUMN party_id, DROP COLUMN contradicted_transition_id, DROP COLUMN contradiction,
        DROP COLUMN contradicted_at;
    `);
  }
}
