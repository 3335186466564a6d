import { neutraliseFormula } from './xlsx';

describe('neutraliseFormula', () => {
  it.each(['=1+1', '+86 139', '-2', '@SUM(A1)', '\tx', '\rx'])('keeps %j as text by prefixing an apostrophe', (text) => {
    expect(neutraliseFormula(text)).toBe(`'${text}`);
  });

  it('leaves ordinary text as it is, a formula sign inside the text included', () => {
    expect(neutraliseFormula('张*')).toBe('张*');
    expect(neutraliseFormula('110***********1234')).toBe('110***********1234');
    expect(neutraliseFormula('a=b')).toBe('a=b');
    expect(neutraliseFormula('')).toBe('');
  });
});
