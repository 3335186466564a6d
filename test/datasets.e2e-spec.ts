import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { blindIndex, IdentifierKind } from '../libs/claimants/src/vault/blind-index';
import { uploadDataset } from '../apps/cli/src/dataset/dataset-upload';
import { startTestApi, type TestApi } from './support/api';
import { withClient } from './support/database';
import { type JobView, waitForJob } from './support/jobs';
import { MatchingRepository } from '../libs/claimants/src/datasets/matching.repository';
import { Client } from 'pg';
import { CSV_HEADER, csvRow, enrolInput, INCIDENT_INPUT, phoneFor, shareIncidentsThroughCase, uniqueIdNumber } from './support/claimants';

const KEY = Buffer.alloc(32, 42);

describe('seized datasets: local hashing, resumable upload, matching', () => {
  let api: TestApi;
  let server: string;
  let procurator: string;
  let association: string;
  let designated: string;
  let incidentId: string;
  let claimantIds: Map<number, string>;
  let datasetId: string;
  const dir = mkdtempSync(join(tmpdir(), 'leakcase-dataset-'));

  beforeAll(async () => {
    api = await startTestApi({ BLIND_INDEX_KEY: KEY.toString('base64') });
    await api.app.listen(0, '127.0.0.1');
    server = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
    [procurator, association, designated] = await Promise.all(['procurator@demo.local', 'association@demo.local', 'designated@demo.local'].map((e) => api.login(e)));
    incidentId = (await api.gql(`mutation($i: RegisterLeakIncidentInput!) { registerLeakIncident(input: $i) { id } }`, { i: INCIDENT_INPUT }, procurator)).data!
      .registerLeakIncident.id;
    await shareIncidentsThroughCase(api.gql, procurator, [incidentId], ['CONSUMER_ASSOCIATION', 'DESIGNATED_ORGANISATION', 'PROCURATORATE']);
    // The association enrols people 0-9, the designated organisation 5-12; all declare the incident.
    const csv = (from: number, to: number) => [CSV_HEADER, ...Array.from({ length: to - from + 1 }, (_, i) => csvRow(from + i, incidentId))].join('\n');
    for (const [token, body] of [[association, csv(0, 9)], [designated, csv(5, 12)]] as const) {
      const res = await request(api.app.getHttpServer()).post('/claimants/import').set('authorization', `Bearer ${token}`).set('prefer', 'wait=30').attach('file', Buffer.from(body), 'c.csv');
      expect(res.body.rejected).toBe(0);
    }
    // Found by blind index, as the test knows the key.
    const { rows } = await withClient(api.url, (db) => db.query(`SELECT id, id_number_index FROM claimant`));
    claimantIds = new Map();
    for (let n = 0; n <= 12; n++) {
      const index = blindIndex(KEY, IdentifierKind.ID_NUMBER, uniqueIdNumber(n));
      claimantIds.set(n, rows.find((r) => index.equals(r.id_number_index))!.id);
    }
  });
  afterAll(() => api.close());

  /**
   * Fixture: ID numbers of people 0-4, phones of people 3-6 (so 3-4 match on both, 5-6 on the
   * phone only), 20 people nobody enrolled (ids 1000-1019), 2 rows with invalid identifiers,
   * 1 blank line. 30 rows in all (header excluded), 3 of them unusable (no valid identifier).
   */
  function fixture(): string {
    const lines = ['姓名,身份证号,手机号,备注'];
    for (let n = 0; n <= 6; n++) lines.push(`某${n},${n <= 4 ? uniqueIdNumber(n).toLowerCase() : ''},${n >= 3 ? `+86 ${phoneFor(n)}` : ''},"note, with comma"`);
    for (let n = 1000; n < 1020; n++) lines.push(`某${n},${uniqueIdNumber(n)},${phoneFor(n)},`);
    lines.push('坏,110105199001011234,12345,', '坏2,not-an-id,,', '');
    const file = join(dir, `dataset-${Date.now()}.csv`);
    writeFileSync(file, lines.join('\n') + '\n');
    return file;
  }

  const options = (file: string) => ({
    file,
    incidentId,
    columns: 'id_number=身份证号,phone=手机号',
    server,
    token: procurator,
    blindIndexKey: KEY,
    chunkRows: 7,
    workers: 2,
    stateDir: dir,
  });

  it('resumes an interrupted upload, skipping the chunks the server has, and ends with the same counts', async () => {
    const file = fixture();
    await expect(uploadDataset({ ...options(file), stopAfterChunks: 2 })).rejects.toThrow(/interrupted/);
    const { rows: partial } = await withClient(api.url, (db) => db.query(`SELECT count(*)::int AS n FROM seized_dataset_chunk`));
    expect(partial[0].n).toBe(2);

    const result = await uploadDataset(options(file));
    expect(result).toMatchObject({ rows: 30, chunks: 5, chunksSkipped: 2, chunksSent: 3, unusableRows: 3 });
    datasetId = result.datasetId;
    const counts = await withClient(api.url, (db) =>
      db.query(`SELECT (SELECT count(*) FROM seized_dataset_row WHERE dataset_id = $1)::int AS rows,
                       (SELECT count(*) FROM seized_dataset_row WHERE dataset_id = $1 AND id_number_index IS NOT NULL)::int AS ids,
                       (SELECT count(*) FROM seized_dataset_row WHERE dataset_id = $1 AND phone_index IS NOT NULL)::int AS phones,
                       (SELECT row_count FROM seized_dataset WHERE id = $1)::int AS declared,
                       (SELECT unusable_rows FROM seized_dataset WHERE id = $1)::int AS unusable`, [result.datasetId]),
    );
    expect(counts.rows[0]).toEqual({ rows: 30, ids: 25, phones: 24, declared: 30, unusable: 3 });

    const job = await waitForJob(api.gql, procurator, result.jobId!);
    expect(job.status).toBe('COMPLETED');
    // The uploader is told no count: they cover every organisation's enrolments (the dataset's own
    // bookkeeping, for incremental matching, holds them).
    expect(JSON.parse(job.result!)).toEqual({ datasetId: result.datasetId });
    const { rows: stored } = await withClient(api.url, (db) =>
      db.query(`SELECT matched_claimants::int AS matched, unmatched_rows::int AS unmatched FROM seized_dataset WHERE id = $1`, [result.datasetId]),
    );
    // 30 rows: 7 reach the 7 enrolled people, 3 are unusable (not people), 20 are people still to reach.
    expect(stored[0]).toEqual({ matched: 7, unmatched: 20 });
    // Matched, then the dataset's own partition indexed for matching later enrolments.
    expect(job).toMatchObject({ done: 2, total: 2 });
    const { rows: indexes } = await withClient(api.url, (db) =>
      db.query(`SELECT indexdef FROM pg_indexes WHERE tablename = $1 ORDER BY indexname`, [`seized_dataset_row_${datasetId.replace(/-/g, '')}`]),
    );
    expect(indexes.map((i) => /\((\w+)\)/.exec(i.indexdef)![1])).toEqual(['id_number_index', 'phone_index']);

    // The same file again for the same incident is refused at completion: counted twice, its
    // rows would double the people still to reach.
    await expect(uploadDataset(options(file))).rejects.toThrow(/already imported for this incident/);
    const { rows: complete } = await withClient(api.url, (db) =>
      db.query(`SELECT count(*)::int AS n FROM seized_dataset WHERE incident_id = $1 AND status = 'COMPLETE'`, [incidentId]),
    );
    expect(complete[0].n).toBe(1);
  });

  it('records which identifiers matched, per claimant, visible only to the enrolling organisation', async () => {
    const Q = `query($i: ID!) { incidentExposures(incidentId: $i, first: 100) { totalCount nodes { claimantId basis matchedFields } } }`;
    const mine = (await api.gql(Q, { i: incidentId }, association)).data!.incidentExposures.nodes as { claimantId: string; basis: string; matchedFields: string[] }[];
    const matched = (n: number) => mine.find((x) => x.claimantId === claimantIds.get(n) && x.basis === 'DATASET_MATCH')?.matchedFields;
    expect(matched(0)).toEqual(['ID_NUMBER']);
    expect(matched(3)).toEqual(['ID_NUMBER', 'PHONE']);
    expect(matched(5)).toEqual(['PHONE']);
    expect(matched(7)).toBeUndefined();
    expect(mine.filter((x) => x.basis === 'DATASET_MATCH')).toHaveLength(7);
    const theirs = (await api.gql(Q, { i: incidentId }, designated)).data!.incidentExposures.nodes as { claimantId: string; basis: string }[];
    expect(new Set(theirs.map((x) => x.claimantId))).toEqual(new Set([5, 6, 7, 8, 9, 10, 11, 12].map((n) => claimantIds.get(n))));

    const counts = await api.gql(
      `query($i: ID!) { exposureCounts(incidentId: $i) { matched declaredUnmatched datasetRows datasetUnusableRows datasetRowsWithoutClaimant matchedEnrolledByYou } }`,
      { i: incidentId },
      designated,
    );
    // Its own view: of its 8 enrollees (5-12) 2 matched and 6 only declared; the rows reached by
    // nobody would move with the association's enrolments, so they are the court's figure only.
    // 27 usable rows, 3 unusable (a blank line, two without a valid identifier).
    expect(counts.data!.exposureCounts).toEqual({ matched: 2, declaredUnmatched: 6, datasetRows: '27', datasetUnusableRows: '3', datasetRowsWithoutClaimant: null, matchedEnrolledByYou: 2 });
  });

  it('filters incidentExposures by basis, in the list and its totalCount', async () => {
    const Q = `query($i: ID!, $b: ExposureBasis) { incidentExposures(incidentId: $i, first: 100, basis: $b) { totalCount nodes { basis } } }`;
    const page = async (b?: string) => (await api.gql(Q, { i: incidentId, b }, association)).data!.incidentExposures as { totalCount: number; nodes: { basis: string }[] };
    // The association's 10 enrollees all declared the incident; 7 of them were matched.
    expect((await page()).totalCount).toBe(17);
    for (const [basis, n] of [['SELF_DECLARED', 10], ['DATASET_MATCH', 7], ['BREACH_NOTICE', 0]] as const) {
      const { totalCount, nodes } = await page(basis);
      expect({ basis, totalCount, listed: nodes.length }).toEqual({ basis, totalCount: n, listed: n });
      expect(nodes.every((x) => x.basis === basis)).toBe(true);
    }
  });

  it('records when matching ended as matched_at, after the rows its transaction wrote, not its start', async () => {
    await withClient(api.url, async (db) => {
      // first_seen defaults to now(): the start of the matching transaction that wrote the rows.
      // Compared in SQL: the difference is microseconds, below a JavaScript Date's resolution.
      const { rows } = await db.query(
        `SELECT w.written IS NOT NULL AS wrote, d.matched_at > w.written AS after_rows, d.matched_at < clock_timestamp() AS before_now
           FROM seized_dataset d, LATERAL (SELECT max(first_seen) AS written FROM exposure x WHERE x.dataset_id = d.id) w
          WHERE d.id = $1`,
        [datasetId],
      );
      expect(rows[0]).toEqual({ wrote: true, after_rows: true, before_now: true });
    });
  });

  it('matches a new enrolment against the datasets already imported', async () => {
    const res = await api.gql(`mutation($i: EnrolClaimantInput!) { enrolClaimant(input: $i) { id } }`, { i: enrolInput(1005, incidentId) }, association);
    const id = res.data!.enrolClaimant.id;
    const deadline = Date.now() + 30_000;
    let bases: string[] = [];
    while (Date.now() < deadline) {
      const c = await api.gql(`query($id: ID!) { claimant(id: $id) { exposures { nodes { basis matchedFields } } } }`, { id }, association);
      bases = c.data!.claimant.exposures.nodes.map((x: { basis: string }) => x.basis);
      if (bases.includes('DATASET_MATCH')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(bases.sort()).toEqual(['DATASET_MATCH', 'SELF_DECLARED']);
  });

  /** The dataset's stored counts, and the same counts recomputed from scratch over its rows. */
  async function datasetCounts(): Promise<{ matched: number; unmatched: number; recountedMatched: number; recountedUnmatched: number }> {
    const { rows } = await withClient(api.url, (db) =>
      db.query(
        `SELECT d.matched_claimants::int AS matched, d.unmatched_rows::int AS unmatched,
                (SELECT count(DISTINCT e.claimant_id) FROM claimant_enrolment e JOIN claimant c ON c.id = e.claimant_id
                  WHERE EXISTS (SELECT 1 FROM seized_dataset_row r WHERE r.dataset_id = d.id
                                   AND (r.id_number_index = c.id_number_index OR r.phone_index = e.phone_index)))::int AS "recountedMatched",
                (SELECT count(*) FROM seized_dataset_row r WHERE r.dataset_id = d.id AND (r.id_number_index IS NOT NULL OR r.phone_index IS NOT NULL)
                    AND NOT EXISTS (SELECT 1 FROM claimant c WHERE c.id_number_index = r.id_number_index)
                    AND NOT EXISTS (SELECT 1 FROM claimant_enrolment e WHERE e.phone_index = r.phone_index))::int AS "recountedUnmatched"
           FROM seized_dataset d WHERE d.id = $1`,
        [datasetId],
      ),
    );
    return rows[0];
  }

  /** The DATASET_MATCH fields of person n's claimant for the incident (undefined if none). */
  async function matchedFields(n: number): Promise<string[] | undefined> {
    const { rows } = await withClient(api.url, (db) =>
      db.query(
        `SELECT x.matched_fields FROM exposure x JOIN claimant c ON c.id = x.claimant_id
          WHERE x.incident_id = $1 AND x.basis = 'DATASET_MATCH' AND c.id_number_index = $2`,
        [incidentId, blindIndex(KEY, IdentifierKind.ID_NUMBER, uniqueIdNumber(n))],
      ),
    );
    return rows[0]?.matched_fields;
  }

  /** Imports CSV rows for the association (waiting for the enrolment job); the rematch job that queued. */
  async function importAndRematch(rows: string[]): Promise<string> {
    const res = await request(api.app.getHttpServer())
      .post('/claimants/import')
      .set('authorization', `Bearer ${association}`)
      .set('prefer', 'wait=30')
      .attach('file', Buffer.from([CSV_HEADER, ...rows].join('\n')), 'c.csv');
    expect(res.body).toMatchObject({ accepted: rows.length, rejected: 0 });
    const { rows: jobs } = await withClient(api.url, (db) =>
      db.query(`SELECT id FROM job WHERE kind = 'claimants.match-new' ORDER BY created_at DESC LIMIT 1`),
    );
    return jobs[0].id;
  }

  it('matches later enrolments incrementally: the counts drop by exactly the rows newly reached, and a full rematch changes nothing', async () => {
    const before = await datasetCounts();
    // Person 1010's ID number and 1011's phone; 1012's ID number and 1010's phone (a row the
    // same batch reaches twice); 1013's ID number and a phone in no row.
    let job: JobView = await waitForJob(api.gql, association, await importAndRematch([
      csvRow(1010, incidentId, { phone: phoneFor(1011) }),
      csvRow(1012, incidentId, { phone: phoneFor(1010) }),
      csvRow(1013, incidentId, { phone: phoneFor(5000) }),
    ]));
    expect(job.status).toBe('COMPLETED');
    expect(JSON.parse(job.result!)).toMatchObject({ enrolments: 3, changedExposures: 3 });
    const middle = await datasetCounts();
    expect(middle).toMatchObject({ matched: before.matched + 3, unmatched: before.unmatched - 4 });

    // New people reaching only rows already reached: person 3's row (by person 3's ID number and
    // phone) by phone, and 1013's row (by the ID number only, above) by phone.
    job = await waitForJob(api.gql, association, await importAndRematch([
      csvRow(2000, incidentId, { phone: phoneFor(3) }),
      csvRow(2001, incidentId, { phone: phoneFor(1013) }),
    ]));
    expect(JSON.parse(job.result!)).toMatchObject({ enrolments: 2, changedExposures: 2 });
    const after = await datasetCounts();
    expect(after).toEqual({ matched: middle.matched + 2, unmatched: middle.unmatched, recountedMatched: after.matched, recountedUnmatched: after.unmatched });
    expect(await Promise.all([1010, 1012, 1013, 2000, 2001].map(matchedFields))).toEqual([
      ['ID_NUMBER', 'PHONE'],
      ['ID_NUMBER', 'PHONE'],
      ['ID_NUMBER'],
      ['PHONE'],
      ['PHONE'],
    ]);

    // Matching the whole dataset again finds the same counts and creates or widens nothing.
    const matching = api.app.get(MatchingRepository, { strict: false });
    const again = await matching.exclusively((manager) => matching.matchDataset(manager, datasetId));
    expect(again).toEqual({ changedExposures: 0, matchedClaimants: after.matched, unmatchedRows: after.unmatched });
    expect(await matching.exclusively((manager) => matching.matchPendingEnrolments(manager, null))).toEqual({ enrolments: 0, changedExposures: 0 });
  });

  it('resumes a rematch job killed mid-batch: its work rolled back with its checkpoint, done once on the retry', async () => {
    const before = await datasetCounts();
    const holder = new Client({ connectionString: api.url });
    await holder.connect();
    try {
      // The job waits for the matching lock until the test holds its checkpoint row.
      await holder.query(`SELECT pg_advisory_lock(hashtext('leakcase.matching'))`);
      const jobId = await importAndRematch([csvRow(1014, incidentId, { phone: phoneFor(1015) })]);
      for (;;) {
        const { rows } = await holder.query(`SELECT status FROM job WHERE id = $1`, [jobId]);
        if (rows[0].status === 'RUNNING') break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM job WHERE id = $1 FOR UPDATE`, [jobId]);
      await holder.query(`SELECT pg_advisory_unlock(hashtext('leakcase.matching'))`);
      // The batch is matched and its checkpoint waits on the row: kill that session there.
      let pid: number | undefined;
      while (!pid) {
        const { rows } = await withClient(api.url, (db) =>
          db.query(`SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE job SET progress_done%'`),
        );
        pid = rows[0]?.pid;
        if (!pid) await new Promise((r) => setTimeout(r, 20));
      }
      await withClient(api.url, (db) => db.query(`SELECT pg_terminate_backend($1)`, [pid]));
      await holder.query('ROLLBACK');
      expect(await datasetCounts()).toMatchObject({ matched: before.matched, unmatched: before.unmatched });
      expect(await matchedFields(1014)).toBeUndefined();

      const job = await waitForJob(api.gql, association, jobId, 60_000);
      expect(job).toMatchObject({ status: 'COMPLETED', attempts: 2, done: 1 });
    } finally {
      await holder.end();
    }
    const after = await datasetCounts();
    expect(after).toEqual({ matched: before.matched + 1, unmatched: before.unmatched - 2, recountedMatched: after.matched, recountedUnmatched: after.unmatched });
    expect(await matchedFields(1014)).toEqual(['ID_NUMBER', 'PHONE']);
  });

  it('applies a re-sent chunk once, and refuses datasets to associations and for incidents of other organisations', async () => {
    const http = request(api.app.getHttpServer());
    const created = await http.post('/datasets').set('authorization', `Bearer ${procurator}`).send({ incidentId, source: 'test', fields: ['PHONE'], chunkRows: 10 });
    expect(created.status).toBe(201);
    const body = Buffer.alloc(64, 1);
    for (let i = 0; i < 2; i++) {
      const put = await http.put(`/datasets/${created.body.id}/chunks/0`).set('authorization', `Bearer ${procurator}`).set('content-type', 'application/octet-stream').send(body);
      expect(put.body).toEqual({ applied: i === 0, rows: 2 });
    }
    const json = await http.put(`/datasets/${created.body.id}/chunks/1`).set('authorization', `Bearer ${procurator}`).send({ a: 1 });
    expect(json.status).toBe(400);
    expect(json.body).toMatchObject({ code: 'BAD_USER_INPUT', field: 'content-type' });
    const status = await http.get(`/datasets/${created.body.id}`).set('authorization', `Bearer ${procurator}`);
    expect(status.body).toMatchObject({ receivedChunks: [0], rowsReceived: 2, status: 'RECEIVING' });
    const short = await http.post(`/datasets/${created.body.id}/complete`).set('authorization', `Bearer ${procurator}`).send({ chunkCount: 2, rowCount: 2, fileSha256: 'a'.repeat(64) });
    expect(short.status).toBe(409);
    expect((await http.post('/datasets').set('authorization', `Bearer ${association}`).send({ incidentId, source: 'x', fields: ['PHONE'], chunkRows: 10 })).status).toBe(403);
    expect((await http.get(`/datasets/${created.body.id}`).set('authorization', `Bearer ${association}`)).status).toBe(403);
  });

  it('matches full-width and 15-digit identifiers of a headerless "----" dump and of a TAB file with a repeated header; unusable rows are counted apart, not as people to reach', async () => {
    const incident2 = (await api.gql(`mutation($i: RegisterLeakIncidentInput!) { registerLeakIncident(input: $i) { id } }`, { i: INCIDENT_INPUT }, procurator)).data!
      .registerLeakIncident.id;
    await shareIncidentsThroughCase(api.gql, procurator, [incident2], ['CONSUMER_ASSOCIATION', 'PROCURATORATE']);
    const ids = new Map<number, string>();
    for (const n of [3000, 3001, 3002]) {
      const res = await api.gql(`mutation($i: EnrolClaimantInput!) { enrolClaimant(input: $i) { id } }`, { i: enrolInput(n, incident2) }, association);
      expect(res.errors).toBeUndefined();
      ids.set(n, res.data!.enrolClaimant.id);
    }
    /** ASCII as full-width (U+FF01.. = U+0021.. + 0xFEE0). */
    const fullWidth = (t: string) => t.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    /** uniqueIdNumber(n) is born in 1990: its first-generation form drops the "19" and the check character. */
    const fifteen = (id: string) => id.slice(0, 6) + id.slice(8, 17);

    const dump = join(dir, 'dump.txt');
    writeFileSync(
      dump,
      [
        `${fullWidth(uniqueIdNumber(3000))}----某甲----`, // 3000 by a full-width ID
        `${fifteen(uniqueIdNumber(3001))}----某乙----`, // 3001 by its 15-digit ID
        `not-an-id----某丙----${fullWidth(phoneFor(3002))}`, // 3002 by a full-width phone
        '', // unusable: blank
        `${uniqueIdNumber(3100)}----某丁----${phoneFor(3100)}`, // nobody enrolled: still to reach
        'garbage----garbage----garbage', // unusable: no valid identifier
      ].join('\r\n') + '\r\n',
    );
    const dumpOptions = { ...options(dump), incidentId: incident2, columns: 'id_number=1,phone=3', header: false, delimiter: '----', chunkRows: 4 };
    // Interrupted, then resumed with other cuts: refused, its chunks were hashed from other cells.
    await expect(uploadDataset({ ...dumpOptions, stopAfterChunks: 1 })).rejects.toThrow(/interrupted/);
    await expect(uploadDataset({ ...dumpOptions, delimiter: '|' })).rejects.toThrow(/another --delimiter or --no-header/);
    const first = await uploadDataset(dumpOptions);
    expect(first).toMatchObject({ rows: 6, chunks: 2, chunksSkipped: 1, unusableRows: 2 });

    const tab = join(dir, 'tab.tsv');
    writeFileSync(
      tab,
      [
        '身份证号\t姓名\t手机号',
        `${uniqueIdNumber(3101)}\t某戊\t${phoneFor(3101)}`, // nobody enrolled
        '身份证号\t姓名\t手机号', // unusable: the header again (files glued together)
        `="${uniqueIdNumber(3000)}"\t某甲\t'${phoneFor(3000)}`, // 3000 again, Excel's text markers
      ].join('\n') + '\n',
    );
    const second = await uploadDataset({ ...options(tab), incidentId: incident2, columns: 'id_number=身份证号,phone=手机号', delimiter: '\t' });
    // The repeated header is an unusable row, and its cells are not invalid identifiers too.
    expect(second).toMatchObject({ rows: 3, unusableRows: 1, invalidIdentifiers: 0 });
    for (const jobId of [first.jobId!, second.jobId!]) expect((await waitForJob(api.gql, procurator, jobId)).status).toBe('COMPLETED');

    const Q = `query($i: ID!) { incidentExposures(incidentId: $i, first: 100, basis: DATASET_MATCH) { nodes { claimantId matchedFields } } }`;
    const matches = (await api.gql(Q, { i: incident2 }, association)).data!.incidentExposures.nodes as { claimantId: string; matchedFields: string[] }[];
    const fieldsOf = (n: number) => matches.find((x) => x.claimantId === ids.get(n))?.matchedFields;
    expect([fieldsOf(3000), fieldsOf(3001), fieldsOf(3002)]).toEqual([['ID_NUMBER', 'PHONE'], ['ID_NUMBER'], ['PHONE']]);

    // 9 rows, 3 unusable: 6 usable rows, of which 2 (3100 and 3101) reach nobody enrolled.
    const { rows } = await withClient(api.url, (db) =>
      db.query(`SELECT sum(unmatched_rows)::int AS unmatched, sum(unusable_rows)::int AS unusable, sum(row_count)::int AS rows FROM seized_dataset WHERE incident_id = $1`, [incident2]),
    );
    expect(rows[0]).toEqual({ unmatched: 2, unusable: 3, rows: 9 });
    const counts = await api.gql(`query($i: ID!) { exposureCounts(incidentId: $i) { matched datasetRows datasetUnusableRows } }`, { i: incident2 }, association);
    expect(counts.data!.exposureCounts).toEqual({ matched: 3, datasetRows: '6', datasetUnusableRows: '3' });
  });
});
