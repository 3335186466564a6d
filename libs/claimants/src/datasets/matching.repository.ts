import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { returningRows } from '@app/platform';

export interface MatchOutcome {
  /** Exposures created or widened (a new matched field) by this run. */
  changedExposures: number;
  /** Distinct claimants matching the dataset. */
  matchedClaimants: number;
  /** Dataset rows matching no enrolled claimant. */
  unmatchedRows: number;
}

export interface EnrolmentsMatchOutcome {
  /** Enrolments matched (taken off claimant_enrolment_unmatched). */
  enrolments: number;
  /** Exposures created or widened, over all datasets. */
  changedExposures: number;
}

/**
 * Records DATASET_MATCH exposures from `m (claimant_id, fields)` for dataset `d (id, incident_id)`:
 * widens the existing ones that lack a field and inserts the others in claimant order (sequential
 * inserts into the exposure primary key). A plain INSERT rather than INSERT … ON CONFLICT, which
 * pays a speculative insertion per row: the two sets are disjoint in the statement's snapshot, and
 * matching runs under MATCHING_LOCK, so no other writer adds DATASET_MATCH rows meanwhile.
 */
const RECORD_EXPOSURES = `
       widened AS (
         UPDATE exposure x SET matched_fields = ARRAY(SELECT DISTINCT f FROM unnest(x.matched_fields || m.fields) f ORDER BY f)
           FROM m, d
          WHERE x.incident_id = d.incident_id AND x.claimant_id = m.claimant_id AND x.basis = 'DATASET_MATCH'
            AND NOT x.matched_fields @> m.fields
         RETURNING 1
       ),
       inserted AS (
         INSERT INTO exposure (incident_id, claimant_id, basis, matched_fields, dataset_id)
         SELECT d.incident_id, m.claimant_id, 'DATASET_MATCH', m.fields, d.id FROM m CROSS JOIN d
          WHERE NOT EXISTS (SELECT 1 FROM exposure x WHERE x.incident_id = d.incident_id AND x.claimant_id = m.claimant_id AND x.basis = 'DATASET_MATCH')
          ORDER BY m.claimant_id
         RETURNING 1
       )`;

/**
 * The statement that matches a whole dataset. The dataset's partition is scanned once: each row is
 * hash-joined (left joins, hash tables built from the claimants' side, which is the smaller) with
 * the ID number's blind index on claimant and the phone's on each enrolment, and grouped by the
 * pair of claimants it reached, so one pass yields both the matched claimants and the count of
 * rows that reached nobody (the (NULL, NULL) group; a row without any identifier is unusable, not
 * a person to reach, and is left out). A row can reach several enrolments by phone,
 * which only multiplies matched rows, never unmatched ones. It sees every enrolment, so it runs
 * after the pending ones were matched against the other datasets, in the same snapshot
 * (MatchingRepository.exclusively). matched_at is the time the statement ended (clock_timestamp()),
 * not the start of its long transaction.
 */
export const MATCH_DATASET_SQL = `WITH d AS (SELECT id, incident_id FROM seized_dataset WHERE id = $1),
       reached AS MATERIALIZED (
         SELECT c.id AS by_id, e.claimant_id AS by_phone, count(*) AS n
           FROM seized_dataset_row r
           LEFT JOIN claimant c ON c.id_number_index = r.id_number_index
           LEFT JOIN claimant_enrolment e ON e.phone_index = r.phone_index
          WHERE r.dataset_id = $1 AND (r.id_number_index IS NOT NULL OR r.phone_index IS NOT NULL)
          GROUP BY 1, 2
       ),
       m AS MATERIALIZED (
         SELECT claimant_id, array_agg(field ORDER BY field) AS fields
           FROM (SELECT by_id AS claimant_id, 'ID_NUMBER' AS field FROM reached WHERE by_id IS NOT NULL
                 UNION
                 SELECT by_phone, 'PHONE' FROM reached WHERE by_phone IS NOT NULL) f
          GROUP BY claimant_id
       ),${RECORD_EXPOSURES},
       counted AS (
         SELECT (SELECT count(*) FROM inserted)::int + (SELECT count(*) FROM widened)::int AS changed,
                (SELECT count(*) FROM m)::int AS matched,
                (SELECT coalesce(sum(n), 0) FROM reached WHERE by_id IS NULL AND by_phone IS NULL)::bigint AS unmatched
       )
       UPDATE seized_dataset s SET matched_claimants = counted.matched, unmatched_rows = counted.unmatched, matched_at = clock_timestamp()
         FROM counted WHERE s.id = $1
       RETURNING counted.changed, counted.matched, counted.unmatched`;

