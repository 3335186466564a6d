/**
 * One table of identifier cells and what every path must make of them: readIdNumber/readPhone,
 * sealEnrolment (single enrolment and file import) and the dataset hasher (hashChunk) run the same
 * rows (normalise.spec, enrolment-record.spec, hash-chunk.spec). Expected values are by hand.
 *
 * Check characters (GB 11643-1999: sum of digit × weight 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2,
 * mod 11, looked up in 1 0 X 9 8 7 6 5 4 3 2):
 * - 11010519491231002 (the standard's own example): 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 =
 *   167, 167 mod 11 = 2 -> X.
 * - 91184019800101001 (foreign permanent resident, 2023 form: 9, province 11, nationality 840,
 *   born 1980-01-01): 63+9+10+40+32+0+2+9+48+0+0+9+0+5+0+0+2 = 229, mod 11 = 9 -> 3.
 * - 16010519491231002: the example with 6 for 1 in place 2 (weight 9): 167+45 = 212, mod 11 = 3 -> 9.
 * - 15010519491231002: 167+36 = 203, mod 11 = 5 -> 7. 21010519491231002: 167+7 = 174, mod 11 = 9 -> 3.
 * - 83010519491231002: 167+49+18 = 234, mod 11 = 3 -> 9. 84010519491231002: 167+49+27 = 243, mod 11 = 1 -> 0.
 * - 11010519491231000 (Excel zeroed the last digits): 167-4 = 163, mod 11 = 9 -> 3, not 0.
 * - 11010519000101001 (born 1900-01-01): 7+9+0+5+0+20+2+9+0+0+0+9+0+5+0+0+2 = 68, mod 11 = 2 -> X.
 * - 11010518991231001 (born 1899-12-31): 7+9+0+5+0+20+2+8+54+27+7+18+30+5+0+0+2 = 194, mod 11 = 7 -> 5.
 * - 91684019800101001: 229 + 5×10 = 279, mod 11 = 4 -> 8.
 * - 11010519491201000 (born 1949-12-01, sequence 000): 7+9+0+5+0+20+2+9+24+27+7+18+0+5+0+0+0 =
 *   133, mod 11 = 1 -> 0: a valid number ending in 000.
 */
import { ConsentMethod, ConsentScope } from '../claimant.enums';
import type { RawEnrolment } from '../enrolment-record';

/** A valid enrolment of the standard example person, for sealEnrolment; `over` replaces fields. */
export function rawEnrolment(over: Partial<RawEnrolment> = {}): RawEnrolment {
  return {
    name: '张三',
    idNumber: '11010519491231002X',
    phone: '13812345678',
    consentGivenAt: new Date('2025-04-02T01:30:00Z'),
    consentMethod: ConsentMethod.WRITTEN_SIGNATURE,
    consentScopes: [ConsentScope.REPRESENTATION, ConsentScope.DATA_USE],
    harms: [],
    incidentIds: ['00000000-0000-4000-8000-000000000001'],
    ...over,
  };
}

export interface IdentifierCase {
  label: string;
  raw: string;
  /** The normal form every path hashes, or null when refused. */
  normal: string | null;
  /** For a refusal: what the reason says. */
  reason?: RegExp;
  /** For an acceptance with a warning: its code. */
  warning?: string;
}

const EXAMPLE = '11010519491231002X';

