import { performance } from 'node:perf_hooks';
import type { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ClassesRepository, COMPOSITION_SQL, MemberActor, MemberState, statesAllowedToByFilter } from '@app/classes';
import { ExposureBasis } from '@app/claimants';
import { MERGED_VIEW, Role } from '@app/platform';
import { createApi } from '../apps/api/src/bootstrap';
import { type BenchFigure, benchConfig, benchDatabase, demoActors, timedAndRolledBack, withClient } from './harness';

const BIG = Number(process.env.BENCH_CLASS_MEMBERS ?? 1_000_000);
const SMALL = 10_000;
const RUNS = Number(process.env.BENCH_CLASS_RUNS ?? 25);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const log = (line: string) => process.stderr.write(`  [class-composition] ${line}\n`);

/**
 * Claimants, enrolments, harm declarations and exposures for `n` people of one incident, made
 * in SQL, all enrolled by the case's plaintiff: 70 % dataset matches by ID number (a fifth of them
 * also self-declared, by their enrolment), 10 % breach notices, 20 % self-declared only; 10 % declare a fraud loss (varied amounts, with a receipt), 40 % scam calls
 * (a third with a recording), the rest nothing; ten people share each 1000th phone number.
 */
async function people(db: Client, tag: string, n: number, incidentId: string, organisationId: string): Promise<void> {
  await db.query(`CREATE UNLOGGED TABLE bench_people_${tag} AS SELECT i, gen_random_uuid() AS id FROM generate_series(1, $1::int) i`, [n]);
  const t = `bench_people_${tag}`;
  await db.query(
    `INSERT INTO claimant (id, id_number_index, id_number_masked, name_masked)
     SELECT id, sha256(convert_to('${tag}-id-' || i, 'UTF8')), '110105**********1X', '张*' FROM ${t}`,
  );
  await db.query(
    `INSERT INTO claimant_enrolment (id, claimant_id, organisation_id, name_enc, id_number_enc, phone_enc, phone_index,
                                     name_masked, phone_masked, consent_given_at, consent_method, consent_scope, declared_incident_ids)
     SELECT id, id, $1, '\\x00', '\\x00', '\\x00',
            sha256(convert_to('${tag}-phone-' || CASE WHEN i % 1000 < 10 THEN i / 1000 ELSE i END, 'UTF8')),
            '张*', '139****0000', now(), 'ONLINE_FORM', '{REPRESENTATION,DATA_USE}',
            CASE WHEN i % 10 >= 7 OR i % 5 = 0 THEN ARRAY[$2::uuid] ELSE '{}' END
       FROM ${t}`,
    [organisationId, incidentId],
  );
  // Enrolled before the datasets were matched, so matched: none pending (a pending enrolment verifies nothing).
  await db.query(`DELETE FROM claimant_enrolment_unmatched WHERE claimant_id IN (SELECT id FROM ${t})`);
  await db.query(
    `INSERT INTO harm_declaration (claimant_id, enrolment_id, harm_type, amount_fen, evidence_refs)
     SELECT id, id, 'FRAUD_LOSS'::harm_type, 100 + (i::bigint * 7919) % 5000000, '{receipt}' FROM ${t} WHERE i % 10 = 0
     UNION ALL
     SELECT id, id, 'SCAM_CALLS_OR_SPAM'::harm_type, NULL, CASE WHEN i % 3 = 0 THEN '{recording}'::text[] ELSE '{}' END FROM ${t} WHERE i % 10 BETWEEN 1 AND 4`,
  );
  await db.query(
    `INSERT INTO exposure (incident_id, claimant_id, basis, matched_fields)
     SELECT $1::uuid, id, 'DATASET_MATCH'::exposure_basis, '{ID_NUMBER}'::text[] FROM ${t} WHERE i % 10 < 7
     UNION ALL SELECT $1, id, 'BREACH_NOTICE', '{}' FROM ${t} WHERE i % 10 = 7
     UNION ALL SELECT $1, id, 'SELF_DECLARED', '{}' FROM ${t} WHERE i % 10 >= 7 OR i % 5 = 0`,
    [incidentId],
  );
  await db.query(`DROP TABLE ${t}`);
}

async function explain(db: Client, title: string, sql: string, values: unknown[], expect: RegExp[]): Promise<void> {
  // ANALYZE runs the statement: inside a transaction that is rolled back, so a bulk UPDATE changes nothing.
  await db.query('BEGIN');
  const { rows } = await db.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, values).finally(() => db.query('ROLLBACK'));
  const plan = rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
  const checks = expect.map((re) => `${re.test(plan) ? 'ok' : 'MISSING'} ${re.source}`).join('; ');
  process.stderr.write(`\n  EXPLAIN ${title} — checks: ${checks}\n${plan.replace(/^/gm, '    ')}\n`);
}

/**
 * Composition of a class of BENCH_CLASS_MEMBERS (default 1,000,000) members against the same
 * query on a class of 10,000, same database and run (target: ratio at most 3); and a bulk admit
 * by filter over the big class (the service's one UPDATE, with the tally trigger) against a
 * plain UPDATE of the same rows (triggers off), each in a rolled-back transaction.
 */
