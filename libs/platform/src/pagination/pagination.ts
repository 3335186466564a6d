import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { type Type } from '@nestjs/common';
import { ArgsType, Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { type GraphQLResolveInfo, Kind, type SelectionSetNode } from 'graphql';
import { InputError } from '../errors/domain-error';

export const MAX_PAGE_SIZE = 500;

/** The `id: ID!` argument of every single-item query; a malformed id is BAD_USER_INPUT on `id`. */
@ArgsType()
export class IdArgs {
  @Field(() => ID)
  @IsUUID()
  id: string;
}

/**
 * `first`/`after` arguments of every list. `first` is nullable in the schema (`Int = 50`) so that
 * an explicit null (`$n: Int = 50` sent as `{"n": null}`, which a non-null `Int! = 50` lets
 * through validation and graphql-js then refuses mid-execution as an unclassified error) reaches
 * this class's validation: BAD_USER_INPUT on `first`, the same on every list.
 */
@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, defaultValue: 50, description: `Page size, 1 to ${MAX_PAGE_SIZE}` })
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  first: number = 50;

  @Field({ nullable: true, description: 'The endCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  after?: string;
}

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage: boolean;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}

/**
 * A page of T with Relay-style cursors and the total count of the filtered list. The count is
 * taken when `totalCount` is first read (GraphQL reads it only when the client selects it), so a
 * page asked for without totalCount runs no count statement.
 */
export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: PageInfo;
  readonly totalCount: Promise<number>;
}

/**
 * How a list is counted (toConnection): the number, when the page's own statement gave it, or
 * the statement that counts it, run on the first read of totalCount and not otherwise. The
 * statement must not depend on anything that ends with the page's reading (its transaction,
 * parameters the page's query appends to later).
 */
export type ListCount = number | (() => Promise<number>);

/** Builds the GraphQL Connection type for a node type: `XConnection { edges, nodes, pageInfo, totalCount }`. */
export function ConnectionType<T>(node: Type<T>): Type<Connection<T>> {
  @ObjectType(`${node.name}Edge`)
  class Edge {
    @Field()
    cursor: string;

    @Field(() => node)
    node: T;
  }

  @ObjectType(`${node.name}Connection`, { isAbstract: false })
  class ConnectionClass {
    @Field(() => [Edge])
    edges: Edge[];

    @Field(() => [node])
    nodes: T[];

    @Field(() => PageInfo)
    pageInfo: PageInfo;

    @Field(() => Int)
    totalCount: Promise<number>;
  }
  return ConnectionClass as Type<Connection<T>>;
}

/** What countStatement runs its statement on: a DataSource or an EntityManager outside a transaction. */
export interface CountDatabase {
  query(sql: string, values: unknown[]): Promise<{ count: number | string }[]>;
}

/**
 * A ListCount that runs `sql` (one row, the count in column `count`) with `values` when totalCount
 * is first read. `values` is copied now, since the page's query usually appends its cursor and
 * limit to the same array afterwards.
 */
export function countStatement(database: CountDatabase, sql: string, values: readonly unknown[]): () => Promise<number> {
  const snapshot = [...values];
  return async () => Number((await database.query(sql, snapshot))[0].count);
}

/**
 * Keyset cursors: the sort key values of the last row, signed, so a page costs an index range
 * scan however deep it is, and a cursor the server did not issue (a crafted key that would
 * reach SQL as a malformed uuid or date) is refused as BAD_USER_INPUT before any query runs.
 * The signature also covers the list the cursor belongs to: a genuine cursor of another list
 * (an organisation's name where a date is expected) is refused the same way.
 */
let cursorKey: Buffer = randomBytes(32);

/**
 * Derives the cursor-signing key from the configured secret, so cursors stay valid across
 * restarts and API instances. Called once at start-up by PlatformModule.
 */
export function setCursorSecret(secret: string): void {
  cursorKey = createHmac('sha256', secret).update('leakcase/cursor/v1').digest();
}

/**
 * Names a keyset-paginated list for its cursors: the node type and the sort key, e.g.
 * `Organisation(name,id)`. Lists with the same name accept each other's cursors, so two lists
 * share a name only when they share the node type and the key.
 */
export interface CursorList {
  name: string;
  /** How many values the sort key has. */
  arity: number;
}

function cursorTag(list: CursorList, body: string): string {
  return createHmac('sha256', cursorKey).update(`${list.name}\n${body}`).digest().subarray(0, 16).toString('base64url');
}

