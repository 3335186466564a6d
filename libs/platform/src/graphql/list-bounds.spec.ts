import { buildSchema, type GraphQLSchema, isObjectType } from 'graphql';
import { MAX_ITEMS_EXTENSION, maxItemsOf, unboundedLists } from './list-bounds';

function fieldOf(schema: GraphQLSchema, coordinate: string) {
  const [typeName, fieldName] = coordinate.split('.');
  const type = schema.getType(typeName);
  if (!isObjectType(type)) throw new Error(typeName);
  return type.getFields()[fieldName];
}

/** Declares `bound` on `Type.field` as MaxItems does (the built schema carries it as a field extension). */
function declare(schema: GraphQLSchema, coordinate: string, bound: unknown): void {
  Object.assign(fieldOf(schema, coordinate), { extensions: { [MAX_ITEMS_EXTENSION]: bound } });
}

const sdl = `
  type Query { cases(first: Int = 50, after: String): CaseConnection!  bare(after: String): CaseConnection!  case: Case }
  type PageInfo { hasNextPage: Boolean!  endCursor: String }
  type CaseConnection { nodes: [Case!]!  edges: [CaseEdge!]!  pageInfo: PageInfo!  totalCount: Int! }
  type CaseEdge { cursor: String!  node: Case! }
  type Case { id: ID!  tags: [String!]!  parties: [Party!]!  deadlines: [Deadline!] }
  type Party { name: String }
  type Deadline { due: String }
`;

describe('unboundedLists: the schema walk that keeps every list bounded', () => {
  it('names each list of objects with neither first nor MaxItems, and a connection field without a default first', () => {
    expect(unboundedLists(buildSchema(sdl))).toEqual([
      'Query.bare: a connection without a default first',
      'Case.parties: a list without first or MaxItems',
      'Case.deadlines: a list without first or MaxItems',
    ]);
  });

  it('accepts a list once it declares its bound; lists of scalars, and a connection\'s nodes and edges, need none', () => {
    const schema = buildSchema(sdl.replace('bare(after: String): CaseConnection!', ''));
    declare(schema, 'Case.parties', 67);
    declare(schema, 'Case.deadlines', 77);
    expect(unboundedLists(schema)).toEqual([]);
  });

  it('reads only a positive integer as a bound', () => {
    const schema = buildSchema(sdl);
    for (const bad of [0, -1, 2.5, '20', null]) {
      declare(schema, 'Case.parties', bad);
      expect(maxItemsOf(fieldOf(schema, 'Case.parties'))).toBeUndefined();
    }
    declare(schema, 'Case.parties', 20);
    expect(unboundedLists(schema)).toEqual(['Query.bare: a connection without a default first', 'Case.deadlines: a list without first or MaxItems']);
  });
});
