import fc from 'fast-check';
import { types } from 'pg';
import { parseTimestamptz } from './timestamptz';

const pgDefault = types.getTypeParser(1184, 'text');

/**
 * `instantMs` (+ `micros` microseconds) as PostgreSQL prints a timestamptz with DateStyle ISO in
 * a session whose zone is `offsetSeconds` east of UTC: trailing zeros of the fraction dropped,
 * the offset's minutes and seconds only when not zero.
 */
function printedByPostgres(instantMs: number, micros: number, offsetSeconds: number): string {
  const local = new Date(instantMs + offsetSeconds * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  const fraction = (local.getUTCMilliseconds() * 1000 + micros).toString().padStart(6, '0').replace(/0+$/, '');
  const abs = Math.abs(offsetSeconds);
  const [h, m, s] = [Math.floor(abs / 3600), Math.floor((abs % 3600) / 60), abs % 60];
  const zone = `${offsetSeconds < 0 ? '-' : '+'}${two(h)}${m || s ? `:${two(m)}` : ''}${s ? `:${two(s)}` : ''}`;
  return (
    `${String(local.getUTCFullYear()).padStart(4, '0')}-${two(local.getUTCMonth() + 1)}-${two(local.getUTCDate())} ` +
    `${two(local.getUTCHours())}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())}${fraction ? `.${fraction}` : ''}${zone}`
  );
}

describe('reading a timestamptz from PostgreSQL', () => {
  it('reads UTC with microseconds, truncated to the millisecond: 2026-12-07 19:06:34.123456+00', () => {
    expect(parseTimestamptz('2026-12-07 19:06:34.123456+00')).toEqual(new Date('2026-12-07T19:06:34.123Z'));
  });

  it('reads a zone east of UTC: 2024-02-29 23:59:59.5+08 is 15:59:59.500 UTC the same day', () => {
    expect(parseTimestamptz('2024-02-29 23:59:59.5+08')).toEqual(new Date('2024-02-29T15:59:59.500Z'));
  });

  it('reads zones with minutes and seconds: 1900-01-01 08:05:43+08:05:43 is midnight UTC, 2020-06-01 00:00:00-03:30 is 03:30 UTC', () => {
    expect(parseTimestamptz('1900-01-01 08:05:43+08:05:43')).toEqual(new Date('1900-01-01T00:00:00.000Z'));
    expect(parseTimestamptz('2020-06-01 00:00:00-03:30')).toEqual(new Date('2020-06-01T03:30:00.000Z'));
  });

  it("leaves what it does not read to pg's parser: infinity, BC, years before 1000", () => {
    expect(parseTimestamptz('infinity')).toBe(Infinity);
    expect(parseTimestamptz('-infinity')).toBe(-Infinity);
    expect(parseTimestamptz('2000-01-01 00:00:00+00 BC')).toEqual(pgDefault('2000-01-01 00:00:00+00 BC'));
    expect((parseTimestamptz('0099-03-01 00:00:00+00') as Date).getUTCFullYear()).toBe(99);
  });

  it('reads every instant from 1000 to 9999 in every zone to its millisecond, as pg does', () => {
    const instants = fc.integer({ min: Date.UTC(1000, 0, 2), max: Date.UTC(9999, 11, 30) });
    const zones = fc.integer({ min: -15 * 3600, max: 15 * 3600 });
    fc.assert(
      fc.property(instants, fc.integer({ min: 0, max: 999 }), zones, (instant, micros, zone) => {
        const text = printedByPostgres(instant, micros, zone);
        expect((parseTimestamptz(text) as Date).getTime()).toBe(instant);
        // pg's parser agrees but for its floating-point milliseconds (.569 can read as 568).
        expect(Math.abs((pgDefault(text) as Date).getTime() - instant)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 5000 },
    );
  });
});
