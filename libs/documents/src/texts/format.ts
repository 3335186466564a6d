/** Number formatting shared by the languages: digits grouped by thousands, money from integer fen. */

/** `value` with `decimals` decimals and thousands separators ('120,000', '40.0'). */
export const grouped = (value: number, decimals: number): string =>
  value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });

/** Fen to yuan text without floating point: 23822871 -> '238,228.71'. */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${grouped(Math.floor(abs / 100), 0)}.${String(abs % 100).padStart(2, '0')}`;
}