export const ID_NUMBER_CASES: readonly IdentifierCase[] = [
  { label: 'the standard example, check character X', raw: EXAMPLE, normal: EXAMPLE },
  { label: 'a lower-case x', raw: '11010519491231002x', normal: EXAMPLE },
  { label: 'full-width digits and letter', raw: '１１０１０５１９４９１２３１００２Ｘ', normal: EXAMPLE },
  { label: "Excel's leading apostrophe", raw: "'11010519491231002X", normal: EXAMPLE },
  { label: 'an ="…" formula wrapper', raw: '="11010519491231002X"', normal: EXAMPLE },
  { label: 'spaces in groups (and U+3000)', raw: '110105 19491231\u3000002X', normal: EXAMPLE },
  { label: 'hyphens in groups (and a full-width one)', raw: '110105-19491231－002X', normal: EXAMPLE },
  { label: 'a 15-digit first-generation number', raw: '110105491231002', normal: EXAMPLE, warning: 'ID_UPGRADED_FROM_15' },
  { label: 'a full-width 15-digit number', raw: '１１０１０５４９１２３１００２', normal: EXAMPLE, warning: 'ID_UPGRADED_FROM_15' },
  { label: 'a foreign permanent resident ID (GA 2102-2023)', raw: '911840198001010013', normal: '911840198001010013' },
  { label: 'the last code of the first range (15)', raw: '150105194912310027', normal: '150105194912310027' },
  { label: 'the first code after a gap (21)', raw: '210105194912310023', normal: '210105194912310023' },
  { label: 'the last province code (83)', raw: '830105194912310029', normal: '830105194912310029' },
  { label: 'born 1900-01-01, the earliest', raw: '11010519000101001X', normal: '11010519000101001X' },
  { label: 'a valid number ending in 000', raw: '110105194912010000', normal: '110105194912010000', warning: 'ID_POSSIBLY_TRUNCATED' },
  { label: 'scientific notation', raw: '1.10105E+17', normal: null, reason: /Excel destroyed the digits/ },
  { label: 'Excel truncated (ends in 000, checksum fails)', raw: '110105194912310000', normal: null, reason: /Excel probably truncated/ },
  { label: 'a wrong check character', raw: '110105194912310021', normal: null, reason: /^fails the GB 11643 checksum$/ },
  { label: 'province 16 (not in GB/T 2260)', raw: '160105194912310029', normal: null, reason: /GB\/T 2260/ },
  { label: 'province 84 (not in GB/T 2260)', raw: '840105194912310020', normal: null, reason: /GB\/T 2260/ },
  { label: 'a foreign number with province 16', raw: '916840198001010018', normal: null, reason: /GB\/T 2260/ },
  { label: 'born 1899-12-31', raw: '110105189912310015', normal: null, reason: /birth date/ },
  { label: '17 digits', raw: '11010519491231002', normal: null, reason: /18 characters/ },
  { label: 'a letter inside', raw: '1101051949A231002X', normal: null, reason: /18 characters/ },
  { label: 'blank', raw: '', normal: null, reason: /^is required$/ },
];

export const PHONE_CASES: readonly IdentifierCase[] = [
  { label: 'eleven digits', raw: '13812345678', normal: '13812345678' },
  { label: 'full-width digits', raw: '１３８１２３４５６７８', normal: '13812345678' },
  { label: 'full-width hyphens', raw: '138－1234－5678', normal: '13812345678' },
  { label: 'a full-width (+86)', raw: '（+86）13812345678', normal: '13812345678' },
  { label: '+86 and spaces', raw: '+86 138 1234 5678', normal: '13812345678' },
  { label: '0086 and hyphens', raw: '0086-138-1234-5678', normal: '13812345678' },
  { label: '86 without a plus', raw: '8613812345678', normal: '13812345678' },
  { label: "Excel's leading apostrophe", raw: "'13812345678", normal: '13812345678' },
  { label: 'an ="…" formula wrapper', raw: '="13812345678"', normal: '13812345678' },
  { label: 'the lowest second digit (3)', raw: '13012345678', normal: '13012345678' },
  { label: 'the highest second digit (9)', raw: '19912345678', normal: '19912345678' },
  { label: 'second digit 2', raw: '12812345678', normal: null, reason: /mainland mobile/ },
  { label: 'ten digits', raw: '1381234567', normal: null, reason: /mainland mobile/ },
  { label: 'a landline', raw: '010-12345678', normal: null, reason: /mainland mobile/ },
  { label: 'scientific notation', raw: '1.38123E+10', normal: null, reason: /Excel destroyed the digits/ },
  { label: 'blank', raw: '', normal: null, reason: /^is required$/ },
];
