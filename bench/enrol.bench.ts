import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { IMPORT_COLUMNS, type ImportColumn } from '@app/claimants';
import { SealPool } from '@app/claimants/import/seal-pool';
import { CURRENT_KEY_VERSION } from '@app/claimants/vault/vault.service';
import { randomBytes } from 'node:crypto';
import { type BenchFigure, scratchDir, withClient } from './harness';
import { benchApi, idNumber, phone, rawCopySeconds, writeLines } from './claimants-fixture';

/** The import sizes measured, each on a fresh database: BENCH_ENROL_ROWS, comma-separated (default 100,000 and 1,000,000). */
const ENROL_SIZES = (process.env.BENCH_ENROL_ROWS ?? '100000,1000000').split(',').map(Number);
/** The crypto floor stages lines for no real import. */
const FLOOR_IMPORT_ID = '00000000-0000-4000-8000-000000000000';

/** bench/enrol at every size of ENROL_SIZES, smallest first. */
export async function enrolBench(): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  for (const rows of [...ENROL_SIZES].sort((a, b) => a - b)) {
    if (!Number.isInteger(rows) || rows < 1) throw new Error(`BENCH_ENROL_ROWS: ${process.env.BENCH_ENROL_ROWS} is not a list of row counts`);
    figures.push(...(await enrolBenchOnce(rows)));
  }
  return figures;
}

/**
 * bench/enrol: bulk enrolment of `count` claimants through the REST upload (parsing,
 * validation, encryption, blind indexes, staging COPY, dedupe, set-based inserts in the enrolment
 * job), end to end: until the import is COMPLETE; and apart, the upload with its staging (until
 * the 202) and the enrolment job alone (its SQL), which must enrol every row in one attempt or the
 * benchmark fails.
 * Baselines measured in the same run: a raw COPY of as many 32-byte rows into an unindexed table,
 * and the crypto floor: the same rows validated, encrypted and blind-indexed into COPY lines on
 * every core (the import's own sealing threads), with no HTTP, no CSV parsing and no database.
 */
