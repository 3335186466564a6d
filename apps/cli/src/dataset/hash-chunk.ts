import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
// Only the pure modules: this file runs in worker threads, which must not load Nest or native addons.
import { type DatasetField, datasetRowBytes, HASH_BYTES } from '@app/claimants/datasets/dataset-protocol';
import { blindIndexPrefix, IdentifierKind } from '@app/claimants/vault/blind-index';
import { idNumberCheckCharacter, idNumberStructureProblem, readIdNumber, readPhone, shanghaiToday } from '@app/claimants/normalise';
import { PrefixedHmac } from '@app/claimants/vault/sha256-hmac';

/** What a hashing worker needs: the key stays on this machine. */
export interface HashSpec {
  key: Buffer;
  encoding: 'utf-8' | 'gb18030';
  /** Column index of each field in `fields` order. */
  columns: number[];
  fields: DatasetField[];
  /** What separates the cells: one or more characters (`,` when absent; TAB, `|`, `----`). */
  delimiter?: string;
  /** Column index of each mapped data category, in the dataset's category (bit) order; none: no bitmask. */
  categoryColumns?: number[];
  /**
   * The file's header line as bytes (without a BOM, CR or LF), when it has one: a line equal to it
   * is a repeated header, an unusable row whose cells are not counted as invalid identifiers.
   */
  headerLine?: Uint8Array;
}

/** Splits one line on `delimiter`; quoted lines go through csv-parse, plain ones are split. */
function splitLine(line: string, delimiter: string): string[] {
  if (!line.includes('"')) return line.split(delimiter);
  try {
    return (parse(line, { delimiter, relax_quotes: true, relax_column_count: true }) as string[][])[0] ?? [];
  } catch {
    return line.split(delimiter);
  }
}

const NL = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const ZERO = 0x30;
const isDigit = (b: number) => b >= ZERO && b <= ZERO + 9;

/** The keyed hashers of one spec (one per kind), kept per worker: the key's pads are hashed once. */
const hashers = new WeakMap<HashSpec, { id: PrefixedHmac; phone: PrefixedHmac; scratch: Buffer; dates: Map<number, boolean>; today: string }>();
function hashersFor(spec: HashSpec) {
  let h = hashers.get(spec);
  if (!h) {
    h = {
      id: new PrefixedHmac(spec.key, blindIndexPrefix(IdentifierKind.ID_NUMBER)),
      phone: new PrefixedHmac(spec.key, blindIndexPrefix(IdentifierKind.PHONE)),
      scratch: Buffer.alloc(64),
      dates: new Map(),
      today: shanghaiToday(),
    };
    hashers.set(spec, h);
  }
  return h;
}

/**
 * Hashes the lines of one chunk: for each line, one 32-byte blind index per field, with the same
 * normalisation and validation rules the server uses for enrolment (normalise/) and the
 * same keyed hash (vault/blind-index, computed by PrefixedHmac); zeros for a missing or invalid
 * identifier. Every line is a row (a blank line is a row without identifiers), so the row count
 * is fixed by the file alone.
 *
 * Works on the bytes: a cell that is already in normal form (18 ASCII characters for an ID
 * number, 11 digits for a mobile number) is validated and hashed in place, without a string or
 * a Buffer per row. Anything else (quotes, spaces, a country prefix, non-ASCII bytes, a value
 * the fast check does not accept) goes through the string functions, so the result is the same
 * as decoding the line and calling readIdNumber/readPhone.
 * Commas, quotes and newlines never occur inside a multi-byte UTF-8 or GB18030 character, so
 * cutting lines and cells on those bytes is safe in both encodings; so is any delimiter in UTF-8
 * (one character's bytes never occur inside another's), and in GB18030 those made of bytes below
 * 0x30 (TAB, `-`, `----`): a GB18030 character's later bytes may be 0x30-0x39 or 0x40-0x7E (`|`
 * is 0x7C), so with other delimiters a GB18030 line is decoded before it is cut.
 *
 * `unusable` counts the rows that yield no hash at all (a blank line, a repeated header, no valid
 * identifier): they are not people. `invalid` counts the identifier cells that are neither empty
 * nor valid, except those of a repeated header (a line byte for byte equal to `spec.headerLine`,
 * recognised before either path cuts it), which is only unusable.
 *
 * With `categoryColumns`, each row ends with a 4-byte big-endian bitmask: bit i set when the
 * row's cell in categoryColumns[i] is not empty (only that: the value is never read further).
 *
 * The hashes are written at the start of `into` when given (a reused buffer), else in a new one.
 */
