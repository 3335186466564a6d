/** Number formatting shared by the languages: digits grouped by thousands, money from integer fen. */

const FORMATS = new Map<number, Intl.NumberFormat>();

/** `value` with `decimals` decimals and thousands separators ('120,000', '40.0'); one formatter per precision (a roster formats every row). */
export function grouped(value: number, decimals: number): string {
  let format = FORMATS.get(decimals);
  if (!format) FORMATS.set(decimals, (format = new Intl.NumberFormat('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals })));
  return format.format(value);
}

/** Fen to yuan text without floating point: 23822871 -> '238,228.71'. */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${grouped(Math.floor(abs / 100), 0)}.${String(abs % 100).padStart(2, '0')}`;
}
