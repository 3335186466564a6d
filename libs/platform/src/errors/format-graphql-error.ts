import { HttpException, HttpStatus } from '@nestjs/common';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { currentRequest } from '../logging/request-context';
import { DomainError, ErrorCode } from './domain-error';

/** Codes that GraphQL itself or our query limits produce; their messages are safe to show. */
const GRAPHQL_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'PERSISTED_QUERY_NOT_FOUND',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

const HTTP_STATUS_CODES: Partial<Record<number, ErrorCode>> = {
  [HttpStatus.BAD_REQUEST]: ErrorCode.BAD_USER_INPUT,
  [HttpStatus.UNAUTHORIZED]: ErrorCode.UNAUTHENTICATED,
  [HttpStatus.FORBIDDEN]: ErrorCode.FORBIDDEN,
  [HttpStatus.NOT_FOUND]: ErrorCode.NOT_FOUND,
  [HttpStatus.CONFLICT]: ErrorCode.CONFLICT,
};

/**
 * graphql-js's suggestions (`Did you mean "organisations"?`, `Did you mean the enum value
 * "COURT"?`), from validation and from coercing variables alike: graphql-armor's mask misses the
 * enum ones, and Apollo's `hideSchemaDetailsFromClientErrors` the variables' ones.
 */
/** Apollo's refusal of an introspection query names its own option, which is not ours to set. */
const APOLLO_INTROSPECTION_OFF = /^GraphQL introspection is not allowed/;
const INTROSPECTION_OFF = 'Introspection is off on this server (GRAPHQL_INTROSPECTION)';

const SUGGESTION = / ?Did you mean [^?]*\?/g;

/**
 * The one place where errors become GraphQL responses: a DomainError keeps its code and facts;
 * GraphQL's own validation errors pass through (without suggestions when `hideSuggestions`, so
 * that they do not reveal the schema when introspection is off); anything else is logged (class, SQLSTATE and
 * constraint only, never values) and answered with INTERNAL_SERVER_ERROR and the request id.
 * No stack trace, SQL or personal data ever reaches the client.
 */
export function formatGraphqlError(logger: Logger, { hideSuggestions }: { hideSuggestions: boolean }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
    const path = formatted.path;

    if (original instanceof DomainError) {
      return { message: original.message, path, extensions: { code: original.code, ...original.facts } };
    }
    if (original instanceof HttpException) {
      const code = HTTP_STATUS_CODES[original.getStatus()];
      if (code) return { message: original.message, path, extensions: { code } };
    }
    const code = formatted.extensions?.code;
    const message = APOLLO_INTROSPECTION_OFF.test(formatted.message)
      ? INTROSPECTION_OFF
      : hideSuggestions
        ? formatted.message.replace(SUGGESTION, '')
        : formatted.message;
    if (original instanceof GraphQLError && typeof code === 'string' && GRAPHQL_CODES.has(code)) {
      return { message, locations: formatted.locations, path, extensions: { code } };
    }
    if (original instanceof GraphQLError && !original.originalError && !path) {
      // Rejections raised during validation (query depth, aliases, cost) carry no original error.
      return { message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } };
    }

    const requestId = currentRequest()?.requestId;
    const pg = original as { code?: string; constraint?: string; name?: string };
    logger.error(
      { err: { name: pg.name, sqlState: pg.code, constraint: pg.constraint }, path },
      'Unhandled error in a GraphQL operation',
    );
    return {
      message: `Internal error (request ${requestId ?? 'unknown'})`,
      path,
      extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
    };
  };
}
