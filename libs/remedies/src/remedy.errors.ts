import { ConflictError } from '@app/platform';

/** An operation that needs a remedy of another kind (a payment on an apology, a publication on a cessation). */
export class RemedyKindError extends ConflictError {
  constructor(operation: string, kind: string, allowed: string[]) {
    super(`${operation} applies to ${allowed.join(' or ')} remedies, not ${kind}`, { operation, kind, allowed });
  }
}
