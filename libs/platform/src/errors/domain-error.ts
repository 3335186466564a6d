/** The stable error codes clients may switch on (GraphQL `extensions.code`). */
export enum ErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  UNAVAILABLE = 'UNAVAILABLE',
}

/** Facts that explain an error: field names, rule names, dates. Never personal data. */
export type ErrorFacts = Record<string, string | number | boolean | null | undefined | string[]>;

/**
 * Base of every error a library throws on purpose. The message names the rule, field or date
 * involved and must not contain personal data; `facts` go to `extensions` as they are.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly facts: ErrorFacts = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input that fails validation: names the field and the reason. */
export class InputError extends DomainError {
  constructor(field: string, reason: string, facts: ErrorFacts = {}) {
    super(ErrorCode.BAD_USER_INPUT, `${field}: ${reason}`, { field, reason, ...facts });
  }
}

/** The server is busy with work of this kind (HTTP 503 with Retry-After): the same request may succeed after `retryAfterSeconds`. */
export class UnavailableError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(ErrorCode.UNAVAILABLE, message, { retryAfterSeconds });
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = 'Authentication required') {
    super(ErrorCode.UNAUTHENTICATED, message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'Your role may not do this') {
    super(ErrorCode.FORBIDDEN, message);
  }
}

/** Also used when something exists but the caller may not know it does. */
export class NotFoundError extends DomainError {
  constructor(subject: string, id: string) {
    super(ErrorCode.NOT_FOUND, `${subject} ${id} not found`, { subject, id });
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, facts: ErrorFacts = {}) {
    super(ErrorCode.CONFLICT, message, facts);
  }
}
