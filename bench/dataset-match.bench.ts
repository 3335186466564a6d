import { join } from 'node:path';
import { from as copyFrom } from 'pg-copy-streams';
import { blindIndex, IdentifierKind } from '@app/claimants';
import { MATCH_DATASET_SQL, MATCH_WORK_MEM } from '@app/claimants/datasets/matching.repository';
import { hashDatasetFile } from '../apps/cli/src/dataset/dataset-upload';
import { type BenchFigure, CLI, runChild, scratchDir, withClient } from './harness';
import { benchApi, idNumber, phone, planShape, rawCopySeconds, writeLines } from './claimants-fixture';

const DATASET_ROWS = Number(process.env.BENCH_DATASET_ROWS ?? 10_000_000);
const CLAIMANTS = Number(process.env.BENCH_CLAIMANTS ?? 1_000_000);

/**
 * bench/dataset-match: import DATASET_ROWS rows through the compiled CLI (hashing in worker
 * threads, chunked upload, COPY) and match them against CLAIMANTS enrolled claimants, end to end
 * (until the matching job is done). Baselines measured in the same run: a raw COPY of as many
 * 32-byte rows into an unindexed table, and the crypto floor (reading and hashing the same file
 * with the same worker pool, nothing sent). Also the CLI's peak RSS (the kernel's high-water
 * mark of the child, from /usr/bin/time when present) and the matching statement's plan.
 */
