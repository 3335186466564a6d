import { ConflictError } from '@app/platform';
import type { LedgerFailure } from './ledger-verifier';
import type { LedgerLog } from './ledger.repository';

/**
 * A ledger operation refused because the stored log failed a check (a missing entry or subtree,
 * a head that does not extend the latest signed checkpoint): CONFLICT, naming the log, the entry
 * to blame (when there is one) and why. Never carries personal data (indices and hashes only).
 */
export class LedgerIntegrityError extends ConflictError {
  constructor(log: LedgerLog, failure: LedgerFailure) {
    super(`ledger verification FAILED (${log.toLowerCase()} log${failure.index === null ? '' : `, entry ${failure.index}`}): ${failure.reason}`, {
      log,
      index: failure.index,
    });
  }
}