export function hashChunk(bytes: Buffer, spec: HashSpec, into?: Buffer): { body: Buffer; rows: number; invalid: number; unusable: number } {
  const width = spec.fields.length;
  const categoryColumns = spec.categoryColumns ?? [];
  const rowBytes = datasetRowBytes(width, categoryColumns.length);
  const h = hashersFor(spec);
  const isId = spec.fields.map((f) => f === 'ID_NUMBER');
  const maxColumn = Math.max(...spec.columns, ...categoryColumns);
  const starts = new Int32Array(maxColumn + 1);
  const ends = new Int32Array(maxColumn + 1);
  const decode = (from: number, to: number) => (spec.encoding === 'utf-8' ? bytes.toString('utf8', from, to) : iconv.decode(bytes.subarray(from, to), 'gb18030'));
  const delimiter = spec.delimiter ?? ',';
  const headerLine = spec.headerLine?.length ? spec.headerLine : undefined;
  // Bytes safe to cut on in this encoding: the byte loop below; otherwise decode and split.
  const delimiterBytes = Buffer.from(delimiter, 'utf8');
  const byteSafe = !delimiterBytes.includes(QUOTE) && (spec.encoding === 'utf-8' || delimiterBytes.every((b) => b < 0x30));
  const first = byteSafe ? delimiterBytes[0] : -1;
  const delimiterAt = (i: number, end: number) => {
    if (i + delimiterBytes.length > end) return false;
    for (let k = 1; k < delimiterBytes.length; k++) if (bytes[i + k] !== delimiterBytes[k]) return false;
    return true;
  };

  // Rows: one per newline, plus a last line without one.
  let rows = 0;
  for (let p = bytes.indexOf(NL); p >= 0; p = bytes.indexOf(NL, p + 1)) rows++;
  if (bytes.length && bytes[bytes.length - 1] !== NL) rows++;
  const size = rows * rowBytes;
  if (into && into.length < size) throw new Error(`hashChunk: ${rows} rows do not fit in ${into.length} bytes`);
  const body = into ? into.subarray(0, size).fill(0) : Buffer.alloc(size);
  let invalid = 0;
  let unusable = 0;

  /** The slow path for one value, exactly the string rules: hashed, empty or invalid. */
  const slow = (value: string, f: number, at: number): 'hashed' | 'empty' | 'invalid' => {
    value = value.trim().replace(/^"(.*)"$/s, '$1');
    if (isId[f]) {
      const id = readIdNumber(value, h.today);
      if (id.ok) {
        const b = Buffer.from(id.value, 'utf8');
        h.id.digestInto(b, 0, b.length, body, at);
        return 'hashed';
      }
    } else {
      const phone = readPhone(value);
      if (phone.ok) {
        const b = Buffer.from(phone.value, 'utf8');
        h.phone.digestInto(b, 0, b.length, body, at);
        return 'hashed';
      }
    }
    return value === '' ? 'empty' : 'invalid';
  };
  /** Hashes the fields of one line's cells (the decoded path); returns whether any was hashed. */
  const slowLine = (cells: string[], out: number): boolean => {
    let hashed = false;
    for (let f = 0; f < width; f++) {
      const result = slow(cells[spec.columns[f]] ?? '', f, out + f * HASH_BYTES);
      if (result === 'invalid') invalid++;
      else if (result === 'hashed') hashed = true;
    }
    return hashed;
  };

  let pos = 0;
  for (let r = 0; r < rows; r++) {
    let end = bytes.indexOf(NL, pos);
    if (end < 0) end = bytes.length;
    const next = end + 1;
    if (end > pos && bytes[end - 1] === CR) end--;
    const out = r * rowBytes;
    if (headerLine && end - pos === headerLine.length && bytes.compare(headerLine, 0, headerLine.length, pos, end) === 0) {
      unusable++; // a repeated header: no hash, no category, no invalid identifier
      pos = next;
      continue;
    }

    // Cut the cells we need; a quote anywhere (or a delimiter not cut on bytes) sends the line to the CSV parser.
    let quoted = !byteSafe;
    let column = 0;
    let cellStart = pos;
    for (let i = pos; i <= end && column <= maxColumn && !quoted; i++) {
      const b = i < end ? bytes[i] : first;
      if (b === QUOTE) {
        quoted = true;
        break;
      }
      if (b === first && (i === end || delimiterAt(i, end))) {
        starts[column] = cellStart;
        ends[column] = i;
        column++;
        cellStart = i + delimiterBytes.length;
        i += delimiterBytes.length - 1;
      }
    }
    if (quoted) {
      const cells = splitLine(decode(pos, end), delimiter);
      if (!slowLine(cells, out)) unusable++;
      if (categoryColumns.length) {
        let mask = 0;
        for (let k = 0; k < categoryColumns.length; k++) if ((cells[categoryColumns[k]] ?? '').trim() !== '') mask |= 1 << k;
        body.writeUInt32BE(mask >>> 0, out + width * HASH_BYTES);
      }
      pos = next;
      continue;
    }
    let hashed = false;
    for (let f = 0; f < width; f++) {
      const c = spec.columns[f];
      const at = out + f * HASH_BYTES;
      if (c >= column) continue; // no such cell: empty, not invalid
      const s = starts[c];
      const e = ends[c];
      if (s === e) continue;
      if (isId[f] ? fastId(bytes, s, e, h, at, body) : fastPhone(bytes, s, e, h, at, body)) {
        hashed = true;
        continue;
      }
      const result = slow(decode(s, e), f, at);
      if (result === 'invalid') invalid++;
      else if (result === 'hashed') hashed = true;
    }
    if (!hashed) unusable++;
    if (categoryColumns.length) {
      let mask = 0;
      for (let k = 0; k < categoryColumns.length; k++) {
        const c = categoryColumns[k];
        if (c < column && hasText(bytes, starts[c], ends[c], decode)) mask |= 1 << k;
      }
      body.writeUInt32BE(mask >>> 0, out + width * HASH_BYTES);
    }
    pos = next;
  }
  return { body, rows, invalid, unusable };
}

