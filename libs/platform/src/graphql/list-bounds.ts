import { Extensions } from '@nestjs/graphql';
import type { GraphQLField } from 'graphql';

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
