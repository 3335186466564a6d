import { accepted, type Normalised, refused } from './normalised';

/**
 * Look-alikes of the middle dot that separates the parts of a transliterated name (阿卜杜·热合曼):
 * bullet U+2022, katakana middle dot U+30FB (NFKC also maps the half-width U+FF65 to it),
 * hyphenation point U+2027, full stop `.` (NFKC's image of the full-width U+FF0E) and U+2219,
 * U+22C5 operators. Only between two characters: a trailing `.` (`Jr.`) stays. The standard form is U+00B7, as in the ID card (GB 18030 / GB 2312 A1A4).
 */
const SEPARATORS = /(?<=\S)\s*[\u2022\u30fb\u2027.\u2219\u22c5\u00b7]\s*(?=\S)/g;
const HAN = /\p{Script=Han}/u;
const LATIN = /\p{Script=Latin}/u;

/** The warning given when a name was changed beyond trimming. */
const NAME_NORMALISED = { code: 'NAME_NORMALISED', message: 'the name was normalised (full-width forms, separator dot or padding inside it)' } as const;

/**
 * Reads a person's name into one form, so the same person has one name across imports: NFKC
 * (full-width Latin letters become ASCII), the separator look-alikes become U+00B7 without spaces
 * around it, padding inside a Chinese name (U+3000 and spaces, `张　三`) is removed, runs of spaces
 * in other names become one space; any such change gives the NAME_NORMALISED warning. A name
 * holding `?` or U+FFFD is refused: the file's encoding could not represent a character, and what
 * it was cannot be recovered.
 */
export function readName(raw: string): Normalised<string> {
  const trimmed = raw.trim();
  if (!trimmed) return refused('is required');
  if (/[?\ufffd]/.test(trimmed.normalize('NFKC'))) {
    return refused('holds "?" or U+FFFD where the file\'s encoding lost a character: unrecoverable, export the file again as UTF-8');
  }
  let name = trimmed.normalize('NFKC').trim().replace(SEPARATORS, '\u00b7');
  name = HAN.test(name) && !LATIN.test(name) ? name.replace(/\s+/g, '') : name.replace(/\s+/g, ' ');
  return accepted(name, name === trimmed ? [] : [NAME_NORMALISED]);
}
