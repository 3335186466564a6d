import { preferredWait } from './claimant-import.controller';
import { parseMapping } from './claimant-import.service';

describe('preferredWait (RFC 7240 Prefer: wait)', () => {
  it('reads the seconds of wait=N among other preferences', () => {
    expect(preferredWait('wait=10')).toBe(10);
    expect(preferredWait('respond-async, wait=5')).toBe(5);
    expect(preferredWait('return=minimal; wait="7"')).toBe(7);
  });

  it('is 0 without a wait preference and caps at 60 seconds', () => {
    expect(preferredWait(undefined)).toBe(0);
    expect(preferredWait('respond-async')).toBe(0);
    expect(preferredWait('nowait=9')).toBe(0);
    expect(preferredWait('wait=3600')).toBe(60);
  });
});

describe('parseMapping (?map= and --map)', () => {
  it('maps header names to import columns, trimming spaces', () => {
    expect(parseMapping('身份证 = id_number,电话=phone')).toEqual({ 身份证: 'id_number', 电话: 'phone' });
    expect(parseMapping(undefined)).toEqual({});
  });

  it('refuses an unknown column, an inherited property name included', () => {
    expect(() => parseMapping('x=nickname')).toThrow(/entries must be header=column/);
    expect(() => parseMapping('x=toString')).toThrow(/entries must be header=column/);
    expect(() => parseMapping('x')).toThrow(/entries must be header=column/);
  });
});
