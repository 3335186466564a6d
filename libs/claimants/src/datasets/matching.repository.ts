import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface MatchOutcome {
  /** Exposures created or widened (a new matched field) by this run. */
  changedExposures: number;
  /** Distinct claimants matching the dataset. */
  matchedClaimants: number;
  /** Dataset rows matching no enrolled claimant. */
  unmatchedRows: number;
}

/**
 * The one statement that matches a dataset. The dataset's rows are scanned once: each row is
 * hash-joined (left joins, hash tables built from the claimants' side, which is the smaller) with
 * the ID number's blind index on claimant and the phone's on each enrolment, and grouped by the
 * pair of claimants it reached, so one pass yields both the matched claimants and the count of
 * rows that reached nobody (the (NULL, NULL) group). A row can reach several enrolments by phone,
 * which only multiplies matched rows, never unmatched ones. Exposures are upserted in claimant
 * order (sequential inserts into the exposure primary key).
 */
export const MATCH_DATASET_SQL = `WITH d AS (SELECT id, incident_id FROM seized_dataset WHERE id = $1),
       reached AS MATERIALIZED (
         SELECT c.id AS by_id, e.claimant_id AS by_phone, count(*) AS n
           FROM seized_dataset_row r
           LEFT JOIN claimant c ON c.id_number_index = r.id_number_index
           LEFT JOIN claimant_enrolment e ON e.phone_index = r.phone_index
          WHERE r.dataset_id = $1
          GROUP BY 1, 2
       ),
       m AS (
         SELECT by_id AS claimant_id, 'ID_NUMBER' AS field FROM reached WHERE by_id IS NOT NULL
         UNION
         SELECT by_phone, 'PHONE' FROM reached WHERE by_phone IS NOT NULL
       ),
       upserted AS (
         INSERT INTO exposure (incident_id, claimant_id, basis, matched_fields, dataset_id)
         SELECT d.incident_id, m.claimant_id, 'DATASET_MATCH', array_agg(m.field ORDER BY m.field), d.id
           FROM m CROSS JOIN d GROUP BY d.incident_id, d.id, m.claimant_id ORDER BY m.claimant_id
         ON CONFLICT (incident_id, claimant_id, basis) DO UPDATE
           SET matched_fields = ARRAY(SELECT DISTINCT f FROM unnest(exposure.matched_fields || EXCLUDED.matched_fields) f ORDER BY f)
         WHERE NOT exposure.matched_fields @> EXCLUDED.matched_fields
         RETURNING 1
       ),
       counted AS (
         SELECT (SELECT count(*) FROM upserted)::int AS changed,
                (SELECT count(DISTINCT claimant_id) FROM m)::int AS matched,
                (SELECT coalesce(sum(n), 0) FROM reached WHERE by_id IS NULL AND by_phone IS NULL)::bigint AS unmatched
       )
       UPDATE seized_dataset s SET matched_claimants = counted.matched, unmatched_rows = counted.unmatched, matched_at = now()
         FROM counted WHERE s.id = $1
       RETURNING counted.changed, counted.matched, counted.unmatched`;

/**
 * Memory for the matching statement's hash tables and grouping, for its transaction only: with
 * the default 4 MB a million claimants' blind indexes do not fit, and the hash join splits into
 * batches written to temporary files (the dataset side included). A million claimants' hash
 * table takes about 100 MB.
 */
export const MATCH_WORK_MEM = '256MB';

/**
 * Matching in SQL, one statement per dataset (MATCH_DATASET_SQL). Idempotent: running it again
 * creates nothing and only widens matched_fields when a new field matches. The count of rows
 * reaching no claimant is stored with the dataset, so reading it costs nothing.
 */
@Injectable()
export class MatchingRepository {
  async matchDataset(manager: EntityManager, datasetId: string): Promise<MatchOutcome> {
    await manager.query(`SET LOCAL work_mem = '${MATCH_WORK_MEM}'`);
    const result = await manager.query(MATCH_DATASET_SQL, [datasetId]);
    // TypeORM returns [rows, affected] for UPDATE … RETURNING on PostgreSQL.
    const rows = (Array.isArray(result[0]) ? result[0] : result) as { changed: number; matched: number; unmatched: string }[];
    const row = rows[0] ?? { changed: 0, matched: 0, unmatched: '0' };
    return { changedExposures: row.changed, matchedClaimants: row.matched, unmatchedRows: Number(row.unmatched) };
  }

  /** Completed datasets, in a stable order (the rematch job checkpoints by position). */
  async completedDatasetIds(manager: EntityManager): Promise<string[]> {
    const rows: { id: string }[] = await manager.query(
      `SELECT id FROM seized_dataset WHERE status = 'COMPLETE' ORDER BY created_at, id`,
    );
    return rows.map((r) => r.id);
  }
}
