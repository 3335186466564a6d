import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { dayExists } from '../calendar/day-exists';

/** `2025-04-02`, or with a time of day and a zone: `2025-04-02T09:30:00Z`, `…+08:00`. */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/;

/** Reads one DateTime input; the errors say what is wrong, not the value. */
function parse(value: unknown): Date {
  if (typeof value !== 'string') throw new GraphQLError('DateTime must be a string such as 2025-04-02T09:30:00Z');
  const m = DATE_TIME.exec(value);
  if (!m) throw new GraphQLError('DateTime must be an ISO 8601 date-time with a zone (2025-04-02T09:30:00Z) or a date (2025-04-02)');
  const [, y, mo, d, h = '0', mi = '0', s = '0'] = m;
  if (!dayExists(+y, +mo, +d)) throw new GraphQLError('DateTime names a day that does not exist (such as 2025-02-29 or 2025-06-31)');
  if (+h > 23 || +mi > 59 || +s > 59) throw new GraphQLError('DateTime names a time of day that does not exist');
  return new Date(value);
}

/**
 * The `DateTime` scalar, strict: the same name and output as @nestjs/graphql's (ISO 8601 at UTC),
 * but an input naming a day that does not exist (2025-02-29) or without a zone is refused where
 * `new Date()` would roll it into the next month. Mapped to every `Date` field
 * (buildSchemaOptions.scalarsMap), so every date-time the API takes is checked.
 */
export const StrictDateTime = new GraphQLScalarType({
  name: 'DateTime',
  description: 'A date-time string at UTC, such as 2019-12-03T09:54:33Z, compliant with the date-time format. A day that does not exist is refused.',
  serialize: (value) => (value instanceof Date ? value.toISOString() : null),
  parseValue: parse,
  parseLiteral: (ast: ValueNode) => {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime must be a string such as 2025-04-02T09:30:00Z');
    return parse(ast.value);
  },
});
