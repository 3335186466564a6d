import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';
import { currentRequest } from './request-context';

/**
 * Structured JSON logs on stdout, one object per line, with the request id of the request being
 * served (stdout for the API, stderr for the CLI). Never pass personal data or SQL parameters to a log call.
 */
export function createLogger(level: string, destination: 1 | 2 = 1): Logger {
  return pino({
    level,
    base: { service: 'leakcase' },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: () => {
      const request = currentRequest();
      return request ? { requestId: request.requestId } : {};
    },
  }, pino.destination({ fd: destination, sync: destination === 2 }));
}

/** Adapts pino to Nest's LoggerService so framework messages are JSON lines too. */
export class JsonLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
