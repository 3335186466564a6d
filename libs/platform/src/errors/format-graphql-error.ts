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

/** graphql-js's refusal of a variable: `Variable "$i" got invalid value <the value>[ at "i.path"]; <reason>`. */
const INVALID_VARIABLE = /^(Variable "\$[^"]+" got invalid value) /;
const VARIABLE_PATH = / at "([^"]*)"$/;
/** A GraphQL name: a field name that is not one (`"310104…": 1` as a key) is not echoed either. */
const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** `reason` (a graphql-js coercion message) without the value it quotes: the rule and the type stay. */
function reasonWithoutValue(reason: string): string {
  return reason
    .replace(/(cannot represent[^:]*): [\s\S]*$/, '$1.')
    .replace(/(Expected value of type "[^"]*"), found [\s\S]*$/, '$1.')
    .replace(/^Value "[\s\S]*" (does not exist in "[^"]*" enum\.)/, 'Value $1')
    .replace(/^Field "([^"]*)" (is not defined by type)/, (_, name: string, rest: string) => `Field ${NAME.test(name) ? `"${name}" ` : ''}${rest}`);
}

/**
 * graphql-js's input-coercion messages without the values they quote (a whole input object,
 * ID number and phone included, for one unknown field): the variable, the path inside it and
 * the rule, e.g. `Variable "$i" got invalid value at "i.idNumber"; String cannot represent a
 * non string value.` `inner` is the coercion's own message (the error's originalError), which
 * ends the variable's message and so locates the path; without it only the variable is named.
 */
export function withoutInputValues(message: string, inner: string | undefined): string {
  const variable = INVALID_VARIABLE.exec(message);
  if (!variable) return reasonWithoutValue(message);
  if (inner === undefined || !message.endsWith(`; ${inner}`)) return `${variable[1]}.`;
  const path = VARIABLE_PATH.exec(message.slice(0, message.length - inner.length - 2))?.[1];
  return `${variable[1]}${path === undefined ? '' : ` at "${path}"`}; ${reasonWithoutValue(inner)}`;
}

/**
 * The one place where errors become GraphQL responses: a DomainError keeps its code and facts;
 * GraphQL's own validation errors pass through (without suggestions when `hideSuggestions`, so
 * that they do not reveal the schema when introspection is off, and without the input values
 * they quote: withoutInputValues); anything else is logged (class, SQLSTATE and
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
    // The values first: the variable's message ends with the coercion's own, suggestions included.
    const inner = original instanceof GraphQLError && original !== error ? original.message : undefined;
    const safe = withoutInputValues(formatted.message, inner);
    const message = APOLLO_INTROSPECTION_OFF.test(safe) ? INTROSPECTION_OFF : hideSuggestions ? safe.replace(SUGGESTION, '') : safe;
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
