// The one Clock of the incident and case libraries: defined and provided by the leaks library
// (which the cases library builds on), re-exported here so `@app/cases` keeps offering it.
export { Clock } from '@app/leaks';
