import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, ErrorCode } from '@app/platform';

const STATUS: Record<ErrorCode, number> = {
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.CONFLICT]: 409,
};

/**
 * REST counterpart of the GraphQL error formatter for this library's routes: a DomainError keeps
 * its code and facts; anything else is logged by class and SQLSTATE only and answered 500.
 */
@Catch()
export class RestErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('REST');

  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (error instanceof DomainError) {
      res.status(STATUS[error.code]).json({ code: error.code, message: error.message, ...error.facts });
      return;
    }
    if (error instanceof HttpException) {
      res.status(error.getStatus()).json({ message: error.message });
      return;
    }
    const pg = error as { name?: string; code?: string; constraint?: string };
    this.logger.error(`Unhandled error in a REST route: ${pg.name} ${pg.code ?? ''} ${pg.constraint ?? ''}`);
    res.status(500).json({ code: 'INTERNAL_SERVER_ERROR', message: 'Internal error' });
  }
}
