import { randomUUID } from 'node:crypto';
import {
  buildClientSchema,
  getNamedType,
  getNullableType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  getIntrospectionQuery,
  getOperationAST,
  printSchema,
  buildSchema,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  type OperationDefinitionNode,
  parse,
} from 'graphql';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import request from 'supertest';
import { maxItemsOf, unboundedLists } from '@app/platform';
import { operationCost } from '../apps/api/src/cost-limit';
import { DEFAULT_MAX_COST } from '../libs/platform/src/config/config';
import { MAX_PAGE_SIZE } from '../libs/platform/src/pagination/pagination';
import { startTestApi, type TestApi } from './support/api';
import { countSqlStatements } from './support/sql-statements';

/** A field's scalar (and enum) subfields that take no required argument, as a selection. */
function leaves(fields: Record<string, GraphQLField<unknown, unknown>>): string[] {
  return Object.values(fields)
    .filter((f) => isLeafType(getNamedType(f.type)) && !f.args.some((a) => isNonNullType(a.type)))
    .map((f) => f.name);
}

/** A field that returns many objects: a list of objects, or a connection (a page of its own). */
const isNestedList = (f: GraphQLField<unknown, unknown>) =>
  (isListType(getNullableType(f.type)) && !isLeafType(getNamedType(f.type))) || getNamedType(f.type).name.endsWith('Connection');

/**
 * The full selection of a list's page, as the schema documents its type: totalCount, pageInfo,
 * and each node's every field (an object field with its own scalar fields), arguments left at
 * their defaults; but not the node's own lists of objects, which multiply the page by their
 * bound (or their own page size) and so take a smaller page (see the bounds tests below).
 */
function fullPage(schema: GraphQLSchema, connection: string): string {
  const type = schema.getType(connection);
  if (!isObjectType(type)) throw new Error(connection);
  const node = getNamedType(type.getFields().nodes.type);
  if (!isObjectType(node)) throw new Error(connection);
  const fields = Object.values(node.getFields()).filter((f) => !f.args.some((a) => isNonNullType(a.type)) && !isNestedList(f));
  const selection = fields.map((f) => {
    const named = getNamedType(f.type);
    if (isLeafType(named)) return f.name;
    return isObjectType(named) ? `${f.name} { ${leaves(named.getFields()).join(' ') || '__typename'} }` : '';
  });
  return `{ totalCount pageInfo { hasNextPage endCursor } nodes { ${selection.join(' ')} } }`;
}

/** A value of `type` that passes GraphQL's coercion (the operation's own checks may refuse it). */
function sample(type: GraphQLInputType): unknown {
  const inner = getNullableType(type);
  if (isListType(inner)) return [sample(inner.ofType)];
  if (isEnumType(inner)) return inner.getValues()[0].value;
  if (isInputObjectType(inner)) {
    return Object.fromEntries(Object.values(inner.getFields()).filter((f) => isNonNullType(f.type)).map((f) => [f.name, sample(f.type)]));
  }
  return ({ ID: randomUUID(), Int: 1, Float: 1, Boolean: false } as Record<string, unknown>)[inner.name] ?? '2026-01-01';
}

