import request from 'supertest';
import { startTestApi, type TestApi } from './support/api';
import { enrol, registerIncident } from './support/classes';
import { enrolInput } from './support/claimants';
import { withClient } from './support/database';

const NUL = 'a\u0000b';
const LONE_SURROGATE = 'a\ud800b';
const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';
const VAULT_KEYS = { PII_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'), BLIND_INDEX_KEY: Buffer.alloc(32, 2).toString('base64'), LEDGER_SIGNING_KEY: Buffer.alloc(32, 3).toString('base64') };
const PRODUCTION = { NODE_ENV: 'production', ...VAULT_KEYS };

/** Rows of every table a refused request could have written to. */
async function writtenRows(api: TestApi): Promise<Record<string, number>> {
  return withClient(api.url, async (db) => {
    const { rows } = await db.query(
      `SELECT (SELECT count(*) FROM audit_event)::int AS audit, (SELECT count(*) FROM leak_incident)::int AS incidents,
              (SELECT count(*) FROM legal_case)::int AS cases, (SELECT count(*) FROM organisation)::int AS organisations,
              (SELECT count(*) FROM seized_dataset)::int AS datasets`,
    );
    return rows[0];
  });
}

describe('hostile input', () => {
  let api: TestApi;
  let tokens: Record<'procurator' | 'association' | 'judge' | 'admin', string>;
  let claimantId: string;
  let incidentId: string;
  let courtId: string;

  beforeAll(async () => {
    api = await startTestApi();
    const [procurator, association, judge, admin] = await Promise.all(
      ['procurator', 'association', 'judge', 'admin'].map((n) => api.login(`${n}@demo.local`)),
    );
    tokens = { procurator, association, judge, admin };
    incidentId = await registerIncident(api, procurator);
    claimantId = await enrol(api, association, 1, [await registerIncident(api, association)]);
    const courts = await api.gql(`{ organisations(first: 1, kind: COURT) { nodes { id } } }`, {}, admin);
    courtId = courts.data!.organisations.nodes[0].id;
  });
  afterAll(() => api.close());

  /** Each free-text argument: who calls it, the operation with `$t` for the text, and the field the error names. */
  const ARGUMENTS: { name: string; role: keyof typeof tokens; query: string; variables: () => Record<string, unknown>; field: string }[] = [
    {
      name: 'unmask reason',
      role: 'association',
      query: `query($id: ID!, $t: String!) { claimantIdentity(id: $id, reason: $t) { name } }`,
      variables: () => ({ id: claimantId }),
      field: 'reason',
    },
    {
      name: 'handler name',
      role: 'procurator',
      query: `mutation($t: String!) { registerLeakIncident(input: { handler: { name: $t, role: OTHER_HANDLER }, dataCategories: [NAME],
        exposureStart: "2024-01-01", discoveredOn: "2024-02-01", discoveryChannel: POLICE_SEIZURE }) { id } }`,
      variables: () => ({}),
      field: 'input.handler.name',
    },
    {
      name: 'case title',
      role: 'procurator',
      query: `mutation($court: ID!, $t: String!) { openCase(input: { type: ADMINISTRATIVE_PUBLIC_INTEREST, title: $t, courtId: $court }) { id } }`,
      variables: () => ({ court: courtId }),
      field: 'input.title',
    },
    {
      name: 'review reason',
      role: 'judge',
      query: `mutation($id: ID!, $t: String!) { reviewClassMember(input: { classId: $id, claimantId: $id, action: EXCLUDE, reason: $t }) { id } }`,
      variables: () => ({ id: NO_SUCH_ID }),
      field: 'input.reason',
    },
    {
      name: 'incident search',
      role: 'procurator',
      query: `query($t: String!) { leakIncidents(first: 5, filter: { search: $t }) { totalCount } }`,
      variables: () => ({}),
      field: 'filter.search',
    },
    {
      name: 'organisation name',
      role: 'admin',
      query: `mutation($t: String!) { createOrganisation(input: { name: $t, kind: COURT, level: COUNTY }) { id } }`,
      variables: () => ({}),
      field: 'input.name',
    },
    {
      name: 'an ID in a list',
      role: 'procurator',
      query: `mutation($court: ID!, $t: ID!) { openCase(input: { type: CIVIL_PUBLIC_INTEREST, title: "t", courtId: $court,
        plaintiffOrganisationIds: [$court, $t] }) { id } }`,
      variables: () => ({ court: courtId }),
      field: 'input.plaintiffOrganisationIds.1',
    },
  ];

  it.each(ARGUMENTS)('refuses a NUL or an unpaired surrogate in $name, passed as a variable, naming $field and writing nothing', async (arg) => {
    const before = await writtenRows(api);
    for (const text of [NUL, LONE_SURROGATE, '\udc00', `x${'\ud83d'}`]) {
      const res = await api.gql(arg.query, { ...arg.variables(), t: text }, tokens[arg.role]);
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: arg.field });
      expect(res.data?.[Object.keys(res.data ?? {})[0]] ?? null).toBeNull();
    }
    expect(await writtenRows(api)).toEqual(before);
  });

  it.each(ARGUMENTS)('refuses a NUL in $name written inline in the query, naming $field and writing nothing', async (arg) => {
    const before = await writtenRows(api);
    // The variable's declaration goes, its use becomes the literal "a\u0000b" (GraphQL's own escape).
    const inline = arg.query.replace(/, \$t: (String|ID)!|\(\$t: (String|ID)!\)/, '').replace('$t', '"a\\u0000b"');
    const res = await api.gql(inline, arg.variables(), tokens[arg.role]);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: arg.field });
    expect(await writtenRows(api)).toEqual(before);
  });

  it('keeps a paired surrogate (an emoji) and a tab, which PostgreSQL stores faithfully', async () => {
    const res = await api.gql(`query($t: String!) { leakIncidents(first: 5, filter: { search: $t }) { totalCount } }`, { t: '\u{1F600}\tx' }, tokens.procurator);
    expect(res.errors).toBeUndefined();
  });

  it('refuses an unpaired surrogate written inline as a syntax error: GraphQL strings cannot hold one', async () => {
    const res = await api.gql(`{ leakIncidents(first: 5, filter: { search: "a\\ud800b" }) { totalCount } }`, {}, tokens.procurator);
    expect(res.status).toBe(400);
    expect(res.errors?.[0].extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('refuses a NUL in a REST JSON body and query string the same way, writing nothing', async () => {
    const before = await writtenRows(api);
    const server = api.app.getHttpServer();
    const created = await request(server)
      .post('/datasets')
      .set('authorization', `Bearer ${tokens.procurator}`)
      .send({ incidentId, source: `seized ${NUL}`, fields: ['PHONE'], chunkRows: 10 });
    expect(created.status).toBe(400);
    expect(created.body).toMatchObject({ code: 'BAD_USER_INPUT', field: 'source' });
    const report = await request(server).get(`/claimants/imports/${NO_SUCH_ID}?afterRow=%00`).set('authorization', `Bearer ${tokens.association}`);
    expect(report.status).toBe(400);
    expect(report.body).toMatchObject({ code: 'BAD_USER_INPUT', field: 'afterRow' });
    expect(await writtenRows(api)).toEqual(before);
  });

  it('refuses an invalid enrolClaimant variable naming the path and the rule, with no digit of the ID number or phone', async () => {
    const input = enrolInput(90, incidentId);
    const enrolment = `mutation($i: EnrolClaimantInput!) { enrolClaimant(input: $i) { id } }`;
    const digits = /\d/;
    // An unknown field (the whole object used to be echoed), the ID number and the phone sent as JSON numbers.
    const cases: [Record<string, unknown>, string][] = [
      [{ ...input, foo: 1 }, 'Variable "$i" got invalid value; Field "foo" is not defined by type "EnrolClaimantInput".'],
      [{ ...input, idNumber: Number(input.idNumber.slice(0, 17)) }, 'Variable "$i" got invalid value at "i.idNumber"; String cannot represent a non string value.'],
      [{ ...input, phone: Number(input.phone.replace(/\D/g, '')) }, 'Variable "$i" got invalid value at "i.phone"; String cannot represent a non string value.'],
    ];
    for (const [i, message] of cases) {
      const res = await api.gql(enrolment, { i }, tokens.association);
      expect(res.errors).toHaveLength(1);
      expect(res.errors![0]).toMatchObject({ message, extensions: { code: 'BAD_USER_INPUT' } });
      expect(JSON.stringify(res.errors![0].extensions)).not.toMatch(digits);
      expect(res.errors![0].message).not.toMatch(digits);
    }
  });

  it("refuses another list's genuine cursor as BAD_USER_INPUT on after", async () => {
    const organisations = await api.gql(`{ organisations(first: 1) { pageInfo { endCursor } } }`, {}, tokens.procurator);
    const cursor = organisations.data!.organisations.pageInfo.endCursor;
    const res = await api.gql(`query($a: String) { upcomingDeadlines(first: 5, after: $a) { totalCount } }`, { a: cursor }, tokens.procurator);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  describe('in development', () => {
    it('keeps introspection, the GraphiQL page and suggestions', async () => {
      const introspection = await api.gql(`{ __schema { queryType { name } } }`);
      expect(introspection.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
      const page = await request(api.app.getHttpServer()).get('/graphql').set('accept', 'text/html');
      expect(page.text).toContain('leakcase GraphQL');
      const field = await api.gql(`{ organisatons(first: 1) { totalCount } }`);
      expect(field.errors![0].message).toMatch(/Did you mean "organisations"\?/);
      const literal = await api.gql(`{ organisations(first: 1, kind: COUR) { totalCount } }`);
      expect(literal.errors![0].message).toMatch(/Did you mean the enum value "COURT"\?/);
    });
  });
});

describe('hostile documents and schema exposure in production', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(PRODUCTION);
  });
  afterAll(() => api.close());

  const post = (body: string | object) => request(api.app.getHttpServer()).post('/graphql').set('content-type', 'application/json').send(body);

  it('answers a list literal nested 10,000 deep with 400 GRAPHQL_PARSE_FAILED, no internal text', async () => {
    const res = await post({ query: `{ organisations(first: 1, after: ${'['.repeat(10_000)}${']'.repeat(10_000)}) { totalCount } }` });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(res.text).not.toMatch(/Maximum call stack|RangeError|Internal/i);
  });

  it('answers a selection nested 3,000 deep with 400 GRAPHQL_PARSE_FAILED', async () => {
    const res = await post({ query: `${'{ me '.repeat(3_000)}${'}'.repeat(3_000)}` });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('answers a 5,001-token query with 400 GRAPHQL_PARSE_FAILED', async () => {
    // `{`, 4,999 fields, `}`.
    const res = await post({ query: `{ ${'__typename '.repeat(4_999)}}` });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(res.body.errors[0].message).toMatch(/5000 tokens/);
  });

  it('refuses introspection and serves no GraphiQL page', async () => {
    const res = await post({ query: '{ __schema { queryType { name } } }' });
    expect(res.status).toBe(400);
    // Our setting named, not Apollo's constructor option.
    expect(res.body.errors[0]).toMatchObject({ message: 'Introspection is off on this server (GRAPHQL_INTROSPECTION)', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    const page = await request(api.app.getHttpServer()).get('/graphql').set('accept', 'text/html');
    expect(page.text).not.toContain('leakcase GraphQL');
    expect((await request(api.app.getHttpServer()).get('/_assets/graphiql.min.js')).status).toBe(404);
  });

  it('hides "Did you mean" suggestions of fields, arguments and enum values, in literals and variables', async () => {
    const messages = await Promise.all(
      [
        post({ query: '{ organisatons(first: 1) { totalCount } }' }),
        post({ query: '{ organisations(frist: 1) { totalCount } }' }),
        post({ query: '{ organisations(first: 1, kind: COUR) { totalCount } }' }),
        post({ query: 'query($k: OrganisationKind) { organisations(first: 1, kind: $k) { totalCount } }', variables: { k: 'COUR' } }),
      ].map(async (res) => (await res).body.errors[0].message as string),
    );
    expect(messages).toHaveLength(4);
    for (const message of messages) expect(message).not.toMatch(/did you mean|COURT|"organisations"|"first"/i);
  });
});

describe('schema exposure in production when configured on', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ ...PRODUCTION, GRAPHQL_INTROSPECTION: 'true', GRAPHIQL: 'true' });
  });
  afterAll(() => api.close());

  it('answers introspection and serves the GraphiQL page', async () => {
    const introspection = await api.gql(`{ __schema { queryType { name } } }`);
    expect(introspection.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    const page = await request(api.app.getHttpServer()).get('/graphql').set('accept', 'text/html');
    expect(page.text).toContain('leakcase GraphQL');
  });
});
