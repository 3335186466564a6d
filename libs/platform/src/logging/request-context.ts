import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';

/** What is known about the current request wherever code runs inside it. */
export interface RequestContext {
  requestId: string;
  /** The GraphQL operation the request runs, once resolved (name as the client wrote it, and type). */
  graphqlOperation?: { name: string | null; type: string };
}

const storage = new AsyncLocalStorage<RequestContext>();

/** The current request's context, or undefined outside a request (CLI, jobs). */
export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Express middleware: takes a well-formed `x-request-id` from the caller or makes one, echoes it
 * in the response, and runs the rest of the request inside its context so logs and audit rows
 * carry it. When the response ends it logs one info line `request`: method, path (no query
 * string), GraphQL operation name and type, HTTP status, duration in ms, the authenticated
 * user's id, and `aborted: true` when the connection closed before the response was sent whole;
 * never a body, variables, query text or headers, which may hold personal data.
 */
export function requestContextMiddleware(logger: Logger) {
  return (req: Request & { actor?: { userId: string } }, res: Response, next: NextFunction): void => {
    const given = req.header('x-request-id');
    const context: RequestContext = { requestId: given && REQUEST_ID.test(given) ? given : randomUUID() };
    const started = process.hrtime.bigint();
    res.setHeader('x-request-id', context.requestId);
    res.once('close', () =>
      storage.run(context, () =>
        logger.info(
          {
            method: req.method,
            path: req.originalUrl.split('?')[0],
            operation: context.graphqlOperation?.name,
            operationType: context.graphqlOperation?.type,
            // No status for a response that never started (the client went away first).
            status: res.headersSent ? res.statusCode : undefined,
            durationMs: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
            userId: req.actor?.userId,
            ...(res.writableFinished ? {} : { aborted: true }),
          },
          'request',
        ),
      ),
    );
    storage.run(context, next);
  };
}

/** Runs `fn` inside a fresh context (used by jobs and the CLI so their logs correlate too). */
export function runWithRequestId<T>(requestId: string, fn: () => T): T {
  return storage.run({ requestId }, fn);
}
