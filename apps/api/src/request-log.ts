import type { ApolloServerPlugin } from '@apollo/server';
import { currentRequest } from '@app/platform';

/**
 * Notes the operation a GraphQL request runs (its name and type, never its text or variables) in
 * the request context, for the request's log line (requestContextMiddleware). Batches are
 * refused, so a request runs at most one operation.
 */
export const graphqlOperationPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operationName, operation }) {
        const context = currentRequest();
        if (context && operation) context.graphqlOperation = { name: operationName, type: operation.operation };
      },
    };
  },
};
