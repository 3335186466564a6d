import { ConflictError } from '@app/platform';

/**
 * A registration after the registration period closed (SPC interpretation of the Civil
 * Procedure Law (2022) art. 79: the judgment binds those who registered within the period).
 */
export class RegistrationClosedError extends ConflictError {
  constructor(due: string, today: string) {
    super(
      `Registration refused: the registration period ended on ${due} (SPC interpretation of the Civil Procedure Law (2022) art. 79); today is ${today}`,
      { rule: 'REGISTRATION_PERIOD', due, today },
    );
  }
}

/** Registration applies to representative actions whose court opened a registration period. */
export class NoRegistrationPeriodError extends ConflictError {
  constructor(reason: string) {
    super(`Registration refused: ${reason}`, { rule: 'REGISTRATION_PERIOD' });
  }
}

/** Certification refused because the class is not ready: names what is missing. */
export class NotReadyToCertifyError extends ConflictError {
  constructor(reason: string, facts: Record<string, number | string> = {}) {
    super(`The class cannot be certified: ${reason}`, facts);
  }
}
