import { Kind } from 'graphql';
import { StrictDateTime } from './date-time.scalar';

describe('the strict DateTime scalar', () => {
  it.each([
    ['2025-04-02T09:30:00Z', '2025-04-02T09:30:00.000Z'],
    ['2025-04-02T09:30:00.123+08:00', '2025-04-02T01:30:00.123Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['2025-04-02', '2025-04-02T00:00:00.000Z'],
  ])('reads %s', (value, iso) => {
    expect((StrictDateTime.parseValue(value) as Date).toISOString()).toBe(iso);
    expect((StrictDateTime.parseLiteral({ kind: Kind.STRING, value }, {}) as Date).toISOString()).toBe(iso);
  });

  it.each(['2025-02-29T10:00:00Z', '2025-06-31T00:00:00+08:00', '2025-02-29', '2025-13-01T00:00:00Z'])('refuses %s, a day that does not exist (Date would roll it over)', (value) => {
    expect(() => StrictDateTime.parseValue(value)).toThrow(/day that does not exist/);
    expect(() => StrictDateTime.parseLiteral({ kind: Kind.STRING, value }, {})).toThrow(/day that does not exist/);
  });

  it.each(['2025-04-02T24:00:00Z', '2025-04-02T09:60:00Z'])('refuses %s, a time that does not exist', (value) => {
    expect(() => StrictDateTime.parseValue(value)).toThrow(/time of day that does not exist/);
  });

  it.each(['2025-04-02T09:30:00', '02/04/2025', 'yesterday', '20250402'])('refuses %s: not ISO 8601 with a zone', (value) => {
    expect(() => StrictDateTime.parseValue(value)).toThrow(/ISO 8601/);
  });

  it('refuses a number and never repeats the value', () => {
    expect(() => StrictDateTime.parseValue(1743586200000)).toThrow(/must be a string/);
    expect(() => StrictDateTime.parseValue('2025-02-29T10:00:00Z')).not.toThrow(/2025-02-29T10/);
  });

  it('writes a Date as ISO 8601 at UTC', () => {
    expect(StrictDateTime.serialize(new Date('2025-04-02T01:30:00+08:00'))).toBe('2025-04-01T17:30:00.000Z');
  });
});
