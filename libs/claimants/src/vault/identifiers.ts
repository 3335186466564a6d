/**
 * Normalising, validating and masking a claimant's identifiers. Pure functions, shared by the API
 * (enrolment, bulk import) and the CLI (hashing a seized dataset locally), so that both sides
 * derive byte-identical blind indexes from the same person's identifiers.
 */

/** GB 11643-1999 weights of the first 17 digits of a resident ID number. */
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** GB 11643-1999 check character for (weighted sum mod 11). */
const ID_CHECK = '10X98765432';

/** Upper-cases the check character and removes spaces (as people type them, in groups). */
export function normaliseIdNumber(raw: string): string {
  return raw.replace(/[\s\u3000]/g, '').toUpperCase();
}

/** The GB 11643 check character of the first 17 digits. */
export function idNumberCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11];
}

/**
 * Why a normalised 18-character resident ID number is invalid, or null when it is valid:
 * 17 digits and a check character (GB 11643-1999), a plausible region and a real birth date.
 * Reasons never repeat the number.
 */
export function idNumberProblem(id: string): string | null {
  if (id.length === 0) return 'is required';
  if (!/^\d{17}[\dX]$/.test(id)) return 'must be 18 characters: 17 digits and a digit or X';
  if (id[0] === '0' || id[0] === '9') return 'has an impossible region code';
  const year = Number(id.slice(6, 10));
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  const birth = new Date(Date.UTC(year, month - 1, day));
  if (year < 1880 || birth.getUTCMonth() !== month - 1 || birth.getUTCDate() !== day || birth.getTime() > Date.now()) {
    return 'has an impossible birth date';
  }
  if (idNumberCheckCharacter(id) !== id[17]) return 'fails the GB 11643 checksum';
  return null;
}

/**
 * A mainland mobile number as its 11 digits, or null when it is not one: strips spaces, dashes,
 * dots, parentheses and a +86 / 0086 / 86 country prefix.
 */
export function normalisePhone(raw: string): string | null {
  let digits = raw.replace(/[\s\u3000\-().]/g, '');
  if (digits.startsWith('+86')) digits = digits.slice(3);
  else if (digits.startsWith('0086')) digits = digits.slice(4);
  else if (digits.length === 13 && digits.startsWith('86')) digits = digits.slice(2);
  return /^1[3-9]\d{9}$/.test(digits) ? digits : null;
}

/** `张三` -> `张*`, `欧阳娜娜` -> `欧***`: the family name's first character only. */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length === 0) return '';
  return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
}

/** `110105199003071234` -> `110***********1234` (region prefix and the last four kept). */
export function maskIdNumber(id: string): string {
  return id.slice(0, 3) + '*'.repeat(Math.max(0, id.length - 7)) + id.slice(-4);
}

/** `13812345678` -> `138****5678`. */
export function maskPhone(phone: string): string {
  return phone.slice(0, 3) + '*'.repeat(Math.max(0, phone.length - 7)) + phone.slice(-4);
}

/** `zhang.san@example.com` -> `z***@example.com`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}
