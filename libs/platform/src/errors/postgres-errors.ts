/** SQLSTATE codes we react to (PostgreSQL appendix A). */
const UNIQUE_VIOLATION = '23505';

/** True when `error` is a unique-constraint violation (of `constraint`, when given). */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const pg = (error as { driverError?: unknown })?.driverError ?? error;
  const { code, constraint: violated } = (pg ?? {}) as { code?: string; constraint?: string };
  return code === UNIQUE_VIOLATION && (constraint === undefined || violated === constraint);
}
