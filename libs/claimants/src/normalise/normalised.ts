/**
 * The result type of every value rule of this folder, and the cell folding they share. Pure: no
 * Nest, no I/O, so the CLI's hashing worker threads load it as well as the API.
 */

/** A warning: accepted, but look. `message` never contains the value. */
export interface NormaliseWarning {
  /** Stable machine code, e.g. `ID_UPGRADED_FROM_15`. */
  code: string;
  message: string;
}

/** A value read and normalised, with warnings; or refused with a reason that never contains the value. */
export type Normalised<T> = { ok: true; value: T; warnings: readonly NormaliseWarning[] } | { ok: false; reason: string };

const NO_WARNINGS: readonly NormaliseWarning[] = Object.freeze([]);

/** An accepted value. */
export function accepted<T>(value: T, warnings: readonly NormaliseWarning[] = NO_WARNINGS): Normalised<T> {
  return { ok: true, value, warnings };
}

/** A refused value: the reason names the rule, never the value. */
export function refused<T>(reason: string): Normalised<T> {
  return { ok: false, reason };
}

/**
 * A spreadsheet cell as text in its folded form: Unicode NFKC (full-width digits, letters and
 * punctuation become ASCII; U+3000 becomes a space), trimmed, without Excel's text markers: a
 * leading apostrophe (`'110105…`) or a formula wrapper (`="110105…"`) that exports use to keep
 * digits as text.
 */
export function foldCell(raw: string): string {
  let s = raw.normalize('NFKC').trim();
  const formula = /^="(.*)"$/s.exec(s);
  if (formula) s = formula[1].trim();
  else if (s.startsWith("'")) s = s.slice(1).trim();
  return s;
}

/** `4.40305E+17`: what Excel writes for a long digit string stored as a number. */
export const SCIENTIFIC_NOTATION = /^\d+(?:\.\d+)?E\+?\d+$/i;

/** The reason given for a number Excel turned into scientific notation. */
export const EXCEL_DESTROYED_DIGITS = 'Excel destroyed the digits (scientific notation): export the column as text';
