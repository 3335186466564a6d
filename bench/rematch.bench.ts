import { DataSource } from 'typeorm';
import { MatchingRepository } from '@app/claimants/datasets/matching.repository';
import { MATCH_NEW_BATCH } from '@app/claimants/datasets/matching.jobs';
import { dataSourceOptions } from '../libs/platform/src/database/data-source-options';
import { type BenchFigure, benchDatabase } from './harness';

const DATASET_ROWS = Number(process.env.BENCH_DATASET_ROWS ?? 10_000_000);
const CLAIMANTS = Number(process.env.BENCH_CLAIMANTS ?? 1_000_000);
const NEW_ENROLMENTS = Number(process.env.BENCH_NEW_ENROLMENTS ?? 1_000);

const ORG = '00000000-0000-4000-8000-000000000001';
const USER = '00000000-0000-4000-8000-000000000002';
const INCIDENT = '00000000-0000-4000-8000-000000000003';
const DATASET = '00000000-0000-4000-8000-000000000004';
/** Person n's blind indexes: stand-ins made in SQL (matching only compares them). */
const ID = (n: string) => `sha256(('id' || ${n})::bytea)`;
const PHONE = (n: string) => `sha256(('phone' || ${n})::bytea)`;

/**
 * bench/rematch: NEW_ENROLMENTS enrolments made after a DATASET_ROWS-row dataset was matched
 * against CLAIMANTS claimants, matched as the `claimants.match-new` job does (incrementally,
 * index lookups on the dataset's partition). Baselines measured in the same run: matching the
 * whole dataset (what every enrolment cost before, per dataset), and for the indexes the
 * dataset's partition takes after its upload, loading its rows. Every 10th row is a claimant's;
 * half the new enrolments reach one unmatched row each, the others none, and the stored counts
 * are checked against that.
 */
