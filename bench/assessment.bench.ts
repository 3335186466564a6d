import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { MERGED_VIEW, SqlParams } from '@app/platform';
import { assessMembersSql, AssessmentsRepository, type AssessmentTerms } from '@app/remedies';
import { createApi } from '../apps/api/src/bootstrap';
import { type BenchFigure, benchConfig, benchDatabase, demoActors, timedAndRolledBack, withClient } from './harness';

const MEMBERS = Number(process.env.BENCH_ASSESSMENT_MEMBERS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_ASSESSMENT_RUNS ?? 2);

const log = (line: string) => process.stderr.write(`  [assessment] ${line}\n`);

/**
 * The compensation assessment of a class of BENCH_ASSESSMENT_MEMBERS (default 1,000,000) members
 * in the court's merged view: the repository's whole assessment (every member's amount and the
 * facts that explain it, by one INSERT … SELECT with the largest-remainder division; the totals
 * by subclass; the claimant index the reads use, built as the partition is attached; the
 * assessment's totals) against a plain INSERT … SELECT of the same number of rows, with the
 * same columns, from class_member into an unindexed table; each in a rolled-back transaction,
 * best of BENCH_ASSESSMENT_RUNS (target: ratio at most 2). For the record, one assessment of a
 * total whose cut is the furthest from both ends (n / 2 extra fen), the same plain INSERT into a
 * table with the product's index, and the statement's EXPLAIN.
 *
 * The class is written straight into class_member (formation is the class-composition
 * benchmark's): a tenth with medical data, a tenth with a proven fraud loss, four tenths scam
 * calls, as the seeds' leaks look.
 */