export async function datasetMatchBench(): Promise<BenchFigure[]> {
  const dir = scratchDir('leakcase-bench-dataset-');
  const api = await benchApi(dir);
  try {
    // Claimants for the matching side, inserted directly (their enrolment cost is bench/enrol's).
    await withClient(api.url, async (c) => {
      const [{ id: org }] = (await c.query(`SELECT id FROM organisation WHERE kind = 'CONSUMER_ASSOCIATION' LIMIT 1`)).rows;
      const idCopy = c.query(copyFrom(`COPY claimant (id, id_number_index, id_number_masked, name_masked) FROM STDIN`));
      let a = '';
      let e = '';
      const ids: string[] = [];
      for (let i = 0; i < CLAIMANTS; i++) {
        const id = crypto.randomUUID();
        ids.push(id);
        a += `${id}\t\\\\x${blindIndex(api.key, IdentifierKind.ID_NUMBER, idNumber(i)).toString('hex')}\t110***********0000\t张*\n`;
        if (a.length > 1 << 20) {
          if (!idCopy.write(a)) await new Promise((r) => idCopy.once('drain', r));
          a = '';
        }
      }
      await new Promise<void>((r) => idCopy.end(a, () => r()));
      const stream = c.query(copyFrom(`COPY claimant_enrolment (claimant_id, organisation_id, name_enc, id_number_enc, phone_enc, phone_index, name_masked, phone_masked, consent_given_at, consent_method, consent_scope) FROM STDIN`));
      for (let i = 0; i < CLAIMANTS; i++) {
        e += `${ids[i]}\t${org}\t\\\\x01\t\\\\x01\t\\\\x01\t\\\\x${blindIndex(api.key, IdentifierKind.PHONE, phone(i)).toString('hex')}\t张*\t138****0000\t2025-03-01\tWRITTEN_SIGNATURE\t{REPRESENTATION,DATA_USE}\n`;
        if (e.length > 1 << 20) {
          if (!stream.write(e)) await new Promise((r) => stream.once('drain', r));
          e = '';
        }
      }
      await new Promise<void>((r) => stream.end(e, () => r()));
      await c.query(`VACUUM ANALYZE claimant`);
      await c.query(`VACUUM ANALYZE claimant_enrolment`);
    });

    // The dataset: every 10th row is an enrolled claimant.
    const file = join(dir, 'seized.csv');
    await writeLines(file, 'id_number,phone', DATASET_ROWS, (i) => {
      const n = i % 10 === 0 && i / 10 < CLAIMANTS ? i / 10 : 100_000_000 + i;
      return `${idNumber(n % 90_000_000)},${phone(n)}`;
    });

    // Baselines, same run: raw COPY, and hashing the file with the CLI's pool and nothing sent.
    const copy = await rawCopySeconds(api.url, DATASET_ROWS);
    const floorStarted = performance.now();
    const floor = await hashDatasetFile({ file, columns: 'id_number,phone', blindIndexKey: api.key });
    const floorSeconds = (performance.now() - floorStarted) / 1000;
    if (floor.rows !== DATASET_ROWS) throw new Error(`crypto floor hashed ${floor.rows} rows`);

    // End to end: the compiled CLI, in a child process for its own peak RSS.
    const started = performance.now();
    const { stdout: out, peakKb, sampledKb } = await runChild(
      [CLI, 'dataset', 'import', '--incident', api.incidentId, file, '--columns', 'id_number,phone', '--server', api.base],
      { ...api.env, LEAKCASE_TOKEN: api.procurator },
      dir,
    );
    const datasetId = /Dataset ([0-9a-f-]{36})/.exec(out)![1];
    const uploaded = performance.now();
    let matchedAt = 0;
    for (;;) {
      const done = await withClient(api.url, (c) => c.query(`SELECT matched_claimants, unmatched_rows FROM seized_dataset WHERE id = $1 AND matched_at IS NOT NULL`, [datasetId]));
      if (done.rows.length) {
        const expected = Math.min(CLAIMANTS, Math.ceil(DATASET_ROWS / 10));
        if (Number(done.rows[0].matched_claimants) !== expected) throw new Error(`matched ${done.rows[0].matched_claimants}, expected ${expected}`);
        if (Number(done.rows[0].unmatched_rows) !== DATASET_ROWS - expected) throw new Error(`unmatched ${done.rows[0].unmatched_rows}`);
        matchedAt = performance.now();
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const endToEnd = (matchedAt - started) / 1000;
    const uploadSeconds = (uploaded - started) / 1000;
    const matchSeconds = (matchedAt - uploaded) / 1000;

    // The matching statement's plan as the job ran it: its exposures deleted, run again, rolled back.
    const plan = await withClient(api.url, async (c) => {
      await c.query('BEGIN');
      try {
        await c.query(`DELETE FROM exposure WHERE dataset_id = $1`, [datasetId]);
        await c.query(`SET LOCAL work_mem = '${MATCH_WORK_MEM}'`);
        const explained = await c.query(`EXPLAIN (ANALYZE, BUFFERS) ${MATCH_DATASET_SQL}`, [datasetId]);
        return explained.rows.map((r: Record<string, string>) => r['QUERY PLAN']);
      } finally {
        await c.query('ROLLBACK');
      }
    });
    process.stderr.write(`dataset-match: matching plan (exposures deleted, run again, rolled back):\n${planShape(plan)}\n`);
    process.stderr.write(
      `dataset-match: ${DATASET_ROWS} rows vs ${CLAIMANTS} claimants: raw COPY ${copy.toFixed(2)} s, crypto floor ${floorSeconds.toFixed(2)} s, ` +
        `upload ${uploadSeconds.toFixed(2)} s, match ${matchSeconds.toFixed(2)} s (job pickup included), end to end ${endToEnd.toFixed(2)} s, ` +
        `CLI peak RSS ${(peakKb / 1024).toFixed(0)} MB (sampled VmHWM ${(sampledKb / 1024).toFixed(0)} MB)\n`,
    );
    const fig = (measure: string, value: number, unit: string, baseline: string, baselineValue: number): BenchFigure => ({
      benchmark: 'dataset-match',
      measure,
      value,
      unit,
      baseline,
      baselineValue,
      ratio: value / baselineValue,
    });
    return [
      fig(`${DATASET_ROWS} rows vs ${CLAIMANTS} claimants, end to end`, endToEnd, 's', 'raw COPY of as many 32-byte rows', copy),
      fig(`${DATASET_ROWS} rows vs ${CLAIMANTS} claimants, end to end`, endToEnd, 's', 'crypto floor (read + hash, all cores)', floorSeconds),
      fig('upload only (CLI start to dataset complete)', uploadSeconds, 's', 'crypto floor (read + hash, all cores)', floorSeconds),
      fig('matching (job queued to done)', matchSeconds, 's', 'raw COPY of as many 32-byte rows', copy),
      fig('CLI peak RSS', peakKb / 1024, 'MB', 'limit', 300),
    ];
  } finally {
    await api.close();
  }
}