/**
 * Whether bytes [s, e) are a filled cell: anything but whitespace, as String.prototype.trim sees
 * it (the quoted-line path's rule): ASCII is checked on the bytes, a cell with other bytes is
 * decoded (a full-width space alone is empty).
 */
function hasText(bytes: Buffer, s: number, e: number, decode: (from: number, to: number) => string): boolean {
  for (let i = s; i < e; i++) {
    const b = bytes[i];
    if (b >= 0x80) return decode(s, e).trim() !== '';
    if (b !== 0x20 && (b < 0x09 || b > 0x0d)) return true;
  }
  return false;
}

/** An ID number already in normal form (17 digits and a digit or X/x) that readIdNumber accepts, hashed; false otherwise. */
function fastId(bytes: Buffer, s: number, e: number, h: ReturnType<typeof hashersFor>, at: number, body: Buffer): boolean {
  if (e - s !== 18) return false;
  const scratch = h.scratch;
  for (let i = 0; i < 17; i++) {
    const b = bytes[s + i];
    if (!isDigit(b)) return false;
    scratch[i] = b;
  }
  let last = bytes[s + 17];
  if (last === 0x78) last = 0x58; // x -> X, as readIdNumber upper-cases
  if (!isDigit(last) && last !== 0x58) return false;
  scratch[17] = last;
  const d = (i: number) => scratch[i] - ZERO;
  // Region and birth date: the same rule as readIdNumber (idNumberStructureProblem), evaluated
  // once per distinct first three digits and birth date.
  const key = ((d(0) * 10 + d(1)) * 10 + d(2)) * 100_000_000 + (d(6) * 1000 + d(7) * 100 + d(8) * 10 + d(9)) * 10000 + (d(10) * 10 + d(11)) * 100 + d(12) * 10 + d(13);
  let ok = h.dates.get(key);
  if (ok === undefined) {
    ok = idNumberStructureProblem(scratch.toString('latin1', 0, 18), h.today) === null;
    h.dates.set(key, ok);
  }
  if (!ok) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += d(i) * ID_WEIGHTS[i];
  if (ID_CHECK[sum % 11] !== scratch[17]) return false;
  h.id.digestInto(scratch, 0, 18, body, at);
  return true;
}

/** A mainland mobile number already in normal form (11 digits, 1[3-9]…), hashed; false otherwise. */
function fastPhone(bytes: Buffer, s: number, e: number, h: ReturnType<typeof hashersFor>, at: number, body: Buffer): boolean {
  if (e - s !== 11 || bytes[s] !== ZERO + 1) return false;
  const second = bytes[s + 1];
  if (second < ZERO + 3 || second > ZERO + 9) return false;
  for (let i = s + 2; i < e; i++) if (!isDigit(bytes[i])) return false;
  h.phone.digestInto(bytes, s, e, body, at);
  return true;
}

/** GB 11643-1999 weights and check characters (as bytes), as in normalise/id-number. */
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = Buffer.from('10X98765432', 'latin1');
// The fast path must agree with the shared rule.
if (idNumberCheckCharacter('11010519491231002') !== 'X') throw new Error('hash-chunk: ID check table differs from normalise/id-number');
