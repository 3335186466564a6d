import { creditCodeCheckCharacter, creditCodeProblem, isUnifiedSocialCreditCode } from './credit-code';

describe('unified social credit code (GB 32100-2015)', () => {
  it('accepts codes whose check character matches the first 17 (mod 31 with the standard weights)', () => {
    expect(isUnifiedSocialCreditCode('91350100M000100Y43')).toBe(true);
    expect(isUnifiedSocialCreditCode('91110108551385082Q')).toBe(true);
    expect(creditCodeCheckCharacter('91310000MA1FL4XQ3')).toBe('A');
  });

  it('writes a check value of 31 as 0', () => {
    // A weighted sum of 0 mod 31 gives 31 - 0 = 31, which the standard writes 0.
    expect(creditCodeCheckCharacter('00000000000000000')).toBe('0');
  });

  it('refuses a wrong check character, saying so', () => {
    expect(isUnifiedSocialCreditCode('91350100M000100Y44')).toBe(false);
    expect(creditCodeProblem('91350100M000100Y44')).toBe('has a wrong check character (GB 32100-2015)');
  });

  it('refuses a code of the wrong length or with a letter the standard leaves out (I, O, S, V, Z)', () => {
    expect(creditCodeProblem('ABC')).toBe('must be an 18-character unified social credit code');
    expect(creditCodeProblem('91350100M000100YO3')).toBe('must be an 18-character unified social credit code');
    expect(creditCodeProblem(42)).toBe('must be an 18-character unified social credit code');
  });
});
