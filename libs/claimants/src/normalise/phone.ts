import { accepted, EXCEL_DESTROYED_DIGITS, foldCell, type Normalised, refused, SCIENTIFIC_NOTATION } from './normalised';

/**
 * Reads a mainland mobile number into its 11 digits (1, then 3-9, then 9 digits). Folds
 * full-width digits and punctuation (`１３８－…`, `（+86）`), strips Excel's `'`/`="…"` markers,
 * spaces, hyphens, dots and parentheses, and a `+86` / `0086` / `86` country prefix. A blank cell
 * "is required": callers whose phone is optional check for blank first.
 */
export function readPhone(raw: string): Normalised<string> {
  const folded = foldCell(raw);
  if (!folded) return refused('is required');
  if (SCIENTIFIC_NOTATION.test(folded)) return refused(EXCEL_DESTROYED_DIGITS);
  let digits = folded.replace(/[\s\-().]/g, '');
  if (digits.startsWith('+86')) digits = digits.slice(3);
  else if (digits.startsWith('0086')) digits = digits.slice(4);
  else if (digits.length === 13 && digits.startsWith('86')) digits = digits.slice(2);
  return /^1[3-9]\d{9}$/.test(digits) ? accepted(digits) : refused('is not a mainland mobile number (11 digits starting 13-19)');
}
