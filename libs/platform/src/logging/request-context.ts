import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/** What is known about the current request wherever code runs inside it. */
export interface RequestContext {
  requestId: string;
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
 * carry it.
 */
export function requestContextMiddleware(req: Request, res: Response, next: NextFunction): void {
  const given = req.header('x-request-id');
  const requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('x-request-id', requestId);
  storage.run({ requestId }, next);
}

/** Runs `fn` inside a fresh context (used by jobs and the CLI so their logs correlate too). */
export function runWithRequestId<T>(requestId: string, fn: () => T): T {
  return storage.run({ requestId }, fn);
}
