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
 * Matching in SQL: the dataset's keyed hashes are hash-joined with the claimants' blind indexes
 * (the ID number's on claimant, the phone's on each enrolment). Idempotent: running it again
 * creates nothing and only widens matched_fields when a new field matches.
 */
@Injectable()
export class MatchingRepository {
  async matchDataset(manager: EntityManager, datasetId: string): Promise<MatchOutcome> {
    const [changed] = await manager.query(
      `WITH d AS (SELECT id, incident_id FROM seized_dataset WHERE id = $1),
       m AS (
         SELECT c.id AS claimant_id, 'ID_NUMBER' AS field
           FROM seized_dataset_row r JOIN claimant c ON c.id_number_index = r.id_number_index
          WHERE r.dataset_id = $1
         UNION
         SELECT e.claimant_id, 'PHONE'
           FROM seized_dataset_row r JOIN claimant_enrolment e ON e.phone_index = r.phone_index
          WHERE r.dataset_id = $1
       ),
       upserted AS (
         INSERT INTO exposure (incident_id, claimant_id, basis, matched_fields, dataset_id)
         SELECT d.incident_id, m.claimant_id, 'DATASET_MATCH', array_agg(m.field ORDER BY m.field), d.id
           FROM m CROSS JOIN d GROUP BY d.incident_id, d.id, m.claimant_id
         ON CONFLICT (incident_id, claimant_id, basis) DO UPDATE
           SET matched_fields = ARRAY(SELECT DISTINCT f FROM unnest(exposure.matched_fields || EXCLUDED.matched_fields) f ORDER BY f)
         WHERE NOT exposure.matched_fields @> EXCLUDED.matched_fields
         RETURNING 1
       )
       SELECT (SELECT count(*) FROM upserted)::int AS changed,
              (SELECT count(DISTINCT claimant_id) FROM m)::int AS matched`,
      [datasetId],
    );
    const [{ unmatched }] = await manager.query(
      `SELECT count(*)::bigint AS unmatched FROM seized_dataset_row r
        WHERE r.dataset_id = $1
          AND NOT EXISTS (SELECT 1 FROM claimant c WHERE c.id_number_index = r.id_number_index)
          AND NOT EXISTS (SELECT 1 FROM claimant_enrolment e WHERE e.phone_index = r.phone_index)`,
      [datasetId],
    );
    await manager.query(
      `UPDATE seized_dataset SET matched_claimants = $2, unmatched_rows = $3, matched_at = now() WHERE id = $1`,
      [datasetId, changed.matched, unmatched],
    );
    return { changedExposures: changed.changed, matchedClaimants: changed.matched, unmatchedRows: Number(unmatched) };
  }

  /** Completed datasets, in a stable order (the rematch job checkpoints by position). */
  async completedDatasetIds(manager: EntityManager): Promise<string[]> {
    const rows: { id: string }[] = await manager.query(
      `SELECT id FROM seized_dataset WHERE status = 'COMPLETE' ORDER BY created_at, id`,
    );
    return rows.map((r) => r.id);
  }
}