export async function classComposition(): Promise<BenchFigure[]> {
  const database = await benchDatabase();
  const config = benchConfig(database.url);
  const api = await createApi(config);
  await api.init(); // runs the migrations and seeds the demo organisations and users
  try {
    const repository = api.get(ClassesRepository);
    const dataSource = api.get(DataSource);
    return await withClient(database.url, async (db) => {
      const { court, association, user } = await demoActors(db);
      const classes: Record<'big' | 'small', string> = { big: '', small: '' };
      for (const [tag, n] of [['small', SMALL], ['big', BIG]] as const) {
        const started = performance.now();
        const { rows: [incident] } = await db.query(
          `INSERT INTO leak_incident (organisation_id, created_by, handler_name, handler_role, data_categories, involves_sensitive_data,
                                      exposure_start, exposure_end, discovered_on, discovery_channel)
           VALUES ($1, $2, 'Bench handler ${tag}', 'NETWORK_SERVICE_PROVIDER', '{NAME,PHONE_NUMBER,PURCHASE_HISTORY}', false,
                   '2024-01-01', '2024-06-30', '2024-08-01', 'POLICE_SEIZURE') RETURNING id`,
          [association, user],
        );
        const { rows: [kase] } = await db.query(
          `INSERT INTO legal_case (case_type, title, court_id, opened_by_organisation_id, opened_by, stage, filed_on)
           VALUES ('SUPPORTED', 'Bench ${tag}', $1, $2, $3, 'FILED', '2025-02-17') RETURNING id`,
          [court, association, user],
        );
        await db.query(`INSERT INTO case_incident (case_id, incident_id) VALUES ($1, $2)`, [kase.id, incident.id]);
        await people(db, tag, n, incident.id, association);
        log(`${tag}: ${n} people with enrolments, harms and exposures in ${((performance.now() - started) / 1000).toFixed(1)} s`);

        const formed = performance.now();
        classes[tag] = await dataSource.transaction(async (manager) => {
          const id = await repository.insertClass(manager, {
            caseId: kase.id,
            name: `Bench ${tag}`,
            definition: 'Everyone exposed by the bench incident',
            bases: Object.values(ExposureBasis),
            incidentIds: [incident.id],
            createdBy: user,
            organisationId: association,
          });
          const counts = await repository.form(manager, id, kase.id, Object.values(ExposureBasis));
          log(`${tag}: formation (one INSERT … SELECT … ON CONFLICT) added ${counts.added} in ${((performance.now() - formed) / 1000).toFixed(1)} s`);
          return id;
        });
      }
      await db.query('VACUUM ANALYZE');

      // Composition: the service's two statements, through the repository.
      const time = async (classId: string) => {
        for (let i = 0; i < 3; i++) await repository.composition(classId, MERGED_VIEW);
        const samples: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          const start = performance.now();
          await repository.composition(classId, MERGED_VIEW);
          samples.push(performance.now() - start);
        }
        return median(samples);
      };
      const small = await time(classes.small);
      const big = await time(classes.big);
      const composition = await repository.composition(classes.big, MERGED_VIEW);
      log(`big class: ${composition.totalMembers} members, verified share ${composition.verifiedShare.toFixed(3)}, losses ${composition.losses.members} (median ${composition.losses.medianFen} fen)`);
      await explain(db, 'composition tally (big class)', COMPOSITION_SQL.tally, [classes.big], [/class_tally/]);
      await explain(db, 'composition median/max loss (big class)', COMPOSITION_SQL.loss, COMPOSITION_SQL.lossParams(classes.big, composition.losses.members), [
        /class_loss_bucket/,
        /Index Only Scan using class_member_loss_idx/,
        /Index Only Scan Backward using class_member_loss_idx/,
      ]);

      // Bulk admit by filter over every member of the big class.
      const from = statesAllowedToByFilter(MemberState.ADMITTED, MemberActor.COURT);
      const bulk = repository.transitionByFilterStatement({ role: Role.JUDGE, organisationId: court }, classes.big, {}, from, MemberState.ADMITTED, 'Bench: admitted by filter', court);
      const plainSql = `UPDATE class_member SET state = 'ADMITTED' WHERE class_id = $1 AND state IN ('PROPOSED', 'REGISTERED')`;
      let replica = true;
      try {
        await timedAndRolledBack(db, 'SELECT 1', [], true);
      } catch {
        replica = false;
        log('not a superuser: the plain UPDATE baseline runs with the tally trigger on');
      }
      const bulkTimes: number[] = [];
      const plainTimes: number[] = [];
      for (let i = 0; i < 2; i++) {
        plainTimes.push(await timedAndRolledBack(db, plainSql, [classes.big], replica));
        bulkTimes.push(await timedAndRolledBack(db, bulk.sql, bulk.values));
      }
      await explain(db, 'bulk admit by filter (big class; rolled back)', bulk.sql, bulk.values, [/Update on class_member/]);

      return [
        {
          benchmark: 'class-composition',
          measure: `composition of a class of ${BIG} members (median of ${RUNS})`,
          value: big,
          unit: 'ms',
          baseline: `same query, class of ${SMALL}`,
          baselineValue: small,
          ratio: big / small,
        },
        {
          benchmark: 'class-composition',
          measure: `bulk admit by filter, ${BIG} members (one UPDATE + tally trigger)`,
          value: Math.min(...bulkTimes),
          unit: 'ms',
          baseline: `plain UPDATE of the same rows${replica ? ' (triggers off)' : ''}`,
          baselineValue: Math.min(...plainTimes),
          ratio: Math.min(...bulkTimes) / Math.min(...plainTimes),
        },
      ];
    });
  } finally {
    await api.close();
  }
}