/** An enrolment already counted by every matched dataset: it is no longer pending. */
const COUNTED = (e: string) =>
  `NOT EXISTS (SELECT 1 FROM claimant_enrolment_unmatched u WHERE u.claimant_id = ${e}.claimant_id AND u.enrolment_id = ${e}.id)`;

/** The next `limit` pending enrolments (all when NULL), in a stable order within one snapshot. */
const pendingBatch = (limit: string) => `SELECT claimant_id, enrolment_id FROM claimant_enrolment_unmatched ORDER BY claimant_id, enrolment_id LIMIT ${limit}`;

/**
 * The statement that matches a batch of pending enrolments against one matched dataset ($1), at a
 * cost that follows the batch, not the dataset: index lookups on the dataset's partition. The
 * stored counts change by what is new: a claimant's ID number is new only if none of its
 * enrolments was counted before; a row reached by the batch was unmatched unless a counted
 * enrolment reaches it (by the ID number of its claimant, or its phone); a claimant reaching the
 * dataset was not yet counted unless it did already through a counted enrolment. Rows are told
 * apart by ctid, stable within the statement (the partition is only ever appended to before it
 * is complete).
 */
export const MATCH_ENROLMENTS_SQL = `WITH d AS (SELECT id, incident_id FROM seized_dataset WHERE id = $1),
       batch AS MATERIALIZED (${pendingBatch('$2')}),
       new_id AS (
         SELECT c.id AS claimant_id, c.id_number_index FROM claimant c
          WHERE c.id IN (SELECT claimant_id FROM batch)
            AND NOT EXISTS (SELECT 1 FROM claimant_enrolment e WHERE e.claimant_id = c.id AND ${COUNTED('e')})
       ),
       new_phone AS (
         SELECT e.claimant_id, e.phone_index FROM batch b JOIN claimant_enrolment e ON e.claimant_id = b.claimant_id AND e.id = b.enrolment_id
       ),
       hit AS MATERIALIZED (
         SELECT r.ctid AS row_id, r.id_number_index, r.phone_index, n.claimant_id, 'ID_NUMBER' AS field
           FROM new_id n JOIN seized_dataset_row r ON r.id_number_index = n.id_number_index
          WHERE r.dataset_id = $1
         UNION ALL
         SELECT r.ctid, r.id_number_index, r.phone_index, p.claimant_id, 'PHONE'
           FROM new_phone p JOIN seized_dataset_row r ON r.phone_index = p.phone_index
          WHERE r.dataset_id = $1
       ),
       m AS MATERIALIZED (
         SELECT claimant_id, array_agg(DISTINCT field ORDER BY field) AS fields FROM hit GROUP BY claimant_id
       ),${RECORD_EXPOSURES},
       newly_reached AS (
         SELECT count(DISTINCT h.row_id)::bigint AS n FROM hit h
          WHERE NOT EXISTS (SELECT 1 FROM claimant c JOIN claimant_enrolment e ON e.claimant_id = c.id
                             WHERE c.id_number_index = h.id_number_index AND ${COUNTED('e')})
            AND NOT EXISTS (SELECT 1 FROM claimant_enrolment e WHERE e.phone_index = h.phone_index AND ${COUNTED('e')})
       ),
       newly_matched AS (
         SELECT count(*)::bigint AS n FROM m
          WHERE NOT EXISTS (
            SELECT 1 FROM claimant c JOIN claimant_enrolment e ON e.claimant_id = c.id
             WHERE c.id = m.claimant_id AND ${COUNTED('e')}
               AND (EXISTS (SELECT 1 FROM seized_dataset_row r WHERE r.dataset_id = $1 AND r.id_number_index = c.id_number_index)
                    OR EXISTS (SELECT 1 FROM seized_dataset_row r WHERE r.dataset_id = $1 AND r.phone_index = e.phone_index)))
       ),
       counted AS (
         SELECT (SELECT count(*) FROM inserted)::int + (SELECT count(*) FROM widened)::int AS changed,
                (SELECT n FROM newly_matched) AS matched, (SELECT n FROM newly_reached) AS reached
       )
       UPDATE seized_dataset s SET matched_claimants = s.matched_claimants + counted.matched, unmatched_rows = s.unmatched_rows - counted.reached
         FROM counted WHERE s.id = $1
       RETURNING counted.changed`;

