import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which incidents each enrolment declared. A self-declared exposure row is shared by every
 * organisation that enrolled the person; showing it to one organisation when only another
 * declared it would reveal that other organisation's enrolment.
 */
export class EnrolmentDeclaredIncidents1764400006000 implements MigrationInterface {
  name = 'EnrolmentDeclaredIncidents1764400006000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE claimant_enrolment ADD COLUMN declared_incident_ids uuid[] NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE claimant_enrolment DROP COLUMN declared_incident_ids`);
  }
}
