import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { blindIndex, IdentifierKind } from '../libs/claimants/src/vault/blind-index';
import { uploadDataset } from '../apps/cli/src/dataset/dataset-upload';
import { startTestApi, type TestApi } from './support/api';
import { withClient } from './support/database';
import { waitForJob } from './support/jobs';
import { CSV_HEADER, csvRow, enrolInput, INCIDENT_INPUT, phoneFor, uniqueIdNumber } from './support/claimants';

const KEY = Buffer.alloc(32, 42);

describe('seized datasets: local hashing, resumable upload, matching', () => {
  let api: TestApi;
  let server: string;
  let procurator: string;
  let association: string;
  let designated: string;
  let incidentId: string;
  let claimantIds: Map<number, string>;
  const dir = mkdtempSync(join(tmpdir(), 'leakcase-dataset-'));

  beforeAll(async () => {
    api = await startTestApi({ BLIND_INDEX_KEY: KEY.toString('base64') });
    await api.app.listen(0, '127.0.0.1');
    server = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
    [procurator, association, designated] = await Promise.all(['procurator@demo.local', 'association@demo.local', 'designated@demo.local'].map((e) => api.login(e)));
    incidentId = (await api.gql(`mutation($i: RegisterLeakIncidentInput!) { registerLeakIncident(input: $i) { id } }`, { i: INCIDENT_INPUT }, procurator)).data!
      .registerLeakIncident.id;
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
   * 1 blank line. 30 rows in all (header excluded).
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
    expect(result).toMatchObject({ rows: 30, chunks: 5, chunksSkipped: 2, chunksSent: 3 });
    const counts = await withClient(api.url, (db) =>
      db.query(`SELECT (SELECT count(*) FROM seized_dataset_row WHERE dataset_id = $1)::int AS rows,
                       (SELECT count(*) FROM seized_dataset_row WHERE dataset_id = $1 AND id_number_index IS NOT NULL)::int AS ids,
                       (SELECT count(*) FROM seized_dataset_row WHERE dataset_id = $1 AND phone_index IS NOT NULL)::int AS phones,
                       (SELECT row_count FROM seized_dataset WHERE id = $1)::int AS declared`, [result.datasetId]),
    );
    expect(counts.rows[0]).toEqual({ rows: 30, ids: 25, phones: 24, declared: 30 });

    const job = await waitForJob(api.gql, procurator, result.jobId!);
    expect(job.status).toBe('COMPLETED');
    expect(JSON.parse(job.result!)).toMatchObject({ matchedClaimants: 7, unmatchedRows: 23 });

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

    const counts = await api.gql(`query($i: ID!) { exposureCounts(incidentId: $i) { matched declaredUnmatched datasetRows datasetRowsWithoutClaimant matchedEnrolledByYou } }`, { i: incidentId }, designated);
    expect(counts.data!.exposureCounts).toEqual({ matched: 7, declaredUnmatched: 6, datasetRows: '30', datasetRowsWithoutClaimant: '23', matchedEnrolledByYou: 2 });
  });

  it('matches a new enrolment against the datasets already imported', async () => {
    const res = await api.gql(`mutation($i: EnrolClaimantInput!) { enrolClaimant(input: $i) { id } }`, { i: enrolInput(1005, incidentId) }, association);
    const id = res.data!.enrolClaimant.id;
    const deadline = Date.now() + 30_000;
    let bases: string[] = [];
    while (Date.now() < deadline) {
      const c = await api.gql(`query($id: ID!) { claimant(id: $id) { exposures { basis matchedFields } } }`, { id }, association);
      bases = c.data!.claimant.exposures.map((x: { basis: string }) => x.basis);
      if (bases.includes('DATASET_MATCH')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(bases.sort()).toEqual(['DATASET_MATCH', 'SELF_DECLARED']);
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
});
