import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The evidence ledger (libs/proof): an append-only RFC 9162 Merkle tree over every evidence item
 * and generated document (ledger_entry holds the leaves, ledger_node the hash of every perfect
 * subtree, so an append writes O(log n) nodes and a proof reads O(log n)), the signed
 * checkpoints of it and of the audit chain, and the evidence items with their files' hashes.
 * The ledger tables refuse UPDATE, DELETE and TRUNCATE like audit_event; verification does not
 * rely on that (whoever owns the database can switch triggers off), but on the signed heads
 * kept outside it.
 */
export class EvidenceLedger1764400060000 implements MigrationInterface {
  name = 'EvidenceLedger1764400060000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TYPE ledger_entry_kind AS ENUM ('EVIDENCE', 'DOCUMENT');
      CREATE TABLE ledger_entry (
        idx bigint PRIMARY KEY CHECK (idx >= 0),
        kind ledger_entry_kind NOT NULL,
        case_id uuid REFERENCES legal_case (id),
        -- The exact leaf bytes (canonical JSON) and SHA-256(0x00 || leaf).
        leaf bytea NOT NULL,
        leaf_hash bytea NOT NULL CHECK (length(leaf_hash) = 32),
        appended_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX ledger_entry_case_idx ON ledger_entry (case_id, idx);

      -- Perfect subtree (level, idx) covers leaves [idx * 2^level, (idx + 1) * 2^level).
      CREATE TABLE ledger_node (
        level smallint NOT NULL CHECK (level BETWEEN 0 AND 62),
        idx bigint NOT NULL CHECK (idx >= 0),
        hash bytea NOT NULL CHECK (length(hash) = 32),
        PRIMARY KEY (level, idx)
      );

      CREATE TYPE ledger_log AS ENUM ('EVIDENCE', 'AUDIT');
      -- A signed head of a log: for EVIDENCE the tree size and RFC 9162 root, for AUDIT the last
      -- seq of the audit chain and that row's hash. Also written to LEDGER_CHECKPOINT_DIR.
      CREATE TABLE ledger_checkpoint (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        log ledger_log NOT NULL,
        tree_size bigint NOT NULL CHECK (tree_size >= 0),
        root_hash bytea NOT NULL CHECK (length(root_hash) = 32),
        note text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX ledger_checkpoint_log_idx ON ledger_checkpoint (log, created_at DESC, id);

      -- A failed verification, shown to ADMIN (all) and to the judges of the case it names.
      CREATE TABLE ledger_alert (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        log ledger_log NOT NULL,
        case_id uuid REFERENCES legal_case (id),
        -- The ledger index or audit seq of the first entry that failed; null when none is to blame (a missing file of checkpoints).
        first_failing bigint,
        reason text NOT NULL,
        detected_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX ledger_alert_detected_idx ON ledger_alert (detected_at DESC, id);
      CREATE INDEX ledger_alert_case_idx ON ledger_alert (case_id, detected_at DESC, id);

      CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON ledger_entry FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
      CREATE TRIGGER ledger_entry_no_truncate BEFORE TRUNCATE ON ledger_entry FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
      CREATE TRIGGER ledger_node_append_only BEFORE UPDATE OR DELETE ON ledger_node FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
      CREATE TRIGGER ledger_node_no_truncate BEFORE TRUNCATE ON ledger_node FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
      CREATE TRIGGER ledger_checkpoint_append_only BEFORE UPDATE OR DELETE ON ledger_checkpoint FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();

      CREATE TABLE evidence_item (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL REFERENCES legal_case (id),
        -- The party that produced it: a plaintiff-side organisation's own party, or a defendant
        -- or agency whose submission the court recorded.
        party_id uuid NOT NULL,
        -- The organisation whose user submitted it (the court for a defendant's submission).
        organisation_id uuid NOT NULL REFERENCES organisation (id),
        submitted_by uuid NOT NULL REFERENCES app_user (id),
        title text NOT NULL,
        source text NOT NULL,
        sha256 bytea NOT NULL CHECK (length(sha256) = 32),
        size_bytes bigint NOT NULL CHECK (size_bytes > 0),
        content_type text NOT NULL,
        page_count integer,
        ledger_index bigint NOT NULL UNIQUE REFERENCES ledger_entry (idx),
        -- Set when the court exchanged it to the other parties (SPC evidence provisions arts. 56-58).
        exchanged_at timestamptz,
        submitted_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (case_id, party_id) REFERENCES case_party (case_id, id)
      );
      CREATE INDEX evidence_item_case_idx ON evidence_item (case_id, ledger_index);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE evidence_item;
      DROP TABLE ledger_alert;
      DROP TABLE ledger_checkpoint;
      DROP TABLE ledger_node;
      DROP TABLE ledger_entry;
      DROP FUNCTION ledger_refuse_change();
      DROP TYPE ledger_log;
      DROP TYPE ledger_entry_kind;
    `);
  }
}