/** The cursor of a row of `list` whose sort key is `key`. */
export function encodeCursor(list: CursorList, key: (string | number)[]): string {
  const body = Buffer.from(JSON.stringify(key)).toString('base64url');
  return `${body}.${cursorTag(list, body)}`;
}

/** Decodes a cursor made by encodeCursor for the same list; BAD_USER_INPUT on `after` on anything else. */
export function decodeCursor(list: CursorList, cursor: string): (string | number)[] {
  const [body, tag, extra] = cursor.split('.');
  const expected = body ? Buffer.from(cursorTag(list, body)) : undefined;
  if (expected && tag !== undefined && extra === undefined && tag.length === expected.length && timingSafeEqual(Buffer.from(tag), expected)) {
    const key = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === list.arity) return key;
  }
  throw new InputError('after', 'is not a cursor returned by this list');
}

/**
 * Whether the list field being resolved (`info`) asks for its subfield `name` (e.g. `totalCount`),
 * under any alias, directly or through inline or named fragments. One under @include or @skip
 * counts as asked for. For a list that can count in its page's own statement: toConnection
 * already counts only when totalCount is read.
 */
export function selectsField(info: GraphQLResolveInfo, name: string): boolean {
  return selectsPath(info, [name]);
}

/**
 * Whether the connection field being resolved (`info`) asks for the field `name` of its nodes,
 * under `nodes` or `edges { node }`, as selectsField reads a selection: for a list that selects
 * a costly column only when it is read.
 */
export function selectsNodeField(info: GraphQLResolveInfo, name: string): boolean {
  return selectsPath(info, ['nodes', name]) || selectsPath(info, ['edges', 'node', name]);
}

/** Whether `info`'s field selects the field `path[0]`, and within it `path[1]`, and so on. */
function selectsPath(info: GraphQLResolveInfo, path: string[]): boolean {
  const visited = new Set<string>();
  const inSet = (set: SelectionSetNode | undefined, [name, ...rest]: string[]): boolean =>
    set !== undefined &&
    set.selections.some((selection) => {
      if (selection.kind === Kind.FIELD) return selection.name.value === name && (rest.length === 0 || inSet(selection.selectionSet, rest));
      if (selection.kind === Kind.INLINE_FRAGMENT) return inSet(selection.selectionSet, [name, ...rest]);
      // A fragment spread twice at one level is read once; nested levels may spread it again.
      const key = `${path.length - rest.length}:${selection.name.value}`;
      if (visited.has(key)) return false;
      visited.add(key);
      return inSet(info.fragments[selection.name.value]?.selectionSet, [name, ...rest]);
    });
  return info.fieldNodes.some((node) => inSet(node.selectionSet, path));
}

/**
 * Shapes `rows` (fetched with LIMIT first + 1) into a Connection of `list`; `key` gives each row's sort key.
 * The edges' cursors are signed when `edges` is read: an HMAC per row is most of a page's CPU
 * when the client asks only for nodes and the end cursor. `count` (ListCount) is run when
 * totalCount is first read, once.
 */
export function toConnection<T>(list: CursorList, rows: T[], first: number, count: ListCount, key: (row: T) => (string | number)[]): Connection<T> {
  const page = rows.slice(0, first);
  const last = page.at(-1);
  let counted: Promise<number> | undefined;
  return {
    get edges() {
      return page.map((node) => ({ node, cursor: encodeCursor(list, key(node)) }));
    },
    nodes: page,
    get totalCount() {
      counted ??= typeof count === 'number' ? Promise.resolve(count) : count();
      return counted;
    },
    pageInfo: { hasNextPage: rows.length > first, endCursor: last === undefined ? null : encodeCursor(list, key(last)) },
  };
}

/**
 * `page` with its nodes mapped by `map` (node, index); the edges follow the mapped nodes, keep
 * their cursors and, as in toConnection, are built only when read; totalCount is `page`'s, so
 * counted only when read.
 */
export function mapConnection<T, U>(page: Connection<T>, map: (node: T, index: number) => U): Connection<U> {
  const nodes = page.nodes.map(map);
  return {
    nodes,
    get totalCount() {
      return page.totalCount;
    },
    pageInfo: page.pageInfo,
    get edges() {
      return page.edges.map((e, i) => ({ cursor: e.cursor, node: nodes[i] }));
    },
  };
}