async function enrolBenchOnce(count: number): Promise<BenchFigure[]> {
  const dir = scratchDir('leakcase-bench-enrol-');
  const api = await benchApi(dir);
  try {
    const header = 'name,id_number,phone,consent_given_at,consent_method,consent_scope,incident_ids';
    const file = join(dir, 'enrol.csv');
    await writeLines(file, header, count, (i) =>
      `测试${i},${idNumber(50_000_000 + i)},${phone(500_000_000 + i)},2025-03-01,WRITTEN_SIGNATURE,REPRESENTATION;DATA_USE,${api.incidentId}`,
    );
    const bytes = readFileSync(file);

    const copy = await rawCopySeconds(api.url, count);

    // Crypto floor: the parsed records sealed by a pool like the import's, all cores, nothing else.
    const records = parse(bytes, { relax_column_count: true, trim: true }) as string[][];
    const plan = { header: records.shift()!.map((h) => (Object.keys(IMPORT_COLUMNS) as ImportColumn[]).find((c) => c === h) ?? null), defaults: {}, format: 'csv' as const };
    const pool = new SealPool({ encryptionKey: randomBytes(32), keyVersion: CURRENT_KEY_VERSION, blindIndexKey: api.key });
    let floorSeconds: number;
    try {
      await pool.stage(FLOOR_IMPORT_ID, plan, [2], [records[0]]); // threads started
      const started = performance.now();
      const batches: Promise<unknown>[] = [];
      for (let i = 0; i < records.length; i += 1000) {
        const slice = records.slice(i, i + 1000);
        batches.push(pool.stage(FLOOR_IMPORT_ID, plan, slice.map((_, k) => i + k + 2), slice));
      }
      await Promise.all(batches);
      floorSeconds = (performance.now() - started) / 1000;
    } finally {
      await pool.close();
    }

    const started = performance.now();
    const form = new FormData();
    form.append('file', new Blob([bytes]), 'enrol.csv');
    const res = await fetch(`${api.base}/claimants/import`, { method: 'POST', headers: { authorization: `Bearer ${api.association}` }, body: form });
    let report = (await res.json()) as { importId: string; status: string; accepted?: number };
    const stagedSeconds = (performance.now() - started) / 1000;
    while (report.status === 'STAGED') {
      await new Promise((r) => setTimeout(r, 100));
      const [job] = await withClient(api.url, (c) => c.query(`SELECT status FROM job WHERE id = (SELECT job_id FROM claimant_import WHERE id = $1)`, [report.importId])).then((r) => r.rows);
      if (job?.status === 'FAILED') throw new Error('enrol bench: the enrolment job failed');
      report = (await (await fetch(`${api.base}/claimants/imports/${report.importId}?limit=1`, { headers: { authorization: `Bearer ${api.association}` } })).json()) as typeof report;
    }
    const seconds = (performance.now() - started) / 1000;
    if (report.accepted !== count) throw new Error(`enrol bench: ${JSON.stringify(report).slice(0, 300)}`);
    // The job row is marked COMPLETED just after the import's transaction commits.
    for (let waited = 0; ; waited += 100) {
      const [job] = await withClient(api.url, (c) => c.query(`SELECT finished_at FROM job WHERE id = (SELECT job_id FROM claimant_import WHERE id = $1)`, [report.importId])).then((r) => r.rows);
      if (job?.finished_at) break;
      if (waited > 60_000) throw new Error('enrol bench: the enrolment job was not marked finished within 60 s of its import');
      await new Promise((r) => setTimeout(r, 100));
    }
    // The job's own span (claimed to finished), all of it SQL: the upload's sealing is before it.
    const [check] = await withClient(api.url, (c) =>
      c.query(
        `SELECT (SELECT count(*)::int FROM claimant_enrolment WHERE import_id = $1) AS enrolled,
                extract(epoch FROM j.finished_at - j.started_at)::float8 AS job_seconds, j.attempts
           FROM claimant_import i JOIN job j ON j.id = i.job_id WHERE i.id = $1`,
        [report.importId],
      ),
    ).then((r) => r.rows as { enrolled: number; job_seconds: number; attempts: number }[]);
    if (check?.enrolled !== count || check.attempts !== 1) throw new Error(`enrol bench: ${JSON.stringify(check)} (expected ${count} enrolled in one attempt)`);
    const jobSeconds = check.job_seconds;
    process.stderr.write(
      `enrol: ${count} rows: raw COPY ${copy.toFixed(3)} s (${Math.round(count / copy)} rows/s), crypto floor ${floorSeconds.toFixed(2)} s ` +
        `(${Math.round(count / floorSeconds)} rows/s), bulk enrolment ${seconds.toFixed(2)} s (${Math.round(count / seconds)} rows/s; upload and staging ${stagedSeconds.toFixed(2)} s, ` +
        `enrolment job (SQL) ${jobSeconds.toFixed(2)} s) = ${(seconds / floorSeconds).toFixed(2)}x the crypto floor (staging ${(stagedSeconds / floorSeconds).toFixed(2)}x, ` +
        `job ${(jobSeconds / floorSeconds).toFixed(2)}x)\n`,
    );
    const fig = (baseline: string, baselineValue: number, value = seconds, measure = `${count} claimants bulk-enrolled (REST upload)`): BenchFigure => ({
      benchmark: 'enrol',
      measure,
      value,
      unit: 's',
      baseline,
      baselineValue,
      ratio: value / baselineValue,
    });
    return [
      fig('raw COPY of as many 32-byte rows', copy),
      fig('crypto floor (validate + seal, all cores)', floorSeconds),
      fig('crypto floor (validate + seal, all cores)', floorSeconds, stagedSeconds, `${count} claimants: the upload and its staging (202)`),
      fig('crypto floor (validate + seal, all cores)', floorSeconds, jobSeconds, `${count} claimants: the enrolment job's SQL alone`),
    ];
  } finally {
    await api.close();
  }
}