describe('query depth, alias and cost limits', () => {
  let api: TestApi;
  let admin: string;
  beforeAll(async () => {
    api = await startTestApi();
    admin = await api.login('admin@demo.local');
  });
  afterAll(() => api.close());

  const loginCount = async () =>
    (await api.gql(`{ auditEvents(first: 1, filter: { action: "auth.login" }) { totalCount } }`, {}, admin)).data!.auditEvents
      .totalCount;

  it('refuses a query nested 20 levels deep before executing it', async () => {
    let selection = 'id';
    for (let depth = 0; depth < 19; depth += 1) selection = `organisation { ${selection} }`;
    const res = await api.gql(`{ me { ${selection} } }`, {}, admin);
    expect(res.data).toBeUndefined();
    expect(res.errors!.map((e) => e.message).join('\n')).toMatch(/depth limit/i);
  });

  it('refuses a huge alias fan-out without running any of it', async () => {
    const before = await loginCount();
    const aliases = Array.from({ length: 100 }, (_, i) => `a${i}: login(email: "admin@demo.local", password: "leakcase-demo") { token }`);
    const res = await api.gql(`mutation { ${aliases.join('\n')} }`);
    expect(res.data).toBeUndefined();
    expect(res.errors![0].message).toMatch(/aliases limit/i);
    expect(res.errors![0].extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(await loginCount()).toBe(before);
  });

  describe('cost', () => {
    /** Every list of the Query type: its required arguments (passed as variables) and its full page. */
    let lists: { name: string; args: GraphQLArgument[]; page: string }[];
    let schema: GraphQLSchema;
    /** The schema as the server built it: what its cost limit reads (introspection shows no declared bounds). */
    let built: GraphQLSchema;
    beforeAll(async () => {
      built = api.app.get(GraphQLSchemaHost).schema;
      schema = buildClientSchema((await api.gql(getIntrospectionQuery(), {}, admin)).data as never);
      lists = Object.values(schema.getQueryType()!.getFields())
        .filter((f) => getNamedType(f.type).name.endsWith('Connection'))
        .map((f) => ({ name: f.name, args: f.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined && a.name !== 'first'), page: fullPage(schema, getNamedType(f.type).name) }));
    });

    /** `list` with `first` as given (a literal, or `$first`), under `aliases` aliases. */
    const documentOf = (list: (typeof lists)[number], first: string, aliases = 1) => {
      const declared = [...list.args.map((a) => `$${a.name}: ${String(a.type)}`), ...(first === '$first' ? ['$first: Int!'] : [])];
      const args = [...list.args.map((a) => `${a.name}: $${a.name}`), `first: ${first}`].join(', ');
      const fields = Array.from({ length: aliases }, (_, i) => `a${i}: ${list.name}(${args}) ${list.page}`);
      return `query${declared.length ? `(${declared.join(', ')})` : ''} { ${fields.join(' ')} }`;
    };
    const valuesOf = (list: (typeof lists)[number]) => Object.fromEntries(list.args.map((a) => [a.name, sample(a.type)]));

    it(`accepts the documented page size (${MAX_PAGE_SIZE}) on the full selection of every list, as a literal or a variable`, async () => {
      expect(lists.map((l) => l.name)).toEqual(expect.arrayContaining(['classMembers', 'claimants', 'cases', 'incidentExposures', 'auditEvents']));
      const refused: string[] = [];
      for (const list of lists) {
        for (const [first, variables] of [[String(MAX_PAGE_SIZE), {}], ['$first', { first: MAX_PAGE_SIZE }]] as const) {
          const document = documentOf(list, first);
          const res = await api.gql(document, { ...valuesOf(list), ...variables }, admin);
          if (res.errors?.some((e) => e.extensions?.code === 'GRAPHQL_VALIDATION_FAILED')) refused.push(`${list.name} (first: ${first}): ${res.errors[0].message}`);
        }
      }
      expect(refused).toEqual([]);
    });

    it('answers an explicit null page size (a variable whose default is 50) with BAD_USER_INPUT on first, on every list', async () => {
      // Each list as the first demo user allowed to read it (the role check comes before the arguments').
      const callers = [admin, ...(await Promise.all(['procurator', 'association', 'judge'].map((n) => api.login(`${n}@demo.local`))))];
      const answers: Record<string, unknown> = {};
      for (const list of lists) {
        const document = documentOf(list, '$first').replace('$first: Int!', '$first: Int = 50');
        for (const caller of callers) {
          const error = (await api.gql(document, { ...valuesOf(list), first: null }, caller)).errors?.[0];
          answers[list.name] = { code: error?.extensions?.code, field: error?.extensions?.field };
          if (error?.extensions?.code !== 'FORBIDDEN') break;
        }
      }
      expect(answers).toEqual(Object.fromEntries(lists.map((l) => [l.name, { code: 'BAD_USER_INPUT', field: 'first' }])));
    });

    it('refuses a page size passed as a variable exactly as the same literal: same status, code and message', async () => {
      const members = lists.find((l) => l.name === 'classMembers')!;
      // Enough full pages of 500 members, under aliases, to pass the limit (each page is accepted alone).
      const page = parse(documentOf(members, String(MAX_PAGE_SIZE)));
      const perPage = operationCost(built, page, page.definitions[0] as OperationDefinitionNode, valuesOf(members));
      const aliases = Math.floor(DEFAULT_MAX_COST / perPage) + 1;
      const values = valuesOf(members);
      const literal = await api.gql(documentOf(members, String(MAX_PAGE_SIZE), aliases), values, admin);
      const variable = await api.gql(documentOf(members, '$first', aliases), { ...values, first: MAX_PAGE_SIZE }, admin);
      expect(literal.status).toBe(400);
      expect(literal.data).toBeUndefined();
      expect(literal.errors).toEqual([
        { message: expect.stringMatching(/^Query cost limit of \d+ exceeded, found \d+$/), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
      ]);
      expect(variable).toEqual(literal);
      // One alias fewer is accepted, and so is the variable's.
      const fewer = await api.gql(documentOf(members, '$first', aliases - 1), { ...values, first: MAX_PAGE_SIZE }, admin);
      expect(fewer.errors?.map((e) => e.extensions?.code)).not.toContain('GRAPHQL_VALIDATION_FAILED');
    });

    it("counts a page size left out as the list's default (50), and a variable's default when the request gives none", async () => {
      // Cases with their parties (each list counted at its bound): heavy enough that a few aliases pass the limit.
      const members = { ...lists.find((l) => l.name === 'cases')!, page: '{ totalCount nodes { id title parties { name role } } }' };
      const values = valuesOf(members);
      const page = parse(documentOf(members, '50'));
      const perFifty = operationCost(built, page, page.definitions[0] as OperationDefinitionNode, values);
      const aliases = Math.floor(DEFAULT_MAX_COST / perFifty) + 1;
      expect(aliases).toBeLessThanOrEqual(30);
      const omitted = documentOf(members, '50', aliases).replace(/, first: 50/g, '');
      const defaulted = documentOf(members, '$first', aliases).replace('$first: Int!', '$first: Int = 50');
      for (const document of [omitted, defaulted]) {
        const res = await api.gql(document, values, admin);
        expect(res.errors?.[0]?.message).toMatch(/^Query cost limit of \d+ exceeded/);
      }
    });
  });

  describe('list bounds', () => {
    let schema: GraphQLSchema;
    let procurator: string;
    beforeAll(async () => {
      // The schema as built (field extensions included), not as introspection shows it.
      schema = api.app.get(GraphQLSchemaHost).schema;
      procurator = await api.login('procurator@demo.local');
    });
    const field = (coordinate: string) => {
      const [type, name] = coordinate.split('.');
      const owner = schema.getType(type);
      if (!isObjectType(owner)) throw new Error(type);
      return owner.getFields()[name];
    };
    const costOf = (query: string) => {
      const document = parse(query);
      return operationCost(schema, document, getOperationAST(document)!, {});
    };

    it('has no list of objects that is neither a connection (first/after) nor declares its largest size', () => {
      expect(unboundedLists(schema)).toEqual([]);
    });

    it('pages what only the data bounds, and declares the bounds the write paths enforce', () => {
      for (const connection of ['Case.relatedCases', 'Claimant.exposures', 'Claimant.classMemberships']) {
        expect([connection, field(connection).args.find((a) => a.name === 'first')?.defaultValue]).toEqual([connection, 50]);
      }
      const bounds = Object.fromEntries(
        ['Case.parties', 'Case.incidents', 'Case.transitions', 'Case.deadlines', 'RelatedCase.plaintiffs', 'LeakIncident.sharedWith', 'LeakIncident.dataCategories', 'Claimant.harms', 'Remedy.evidence', 'Query.holidayCalendarYears'].map(
          (c) => [c, maxItemsOf(field(c))],
        ),
      );
      // 10 plaintiffs + 1 supporter + 50 defendants + 1 agency + 5 representatives; 11 stages entered once each;
      // 10 transitions + 67 parties + 10 extensions; 16 data categories; 1999 to 2099.
      expect(bounds).toEqual({
        'Case.parties': 67,
        'Case.incidents': 50,
        'Case.transitions': 10,
        'Case.deadlines': 87,
        'RelatedCase.plaintiffs': 10,
        'LeakIncident.sharedWith': 50,
        'LeakIncident.dataCategories': 16,
        'Claimant.harms': 20,
        'Remedy.evidence': 100,
        'Query.holidayCalendarYears': 101,
      });
    });

    // The red team's query (issue 17's review): a page of cases, each with its parties, incidents
    // (their categories and sharing), deadlines with their case's parties again, and transitions.
    // Every nested list cost 1, so it passed the limit and answered 106 MB.
    const nested = `{ cases(first: 500) { nodes { id title
        parties { id role name unifiedSocialCreditCode organisation { id name } }
        incidents { id discoveredOn dataCategories { category sensitive } sharedWith { id name } handler { name } }
        deadlines { id rule due explanation case { parties { id name role } incidents { id } } }
        transitions { id from to occurredOn } } } }`;

    it("refuses the red team's nested query by its cost, before any SQL runs; the old model let it through", async () => {
      // Without the bounds (the schema printed and rebuilt loses the extensions), it cost what it did.
      const unbounded = buildSchema(printSchema(schema));
      const document = parse(nested);
      expect(operationCost(unbounded, document, getOperationAST(document)!, {})).toBeLessThan(DEFAULT_MAX_COST);
      expect(costOf(nested)).toBeGreaterThan(DEFAULT_MAX_COST);

      let res: Awaited<ReturnType<TestApi['gql']>> | undefined;
      const refusedStatements = await countSqlStatements(async () => {
        res = await api.gql(nested, {}, procurator);
      }, 1);
      expect(res!.status).toBe(400);
      expect(res!.data).toBeUndefined();
      expect(res!.errors).toEqual([
        { message: `Query cost limit of ${DEFAULT_MAX_COST} exceeded, found ${Math.ceil(costOf(nested))}`, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
      ]);
      // As many statements as a query that reads nothing (the bearer token's check): none of the query's.
      const idle = await countSqlStatements(() => api.gql('{ __typename }', {}, procurator), 1);
      expect(refusedStatements).toBe(idle);
    });

    it("counts a nested list at its bound: a page of cases with their parties' names and roles costs 761 a case, so 262 pass and 263 do not", async () => {
      // parties { name role } = (2 + 1.5 × 2) × 67 = 335; a node { id parties } = 2 + 1.5 × 1 + 1.5 × 335 = 506;
      // cases(first: n) { nodes } = (2 + 1.5 × 506) × n = 761 n: 199,382 at 262, 200,143 at 263.
      const page = (n: number) => `{ cases(first: ${n}) { nodes { id parties { name role } } } }`;
      expect(costOf(page(1))).toBe(761);
      const accepted = await api.gql(page(262), {}, procurator);
      expect(accepted.errors).toBeUndefined();
      const refused = await api.gql(page(263), {}, procurator);
      expect(refused.errors![0].message).toBe(`Query cost limit of ${DEFAULT_MAX_COST} exceeded, found 200143`);
    });
  });

  it('refuses batched requests, which would multiply any per-request limit', async () => {
    const res = await request(api.app.getHttpServer())
      .post('/graphql')
      .set('content-type', 'application/json')
      .send([{ query: '{ __typename }' }, { query: '{ __typename }' }]);
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/batch/i);
  });
});
