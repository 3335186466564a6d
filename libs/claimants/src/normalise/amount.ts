import { accepted, foldCell, type Normalised, refused } from './normalised';

/** The most fen an amount may hold: 15 digits, within the database's bigint and JavaScript's safe integers. */
export const MAX_FEN = 999_999_999_999_999;

const TOO_LARGE = 'is too large (at most 15 digits of fen)';

/** Digits of a number as written by JavaScript, or null for an exponent form (1e21, 1e-7). */
function plainNumberText(n: number): string | null {
  if (!Number.isFinite(n)) return null;
  const text = String(n);
  return /e/i.test(text) ? null : text;
}

/** `digits` (no sign, no leading zeros needed) as a number of fen, or the too-large refusal. */
function fen(digits: string): Normalised<number> {
  const trimmed = digits.replace(/^0+(?=\d)/, '');
  if (trimmed.length > 15) return refused(TOO_LARGE);
  return accepted(Number(trimmed));
}

/**
 * Reads an amount in yuan into integer fen, exactly: the decimal text is shifted by two places as
 * text, never multiplied as a floating-point number (`19.99` -> 1999). Accepts `¥`/`￥` before and
 * `元` after, thousands separators in groups of three (`1,234.50`), full-width digits, and at most
 * two decimals (fen are the smallest unit of the renminbi); a number (an XLSX cell) is read through
 * its shortest decimal form. Refuses a negative amount, more than two decimals, an exponent form,
 * and more than 15 digits of fen.
 */
export function readYuanAsFen(raw: string | number): Normalised<number> {
  let text: string | null;
  if (typeof raw === 'number') {
    text = plainNumberText(raw);
    if (text === null) return refused('is not an amount of yuan');
  } else {
    text = foldCell(raw).replace(/^[¥]\s*/, '').replace(/\s*元$/, '').replace(/\s/g, '');
    if (!text) return refused('is required');
  }
  if (text.startsWith('-')) return refused('must not be negative');
  if (/^\d{1,3}(,\d{3})+(\.\d*)?$/.test(text)) text = text.replace(/,/g, '');
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return refused('is not an amount of yuan (digits, at most two decimals; ¥, 元 and thousands separators allowed)');
  const decimals = m[2] ?? '';
  if (decimals.length > 2) return refused('has more than two decimals (a fen is the smallest unit)');
  return fen(m[1] + decimals.padEnd(2, '0'));
}

/**
 * Reads an amount in fen: a non-negative whole number (full-width digits and Excel's text markers
 * folded), at most 15 digits. `12.5` is refused: a fen cannot be split, and a decimal point
 * usually means the column holds yuan.
 */
export function readFen(raw: string | number): Normalised<number> {
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) return refused('is not a whole number of fen');
    if (raw < 0) return refused('must not be negative');
    if (!Number.isInteger(raw)) return refused('must be a whole number of fen (a decimal point suggests yuan)');
    if (raw > MAX_FEN) return refused(TOO_LARGE);
    return accepted(raw);
  }
  const text = foldCell(raw).replace(/\s/g, '');
  if (!text) return refused('is required');
  if (text.startsWith('-')) return refused('must not be negative');
  if (/^\d*\.\d*$/.test(text) && text !== '.') return refused('must be a whole number of fen (a decimal point suggests yuan)');
  if (!/^\d+$/.test(text)) return refused('is not a whole number of fen');
  return fen(text);
}