export async function rematchBench(): Promise<BenchFigure[]> {
  const database = await benchDatabase();
  const dataSource = new DataSource(dataSourceOptions(database.url));
  await dataSource.initialize();
  try {
    await dataSource.runMigrations();
    const matching = new MatchingRepository(dataSource);
    const q = (sql: string, parameters: unknown[] = []) => dataSource.query(sql, parameters);
    await q(`INSERT INTO organisation (id, name, kind) VALUES ($1, 'bench', 'CONSUMER_ASSOCIATION')`, [ORG]);
    await q(
      `INSERT INTO app_user (id, organisation_id, email, password_hash, role, display_name)
       VALUES ($1, $2, 'bench@bench.local', 'x', (enum_range(NULL::user_role))[1], 'bench')`,
      [USER, ORG],
    );
    await q(
      `INSERT INTO leak_incident (id, organisation_id, created_by, handler_name, handler_role, data_categories, involves_sensitive_data,
                                  exposure_start, discovered_on, discovery_channel)
       VALUES ($1, $2, $3, 'bench', 'NETWORK_SERVICE_PROVIDER', '{ID_NUMBER,PHONE_NUMBER}', false, '2024-01-01', '2024-05-01', 'POLICE_SEIZURE')`,
      [INCIDENT, ORG, USER],
    );
    const enrol = (from: string, count: number, phone: (n: string) => string) =>
      q(
        `WITH c AS (
           INSERT INTO claimant (id_number_index, id_number_masked, name_masked)
           SELECT ${ID('n')}, '110***********0000', '张*' FROM generate_series($1::bigint, $1::bigint + $2 - 1) n RETURNING id, id_number_index
         )
         INSERT INTO claimant_enrolment (claimant_id, organisation_id, name_enc, id_number_enc, phone_enc, phone_index, name_masked,
                                         phone_masked, consent_given_at, consent_method, consent_scope)
         SELECT c.id, $3, '\\x01', '\\x01', '\\x01', ${phone('n')}, '张*', '138****0000', '2025-03-01', 'WRITTEN_SIGNATURE', '{REPRESENTATION}'
           FROM generate_series($1::bigint, $1::bigint + $2 - 1) n JOIN c ON c.id_number_index = ${ID('n')}`,
        [from, count, ORG],
      );
    await enrol('0', CLAIMANTS, PHONE);
    await q(`INSERT INTO seized_dataset (id, incident_id, organisation_id, source, fields, chunk_rows, status, row_count)
             VALUES ($1, $2, $3, 'bench', '{ID_NUMBER,PHONE}', 10000, 'COMPLETE', $4)`, [DATASET, INCIDENT, ORG, DATASET_ROWS]);
    await q(`SELECT attach_seized_dataset_partition($1)`, [DATASET]);
    const seconds = async (work: () => Promise<unknown>) => {
      const started = performance.now();
      await work();
      return (performance.now() - started) / 1000;
    };
    // Row j is person j / 10 for every 10th row (while there are claimants), else nobody enrolled.
    const load = await seconds(() =>
      q(`INSERT INTO seized_dataset_row SELECT $1, ${ID('p')}, ${PHONE('p')}
           FROM (SELECT CASE WHEN j % 10 = 0 AND j / 10 < $2 THEN j / 10 ELSE 1000000000 + j END AS p FROM generate_series(0, $3::bigint - 1) j) s`,
        [DATASET, CLAIMANTS, DATASET_ROWS]),
    );
    await q(`VACUUM ANALYZE claimant, claimant_enrolment, seized_dataset_row`);
    const index = await seconds(() => matching.exclusively((m) => matching.indexDataset(m, DATASET)));
    const full = await seconds(() =>
      matching.exclusively(async (m) => {
        await matching.matchPendingEnrolments(m, null);
        await matching.matchDataset(m, DATASET);
      }),
    );
    const [before] = await q(`SELECT matched_claimants::int AS matched, unmatched_rows::bigint AS unmatched FROM seized_dataset WHERE id = $1`, [DATASET]);

    // New people: half have the ID number of a row nobody reached (rows 1, 2, … not multiples of 10), half reach nothing.
    const reaching = Math.floor(NEW_ENROLMENTS / 2);
    await q(
      `WITH c AS (
         INSERT INTO claimant (id_number_index, id_number_masked, name_masked)
         SELECT ${ID('(1000000000 + j)')}, '110***********0000', '张*'
           FROM generate_series(1, $1::bigint * 10) j WHERE j % 10 <> 0 AND j < $2 LIMIT $3 RETURNING id
       )
       INSERT INTO claimant_enrolment (claimant_id, organisation_id, name_enc, id_number_enc, phone_enc, phone_index, name_masked,
                                       phone_masked, consent_given_at, consent_method, consent_scope)
       SELECT id, $4, '\\x01', '\\x01', '\\x01', ${PHONE("('new' || id)")}, '张*', '138****0000', '2025-03-01', 'WRITTEN_SIGNATURE', '{REPRESENTATION}' FROM c`,
      [reaching, DATASET_ROWS, reaching, ORG],
    );
    await enrol('5000000000', NEW_ENROLMENTS - reaching, (n) => PHONE(`('none' || ${n})`));
    await q(`ANALYZE claimant, claimant_enrolment, claimant_enrolment_unmatched`);

    let enrolments = 0;
    const incremental = await seconds(async () => {
      for (;;) {
        const batch = await matching.exclusively((m) => matching.matchPendingEnrolments(m, MATCH_NEW_BATCH));
        if (!batch.enrolments) break;
        enrolments += batch.enrolments;
      }
    });
    const [after] = await q(`SELECT matched_claimants::int AS matched, unmatched_rows::bigint AS unmatched FROM seized_dataset WHERE id = $1`, [DATASET]);
    if (enrolments !== NEW_ENROLMENTS || after.matched !== before.matched + reaching || Number(after.unmatched) !== Number(before.unmatched) - reaching) {
      throw new Error(`rematch of ${enrolments} enrolments: counts ${JSON.stringify(before)} -> ${JSON.stringify(after)}, expected ${reaching} more matched`);
    }
    process.stderr.write(
      `rematch: ${DATASET_ROWS} rows vs ${CLAIMANTS} claimants: load ${load.toFixed(2)} s, indexes ${index.toFixed(2)} s, ` +
        `full match ${full.toFixed(2)} s, ${NEW_ENROLMENTS} new enrolments matched in ${incremental.toFixed(3)} s\n`,
    );
    const fig = (measure: string, value: number, baseline: string, baselineValue: number): BenchFigure => ({
      benchmark: 'rematch',
      measure,
      value,
      unit: 's',
      baseline,
      baselineValue,
      ratio: value / baselineValue,
    });
    return [
      fig(`${NEW_ENROLMENTS} new enrolments vs ${DATASET_ROWS} rows`, incremental, 'matching the whole dataset', full),
      fig(`indexes of the dataset's ${DATASET_ROWS} rows`, index, 'loading its rows (INSERT … SELECT)', load),
    ];
  } finally {
    await dataSource.destroy();
  }
}
