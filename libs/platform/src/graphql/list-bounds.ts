import { Extensions } from '@nestjs/graphql';
import {
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isInterfaceType,
  isLeafType,
  isListType,
  isObjectType,
} from 'graphql';

/** The field extension that declares a list field's largest size (see MaxItems). */
export const MAX_ITEMS_EXTENSION = 'maxItems';

/**
 * Declares that a list field (one without `first`) never returns more than `n` items, because the
 * write path refuses to exceed `n` (a named limit beside the rule that enforces it) or because the
 * list is built from a closed set (an enum, a rule table). The cost model multiplies the field's
 * subtree by `n`, as it multiplies a connection by its `first`; the schema test refuses a list
 * field with neither. Pass the limit constant the write path checks, never a copy of its value.
 */
export function MaxItems(n: number): MethodDecorator & PropertyDecorator {
  if (!Number.isInteger(n) || n < 1) throw new Error(`MaxItems: ${n} is not a positive integer`);
  return Extensions({ [MAX_ITEMS_EXTENSION]: n });
}

/** The declared largest size of `field` (MaxItems), or undefined when it declares none. */
export function maxItemsOf(field: Pick<GraphQLField<unknown, unknown>, 'extensions'> | undefined): number | undefined {
  const value = field?.extensions?.[MAX_ITEMS_EXTENSION];
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : undefined;
}

/** A connection type (ConnectionType): its `nodes` and `edges` are sized by the `first` of the field that returns it. */
function isConnectionType(type: GraphQLNamedType): boolean {
  if (!isObjectType(type)) return false;
  const fields = type.getFields();
  return ['nodes', 'edges', 'pageInfo', 'totalCount'].every((name) => name in fields);
}

/**
 * The list fields of `schema` whose size nothing bounds, as `Type.field` with the reason: a
 * list of objects that declares no MaxItems (its `nodes` and `edges` aside when it is a
 * connection's), and a field returning a connection without a `first` argument that has a
 * default. Lists of scalars and enums are left out (each item costs what one scalar does).
 */
export function unboundedLists(schema: GraphQLSchema): string[] {
  const found: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
    for (const field of Object.values(type.getFields())) {
      const named = getNamedType(field.type);
      const name = `${type.name}.${field.name}`;
      if (isConnectionType(named)) {
        const first = field.args.find((a) => a.name === 'first');
        if (first?.defaultValue === undefined) found.push(`${name}: a connection without a default first`);
        continue;
      }
      if (!isListType(getNullableType(field.type)) || isLeafType(named)) continue;
      if (isConnectionType(type) && (field.name === 'nodes' || field.name === 'edges')) continue;
      if (maxItemsOf(field) === undefined) found.push(`${name}: a list without first or MaxItems`);
    }
  }
  return found;
}