/**
 * Memory for the matching statement's hash tables and grouping, for its transaction only: with
 * the default 4 MB a million claimants' blind indexes do not fit, and the hash join splits into
 * batches written to temporary files (the dataset side included). A million claimants' hash
 * table takes about 100 MB.
 */
export const MATCH_WORK_MEM = '256MB';

/** Memory for sorting a dataset's blind indexes into its btree indexes. */
const INDEX_MAINTENANCE_WORK_MEM = '512MB';

/**
 * Session advisory lock held by every matching transaction. Matching keeps, per dataset, counts
 * that must account for exactly the enrolments no longer pending; one matcher at a time keeps
 * that true without per-dataset bookkeeping. Taken before the transaction starts, so that its
 * snapshot sees what the previous holder committed.
 */
const MATCHING_LOCK = `hashtext('leakcase.matching')`;

/**
 * Matching in SQL. A dataset is matched in full once (MATCH_DATASET_SQL), then enrolments made
 * later are matched against it incrementally (MATCH_ENROLMENTS_SQL); both are idempotent in their
 * exposures (running again creates nothing, only widens matched_fields when a new field matches)
 * and keep the dataset's stored counts exact, so reading them costs nothing.
 */
@Injectable()
export class MatchingRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Runs `work` in a REPEATABLE READ transaction under MATCHING_LOCK: every statement of it sees
   * the same enrolments, so the pending ones it matches and takes off the list are exactly those
   * it counted. Enrolments committed meanwhile stay pending for the next run.
   */
  async exclusively<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query(`SELECT pg_advisory_lock(${MATCHING_LOCK})`);
      try {
        await runner.startTransaction('REPEATABLE READ');
        try {
          const result = await work(runner.manager);
          await runner.commitTransaction();
          return result;
        } catch (error) {
          await runner.rollbackTransaction();
          throw error;
        }
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(${MATCHING_LOCK})`);
      }
    } finally {
      await runner.release();
    }
  }

  /** Builds the indexes of a complete dataset's partition that incremental matching looks up (once). */
  async indexDataset(manager: EntityManager, datasetId: string): Promise<void> {
    await manager.query(`SET LOCAL maintenance_work_mem = '${INDEX_MAINTENANCE_WORK_MEM}'`);
    await manager.query(`SELECT index_seized_dataset_partition($1)`, [datasetId]);
  }

  /** Matches a whole dataset against every enrolment (after the pending ones, see exclusively). */
  async matchDataset(manager: EntityManager, datasetId: string): Promise<MatchOutcome> {
    await manager.query(`SET LOCAL work_mem = '${MATCH_WORK_MEM}'`);
    const [row] = await returningRows<{ changed: number; matched: number; unmatched: string }>(manager, MATCH_DATASET_SQL, [datasetId]);
    return { changedExposures: row?.changed ?? 0, matchedClaimants: row?.matched ?? 0, unmatchedRows: Number(row?.unmatched ?? 0) };
  }

  /**
   * Matches the next `limit` pending enrolments (all when null) against every dataset matched so
   * far and takes them off the pending list. Datasets not matched yet will see them in full.
   */
  async matchPendingEnrolments(manager: EntityManager, limit: number | null): Promise<EnrolmentsMatchOutcome> {
    const [{ n }] = await manager.query(`SELECT count(*)::int AS n FROM (${pendingBatch('$1')}) b`, [limit]);
    if (!n) return { enrolments: 0, changedExposures: 0 };
    const datasets: { id: string }[] = await manager.query(`SELECT id FROM seized_dataset WHERE matched_at IS NOT NULL ORDER BY created_at, id`);
    let changed = 0;
    for (const { id } of datasets) {
      const [row] = await returningRows<{ changed: number }>(manager, MATCH_ENROLMENTS_SQL, [id, limit]);
      changed += row?.changed ?? 0;
    }
    await manager.query(
      `DELETE FROM claimant_enrolment_unmatched WHERE (claimant_id, enrolment_id) IN (${pendingBatch('$1')})`,
      [limit],
    );
    return { enrolments: n, changedExposures: changed };
  }
}
