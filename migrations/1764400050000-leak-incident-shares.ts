import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Incidents the plaintiff side can share: the organisation that registered an incident names the
 * organisations it shares it with (one row each; unsharing deletes the row, the audit log keeps
 * both acts). The visibility policy reads it by incident (the primary key) and, for an
 * organisation's list of incidents, by organisation.
 */
export class LeakIncidentShares1764400050000 implements MigrationInterface {
  name = 'LeakIncidentShares1764400050000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE leak_incident_share (
        incident_id uuid NOT NULL REFERENCES leak_incident (id),
        organisation_id uuid NOT NULL REFERENCES organisation (id),
        shared_by uuid NOT NULL REFERENCES app_user (id),
        shared_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (incident_id, organisation_id)
      );
      CREATE INDEX leak_incident_share_organisation_idx ON leak_incident_share (organisation_id, incident_id);
      CREATE INDEX case_stage_transition_announcement_idx ON case_stage_transition (case_id) WHERE to_stage = 'ANNOUNCEMENT';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX case_stage_transition_announcement_idx; DROP TABLE leak_incident_share`);
  }
}
