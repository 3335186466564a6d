import { once } from 'node:events';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import iconv from 'iconv-lite';
import { Client } from 'pg';
import request from 'supertest';
import { ClaimantImportService } from '@app/claimants';
import { startTestApi, type TestApi } from './support/api';
import { withClient } from './support/database';
import { waitForJob } from './support/jobs';
import { CSV_HEADER, csvRow, enrolInput, INCIDENT_INPUT, phoneFor, shareIncidentsThroughCase, uniqueIdNumber, withBadChecksum } from './support/claimants';

const ENROL = `mutation($i: EnrolClaimantInput!) { enrolClaimant(input: $i) { id nameMasked idNumberMasked phoneMasked
  consent { method scopes } harms { type amountFen evidenceRefs } exposures { nodes { incidentId basis } } } }`;
const CLAIMANT = `query($id: ID!) { claimant(id: $id) { id nameMasked } }`;
const UNMASK = `query($id: ID!) { claimantIdentity(id: $id, reason: "prepare the roster for filing") { name idNumber phone } }`;

describe('claimants: enrolment, the vault, dedupe and bulk import', () => {
  let api: TestApi;
  let association: string;
  let designated: string;
  let procurator: string;
  let judge: string;
  let incidentId: string;

  beforeAll(async () => {
    api = await startTestApi();
    [association, designated, procurator, judge] = await Promise.all(
      ['association@demo.local', 'designated@demo.local', 'procurator@demo.local', 'judge@demo.local'].map((e) => api.login(e)),
    );
    const res = await api.gql(`mutation($i: RegisterLeakIncidentInput!) { registerLeakIncident(input: $i) { id } }`, { i: INCIDENT_INPUT }, procurator);
    incidentId = res.data!.registerLeakIncident.id;
    await shareIncidentsThroughCase(api.gql, procurator, [incidentId], ['CONSUMER_ASSOCIATION', 'DESIGNATED_ORGANISATION', 'PROCURATORATE']);
  });
  afterAll(() => api.close());

  const upload = (token: string, body: Buffer | string, query = '') =>
    request(api.app.getHttpServer())
      .post(`/claimants/import${query}`)
      .set('authorization', `Bearer ${token}`)
      .set('prefer', 'wait=30')
      .attach('file', Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'), { filename: 'claimants.csv', contentType: 'text/csv' });

  it('enrols one claimant and shows only masked identifiers', async () => {
    const res = await api.gql(ENROL, { i: enrolInput(1, incidentId, { name: '张三' }) }, association);
    expect(res.errors).toBeUndefined();
    const c = res.data!.enrolClaimant;
    expect(c.nameMasked).toBe('张*');
    expect(c.idNumberMasked).toMatch(/^\d{3}\*{11}[\dX]{4}$/);
    expect(c.phoneMasked).toBe('139****0001');
    expect(c.harms).toEqual([{ type: 'FRAUD_LOSS', amountFen: '23822871', evidenceRefs: ['bank statement 2024-06'] }]);
    expect(c.exposures.nodes).toEqual([{ incidentId, basis: 'SELF_DECLARED' }]);
  });

  it('refuses a bad checksum, a bad phone, consent without both scopes, and a loss without amount, naming the field only', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ idNumber: withBadChecksum(uniqueIdNumber(2)) }, 'input.idNumber'],
      [{ phone: '12345' }, 'input.phone'],
      [{ consent: { givenAt: '2025-03-01T02:00:00Z', method: 'ONLINE_FORM', scopes: ['DATA_USE'] } }, 'input.consent.scopes'],
      [{ harms: [{ type: 'FRAUD_LOSS', evidenceRefs: [] }] }, 'input.harms.amountFen'],
    ];
    for (const [over, field] of cases) {
      const res = await api.gql(ENROL, { i: enrolInput(2, incidentId, over) }, association);
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(JSON.stringify(res.errors)).not.toContain(uniqueIdNumber(2).slice(6, 14));
    }
  });

  it('unmasks for the enrolling organisation only, writing claimant.unmask to the audit log', async () => {
    const { data } = await api.gql(ENROL, { i: enrolInput(3, incidentId, { name: '李四' }) }, association);
    const id = data!.enrolClaimant.id;
    const unmasked = await api.gql(UNMASK, { id }, association);
    expect(unmasked.data!.claimantIdentity).toEqual({ name: '李四', idNumber: uniqueIdNumber(3), phone: phoneFor(3) });
    const rows = await withClient(api.url, (db) =>
      db.query(`SELECT action, details FROM audit_event WHERE action = 'claimant.unmask' AND subject_id = $1`, [id]),
    );
    expect(rows.rows).toHaveLength(1);
    expect(rows.rows[0].details.reason).toBe('prepare the roster for filing');
  });

  it("hides another organisation's claimant entirely: NOT_FOUND, no unmask, absent from lists and counts", async () => {
    const { data } = await api.gql(ENROL, { i: enrolInput(4, incidentId) }, association);
    const id = data!.enrolClaimant.id;
    for (const query of [CLAIMANT, UNMASK]) {
      const res = await api.gql(query, { id }, designated);
      expect(res.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      expect(res.data).toBeNull();
    }
    const list = await api.gql(`{ claimants { totalCount nodes { id } } claimantCounts { enrolledByYou total } }`, {}, designated);
    expect(list.data!.claimants.totalCount).toBe(0);
    expect(list.data!.claimantCounts.enrolledByYou).toBe(0);
    // The count over every organisation's enrolments is the operator's only (ADMIN).
    expect(list.data!.claimantCounts.total).toBeNull();
    const exposures = await api.gql(`query($i: ID!) { incidentExposures(incidentId: $i) { totalCount } }`, { i: incidentId }, designated);
    expect(exposures.data!.incidentExposures.totalCount).toBe(0);
    const judgeRead = await api.gql(CLAIMANT, { id }, judge);
    expect(judgeRead.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('keeps one claimant with two enrolments when two associations enrol the same person', async () => {
    const a = await api.gql(ENROL, { i: enrolInput(5, incidentId) }, association);
    const b = await api.gql(ENROL, { i: enrolInput(5, incidentId, { name: '张五(另录)' }) }, designated);
    expect(b.errors).toBeUndefined();
    expect(b.data!.enrolClaimant.id).toBe(a.data!.enrolClaimant.id);
    const again = await api.gql(ENROL, { i: enrolInput(5, incidentId) }, association);
    expect(again.errors?.[0].extensions?.code).toBe('CONFLICT');
    const [counts] = (
      await withClient(api.url, (db) =>
        db.query(`SELECT count(DISTINCT c.id)::int AS claimants, count(e.*)::int AS enrolments
                    FROM claimant c JOIN claimant_enrolment e ON e.claimant_id = c.id WHERE c.id = $1`, [a.data!.enrolClaimant.id]),
      )
    ).rows;
    expect(counts).toEqual({ claimants: 1, enrolments: 2 });
  });

  it('enrols for a case only when the caller can see that case; another organisation\'s case is NOT_FOUND', async () => {
    const court = (await api.gql(`{ organisations(first: 1, kind: COURT) { nodes { id } } }`, {}, association)).data!.organisations.nodes[0].id;
    const opened = await api.gql(
      `mutation($i: OpenCaseInput!) { openCase(input: $i) { id } }`,
      { i: { type: 'CIVIL_PUBLIC_INTEREST', title: 'Council v. platform', courtId: court, defendants: [{ name: '某某平台有限公司', role: 'NETWORK_SERVICE_PROVIDER', liabilityBasis: 'PRESUMED_FAULT' }] } },
      association,
    );
    const caseId = opened.data!.openCase.id;
    const foreign = await api.gql(ENROL, { i: enrolInput(7, incidentId, { caseId }) }, designated);
    const missing = await api.gql(ENROL, { i: enrolInput(7, incidentId, { caseId: '00000000-0000-4000-8000-000000000000' }) }, designated);
    expect(foreign.errors![0].extensions).toMatchObject({ code: 'NOT_FOUND', subject: 'Case' });
    expect(foreign.errors![0].message.replace(caseId, 'ID')).toBe(missing.errors![0].message.replace('00000000-0000-4000-8000-000000000000', 'ID'));
    const own = await api.gql(ENROL, { i: enrolInput(7, incidentId, { caseId }) }, association);
    expect(own.errors).toBeUndefined();
  });

  it("shows an organisation only its own declarations of the same person's exposure", async () => {
    const other = await api.gql(
      `mutation($i: RegisterLeakIncidentInput!) { registerLeakIncident(input: $i) { id } }`,
      { i: { ...INCIDENT_INPUT, handler: { ...INCIDENT_INPUT.handler, name: '另一平台有限公司' } } },
      designated,
    );
    const secondIncident = other.data!.registerLeakIncident.id;
    const a = await api.gql(ENROL, { i: enrolInput(8, incidentId) }, association);
    const b = await api.gql(ENROL, { i: enrolInput(8, secondIncident) }, designated);
    expect(b.data!.enrolClaimant.id).toBe(a.data!.enrolClaimant.id);
    const seen = async (token: string) =>
      (await api.gql(`query($id: ID!) { claimant(id: $id) { exposures { nodes { incidentId basis } } } }`, { id: a.data!.enrolClaimant.id }, token)).data!.claimant.exposures.nodes;
    expect(await seen(association)).toEqual([{ incidentId, basis: 'SELF_DECLARED' }]);
    expect(await seen(designated)).toEqual([{ incidentId: secondIncident, basis: 'SELF_DECLARED' }]);
    // The designated organisation's incident is not the association's to see at all.
    const listed = await api.gql(`query($i: ID!) { incidentExposures(incidentId: $i) { totalCount } }`, { i: secondIncident }, association);
    expect(listed.errors![0].extensions!.code).toBe('NOT_FOUND');
  });

  it('shows each organisation the name as it enrolled it, not the first enroller\'s', async () => {
    expect((await api.gql(ENROL, { i: enrolInput(40, incidentId, { name: '欧阳' }) }, association)).errors).toBeUndefined();
    expect((await api.gql(ENROL, { i: enrolInput(40, incidentId, { name: '欧阳娜娜' }) }, designated)).errors).toBeUndefined();
    const names = async (token: string) =>
      (await api.gql(`query($i: ID!) { incidentExposures(incidentId: $i, first: 500) { nodes { nameMasked } } }`, { i: incidentId }, token)).data!.incidentExposures.nodes.map(
        (n: { nameMasked: string }) => n.nameMasked,
      );
    expect(await names(designated)).toContain('欧***');
    expect(await names(designated)).not.toContain('欧*');
  });

  it('never creates two claimants when the same person is enrolled concurrently', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 6 }, (_, i) => api.gql(ENROL, { i: enrolInput(6, incidentId) }, [association, designated, procurator][i % 3])),
    );
    const ids = new Set(attempts.filter((r) => r.data?.enrolClaimant).map((r) => r.data!.enrolClaimant.id));
    expect(ids.size).toBe(1);
    expect(attempts.filter((r) => r.data?.enrolClaimant)).toHaveLength(3);
    expect(attempts.filter((r) => r.errors).every((r) => r.errors![0].extensions?.code === 'CONFLICT')).toBe(true);
    const { rows } = await withClient(api.url, (db) => db.query(`SELECT count(*)::int AS n FROM claimant WHERE id = ANY($1::uuid[])`, [[...ids]]));
    expect(rows[0].n).toBe(1);
  });

  it("checks every enrolment's claimant, organisation, user, case and import, and never lets one of them be deleted", async () => {
    const claimantId: string = (await api.gql(ENROL, { i: enrolInput(60, incidentId) }, association)).data!.enrolClaimant.id;
    const nobody = '00000000-0000-4000-8000-00000000dead';
    await withClient(api.url, async (db) => {
      const { rows: [own] } = await db.query(`SELECT organisation_id, enrolled_by FROM claimant_enrolment WHERE claimant_id = $1`, [claimantId]);
      const { rows: [court] } = await db.query(`SELECT id FROM organisation WHERE kind = 'COURT' LIMIT 1`);
      // A copy of the enrolment for another organisation (the court: no enrolment of this person yet), one reference broken.
      const references = { claimant_id: claimantId, organisation_id: court.id, enrolled_by: own.enrolled_by, case_id: null, import_id: null };
      const enrolWith = (column: keyof typeof references) => {
        const values = { ...references, [column]: nobody };
        return db.query(
          `INSERT INTO claimant_enrolment (claimant_id, organisation_id, enrolled_by, case_id, import_id, name_enc, id_number_enc, phone_enc,
             phone_index, name_masked, phone_masked, consent_given_at, consent_method, consent_scope)
           SELECT $2, $3, $4, $5, $6, name_enc, id_number_enc, phone_enc, phone_index, name_masked, phone_masked, consent_given_at, consent_method, consent_scope
             FROM claimant_enrolment WHERE claimant_id = $1`,
          [claimantId, values.claimant_id, values.organisation_id, values.enrolled_by, values.case_id, values.import_id],
        );
      };
      for (const column of Object.keys(references) as (keyof typeof references)[]) {
        await expect(enrolWith(column)).rejects.toMatchObject({ code: '23503', column, message: `claimant_enrolment.${column} refers to a row that does not exist` });
      }
      for (const [table, id] of [['claimant', claimantId], ['organisation', own.organisation_id], ['app_user', own.enrolled_by]]) {
        await expect(db.query(`DELETE FROM ${table} WHERE id = $1`, [id])).rejects.toMatchObject({ code: '23503' });
        await expect(db.query(`UPDATE ${table} SET id = gen_random_uuid() WHERE id = $1`, [id])).rejects.toMatchObject({ code: '23503' });
      }
      for (const table of ['claimant', 'organisation', 'app_user', 'legal_case', 'claimant_import']) {
        await expect(db.query(`TRUNCATE ${table} CASCADE`)).rejects.toMatchObject({ code: '23503' });
      }
      expect((await db.query(`SELECT count(*)::int AS n FROM claimant_enrolment WHERE claimant_id = $1`, [claimantId])).rows[0].n).toBe(1);
    });
  });

  it("checks the claimants of every write but the enrolment job's own statement, which vouches for its import's rows only", async () => {
    await withClient(api.url, async (db) => {
      // The designated organisation writes; the claimant is the association's (enrolled through the form).
      const [{ organisation_id: org }] = (await db.query(`SELECT organisation_id FROM app_user WHERE email = 'designated@demo.local'`)).rows;
      const newImport = async (): Promise<string> =>
        (await db.query(`INSERT INTO claimant_import (organisation_id, encoding, rows, rejected) VALUES ($1, 'utf-8', 0, 0) RETURNING id`, [org])).rows[0].id;
      const [importId, otherImport] = [await newImport(), await newImport()];
      const claimantId: string = (await api.gql(ENROL, { i: enrolInput(61, incidentId) }, association)).data!.enrolClaimant.id;
      // Two rows: an existing claimant's and a missing one's, of the given imports.
      const write = (imports: (string | null)[]) =>
        db.query(
          `INSERT INTO claimant_enrolment (claimant_id, organisation_id, import_id, name_enc, id_number_enc, phone_enc, phone_index, name_masked, phone_masked,
             consent_given_at, consent_method, consent_scope)
           SELECT c, $1, i, '\\x00', '\\x00', '\\x00', $2, '*', '*', now(), 'WRITTEN_SIGNATURE', '{REPRESENTATION}'
             FROM unnest($3::uuid[], $4::uuid[]) AS w(c, i)`,
          [org, Buffer.alloc(32), [claimantId, '00000000-0000-4000-8000-00000000dead'], imports],
        );
      const refused = { code: '23503', column: 'claimant_id' };
      for (const imports of [[importId, importId], [importId, otherImport], [importId, null], [null, null]]) {
        await db.query('BEGIN');
        // Without the job's setting: every write is checked.
        await expect(write(imports)).rejects.toMatchObject(refused);
        await db.query('ROLLBACK');
      }
      for (const imports of [[importId, otherImport], [importId, null], [otherImport, otherImport]]) {
        await db.query('BEGIN');
        await db.query(`SELECT set_config('leakcase.enrolment_claimants_joined', $1, true)`, [importId]);
        // The setting names one import; rows of another import, or of none, are checked.
        await expect(write(imports)).rejects.toMatchObject(refused);
        await db.query('ROLLBACK');
      }
      await db.query('BEGIN');
      await db.query(`SELECT set_config('leakcase.enrolment_claimants_joined', $1, true)`, [importId]);
      // The organisation is checked whatever the setting says.
      await expect(
        db.query(
          `INSERT INTO claimant_enrolment (claimant_id, organisation_id, import_id, name_enc, id_number_enc, phone_enc, phone_index, name_masked, phone_masked,
             consent_given_at, consent_method, consent_scope)
           VALUES ($1, '00000000-0000-4000-8000-00000000beef', $2, '\\x00', '\\x00', '\\x00', $3, '*', '*', now(), 'WRITTEN_SIGNATURE', '{REPRESENTATION}')`,
          [claimantId, importId, Buffer.alloc(32)],
        ),
      ).rejects.toMatchObject({ code: '23503', column: 'organisation_id' });
      await db.query('ROLLBACK');
    });
  });

  it("checks the claimants of a bulk write (10,000 rows and more) as a set, refusing one missing claimant among them", async () => {
    await withClient(api.url, async (db) => {
      // 10,000 new claimants (random blind indexes) and an enrolment of each by the court's organisation, in one statement each.
      const enrolAll = (broken: boolean) =>
        db.query(
          `WITH people AS (
             INSERT INTO claimant (id_number_index, id_number_masked, name_masked)
             SELECT decode(md5(g::text || clock_timestamp()::text) || md5(g::text), 'hex'), '*', '*' FROM generate_series(1, 10000) g RETURNING id
           )
           INSERT INTO claimant_enrolment (claimant_id, organisation_id, name_enc, id_number_enc, phone_enc, phone_index, name_masked, phone_masked,
             consent_given_at, consent_method, consent_scope)
           SELECT CASE WHEN $1 AND p.n = 5000 THEN gen_random_uuid() ELSE p.id END, o.id, '\\x00', '\\x00', '\\x00', $2, '*', '*', now(), 'WRITTEN_SIGNATURE', '{REPRESENTATION}'
             FROM (SELECT id, row_number() OVER () AS n FROM people) p, (SELECT id FROM organisation WHERE kind = 'COURT' LIMIT 1) o`,
          [broken, Buffer.alloc(32)],
        );
      await db.query('BEGIN');
      await expect(enrolAll(true)).rejects.toMatchObject({ code: '23503', column: 'claimant_id', message: 'claimant_enrolment.claimant_id refers to a row that does not exist' });
      await db.query('ROLLBACK');
      await db.query('BEGIN');
      expect((await enrolAll(false)).rowCount).toBe(10_000);
      await db.query('ROLLBACK');
    });
  });

  describe('bulk import', () => {
    const good = (from: number, count: number) => Array.from({ length: count }, (_, i) => csvRow(from + i, incidentId));

    it('imports the valid rows and reports every bad one by row, field and reason, without values', async () => {
      const bad = [
        csvRow(101, incidentId, { id_number: withBadChecksum(uniqueIdNumber(101)) }), // row 5
        csvRow(102, incidentId, { phone: '1234567' }), // row 6
        csvRow(103, incidentId, { consent_given_at: '', consent_method: '', consent_scope: '' }), // row 7
        csvRow(100, incidentId), // row 8: duplicates row 2
        csvRow(104, incidentId, { harm_types: 'FRAUD_LOSS', loss_fen: '' }), // row 9
        csvRow(105, incidentId, { incident_ids: '00000000-0000-4000-8000-000000000000' }), // row 10
      ];
      const csv = [CSV_HEADER, ...good(100, 3), ...bad].join('\n') + '\n';
      const res = await upload(association, csv);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ rows: 9, accepted: 3, alreadyEnrolled: 0, rejected: 6, encoding: 'utf-8' });
      expect(res.body.rejections).toEqual([
        // A wrong check character, not ending in 000 (that reason, Excel's truncation, is normalise.spec's).
        { row: 5, field: 'id_number', reason: expect.stringMatching(/^fails the GB 11643 checksum(?! and ends in 000)/) },
        { row: 6, field: 'phone', reason: expect.stringMatching(/mainland mobile/) },
        { row: 7, field: 'consent_given_at', reason: expect.stringMatching(/no consent/) },
        { row: 8, field: 'id_number', reason: 'duplicates row 2 of this file' },
        { row: 9, field: 'loss_fen', reason: 'is required for a FRAUD_LOSS' },
        { row: 10, field: 'incident_ids', reason: 'names no leak incident you can see (registered by your organisation, shared with it, announced, or linked to a case you can see)' },
      ]);
      expect(JSON.stringify(res.body)).not.toContain(uniqueIdNumber(101).slice(0, 14));
      expect(JSON.stringify(res.body)).not.toContain('1234567');

      const again = await upload(association, csv);
      expect(again.body).toMatchObject({ rows: 9, accepted: 0, alreadyEnrolled: 3, rejected: 6 });
      const list = await api.gql(`{ claimantCounts { enrolledByYou } }`, {}, association);
      const before = list.data!.claimantCounts.enrolledByYou;
      const third = await upload(association, csv);
      expect(third.body.accepted).toBe(0);
      expect((await api.gql(`{ claimantCounts { enrolledByYou } }`, {}, association)).data!.claimantCounts.enrolledByYou).toBe(before);
    });

    it('reads a GBK file with Chinese headers, detected without being told', async () => {
      const header = '姓名,身份证号,手机号,同意时间,同意方式,同意范围,损害类型,泄露事件';
      const rows = [200, 201].map((n) => `王${n},${uniqueIdNumber(n)},${phoneFor(n)},2025-03-02,ONLINE_FORM,REPRESENTATION;DATA_USE,MENTAL_DISTRESS,${incidentId}`);
      const gbk = iconv.encode([header, ...rows].join('\r\n'), 'gbk');
      expect(gbk.includes(Buffer.from('姓名', 'utf8'))).toBe(false);
      const res = await upload(designated, gbk);
      expect(res.body).toMatchObject({ rows: 2, accepted: 2, rejected: 0, encoding: 'gb18030' });
      const list = await api.gql(`{ claimants(first: 500) { nodes { nameMasked } } }`, {}, designated);
      expect(list.data!.claimants.nodes.map((n: { nameMasked: string }) => n.nameMasked)).toEqual(expect.arrayContaining(['王***']));
    });

    it('refuses a whole file that is empty, has a wrong header, or is truncated inside a quoted field; imports nothing', async () => {
      const before = (await api.gql(`{ claimantCounts { enrolledByYou } }`, {}, association)).data!.claimantCounts.enrolledByYou;
      const cases: [string, RegExp][] = [
        ['', /empty/],
        [`${CSV_HEADER}\n`, /no rows/],
        [`nom,id,tel\n${good(300, 1)[0]}\n`, /header names none of the columns/],
        [`name,id_number,phone\n`, /has no column consent_given_at and no default for it \(consentDate= \/ --consent-date\)/],
        [`${CSV_HEADER}\n${good(301, 2).join('\n')}\n${csvRow(303, incidentId, { evidence_refs: '"receipt' })}`, /truncated/],
      ];
      const imports = () => withClient(api.url, (db) => db.query(`SELECT count(*)::int AS n FROM claimant_import`)).then((r) => r.rows[0].n);
      const importsBefore = await imports();
      for (const [body, reason] of cases) {
        const res = await upload(association, body);
        expect(res.status).toBe(400);
        expect(res.body.message).toMatch(reason);
      }
      expect(await imports()).toBe(importsBefore);
      expect((await api.gql(`{ claimantCounts { enrolledByYou } }`, {}, association)).data!.claimantCounts.enrolledByYou).toBe(before);
    });

    it('applies the GraphQL input limits to CSV rows: an over-long or control-character name is a rejected row', async () => {
      const csv = [
        CSV_HEADER,
        csvRow(120, incidentId, { name: '张'.repeat(101) }),
        csvRow(121, incidentId, { name: '李\u202e四' }),
        csvRow(122, incidentId, { evidence_refs: 'x'.repeat(501) }),
        csvRow(123, incidentId),
      ].join('\n');
      const res = await upload(association, csv);
      expect(res.body).toMatchObject({ rows: 4, accepted: 1, rejected: 3 });
      expect(res.body.rejections).toEqual([
        { row: 2, field: 'name', reason: 'must be at most 100 characters' },
        { row: 3, field: 'name', reason: 'contains control or direction-override characters' },
        { row: 4, field: 'evidence_refs', reason: 'must be at most 500 characters' },
      ]);
    });

    it('refuses a file whose header row is missing without echoing the first claimant\'s data', async () => {
      const [first] = good(310, 1);
      const res = await upload(association, `${first}\n${good(311, 1)[0]}\n`);
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/header names none of the columns/);
      for (const cell of first.split(',').filter((c) => c.length > 3)) expect(JSON.stringify(res.body)).not.toContain(cell);
    });

    it('rejects a last row cut short (a truncated file without quotes) and keeps the complete rows', async () => {
      const rows = good(400, 2);
      const cut = csvRow(402, incidentId).split(',').slice(0, 3).join(',');
      const res = await upload(association, `${CSV_HEADER}\n${rows.join('\n')}\n${cut}`);
      expect(res.body).toMatchObject({ rows: 3, accepted: 2, rejected: 1 });
      expect(res.body.rejections[0]).toEqual({ row: 4, field: 'row', reason: expect.stringMatching(/has 3 fields where the header has 11/) });
    });

    it('stages an upload at once and enrols it in a job with progress; the report follows the import', async () => {
      const csv = [CSV_HEADER, ...good(600, 3), csvRow(603, incidentId, { phone: '12345' }), csvRow(604, incidentId, { phone: '54321' })].join('\n');
      const staged = await request(api.app.getHttpServer())
        .post('/claimants/import')
        .set('authorization', `Bearer ${association}`)
        .attach('file', Buffer.from(csv), { filename: 'claimants.csv', contentType: 'text/csv' });
      expect(staged.status).toBe(202);
      expect(staged.body).toMatchObject({ status: 'STAGED', rows: 5, accepted: null, alreadyEnrolled: null, rejected: 2, rejectionsListed: 2 });

      const job = await waitForJob(api.gql, association, staged.body.jobId);
      // Three rows through three statements (claimants, enrolments, exposures).
      expect(job).toMatchObject({ status: 'COMPLETED', done: 9, total: 9, attempts: 1 });
      const report = (path: string, token = association) => request(api.app.getHttpServer()).get(path).set('authorization', `Bearer ${token}`);
      const done = await report(`/claimants/imports/${staged.body.importId}`);
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({ status: 'COMPLETE', rows: 5, accepted: 3, alreadyEnrolled: 0, rejected: 2 });
      expect(done.body.rejections.map((r: { row: number }) => r.row)).toEqual([5, 6]);
      // Rejections page by row number.
      const page = await report(`/claimants/imports/${staged.body.importId}?afterRow=5&limit=1`);
      expect(page.body.rejections).toEqual([{ row: 6, field: 'phone', reason: expect.any(String) }]);
      // The staged rows are gone once enrolled.
      const { rows } = await withClient(api.url, (db) => db.query(`SELECT count(*)::int AS n FROM claimant_import_row WHERE import_id = $1`, [staged.body.importId]));
      expect(rows[0].n).toBe(0);

      // Another organisation's import does not exist for the caller; a judge may not ask.
      expect((await report(`/claimants/imports/${staged.body.importId}`, designated)).status).toBe(404);
      expect((await report(`/claimants/imports/not-a-uuid`)).status).toBe(404);
      expect((await report(`/claimants/imports/${staged.body.importId}`, judge)).status).toBe(403);
      expect((await report(`/claimants/imports/${staged.body.importId}?limit=0`)).status).toBe(400);
    });

    it("reports the job's progress after each statement: the claimants written while the enrolments wait", async () => {
      // Person 7300 is already a claimant (the designated organisation enrolled them). While the test
      // holds an uncommitted enrolment of that person for the association, the job's enrolment
      // statement waits for it, after its claimant statement.
      const enrolled = await api.gql(ENROL, { i: enrolInput(7300, incidentId) }, designated);
      expect(enrolled.errors).toBeUndefined();
      const JOB = `query($id: ID!) { job(id: $id) { status done total } }`;
      const jobId = await withClient(api.url, async (hold) => {
        await hold.query('BEGIN');
        await hold.query(
          `INSERT INTO claimant_enrolment (claimant_id, organisation_id, name_enc, id_number_enc, phone_enc, phone_index, name_masked, phone_masked,
             consent_given_at, consent_method, consent_scope)
           SELECT $1, organisation_id, '\\x00', '\\x00', '\\x00', $2, '*', '*', now(), 'WRITTEN_SIGNATURE', '{REPRESENTATION}'
             FROM app_user WHERE email = 'association@demo.local'`,
          [enrolled.data!.enrolClaimant.id, Buffer.alloc(32)],
        );
        const staged = await request(api.app.getHttpServer())
          .post('/claimants/import')
          .set('authorization', `Bearer ${association}`)
          .attach('file', Buffer.from([CSV_HEADER, csvRow(7300, incidentId), ...good(7301, 3)].join('\n')), { filename: 'claimants.csv', contentType: 'text/csv' });
        expect(staged.status).toBe(202);
        // 4 rows, 3 statements: 12 in all; the claimants' 4 done.
        const deadline = Date.now() + 30_000;
        let job;
        do {
          await new Promise((r) => setTimeout(r, 100));
          job = (await api.gql(JOB, { id: staged.body.jobId }, association)).data!.job;
        } while (job.done < 4 && Date.now() < deadline);
        await new Promise((r) => setTimeout(r, 300));
        job = (await api.gql(JOB, { id: staged.body.jobId }, association)).data!.job;
        expect(job).toEqual({ status: 'RUNNING', done: 4, total: 12 });
        await hold.query('ROLLBACK');
        return staged.body.jobId as string;
      });
      expect(await waitForJob(api.gql, association, jobId)).toMatchObject({ status: 'COMPLETED', done: 12, total: 12, attempts: 1 });
    });

    it('enrols nothing when the enrolment job fails part-way, and its retry enrols the whole file once', async () => {
      // 3 rows, the last made invalid for claimant_enrolment while the job waits for the
      // organisation's import lock, which the test holds.
      const { rows: [{ organisation_id: org }] } = await withClient(api.url, (db) => db.query(`SELECT organisation_id FROM app_user WHERE email = 'association@demo.local'`));
      const csv = [CSV_HEADER, ...good(700, 3)].join('\n');
      const outcome = await withClient(api.url, async (lock) => {
        await lock.query('BEGIN');
        await lock.query(`SELECT pg_advisory_xact_lock(hashtext('claimant_import'), hashtext($1))`, [org]);
        const staged = await request(api.app.getHttpServer())
          .post('/claimants/import')
          .set('authorization', `Bearer ${association}`)
          .attach('file', Buffer.from(csv), { filename: 'claimants.csv', contentType: 'text/csv' });
        expect(staged.status).toBe(202);
        const id = staged.body.importId;
        const [{ phone_index: phoneIndex }] = (await lock.query(`SELECT phone_index FROM claimant_import_row WHERE import_id = $1 AND row_no = 4`, [id])).rows;
        await withClient(api.url, (db) => db.query(`UPDATE claimant_import_row SET phone_index = '\\x00' WHERE import_id = $1 AND row_no = 4`, [id]));
        await lock.query('COMMIT');
        return { id, jobId: staged.body.jobId, phoneIndex };
      });

      // The job fails in its enrolment statement, after inserting the new claimants: they roll back with it.
      const deadline = Date.now() + 30_000;
      let job;
      do {
        await new Promise((r) => setTimeout(r, 100));
        job = (await api.gql(`query($id: ID!) { job(id: $id) { status attempts error } }`, { id: outcome.jobId }, association)).data!.job;
      } while ((job.attempts < 1 || job.status === 'RUNNING') && Date.now() < deadline);
      expect(job).toMatchObject({ status: 'QUEUED', attempts: 1, error: 'Internal error; see the server log' });
      const count = () =>
        withClient(api.url, (db) =>
          db.query(
            `SELECT (SELECT count(*) FROM claimant_enrolment WHERE import_id = $1)::int AS enrolments,
                    (SELECT status FROM claimant_import WHERE id = $1) AS status`,
            [outcome.id],
          ),
        ).then((r) => r.rows[0]);
      expect(await count()).toEqual({ enrolments: 0, status: 'STAGED' });

      // Repaired, the retry enrols the three rows once.
      await withClient(api.url, (db) => db.query(`UPDATE claimant_import_row SET phone_index = $2 WHERE import_id = $1 AND row_no = 4`, [outcome.id, outcome.phoneIndex]));
      expect(await waitForJob(api.gql, association, outcome.jobId, 60_000)).toMatchObject({ status: 'COMPLETED', attempts: 2 });
      expect(await count()).toEqual({ enrolments: 3, status: 'COMPLETE' });
    });

    it('keeps one claimant per person when two organisations import the same new people at the same moment', async () => {
      // 40 people nobody enrolled yet, in file order for one organisation and reversed for the other.
      const people = Array.from({ length: 40 }, (_, i) => csvRow(7100 + i, incidentId));
      const sheets = [[CSV_HEADER, ...people], [CSV_HEADER, ...[...people].reverse()]].map((lines) => lines.join('\n'));
      const tokens = [association, designated];
      const { rows: orgs } = await withClient(api.url, (db) =>
        db.query(`SELECT organisation_id FROM app_user WHERE email IN ('association@demo.local', 'designated@demo.local')`),
      );
      const importer = api.app.get(ClaimantImportService);
      // Both imports wait on their organisation's import lock, held here, and start together when it is released.
      const { imports, results } = await withClient(api.url, async (lock) => {
        await lock.query('BEGIN');
        for (const { organisation_id: org } of orgs) await lock.query(`SELECT pg_advisory_xact_lock(hashtext('claimant_import'), hashtext($1))`, [org]);
        const staged = await Promise.all(
          sheets.map((csv, i) =>
            request(api.app.getHttpServer())
              .post('/claimants/import')
              .set('authorization', `Bearer ${tokens[i]}`)
              .attach('file', Buffer.from(csv), { filename: 'claimants.csv', contentType: 'text/csv' }),
          ),
        );
        expect(staged.map((r) => r.status)).toEqual([202, 202]);
        const ids: string[] = staged.map((r) => r.body.importId);
        // This process runs both (besides the worker, which runs them one at a time): they race.
        const runs = ids.map((id) => importer.enrolStaged(id));
        await new Promise((r) => setTimeout(r, 300));
        await lock.query('COMMIT');
        return { imports: ids, results: await Promise.all(runs) };
      });
      expect(results.map((r) => r.accepted)).toEqual([40, 40]);
      const { rows } = await withClient(api.url, (db) =>
        db.query(
          `SELECT count(*)::int AS enrolments, count(DISTINCT e.claimant_id)::int AS claimants,
                  count(DISTINCT c.id_number_index)::int AS people,
                  (SELECT count(*)::int FROM exposure x WHERE x.incident_id = $2 AND x.basis = 'SELF_DECLARED'
                      AND x.claimant_id IN (SELECT claimant_id FROM claimant_enrolment WHERE import_id = ANY($1::uuid[]))) AS exposures
             FROM claimant_enrolment e JOIN claimant c ON c.id = e.claimant_id WHERE e.import_id = ANY($1::uuid[])`,
          [imports, incidentId],
        ),
      );
      expect(rows[0]).toEqual({ enrolments: 80, claimants: 40, people: 40, exposures: 40 });
    });

    it('enrols every row in one attempt when other transactions commit the same claimant, enrolment or exposure while the job writes them', async () => {
      // Five new people (rows 2 to 6). Before the job: person 2 (row 4) and person 3 (row 5) become
      // claimants. Held open meanwhile, then committed each while the job's statement waits on it:
      // person 0's claimant, the association's enrolment of person 2, and person 3's self-declared
      // exposure to the incident.
      const { rows: [{ organisation_id: org }] } = await withClient(api.url, (db) => db.query(`SELECT organisation_id FROM app_user WHERE email = 'association@demo.local'`));
      const clients = [0, 1, 2, 3].map(() => new Client({ connectionString: api.url }));
      await Promise.all(clients.map((c) => c.connect()));
      const [lock, ...held] = clients;
      const [claimantHold, enrolmentHold, exposureHold] = held;
      try {
        await lock.query('BEGIN');
        await lock.query(`SELECT pg_advisory_xact_lock(hashtext('claimant_import'), hashtext($1))`, [org]);
        const staged = await request(api.app.getHttpServer())
          .post('/claimants/import')
          .set('authorization', `Bearer ${association}`)
          .attach('file', Buffer.from([CSV_HEADER, ...good(7400, 5)].join('\n')), { filename: 'claimants.csv', contentType: 'text/csv' });
        expect(staged.status).toBe(202);
        const importId: string = staged.body.importId;
        const keys: Buffer[] = (await lock.query(`SELECT id_number_index FROM claimant_import_row WHERE import_id = $1 ORDER BY row_no`, [importId])).rows.map((r) => r.id_number_index);
        const claimant = `INSERT INTO claimant (id_number_index, id_number_masked, name_masked) VALUES ($1, '110***********0000', '*') RETURNING id`;
        const [person2, person3] = await withClient(api.url, async (db) => [(await db.query(claimant, [keys[2]])).rows[0].id, (await db.query(claimant, [keys[3]])).rows[0].id]);
        for (const c of held) await c.query('BEGIN');
        await claimantHold.query(claimant, [keys[0]]);
        await enrolmentHold.query(
          `INSERT INTO claimant_enrolment (claimant_id, organisation_id, name_enc, id_number_enc, phone_enc, phone_index, name_masked, phone_masked,
             consent_given_at, consent_method, consent_scope)
           VALUES ($1, $2, '\\x00', '\\x00', '\\x00', $3, '*', '*', now(), 'WRITTEN_SIGNATURE', '{REPRESENTATION}')`,
          [person2, org, Buffer.alloc(32)],
        );
        await exposureHold.query(`INSERT INTO exposure (incident_id, claimant_id, basis) VALUES ($1, $2, 'SELF_DECLARED')`, [incidentId, person3]);
        await lock.query('COMMIT');

        // Each held row is committed once the job's statement writing that table waits for it.
        const waitingOn = async (statement: string) => {
          const deadline = Date.now() + 30_000;
          for (;;) {
            const { rows } = await lock.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1`, [`%${statement}%`]);
            if (rows[0].n === 1) return;
            if (Date.now() > deadline) throw new Error(`the job never waited in ${statement}`);
            await new Promise((r) => setTimeout(r, 50));
          }
        };
        await waitingOn('INSERT INTO claimant (');
        await claimantHold.query('COMMIT');
        await waitingOn('INSERT INTO claimant_enrolment (');
        await enrolmentHold.query('COMMIT');
        await waitingOn('INSERT INTO exposure (');
        await exposureHold.query('COMMIT');

        expect(await waitForJob(api.gql, association, staged.body.jobId)).toMatchObject({ status: 'COMPLETED', attempts: 1 });
        const report = await request(api.app.getHttpServer()).get(`/claimants/imports/${importId}`).set('authorization', `Bearer ${association}`);
        expect(report.body).toMatchObject({ status: 'COMPLETE', rows: 5, accepted: 4, alreadyEnrolled: 1, rejected: 0 });
        const { rows: [counts] } = await withClient(api.url, (db) =>
          db.query(
            `SELECT (SELECT count(*)::int FROM claimant WHERE id_number_index = ANY($1::bytea[])) AS claimants,
                    (SELECT count(*)::int FROM claimant_enrolment e JOIN claimant c ON c.id = e.claimant_id WHERE e.organisation_id = $2 AND c.id_number_index = ANY($1::bytea[])) AS enrolments,
                    (SELECT count(*)::int FROM exposure x JOIN claimant c ON c.id = x.claimant_id
                      WHERE x.incident_id = $3 AND x.basis = 'SELF_DECLARED' AND c.id_number_index = ANY($1::bytea[])) AS exposures`,
            [keys, org, incidentId],
          ),
        );
        // One claimant per person; the association's five enrolments (four by the import); the
        // exposures of the four it enrolled, person 3's the one committed beside it.
        expect(counts).toEqual({ claimants: 5, enrolments: 5, exposures: 4 });
      } finally {
        await Promise.all(clients.map((c) => c.end()));
      }
    });

    it('refuses only a row holding a byte invalid in UTF-8, and reads the rest as UTF-8 rather than as mojibake', async () => {
      const rows = [820, 821, 822].map((n, i) => csvRow(n, incidentId, { name: `测试${'甲乙丙'[i]}` }));
      const [before, after] = rows[1].split('乙');
      const file = Buffer.concat([Buffer.from(`${CSV_HEADER}\n${rows[0]}\n${before}`), Buffer.from([0xe9]), Buffer.from(`${after}\n${rows[2]}\n`)]);
      const res = await upload(association, file);
      expect(res.body).toMatchObject({ encoding: 'utf-8', rows: 3, accepted: 2, rejected: 1 });
      expect(res.body.rejections).toEqual([{ row: 3, field: 'name', reason: expect.stringMatching(/not valid in the file's encoding/) }]);
      const list = await api.gql(`{ claimants(first: 500) { nodes { nameMasked } } }`, {}, association);
      expect(list.data!.claimants.nodes.map((n: { nameMasked: string }) => n.nameMasked)).toEqual(expect.arrayContaining(['测**']));
    });

    it('ends an upload the client abandons mid-file: its transaction rolls back and its connection is freed', async () => {
      await api.app.listen(0, '127.0.0.1');
      const { port } = api.app.getHttpServer().address() as AddressInfo;
      const copying = () =>
        withClient(api.url, (db) => db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'COPY claimant_import_row%' AND state = 'active'`)).then((r) => r.rows[0].n);
      const imports = () => withClient(api.url, (db) => db.query(`SELECT count(*)::int AS n FROM claimant_import`)).then((r) => r.rows[0].n);
      const importsBefore = await imports();
      const part = `--XXBOUND\r\nContent-Disposition: form-data; name="file"; filename="c.csv"\r\nContent-Type: text/csv\r\n\r\n${CSV_HEADER}\n${good(830, 600).join('\n')}\n`;
      const socket = connect(port, '127.0.0.1');
      await once(socket, 'connect');
      socket.write(
        `POST /claimants/import HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${association}\r\n` +
          `Content-Type: multipart/form-data; boundary=XXBOUND\r\nContent-Length: 10000000\r\n\r\n${part}`,
      );
      const until = async (check: () => Promise<boolean>) => {
        const deadline = Date.now() + 10_000;
        while (!(await check())) {
          if (Date.now() > deadline) throw new Error('timed out');
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      await until(async () => (await copying()) === 1);
      socket.destroy();
      await until(async () => (await copying()) === 0);
      expect(await imports()).toBe(importsBefore);
    });

    it('refuses the upload to a judge', async () => {
      const res = await upload(judge, `${CSV_HEADER}\n${good(500, 1)[0]}\n`);
      expect(res.status).toBe(403);
    });
  });

  describe('values as people and spreadsheets write them (issue 13)', () => {
    const ENROL_WARNED = `mutation($i: EnrolClaimantInput!) { enrolClaimant(input: $i) { id nameMasked consent { givenAt }
      harms { type amountFen evidenceRefs } enrolmentWarnings { field code message } } }`;
    /** ASCII as full-width (U+FF01.. = U+0021.. + 0xFEE0). */
    const fullWidth = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    /** uniqueIdNumber(n) is born in 1990: its first-generation form drops the "19" and the check character. */
    const fifteen = (id: string) => id.slice(0, 6) + id.slice(8, 17);

    it('refuses a consent date that does not exist (2025-02-29), which JavaScript rolls into March, and stores nothing', async () => {
      const before = (await api.gql(`{ claimantCounts { enrolledByYou } }`, {}, association)).data!.claimantCounts.enrolledByYou;
      for (const givenAt of ['2025-02-29T02:00:00Z', '2025-06-31T00:00:00+08:00']) {
        const res = await api.gql(ENROL_WARNED, { i: enrolInput(900, incidentId, { consent: { givenAt, method: 'ONLINE_FORM', scopes: ['REPRESENTATION', 'DATA_USE'] } }) }, association);
        expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
        expect(res.errors?.[0].message).toMatch(/day that does not exist/);
      }
      expect((await api.gql(`{ claimantCounts { enrolledByYou } }`, {}, association)).data!.claimantCounts.enrolledByYou).toBe(before);
    });

    it('enrols full-width and 15-digit identifiers in their normal form, dedupes them with the 18-digit form, and answers the warnings', async () => {
      const res = await api.gql(
        ENROL_WARNED,
        { i: enrolInput(901, incidentId, { name: '阿卜杜 • 热合曼', idNumber: fifteen(uniqueIdNumber(901)), phone: fullWidth(phoneFor(901)).replace(/^/, '（+86）') }) },
        association,
      );
      expect(res.errors).toBeUndefined();
      expect(res.data!.enrolClaimant.enrolmentWarnings).toEqual([
        { field: 'input.name', code: 'NAME_NORMALISED', message: expect.any(String) },
        { field: 'input.idNumber', code: 'ID_UPGRADED_FROM_15', message: expect.any(String) },
      ]);
      const id = res.data!.enrolClaimant.id;
      const unmasked = await api.gql(UNMASK, { id }, association);
      expect(unmasked.data!.claimantIdentity).toEqual({ name: '阿卜杜·热合曼', idNumber: uniqueIdNumber(901), phone: phoneFor(901) });
      // The same person in full-width digits, by another organisation: the same claimant.
      const other = await api.gql(ENROL_WARNED, { i: enrolInput(901, incidentId, { idNumber: fullWidth(uniqueIdNumber(901)) }) }, designated);
      expect(other.data!.enrolClaimant).toMatchObject({ id, enrolmentWarnings: [] });
      // Outside enrolClaimant's answer, warnings are not known: null, not an empty list.
      expect((await api.gql(`query($id: ID!) { claimant(id: $id) { enrolmentWarnings { code } } }`, { id }, association)).data!.claimant.enrolmentWarnings).toBeNull();
    });

    it('keeps a loss and evidence on any harm type through GraphQL, and refuses fen that are not whole', async () => {
      const harms = [{ type: 'SCAM_CALLS_OR_SPAM', amountFen: '1250', evidenceRefs: ['通话记录.png'] }];
      const res = await api.gql(ENROL_WARNED, { i: enrolInput(902, incidentId, { harms }) }, association);
      expect(res.data!.enrolClaimant.harms).toEqual(harms);
      const half = await api.gql(ENROL_WARNED, { i: enrolInput(903, incidentId, { harms: [{ type: 'FRAUD_LOSS', amountFen: '12.5', evidenceRefs: [] }] }) }, association);
      expect(half.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: expect.stringMatching(/amountFen$/) });
    });

    it('keeps a CSV row\'s loss and evidence whatever its harm types say, and refuses an impossible or ambiguous consent date with its reason', async () => {
      const csv = [
        CSV_HEADER,
        csvRow(910, incidentId, { name: '甲某', harm_types: '', loss_fen: '', evidence_refs: '截图1.png;截图2.png' }), // row 2: evidence, no harm type
        csvRow(911, incidentId, { name: '乙某', harm_types: 'SCAM_CALLS_OR_SPAM', loss_fen: '50000', evidence_refs: '转账记录' }), // row 3: a loss, no FRAUD_LOSS
        csvRow(912, incidentId, { harm_types: 'FRAUD_LOSS', loss_fen: '12.5' }), // row 4: half a fen
        csvRow(913, incidentId, { consent_given_at: '2025-02-29 10:00' }), // row 5
        csvRow(914, incidentId, { consent_given_at: '01/03/2025' }), // row 6
        csvRow(915, incidentId, { name: '丙某', consent_given_at: '2025年3月1日', id_number: fullWidth(uniqueIdNumber(915)) }), // row 7: accepted
      ].join('\n');
      const res = await upload(association, csv);
      expect(res.body).toMatchObject({ rows: 6, accepted: 3, rejected: 3 });
      expect(res.body.rejections).toEqual([
        { row: 4, field: 'loss_fen', reason: expect.stringMatching(/whole number of fen/) },
        { row: 5, field: 'consent_given_at', reason: expect.stringMatching(/does not exist/) },
        { row: 6, field: 'consent_given_at', reason: expect.stringMatching(/ambiguous/) },
      ]);
      const nodes: { nameMasked: string }[] = [];
      for (let after: string | null = null, more = true; more; ) {
        const page: { data?: any } = await api.gql(
          `query($after: String) { claimants(first: 100, after: $after) { nodes { nameMasked consent { givenAt } harms { type amountFen evidenceRefs } } pageInfo { hasNextPage endCursor } } }`,
          { after },
          association,
        );
        nodes.push(...page.data!.claimants.nodes);
        ({ hasNextPage: more, endCursor: after } = page.data!.claimants.pageInfo);
      }
      const byName = (masked: string) => nodes.filter((c) => c.nameMasked === masked);
      expect(byName('甲*')).toMatchObject([{ harms: [{ type: 'OTHER', amountFen: null, evidenceRefs: ['截图1.png', '截图2.png'] }] }]);
      // One person's harms come in no particular order.
      expect(byName('乙*')).toMatchObject([
        {
          harms: expect.arrayContaining([
            { type: 'SCAM_CALLS_OR_SPAM', amountFen: null, evidenceRefs: ['转账记录'] },
            { type: 'OTHER', amountFen: '50000', evidenceRefs: ['转账记录'] },
          ]),
        },
      ]);
      expect((byName('乙*')[0] as unknown as { harms: unknown[] }).harms).toHaveLength(2);
      // 2025年3月1日 at midnight in Shanghai.
      expect(byName('丙*')).toMatchObject([{ consent: { givenAt: '2025-02-28T16:00:00.000Z' } }]);
    });
  });
});
