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
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  type OperationDefinitionNode,
  parse,
} from 'graphql';
import request from 'supertest';
import { operationCost } from '../apps/api/src/cost-limit';
import { DEFAULT_MAX_COST } from '../libs/platform/src/config/config';
import { MAX_PAGE_SIZE } from '../libs/platform/src/pagination/pagination';
import { startTestApi, type TestApi } from './support/api';

/** A field's scalar (and enum) subfields that take no required argument, as a selection. */
function leaves(fields: Record<string, GraphQLField<unknown, unknown>>): string[] {
  return Object.values(fields)
    .filter((f) => isLeafType(getNamedType(f.type)) && !f.args.some((a) => isNonNullType(a.type)))
    .map((f) => f.name);
}

/**
 * The full selection of a list's page, as the schema documents its type: totalCount, pageInfo,
 * and each node's every field (an object field with its own scalar fields), arguments left at
 * their defaults.
 */
function fullPage(schema: GraphQLSchema, connection: string): string {
  const type = schema.getType(connection);
  if (!isObjectType(type)) throw new Error(connection);
  const node = getNamedType(type.getFields().nodes.type);
  if (!isObjectType(node)) throw new Error(connection);
  const fields = Object.values(node.getFields()).filter((f) => !f.args.some((a) => isNonNullType(a.type)));
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
    beforeAll(async () => {
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
      const perPage = operationCost(schema, page, page.definitions[0] as OperationDefinitionNode, valuesOf(members));
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
      const members = lists.find((l) => l.name === 'cases')!;
      const values = valuesOf(members);
      const page = parse(documentOf(members, '50'));
      const perFifty = operationCost(schema, page, page.definitions[0] as OperationDefinitionNode, values);
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

  it('refuses batched requests, which would multiply any per-request limit', async () => {
    const res = await request(api.app.getHttpServer())
      .post('/graphql')
      .set('content-type', 'application/json')
      .send([{ query: '{ __typename }' }, { query: '{ __typename }' }]);
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/batch/i);
  });
});
