import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { currentRequest } from '../logging/request-context';
import { DomainError, ErrorCode, InputError, UnavailableError } from './domain-error';

const HTTP_STATUS: Record<ErrorCode, number> = {
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.CONFLICT]: 409,
  [ErrorCode.UNAVAILABLE]: 503,
};

/**
 * The global exception filter. In GraphQL it hands every error back to Apollo, where
 * formatGraphqlError shapes (and, for unexpected errors only, logs) it; Nest's default filter
 * would log every refused login or NOT_FOUND as a server error. On REST routes it answers
 * `{ code, message, ...facts }` with the matching status, the same codes as GraphQL; anything
 * unexpected is logged by class and SQLSTATE only and answered 500 with the request id.
 */
@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(error: unknown, host: ArgumentsHost): unknown {
    if (host.getType<string>() === 'graphql') return error;

    const res = host.switchToHttp().getResponse<Response>();
    if (error instanceof DomainError) return sendDomainError(res, error);
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const code = Object.entries(HTTP_STATUS).find(([, s]) => s === status)?.[0];
      res.status(status).json({ code: code ?? 'HTTP_ERROR', message: error.message });
      return;
    }
    const requestId = currentRequest()?.requestId;
    const pg = error as { name?: string; code?: string; constraint?: string };
    this.logger.error(`Unhandled error in a REST route: ${pg.name} ${pg.code ?? ''} ${pg.constraint ?? ''}`.trim());
    res.status(500).json({ code: 'INTERNAL_SERVER_ERROR', message: `Internal error (request ${requestId ?? 'unknown'})`, requestId });
  }
}

/** A DomainError as a REST answer: its status (with Retry-After for UnavailableError), and `{ code, message, ...facts }`. */
export function sendDomainError(res: Response, error: DomainError): void {
  if (error instanceof UnavailableError) res.setHeader('retry-after', String(error.retryAfterSeconds));
  res.status(HTTP_STATUS[error.code]).json({ code: error.code, message: error.message, ...error.facts });
}

/**
 * Express error middleware for the body parsers, which run before any route (and so outside
 * DomainErrorFilter): a body they refuse (malformed JSON, too large, cut off, an unknown charset)
 * is BAD_USER_INPUT on `body`, in JSON like every other refusal, not Express's HTML page.
 * Anything else goes on to the next handler.
 */
export function bodyParserErrors(error: unknown, _req: Request, res: Response, next: NextFunction): void {
  const parser = error as { type?: unknown; status?: number };
  if (typeof parser?.type !== 'string' || !parser.status || parser.status >= 500) return next(error);
  const reason = parser.type === 'entity.parse.failed' ? 'is not valid JSON' : `was refused (${parser.type})`;
  sendDomainError(res, new InputError('body', reason));
}
