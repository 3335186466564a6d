import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { buildSchema, getOperationAST, isObjectType, parse, validate } from 'graphql';
import { MAX_ITEMS_EXTENSION } from '@app/platform';
import { costLimitPlugin, operationCost } from './cost-limit';

const schema = buildSchema(`
  type Query { items(first: Int = 50, after: String): ItemConnection!  me: User }
  type ItemConnection { totalCount: Int!  nodes: [Item!]! }
  type Item { id: ID!  name: String  owner: User  tags: [Tag!]! }
  type User { id: ID!  email: String }
  type Tag { label: String }
`);
// Item.tags declares at most 20 items, as MaxItems(20) does on the built schema.
const item = schema.getType('Item');
if (isObjectType(item)) Object.assign(item.getFields().tags, { extensions: { [MAX_ITEMS_EXTENSION]: 20 } });

const cost = (query: string, variables: Record<string, unknown> = {}) => {
  const document = parse(query);
  return operationCost(schema, document, getOperationAST(document)!, variables);
};

// By hand: a scalar 1; an object 2 plus 1.5 × each child; a list's subtree × its page size.
// nodes { id name } = 2 + 1.5 × (1 + 1) = 5; items { totalCount nodes {…} } = 2 + 1.5 × 1 + 1.5 × 5 = 11 per row.
const PAGE = `{ totalCount nodes { id name } }`;

describe('the cost of an operation', () => {
  it('costs objects 2, scalars 1, 1.5 per level: me { id email } is 2 + 1.5 × 2 = 5', () => {
    expect(cost(`{ me { id email } }`)).toBe(5);
  });

  it('multiplies a list by a literal page size: 11 a row, 10 rows 110, as graphql-armor counts it', () => {
    expect(cost(`{ items(first: 10) ${PAGE} }`)).toBe(110);
    const document = parse(`{ items(first: 10) ${PAGE} }`);
    expect(() => validate(schema, document, [costLimitRule({ maxCost: 109 })])).toThrow('found 110');
  });

  it('multiplies by a page size passed as a variable exactly as by the literal (graphql-armor counted it 1)', () => {
    const query = `query($n: Int!) { items(first: $n) ${PAGE} }`;
    expect(cost(query, { n: 10 })).toBe(110);
    expect(cost(query, { n: 500 })).toBe(5500);
    expect(() => validate(schema, parse(query), [costLimitRule({ maxCost: 109 })])).not.toThrow();
  });

  it("takes a variable's default when the request leaves it out, and its value when given", () => {
    expect(cost(`query($n: Int = 10) { items(first: $n) ${PAGE} }`)).toBe(110);
    expect(cost(`query($n: Int = 10) { items(first: $n) ${PAGE} }`, { n: 3 })).toBe(33);
  });

  it("takes the schema's default page size (50) when first is left out, null or not an integer", () => {
    expect(cost(`{ items ${PAGE} }`)).toBe(550);
    expect(cost(`query($n: Int) { items(first: $n) ${PAGE} }`, { n: null })).toBe(550);
    expect(cost(`query($n: Int) { items(first: $n) ${PAGE} }`, { n: '500' })).toBe(550);
  });

  it('costs a fragment spread 1 + 1.5 × the fragment (2 + 1.5 × 1 = 3.5), inside the page', () => {
    // items = (2 + 1.5 × (1 + 1.5 × 3.5)) × 10 = (2 + 9.375) × 10
    expect(cost(`{ items(first: 10) { ...F } } fragment F on ItemConnection { totalCount }`)).toBe(113.75);
  });

  it('multiplies a list without first by its declared bound, nested lists by both: tags { label } is (2 + 1.5) × 20 = 70', () => {
    // nodes { tags { label } } = 2 + 1.5 × 70 = 107; items = (2 + 1.5 × 107) × 10 = 1625.
    expect(cost(`{ items(first: 10) { nodes { tags { label } } } }`)).toBe(1625);
    // The same selection without the bound would have cost (2 + 1.5 × (2 + 1.5 × 3.5)) × 10 = 128.75.
  });

  it('sums the root fields, aliases included, and does not count introspection', () => {
    expect(cost(`{ a: items(first: 10) ${PAGE} b: items(first: 10) ${PAGE} }`)).toBe(220);
    expect(cost(`{ __schema { types { name fields { name } } } }`)).toBe(0);
  });
});

describe('the cost limit plugin', () => {
  /** Runs the plugin's didResolveOperation for `document`'s operation as Apollo would: the same nodes each time. */
  const check = async (plugin: ReturnType<typeof costLimitPlugin>, document: ReturnType<typeof parse>, variables: Record<string, unknown> = {}) => {
    const hooks = await plugin.requestDidStart!({} as never);
    const context = { schema, document, operation: getOperationAST(document)!, request: { variables } };
    return (hooks as { didResolveOperation: (c: unknown) => Promise<void> }).didResolveOperation(context);
  };

  it('refuses an operation over the limit every time it is sent, not only the first', async () => {
    const plugin = costLimitPlugin(109);
    const document = parse(`{ items(first: 10) ${PAGE} }`);
    await expect(check(plugin, document)).rejects.toThrow('Query cost limit of 109 exceeded, found 110');
    await expect(check(plugin, document)).rejects.toThrow('Query cost limit of 109 exceeded, found 110');
  });

  it('costs an operation sized by a variable anew with each request: 10 rows pass, then 500 are refused', async () => {
    const plugin = costLimitPlugin(1000);
    const document = parse(`query($n: Int!) { items(first: $n) ${PAGE} }`);
    await expect(check(plugin, document, { n: 10 })).resolves.toBeUndefined();
    await expect(check(plugin, document, { n: 500 })).rejects.toThrow('found 5500');
    await expect(check(plugin, document, { n: 10 })).resolves.toBeUndefined();
  });
});
