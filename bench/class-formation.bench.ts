import { performance } from 'node:perf_hooks';
import type { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ClassesRepository } from '@app/classes';
import { ExposureBasis } from '@app/claimants';
import { createApi } from '../apps/api/src/bootstrap';
import { type BenchFigure, benchConfig, benchDatabase, withClient } from './harness';

const MEMBERS = Number(process.env.BENCH_FORMATION_MEMBERS ?? 200_000);
const log = (line: string) => process.stderr.write(`  [class-formation] ${line}\n`);

/**
 * One incident with a complete, matched seized dataset of 3 × `n` rows (a third of them the
 * people's: ID number and phone; one row in seven with a medical card, one in two an address),
 * and `n` people enrolled by the case's plaintiff, each matched on both identifiers. With
 * `categories` false the dataset declares none (the layout before per-row categories), so
 * formation's lookup of each member's own rows has nothing to read.
 */
async function matchedIncident(db: Client, tag: string, n: number, categories: boolean, ids: { organisation: string; user: string; court: string }) {
  const { rows: [incident] } = await db.query(
    `INSERT INTO leak_incident (organisation_id, created_by, handler_name, handler_role, data_categories, involves_sensitive_data,
                                exposure_start, exposure_end, discovered_on, discovery_channel)
     VALUES ($1, $2, 'Bench mall ${tag}', 'NETWORK_SERVICE_PROVIDER', '{NAME,ID_NUMBER,PHONE_NUMBER,ADDRESS,MEDICAL_HEALTH}', true,
             '2024-01-01', '2024-06-30', '2024-08-01', 'POLICE_SEIZURE') RETURNING id`,
    [ids.organisation, ids.user],
  );
  const { rows: [kase] } = await db.query(
    `INSERT INTO legal_case (case_type, title, court_id, opened_by_organisation_id, opened_by, stage, filed_on)
     VALUES ('SUPPORTED', 'Bench formation ${tag}', $1, $2, $3, 'FILED', '2025-02-17') RETURNING id`,
    [ids.court, ids.organisation, ids.user],
  );
  await db.query(`INSERT INTO case_incident (case_id, incident_id) VALUES ($1, $2)`, [kase.id, incident.id]);
  const { rows: [dataset] } = await db.query(
    `INSERT INTO seized_dataset (incident_id, organisation_id, created_by, source, fields, chunk_rows, status, row_count, matched_at, categories)
     VALUES ($1, $2, $3, 'bench', '{ID_NUMBER,PHONE}', 100000, 'COMPLETE', $4, now(), $5::data_category[]) RETURNING id`,
    [incident.id, ids.organisation, ids.user, 3 * n, categories ? ['MEDICAL_HEALTH', 'ADDRESS'] : []],
  );
  await db.query(`SELECT attach_seized_dataset_partition($1)`, [dataset.id]);
  const t = `bench_formation_${tag}`;
  await db.query(`CREATE UNLOGGED TABLE ${t} AS SELECT i, gen_random_uuid() AS id FROM generate_series(1, $1::int) i`, [n]);
  await db.query(`INSERT INTO claimant (id, id_number_index, id_number_masked, name_masked)
                  SELECT id, sha256(convert_to('${tag}-id-' || i, 'UTF8')), '110105**********1X', '张*' FROM ${t}`);
  await db.query(
    `INSERT INTO claimant_enrolment (id, claimant_id, organisation_id, name_enc, id_number_enc, phone_enc, phone_index,
                                     name_masked, phone_masked, consent_given_at, consent_method, consent_scope, declared_incident_ids)
     SELECT id, id, $1, '\\x00', '\\x00', '\\x00', sha256(convert_to('${tag}-phone-' || i, 'UTF8')),
            '张*', '139****0000', now(), 'ONLINE_FORM', '{REPRESENTATION,DATA_USE}', '{}' FROM ${t}`,
    [ids.organisation],
  );
  // Enrolled before the dataset was matched, so matched: nothing pending.
  await db.query(`DELETE FROM claimant_enrolment_unmatched WHERE claimant_id IN (SELECT id FROM ${t})`);
  await db.query(
    `INSERT INTO seized_dataset_row (dataset_id, id_number_index, phone_index, categories)
     SELECT $1, sha256(convert_to('${tag}-id-' || r, 'UTF8')), sha256(convert_to('${tag}-phone-' || r, 'UTF8')),
            CASE WHEN $2 THEN nullif((CASE WHEN r % 7 = 3 THEN 1 ELSE 0 END) | (CASE WHEN r % 2 = 0 THEN 2 ELSE 0 END), 0) END
       FROM generate_series(1, 3 * $3::int) r`,
    [dataset.id, categories, n],
  );
  await db.query(`SELECT index_seized_dataset_partition($1)`, [dataset.id]);
  await db.query(
    `INSERT INTO exposure (incident_id, claimant_id, basis, matched_fields, dataset_id)
     SELECT $1::uuid, id, 'DATASET_MATCH'::exposure_basis, '{ID_NUMBER,PHONE}'::text[], $2::uuid FROM ${t}`,
    [incident.id, dataset.id],
  );
  await db.query(`DROP TABLE ${t}`);
  return { incidentId: incident.id as string, caseId: kase.id as string };
}

