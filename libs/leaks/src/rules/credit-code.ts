import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from the 31-character
 * alphabet below (no I, O, S, V or Z): registration authority and organisation type (2), the
 * administrative division (6 digits), the organisation code (9) and a check character.
 */
export const CREDIT_CODE = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

/** GB 32100-2015: the code characters in value order (0-30). */
const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** GB 32100-2015: the weight of each of the first 17 characters (3^i mod 31). */
const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** GB 32100-2015: the check character of the first 17 characters: 31 - (Σ value × weight mod 31), 31 written 0. */
export function creditCodeCheckCharacter(first17: string): string {
  const sum = [...first17].reduce((total, char, i) => total + CREDIT_CODE_ALPHABET.indexOf(char) * CREDIT_CODE_WEIGHTS[i], 0);
  return CREDIT_CODE_ALPHABET[(31 - (sum % 31)) % 31];
}

/** Why `value` is not a unified social credit code, or undefined when it is one. */
export function creditCodeProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || !CREDIT_CODE.test(value)) return 'must be an 18-character unified social credit code';
  const expected = creditCodeCheckCharacter(value.slice(0, 17));
  if (value[17] !== expected) return 'has a wrong check character (GB 32100-2015)';
  return undefined;
}

export function isUnifiedSocialCreditCode(value: unknown): value is string {
  return creditCodeProblem(value) === undefined;
}

/** A unified social credit code with a correct check character (GB 32100-2015). */
export function IsUnifiedSocialCreditCode(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isUnifiedSocialCreditCode',
      validator: {
        validate: isUnifiedSocialCreditCode,
        defaultMessage: (args) => creditCodeProblem(args?.value) ?? 'must be a unified social credit code',
      },
    },
    options,
  );
}
