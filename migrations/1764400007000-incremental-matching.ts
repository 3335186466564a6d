import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Incremental matching of new enrolments against the datasets already matched.
 *
 * - seized_dataset_row is partitioned by dataset (LIST, one partition per dataset, created with
 *   the dataset by attach_seized_dataset_partition). A dataset's scan is its own partition (the
 *   BRIN index is no longer needed), and its blind indexes get btree indexes built once, after
 *   its upload is complete (index_seized_dataset_partition, run by the matching job): sorted
 *   builds of one partition cost about as much as its COPY, where indexes maintained row by row
 *   during COPY cost several times more and would grow with every dataset ever imported.
 * - claimant_enrolment_unmatched lists the enrolments not yet matched against the datasets
 *   matched before them. Every insert into claimant_enrolment lands there through a statement
 *   trigger, whichever path enrols (form, CSV import, CLI), in the enrolment's own transaction.
 * - exposure loses its foreign keys: checked row by row they took about 40% of matching a
 *   dataset. Every writer takes the ids from rows it reads in the same transaction (the
 *   matching statements from claimant and seized_dataset, enrolment from the claimant it upserts
 *   and incidents it checked), and no claimant, leak incident or seized dataset is ever deleted
 *   (a claimant is also held by its enrolments' foreign key, a dataset by its chunks').
 */
export class IncrementalMatching1764400007000 implements MigrationInterface {
  name = 'IncrementalMatching1764400007000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE exposure DROP CONSTRAINT exposure_incident_id_fkey, DROP CONSTRAINT exposure_claimant_id_fkey,
        DROP CONSTRAINT exposure_dataset_id_fkey;

      ALTER TABLE seized_dataset_row RENAME TO seized_dataset_row_unpartitioned;
      DROP INDEX seized_dataset_row_dataset_brin;
      CREATE TABLE seized_dataset_row (
        dataset_id uuid NOT NULL,
        id_number_index bytea,
        phone_index bytea
      ) PARTITION BY LIST (dataset_id);

      -- A dataset's partition, created empty and attached (ATTACH takes a lock that lets uploads
      -- and matching of other datasets go on, where CREATE TABLE … PARTITION OF would not).
      CREATE FUNCTION attach_seized_dataset_partition(dataset uuid) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE
        part text := 'seized_dataset_row_' || replace(dataset::text, '-', '');
      BEGIN
        EXECUTE format('CREATE TABLE %I (LIKE seized_dataset_row)', part);
        EXECUTE format('ALTER TABLE seized_dataset_row ATTACH PARTITION %I FOR VALUES IN (%L)', part, dataset);
      END $$;

      -- The btree indexes of a complete dataset's blind indexes, for matching new enrolments.
      CREATE FUNCTION index_seized_dataset_partition(dataset uuid) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE
        part text := 'seized_dataset_row_' || replace(dataset::text, '-', '');
      BEGIN
        EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I (id_number_index) WHERE id_number_index IS NOT NULL', part || '_id', part);
        EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I (phone_index) WHERE phone_index IS NOT NULL', part || '_phone', part);
      END $$;

      SELECT attach_seized_dataset_partition(id) FROM seized_dataset ORDER BY created_at, id;
      INSERT INTO seized_dataset_row SELECT * FROM seized_dataset_row_unpartitioned;
      DROP TABLE seized_dataset_row_unpartitioned;
      SELECT index_seized_dataset_partition(id) FROM seized_dataset WHERE status = 'COMPLETE' ORDER BY created_at, id;

      -- No foreign keys: filled by the trigger from the enrolment just inserted, and enrolments
      -- are never deleted. Enrolments that exist now were matched by the full rematches before.
      CREATE TABLE claimant_enrolment_unmatched (
        claimant_id uuid NOT NULL,
        enrolment_id uuid NOT NULL,
        PRIMARY KEY (claimant_id, enrolment_id)
      );
      CREATE FUNCTION claimant_enrolment_queue_match() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO claimant_enrolment_unmatched (claimant_id, enrolment_id) SELECT claimant_id, id FROM inserted;
        RETURN NULL;
      END $$;
      CREATE TRIGGER claimant_enrolment_queue_match AFTER INSERT ON claimant_enrolment
        REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION claimant_enrolment_queue_match();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER claimant_enrolment_queue_match ON claimant_enrolment;
      DROP FUNCTION claimant_enrolment_queue_match();
      DROP TABLE claimant_enrolment_unmatched;

      CREATE TABLE seized_dataset_row_unpartitioned (
        dataset_id uuid NOT NULL,
        id_number_index bytea,
        phone_index bytea
      );
      INSERT INTO seized_dataset_row_unpartitioned SELECT * FROM seized_dataset_row;
      DROP TABLE seized_dataset_row;
      ALTER TABLE seized_dataset_row_unpartitioned RENAME TO seized_dataset_row;
      CREATE INDEX seized_dataset_row_dataset_brin ON seized_dataset_row USING brin (dataset_id) WITH (pages_per_range = 32);
      DROP FUNCTION index_seized_dataset_partition(uuid);
      DROP FUNCTION attach_seized_dataset_partition(uuid);

      ALTER TABLE exposure ADD FOREIGN KEY (incident_id) REFERENCES leak_incident (id),
        ADD FOREIGN KEY (claimant_id) REFERENCES claimant (id), ADD FOREIGN KEY (dataset_id) REFERENCES seized_dataset (id);
    `);
  }
}
