/**
 * Masking a claimant's identifiers for display. Pure functions. Reading and validating them is
 * the normalise folder's (readIdNumber, readPhone, readName), shared by enrolment, file import and
 * the dataset hasher.
 */

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
