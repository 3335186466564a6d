import { accepted, EXCEL_DESTROYED_DIGITS, foldCell, type Normalised, type NormaliseWarning, refused, SCIENTIFIC_NOTATION } from './normalised';
import { dayExists } from '@app/platform/calendar/day-exists';
import { shanghaiToday } from './calendar-date';

/** GB 11643-1999 weights of the first 17 characters of a citizen identity number. */
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** GB 11643-1999 check character for (weighted sum mod 11). */
const ID_CHECK = '10X98765432';

/**
 * The province-level codes of GB/T 2260 (first two digits of the administrative division code):
 * 11-15 north, 21-23 north-east, 31-37 east, 41-46 central-south, 50-54 south-west, 61-65
 * north-west, 71 Taiwan, 81-82 Hong Kong and Macao, 83 (used for Taiwan residents' residence
 * permits).
 */
const PROVINCE_CODES: ReadonlySet<number> = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
]);

/** Earliest birth date accepted in an ID number. */
const EARLIEST_BIRTH = '1900-01-01';

/** The GB 11643 check character (`0`-`9` or `X`) of 17 digits. */
export function idNumberCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11];
}

/**
 * Why the region and birth date of an 18-character number of the right shape are impossible, or
 * null. A citizen number (GB 11643-1999) starts with its GB/T 2260 province code; a foreign
 * permanent resident ID card number of the 2023 form (GA 2102-2023) starts with 9, then the
 * province code of the issuing authority, then a 3-digit nationality code. Both carry the birth
 * date at characters 7-14, from 1900-01-01 to `today` (YYYY-MM-DD, Asia/Shanghai).
 * The dataset hasher's byte fast path calls this too, so both paths apply one rule.
 */
export function idNumberStructureProblem(id: string, today: string = shanghaiToday()): string | null {
  const foreign = id[0] === '9';
  const province = Number(foreign ? id.slice(1, 3) : id.slice(0, 2));
  if (!PROVINCE_CODES.has(province)) return 'has a region code that is not a GB/T 2260 province';
  const year = Number(id.slice(6, 10));
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  const date = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (!dayExists(year, month, day) || date < EARLIEST_BIRTH || date > today) {
    return 'has an impossible birth date (must exist and lie between 1900-01-01 and today)';
  }
  return null;
}

/** The warning given when a first-generation number was upgraded. */
const UPGRADED: NormaliseWarning = {
  code: 'ID_UPGRADED_FROM_15',
  message: 'a 15-digit first-generation ID number was upgraded to 18 digits (19 inserted before the birth year, check character computed)',
};

/** The warning given for a valid number ending in 000, the way Excel leaves a number it cut to 15 significant digits. */
const POSSIBLY_TRUNCATED: NormaliseWarning = {
  code: 'ID_POSSIBLY_TRUNCATED',
  message: 'the ID number ends in 000, as one Excel cut to 15 significant digits does; its checksum holds, but compare it with the source',
};

/**
 * Reads a resident ID number as typed or exported from a spreadsheet, into its 18-character normal
 * form (17 digits and a digit or `X`). Folds full-width forms (NFKC), strips Excel's `'` and
 * `="…"` markers, drops spaces and hyphens, upper-cases `x`; upgrades a 15-digit first-generation
 * number (GB 11643-1989: 6-digit region, YYMMDD, 3-digit sequence) by inserting `19` and computing
 * the check character, with a warning. Accepts citizen numbers (GB 11643-1999) and the 2023
 * foreign permanent resident ID card number (GA 2102-2023: starts with 9, same check character).
 * Refusals name the rule, never the number: scientific notation (Excel stored it as a number), a
 * checksum failure ending in 000 (Excel kept 15 significant digits), bad region or birth date.
 * A valid number ending in 000 is accepted with the ID_POSSIBLY_TRUNCATED warning.
 */
export function readIdNumber(raw: string, today: string = shanghaiToday()): Normalised<string> {
  const folded = foldCell(raw);
  if (!folded) return refused('is required');
  if (SCIENTIFIC_NOTATION.test(folded.replace(/\s/g, ''))) return refused(EXCEL_DESTROYED_DIGITS);
  let id = folded.replace(/[\s-]/g, '').toUpperCase();
  const warnings: NormaliseWarning[] = [];
  if (/^\d{15}$/.test(id)) {
    const first17 = `${id.slice(0, 6)}19${id.slice(6)}`;
    id = first17 + idNumberCheckCharacter(first17);
    warnings.push(UPGRADED);
  }
  if (!/^\d{17}[\dX]$/.test(id)) return refused('must be 18 characters (17 digits and a digit or X) or a 15-digit first-generation number');
  const structure = idNumberStructureProblem(id, today);
  if (structure) return refused(structure);
  if (idNumberCheckCharacter(id) !== id[17]) {
    return refused(
      id.endsWith('000')
        ? 'fails the GB 11643 checksum and ends in 000: Excel probably truncated it to 15 significant digits; export the column as text'
        : 'fails the GB 11643 checksum',
    );
  }
  if (id.endsWith('000')) warnings.push(POSSIBLY_TRUNCATED);
  return accepted(id, warnings);
}
