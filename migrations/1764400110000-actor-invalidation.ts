import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Actor invalidation: every API process caches the actor of a token it has checked (ActorCache)
 * and must drop it the moment the user's row changes, whoever changes it (an API process, the
 * CLI, plain SQL). A trigger notifies channel `actor_changed` with the user's id when a column an
 * actor depends on is set (disabled_at, token_generation, role, organisation_id) or the user is
 * deleted, and with `*` when an organisation's kind is set. NOTIFY is sent on commit only, to
 * every listening session.
 */
export class ActorInvalidation1764400110000 implements MigrationInterface {
  name = 'ActorInvalidation1764400110000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION notify_actor_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('actor_changed', CASE WHEN TG_TABLE_NAME = 'app_user' THEN OLD.id::text ELSE '*' END);
        RETURN NULL;
      END $$;

      CREATE TRIGGER app_user_actor_changed AFTER UPDATE OF disabled_at, token_generation, role, organisation_id OR DELETE ON app_user
        FOR EACH ROW EXECUTE FUNCTION notify_actor_changed();
      CREATE TRIGGER organisation_actor_changed AFTER UPDATE OF kind OR DELETE ON organisation
        FOR EACH ROW EXECUTE FUNCTION notify_actor_changed();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER organisation_actor_changed ON organisation;
      DROP TRIGGER app_user_actor_changed ON app_user;
      DROP FUNCTION notify_actor_changed();
    `);
  }
}