export async function assessmentBench(): Promise<BenchFigure[]> {
  const database = await benchDatabase();
  const api = await createApi(benchConfig(database.url));
  await api.init(); // migrations and the demo organisations and users
  try {
    const repository = api.get(AssessmentsRepository);
    const dataSource = api.get(DataSource);
    return await withClient(database.url, async (db) => {
      const { court, association, user } = await demoActors(db);
      const started = performance.now();
      const { rows: [kase] } = await db.query(
        `INSERT INTO legal_case (case_type, title, court_id, opened_by_organisation_id, opened_by, stage, filed_on)
         VALUES ('REPRESENTATIVE_ACTION', 'Bench assessment', $1, $2, $3, 'FILED', '2025-02-17') RETURNING id`,
        [court, association, user],
      );
      const { rows: [klass] } = await db.query(
        `INSERT INTO case_class (case_id, name, definition, bases, created_by, organisation_id)
         VALUES ($1, 'Bench', 'Everyone exposed by the bench incident', '{SELF_DECLARED}', $2, $3) RETURNING id`,
        [kase.id, user, association],
      );
      await db.query(`CREATE UNLOGGED TABLE bench_people AS SELECT i, gen_random_uuid() AS id FROM generate_series(1, $1::int) i`, [MEMBERS]);
      await db.query(`INSERT INTO claimant (id, id_number_index, id_number_masked, name_masked)
                      SELECT id, sha256(convert_to('bench-assess-' || i, 'UTF8')), '110105**********1X', '张*' FROM bench_people`);
      await db.query(
        `INSERT INTO class_member (class_id, claimant_id, case_id, state, subclass, bases, verified, data_categories, harm_types,
                                   declared_loss_fen, has_evidence, evidence_outside_window)
         SELECT $1, id, $2, CASE WHEN i % 50 = 0 THEN 'OPTED_OUT' ELSE 'ADMITTED' END::class_member_state,
                CASE WHEN i % 10 = 0 THEN 'SENSITIVE_DATA' WHEN i % 10 = 1 THEN 'FINANCIAL_LOSS' ELSE 'ORDINARY' END::class_subclass,
                '{SELF_DECLARED}', false,
                CASE WHEN i % 10 = 0 THEN '{NAME,PHONE_NUMBER,MEDICAL_HEALTH}' ELSE '{NAME,PHONE_NUMBER,PURCHASE_HISTORY}' END::data_category[],
                CASE WHEN i % 10 = 1 THEN '{FRAUD_LOSS}' WHEN i % 10 BETWEEN 2 AND 5 THEN '{SCAM_CALLS_OR_SPAM}' ELSE '{}' END::harm_type[],
                CASE WHEN i % 10 = 1 THEN 100 + (i::bigint * 7919) % 5000000 END, i % 10 = 1, false
           FROM bench_people`,
        [klass.id, kase.id],
      );
      await db.query(`DROP TABLE bench_people`);
      await db.query('VACUUM ANALYZE');
      log(`${MEMBERS} claimants and class members in ${((performance.now() - started) / 1000).toFixed(1)} s`);

      const factors = {
        categoryFen: { NAME: 1000, PHONE_NUMBER: 2000, PURCHASE_HISTORY: 1500, MEDICAL_HEALTH: 30000 },
        harmFen: { FRAUD_LOSS: 10000, SCAM_CALLS_OR_SPAM: 3000 },
        spreadTiers: [{ atLeast: 0, multiplierBasisPoints: 10000 }, { atLeast: 100000, multiplierBasisPoints: 15000 }],
        durationTiers: [{ atLeast: 0, multiplierBasisPoints: 10000 }, { atLeast: 180, multiplierBasisPoints: 12000 }],
      };
      const { rows: [model] } = await db.query(
        `INSERT INTO damage_model (organisation_id, name, version, factors, created_by) VALUES ($1, 'bench', 1, $2, $3) RETURNING id`,
        [court, JSON.stringify(factors), user],
      );
      const { rows: [assessment] } = await db.query(
        `INSERT INTO assessment (case_id, class_id, organisation_id, merged, method, model_id, divided_total_fen, total_basis, recipient,
                                 spread_people, spread_basis_points, exposure_days, duration_basis_points, created_by)
         VALUES ($1, $2, $3, true, 'GAIN', $4, 123456789, 'bench', 'MEMBERS', 2000000, 15000, 182, 12000, $5) RETURNING id`,
        [kase.id, klass.id, court, model.id, user],
      );
      const terms: AssessmentTerms = {
        assessmentId: assessment.id,
        classId: klass.id,
        dividedTotalFen: '123456789',
        categoryFen: factors.categoryFen,
        harmFen: factors.harmFen,
        spreadBasisPoints: 15000,
        durationBasisPoints: 12000,
      };

      // The baseline: the same number of rows, the same columns, from the membership table into an unindexed table.
      await db.query(`CREATE TABLE bench_plain_assessment (LIKE assessment_member)`); // LIKE copies no index
      const plainSql = `INSERT INTO bench_plain_assessment
        SELECT $1::uuid, claimant_id, subclass, data_categories, harm_types, declared_loss_fen, coalesce(declared_loss_fen, 0), 0, 0, 0, 0
          FROM class_member WHERE class_id = $2 AND state IN ('PROPOSED', 'ADMITTED', 'REGISTERED')`;
      // For the record: the same plain INSERT into a table with the index assessment_member's partitions carry.
      await db.query(`CREATE TABLE bench_indexed_assessment (LIKE assessment_member)`);
      await db.query(`CREATE INDEX ON bench_indexed_assessment (claimant_id)`);
      const indexedSql = plainSql.replace('bench_plain_assessment', 'bench_indexed_assessment');
      const assessTimes: number[] = [];
      const plainTimes: number[] = [];
      const indexedTimes: number[] = [];
      let members = 0;
      /** One assessment by `t`, timed, checked and rolled back. */
      const assessOnce = async (t: AssessmentTerms): Promise<number> => {
        let time = 0;
        await dataSource.transaction(async (manager) => {
          const start = performance.now();
          members = await repository.assess(manager, MERGED_VIEW, t);
          time = performance.now() - start;
          // The computation's checks, inside the timed transaction but after its statements:
          // the shares add up to the total exactly, and the totals by subclass to the rows written.
          const [{ property, same }] = await manager.query(
            `SELECT (SELECT sum(property_fen)::text FROM assessment_member WHERE assessment_id = $1) AS property,
                    (SELECT array_agg(row(subclass, members, property_fen, moral_fen, amount_fen)::text ORDER BY subclass) FROM assessment_subclass_total WHERE assessment_id = $1)
                  = (SELECT array_agg(row(subclass, n, p, m, a)::text ORDER BY subclass) FROM (
                      SELECT subclass, count(*) AS n, sum(property_fen) AS p, sum(moral_fen) AS m, sum(amount_fen) AS a FROM assessment_member WHERE assessment_id = $1 GROUP BY 1) x) AS same`,
            [t.assessmentId],
          );
          if (property !== t.dividedTotalFen) throw new Error(`the shares add up to ${property}, not ${t.dividedTotalFen}`);
          if (!same) throw new Error('the totals by subclass differ from the sums of the rows');
          throw new RollBack();
        }).catch((error: unknown) => {
          if (!(error instanceof RollBack)) throw error;
        });
        return time;
      };
      for (let i = 0; i < RUNS; i++) {
        plainTimes.push(await timedAndRolledBack(db, plainSql, [assessment.id, klass.id]));
        indexedTimes.push(await timedAndRolledBack(db, indexedSql, [assessment.id, klass.id]));
        assessTimes.push(await assessOnce(terms));
      }
      // For the record, the longest cut: n / 2 extra fen, the walks' most (half the claimant index).
      const worst = await assessOnce({ ...terms, dividedTotalFen: String(members * 100 + Math.floor(members / 2)) });
      log(`with ${Math.floor(members / 2)} extra fen (the longest walk to the cut): ${worst.toFixed(0)} ms (ratio ${(worst / Math.min(...plainTimes)).toFixed(2)})`);
      log(`${members} members assessed; the shares of ${terms.dividedTotalFen} fen add up exactly, and the totals by subclass to the rows`);
      log(`the plain INSERT into a table with the same index (claimant_id): ${Math.min(...indexedTimes).toFixed(0)} ms (assessment / indexed = ${(Math.min(...assessTimes) / Math.min(...indexedTimes)).toFixed(2)})`);
      const p = new SqlParams();
      await db.query(`CREATE TABLE bench_explained_assessment (LIKE assessment_member)`);
      const sql = assessMembersSql(MERGED_VIEW, p, terms, 'bench_explained_assessment');
      await db.query('BEGIN');
      const { rows } = await db.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, p.values).finally(() => db.query('ROLLBACK'));
      process.stderr.write(`\n  EXPLAIN assessment (${MEMBERS} members; rolled back)\n${rows.map((r: Record<string, string>) => `    ${r['QUERY PLAN']}`).join('\n')}\n`);

      return [
        {
          benchmark: 'assessment',
          measure: `assess ${members} members (amount + explanation, largest remainder, subclass totals), best of ${RUNS}`,
          value: Math.min(...assessTimes),
          unit: 'ms',
          baseline: 'plain INSERT … SELECT of the same rows and columns into an unindexed table',
          baselineValue: Math.min(...plainTimes),
          ratio: Math.min(...assessTimes) / Math.min(...plainTimes),
        },
      ];
    });
  } finally {
    await api.close();
  }
}

/** Thrown to roll the timed assessment back once its checks passed. */
class RollBack extends Error {}
