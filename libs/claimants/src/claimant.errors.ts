import { ConflictError, InputError } from '@app/platform';

/** The organisation has enrolled this person already (it knows them: it may be told). */
export class AlreadyEnrolledError extends ConflictError {
  constructor(claimantId: string) {
    super('This person is already enrolled by your organisation', { claimantId, rule: 'one enrolment per organisation' });
  }
}

/** A whole import file is refused (encoding, header, truncation): nothing was imported. */
export class ImportFileError extends InputError {
  constructor(reason: string, facts: Record<string, string | number> = {}) {
    super('file', reason, facts);
  }
}

/** The one refusal for an incident id that is missing or not visible to the caller (no existence oracle). */
export const UNKNOWN_INCIDENT = 'names no leak incident you can see (registered by your organisation, shared with it, announced, or linked to a case you can see)';
