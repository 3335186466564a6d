/**
 * A postal address in the form its blind index is computed from, so that one address typed two
 * ways compares equal: Unicode NFKC (full-width digits and letters to ASCII), without any
 * whitespace or the punctuation people vary (commas, full stops, dashes, number signs,
 * parentheses), Latin letters lower-cased. Null when nothing is left. Used only to find many
 * claims from one address (the SHARED_ADDRESS anomaly), never shown.
 */
export function normaliseAddress(raw: string): string | null {
  const normal = raw.normalize('NFKC').replace(/[\s\u3000,.;:'"()[\]{}#\-_/\\，。、；：（）【】《》“”‘’·—]/g, '').toLowerCase();
  return normal || null;
}