/**
 * Formation of a class of BENCH_FORMATION_MEMBERS (default 200,000) people matched to a seized
 * dataset that carries per-row categories (each member's categories read from its own rows,
 * by the partition's blind-index indexes), against the same formation over a dataset without
 * categories, same database and run. Also checks the figure formation gives: the members with
 * MEDICAL_HEALTH are exactly the rows with a medical card among the people's (r % 7 = 3).
 */
export async function classFormationBench(): Promise<BenchFigure[]> {
  const database = await benchDatabase();
  const api = await createApi(benchConfig(database.url));
  await api.init();
  try {
    const repository = api.get(ClassesRepository);
    const dataSource = api.get(DataSource);
    return await withClient(database.url, async (db) => {
      const [ids] = (
        await db.query(`SELECT (SELECT id FROM organisation WHERE kind = 'COURT' LIMIT 1) AS court,
                               (SELECT id FROM organisation WHERE kind = 'CONSUMER_ASSOCIATION' LIMIT 1) AS organisation,
                               (SELECT id FROM app_user WHERE email = 'association@demo.local') AS user`)
      ).rows;
      const fixtures = {
        plain: await matchedIncident(db, 'plain', MEMBERS, false, ids),
        categories: await matchedIncident(db, 'categories', MEMBERS, true, ids),
      };
      await db.query('VACUUM ANALYZE');
      const seconds: Record<string, number> = {};
      for (const tag of ['plain', 'categories'] as const) {
        const { incidentId, caseId } = fixtures[tag];
        const started = performance.now();
        const classId = await dataSource.transaction(async (manager) => {
          const id = await repository.insertClass(manager, {
            caseId,
            name: `Bench ${tag}`,
            definition: 'Everyone in the seized data',
            bases: Object.values(ExposureBasis),
            incidentIds: [incidentId],
            createdBy: ids.user,
            organisationId: ids.organisation,
          });
          await repository.form(manager, id, caseId, Object.values(ExposureBasis));
          return id;
        });
        seconds[tag] = (performance.now() - started) / 1000;
        const [{ medical, members }] = (
          await db.query(`SELECT count(*) FILTER (WHERE 'MEDICAL_HEALTH' = ANY(data_categories))::int AS medical, count(*)::int AS members
                            FROM class_member WHERE class_id = $1`, [classId])
        ).rows;
        const expected = tag === 'categories' ? Math.floor((MEMBERS - 3) / 7) + 1 : 0;
        log(`${tag}: ${members} members formed in ${seconds[tag].toFixed(1)} s; ${medical} with MEDICAL_HEALTH (expected ${expected})`);
        if (members !== MEMBERS || medical !== expected) throw new Error(`formation over the ${tag} dataset gave ${members} members, ${medical} with medical data`);
      }
      return [
        {
          benchmark: 'class-formation',
          measure: `formation of ${MEMBERS} matched members, categories from each member's own seized rows`,
          value: seconds.categories,
          unit: 's',
          baseline: 'same formation, dataset without categories',
          baselineValue: seconds.plain,
          ratio: seconds.categories / seconds.plain,
        },
      ];
    });
  } finally {
    await api.close();
  }
}
