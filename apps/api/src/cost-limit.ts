import type { ApolloServerPlugin } from '@apollo/server';
import { maxItemsOf } from '@app/platform';
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  GraphQLError,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * The cost model of an operation, graphql-armor's (so GRAPHQL_MAX_COST keeps its meaning): a
 * scalar field costs 1, a field with a selection 2 plus its children, each child weighted 1.5 per
 * level of nesting, and a list field's whole subtree multiplied by its page size (a connection's
 * `first`) or by its declared largest size (MaxItems, a list without `first`).
 */
export const COST_WEIGHTS = Object.freeze({ scalar: 1, object: 2, depthFactor: 1.5 });

/** The arguments that size a list field's page, as graphql-armor reads them. */
const PAGE_SIZE_ARGUMENTS = ['first', 'last'];

const isPageSize = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 1;

/**
 * The cost of `operation` (COST_WEIGHTS) as it will run with `variables` (the request's, as sent):
 * a page size counts whether it is a literal (`first: 500`), a variable (`first: $n`, its value
 * or the variable's default) or left out (the argument's default in the schema, 50 for every
 * list); a list without `first` counts its declared bound (MaxItems). graphql-armor's rule reads literals only, so a variable page size cost 1. Introspection's
 * `__schema` costs nothing. Fragments are costed once each (validation has refused cycles).
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
): number {
  return measureOperation(schema, document, operation, variables).cost;
}

/** operationCost, and whether it read any variable (when not, it is the same for every request of `operation`). */
function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
): { cost: number; readsVariables: boolean } {
  let readsVariables = false;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const fragmentCosts = new Map<string, number>();
  const { scalar, object, depthFactor } = COST_WEIGHTS;

  const variableValue = (name: string): unknown => {
    readsVariables = true;
    if (Object.prototype.hasOwnProperty.call(variables, name)) return variables[name];
    const declared = operation.variableDefinitions?.find((v) => v.variable.name.value === name)?.defaultValue;
    return declared?.kind === Kind.INT ? Number.parseInt(declared.value, 10) : undefined;
  };

  /**
   * The most items a field will return: its declared bound (MaxItems), else the page size it will
   * run with; 1 for a field that is sized by neither (a single object).
   */
  const pageSize = (node: FieldNode, definition: GraphQLField<unknown, unknown> | undefined): number => {
    const bound = maxItemsOf(definition);
    if (bound !== undefined) return bound;
    const given = node.arguments?.find((a) => PAGE_SIZE_ARGUMENTS.includes(a.name.value));
    const name = given?.name.value ?? PAGE_SIZE_ARGUMENTS.find((n) => definition?.args.some((a) => a.name === n));
    let value: unknown;
    if (given?.value.kind === Kind.INT) value = Number.parseInt(given.value.value, 10);
    else if (given?.value.kind === Kind.VARIABLE) value = variableValue(given.value.name.value);
    // Left out, null or not an integer: the schema's default, which the list runs with (or which
    // the argument's validation refuses before any row is read).
    if (!isPageSize(value)) value = definition?.args.find((a) => a.name === name)?.defaultValue;
    return isPageSize(value) ? value : 1;
  };

  const fieldsOf = (type: GraphQLNamedType | undefined) => (isObjectType(type) || isInterfaceType(type) ? type.getFields() : undefined);

  const children = (set: SelectionSetNode, parent: GraphQLNamedType | undefined): number =>
    set.selections.reduce((sum, child) => sum + depthFactor * selection(child, parent), 0);

  const fragmentCost = (name: string): number => {
    let cost = fragmentCosts.get(name);
    if (cost === undefined) {
      const definition = fragments.get(name);
      cost = definition ? object + children(definition.selectionSet, schema.getType(definition.typeCondition.name.value)) : 0;
      fragmentCosts.set(name, cost);
    }
    return cost;
  };

  function selection(node: SelectionNode, parent: GraphQLNamedType | undefined): number {
    switch (node.kind) {
      case Kind.FIELD: {
        if (node.name.value === '__schema') return 0;
        if (!node.selectionSet) return scalar;
        const definition = fieldsOf(parent)?.[node.name.value];
        const type = definition ? getNamedType(definition.type) : undefined;
        return (object + children(node.selectionSet, type)) * pageSize(node, definition);
      }
      case Kind.INLINE_FRAGMENT:
        return object + children(node.selectionSet, node.typeCondition ? schema.getType(node.typeCondition.name.value) : parent);
      case Kind.FRAGMENT_SPREAD:
        return scalar + depthFactor * fragmentCost(node.name.value);
    }
  }

  const root = schema.getRootType(operation.operation) ?? undefined;
  const cost = operation.selectionSet.selections.reduce((sum, node) => sum + selection(node, root), 0);
  return { cost, readsVariables };
}

/**
 * Refuses, before execution, an operation whose cost (operationCost, with the request's
 * variables) is over `maxCost`: GRAPHQL_VALIDATION_FAILED, HTTP 400, `Query cost limit of
 * <max> exceeded, found <cost>`, the same whether the page size was a literal or a variable.
 * It replaces graphql-armor's cost rule, which runs at validation, before variables are known.
 */
export function costLimitPlugin(maxCost: number): ApolloServerPlugin {
  // Apollo keeps each parsed and validated document and hands the same operation node to every
  // request of the same text, so the cost of one whose cost reads no variable is computed once.
  const fixedCosts = new WeakMap<OperationDefinitionNode, number>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          let cost = fixedCosts.get(operation);
          if (cost === undefined) {
            const measured = measureOperation(schema, document, operation, request.variables ?? {});
            cost = measured.cost;
            if (!measured.readsVariables) fixedCosts.set(operation, cost);
          }
          if (cost > maxCost) {
            throw new GraphQLError(`Query cost limit of ${maxCost} exceeded, found ${Math.ceil(cost)}`, {
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
