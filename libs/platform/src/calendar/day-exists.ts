/**
 * True when the day exists in the Gregorian calendar: no 2025-02-29, no 2025-06-31 (JavaScript's
 * Date rolls such days into the next month; every date the API takes is checked with this
 * first). Pure, for the API and the CLI's worker threads alike.
 */
export function dayExists(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}
