import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
import { HASH_BYTES } from '@app/claimants/datasets/dataset-protocol';
import { blindIndex, IdentifierKind } from '@app/claimants/vault/blind-index';
import { idNumberCheckCharacter, readIdNumber, readPhone } from '@app/claimants/normalise';
import fc from 'fast-check';
import { type RawEnrolment, sealEnrolment } from '@app/claimants/enrolment-record';
import { ID_NUMBER_CASES, PHONE_CASES, rawEnrolment } from '@app/claimants/normalise/identifier-cases.fixture';
import { createSealer } from '@app/claimants/vault/sealer';
import { hashChunk, type HashSpec } from './hash-chunk';

/** The string implementation hashChunk replaced (decode, split, normalise, createHmac): the reference. */
function reference(bytes: Buffer, spec: HashSpec): { body: Buffer; rows: number; invalid: number; unusable: number } {
  const delimiter = spec.delimiter ?? ',';
  const text = spec.encoding === 'utf-8' ? bytes.toString('utf8') : iconv.decode(bytes, 'gb18030');
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const body = Buffer.alloc(lines.length * spec.fields.length * HASH_BYTES);
  let invalid = 0;
  let unusable = 0;
  let o = 0;
  for (const raw of lines) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    let cells: string[];
    if (!line.includes('"')) cells = line.split(delimiter);
    else {
      try {
        cells = (parse(line, { delimiter, relax_quotes: true, relax_column_count: true }) as string[][])[0] ?? [];
      } catch {
        cells = line.split(delimiter);
      }
    }
    let any = false;
    for (let f = 0; f < spec.fields.length; f++) {
      const value = (cells[spec.columns[f]] ?? '').trim().replace(/^"(.*)"$/s, '$1');
      let hash: Buffer | null = null;
      if (spec.fields[f] === 'ID_NUMBER') {
        const id = readIdNumber(value);
        if (id.ok) hash = blindIndex(spec.key, IdentifierKind.ID_NUMBER, id.value);
      } else {
        const phone = readPhone(value);
        if (phone.ok) hash = blindIndex(spec.key, IdentifierKind.PHONE, phone.value);
      }
      if (hash) hash.copy(body, o);
      else if (value) invalid++;
      any ||= hash !== null;
      o += HASH_BYTES;
    }
    if (!any) unusable++;
  }
  return { body, rows: lines.length, invalid, unusable };
}

/** ASCII letters and digits as their full-width forms (U+FF01.. = U+0021.. + 0xFEE0). */
const toFullWidth = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

function id(n: number): string {
  const first17 = `${110000 + (n % 80000)}19${String(50 + (n % 50)).padStart(2, '0')}${String(1 + (n % 12)).padStart(2, '0')}${String(1 + (n % 28)).padStart(2, '0')}${String(n % 1000).padStart(3, '0')}`;
  return first17 + idNumberCheckCharacter(first17);
}

describe('hashChunk (byte-level fast path)', () => {
  const key = Buffer.alloc(32, 9);
  const variants = (n: number): [string, string] => {
    const good = id(n);
    const phone = `13${String(n).padStart(9, '0')}`;
    switch (n % 17) {
      case 0: return [good.toLowerCase(), `+86 ${phone}`];
      case 1: return [` ${good} `, `0086-${phone.slice(0, 3)}-${phone.slice(3)}`];
      case 2: return [good.slice(0, 17) + (good[17] === '0' ? '1' : '0'), '12345678901'];
      case 3: return ['', ''];
      case 4: return [`"${good}"`, `"${phone}"`];
      case 5: return ['019001011990010112', '23812345678'];
      case 6: return [`${good.slice(0, 10)}1345${good.slice(14)}`, '1381234567x'];
      case 7: return ['身份证', '手机'];
      case 8: return [`${good.slice(0, 6)}29991231${good.slice(14, 17)}X`, `86${phone}`];
      case 9: return [toFullWidth(good), toFullWidth(phone)];
      case 10: return [good.slice(0, 6) + good.slice(8, 17), `（+86）${phone.slice(0, 3)}－${phone.slice(3)}`];
      case 11: return [`="${good}"`, `'${phone}`];
      default: return [good, phone];
    }
  };

  for (const [encoding, d] of [['utf-8', ','], ['gb18030', ','], ['utf-8', '\t'], ['gb18030', '\t'], ['utf-8', '|'], ['gb18030', '|'], ['utf-8', '----'], ['gb18030', '----'], ['utf-8', '｜'], ['gb18030', '｜'], ['utf-8', '||']] as const) {
    it(`gives exactly the string implementation's hashes, row, invalid and unusable counts (${encoding}, delimiter ${JSON.stringify(d)})`, () => {
      const lines: string[] = [];
      for (let n = 0; n < (d === ',' ? 1200 : 400); n++) {
        const [i, p] = variants(n);
        lines.push(n % 23 === 0 ? '' : n % 29 === 0 ? `某${n}${d}${i}` : `某${n}${d}${i}${d}${p}${d}"备注${d} 有分隔"${n % 2 ? '\r' : ''}`);
      }
      for (const tail of ['\n', '']) {
        const text = lines.join('\n') + tail;
        const bytes = encoding === 'utf-8' ? Buffer.from(text, 'utf8') : iconv.encode(text, 'gb18030');
        for (const spec of [
          { key, encoding, columns: [1, 2], fields: ['ID_NUMBER', 'PHONE'], delimiter: d },
          { key, encoding, columns: [2], fields: ['PHONE'], delimiter: d },
          { key, encoding, columns: [2, 1], fields: ['PHONE', 'ID_NUMBER'], delimiter: d },
          { key, encoding, columns: [5, 1], fields: ['PHONE', 'ID_NUMBER'], delimiter: d },
        ] as HashSpec[]) {
          const fast = hashChunk(bytes, spec);
          const ref = reference(bytes, spec);
          expect({ rows: fast.rows, invalid: fast.invalid, unusable: fast.unusable }).toEqual({ rows: ref.rows, invalid: ref.invalid, unusable: ref.unusable });
          expect(fast.body.equals(ref.body)).toBe(true);
        }
      }
    });
  }

  it('handles an empty chunk and a chunk of one line without a newline', () => {
    const spec: HashSpec = { key, encoding: 'utf-8', columns: [0], fields: ['ID_NUMBER'] };
    expect(hashChunk(Buffer.alloc(0), spec)).toEqual({ body: Buffer.alloc(0), rows: 0, invalid: 0, unusable: 0 });
    const one = hashChunk(Buffer.from(id(7)), spec);
    expect(one.rows).toBe(1);
    expect(one.body.equals(blindIndex(key, IdentifierKind.ID_NUMBER, id(7)))).toBe(true);
  });

  it('writes into a reused buffer exactly what it writes into a new one (stale bytes cleared), and refuses one too small', () => {
    const spec: HashSpec = { key, encoding: 'utf-8', columns: [0, 1], fields: ['ID_NUMBER', 'PHONE'] };
    const bytes = Buffer.from(`${id(1)},13800000000\n,\n${id(2)},bad\n`);
    const fresh = hashChunk(bytes, spec);
    const reused = Buffer.alloc(10 * 2 * HASH_BYTES, 0xff);
    const into = hashChunk(bytes, spec, reused);
    expect(into.body.buffer).toBe(reused.buffer);
    expect({ ...into, body: Buffer.from(into.body) }).toEqual(fresh);
    expect(() => hashChunk(bytes, spec, Buffer.alloc(2 * 2 * HASH_BYTES))).toThrow(/do not fit/);
  });

  it('ends each row with the bitmask of its filled category columns, by hand: bit 0 medical card, bit 1 bank card', () => {
    // Columns: phone, medical card, bank card. Values of the category columns never reach the body.
    const spec: HashSpec = { key, encoding: 'utf-8', columns: [0], fields: ['PHONE'], categoryColumns: [1, 2] };
    const rows = [
      '13800000001,YB-001,',          // medical only -> 0b01
      '13800000002,,6222 0200',       // bank only -> 0b10
      '13800000003,YB-003,6222 0300', // both -> 0b11
      '13800000004,  ,',              // blanks only -> 0
      '13800000005',                  // cells missing -> 0
      '"13800000006","YB-006",""',    // quoted line (CSV parser path): medical only -> 0b01
      '13800000007,医保卡,',           // non-ASCII cell -> 0b01
      '13800000008,\u3000,\t',          // a full-width space and a tab: empty, as trim() says -> 0
    ];
    const { body, rows: n } = hashChunk(Buffer.from(rows.join('\n') + '\n'), spec);
    expect(n).toBe(8);
    const rowBytes = HASH_BYTES + 4;
    expect(body.length).toBe(8 * rowBytes);
    const masks = Array.from({ length: 8 }, (_, r) => body.readUInt32BE(r * rowBytes + HASH_BYTES));
    expect(masks).toEqual([0b01, 0b10, 0b11, 0, 0, 0b01, 0b01, 0]);
    expect(body.subarray(0, HASH_BYTES).equals(blindIndex(key, IdentifierKind.PHONE, '13800000001'))).toBe(true);
    expect(body.includes(Buffer.from('YB-001'))).toBe(false);
  });

  it('writes the bitmask with any delimiter, on the byte path and the decoded one (GB18030 with |), and counts a row of categories only as unusable', () => {
    // Columns: phone, medical card, bank card, cut on `----` (bytes) and `|` (decoded in GB18030).
    const rows = (d: string) => [`13800000001${d}YB-001${d}`, `${d}医保${d}6222`, `13800000003${d}${d}6222`];
    const expected = { masks: [0b01, 0b11, 0b10], unusable: 1 }; // row 2 fills categories but has no phone
    for (const [delimiter, encoding] of [['----', 'utf-8'], ['|', 'gb18030']] as const) {
      const spec: HashSpec = { key, encoding, columns: [0], fields: ['PHONE'], categoryColumns: [1, 2], delimiter };
      const text = rows(delimiter).join('\r\n') + '\r\n';
      const bytes = encoding === 'utf-8' ? Buffer.from(text) : iconv.encode(text, 'gb18030');
      const { body, rows: n, unusable } = hashChunk(bytes, spec);
      expect(n).toBe(3);
      const rowBytes = HASH_BYTES + 4;
      expect(Array.from({ length: 3 }, (_, r) => body.readUInt32BE(r * rowBytes + HASH_BYTES))).toEqual(expected.masks);
      expect(unusable).toBe(expected.unusable);
      expect(body.subarray(2 * rowBytes, 2 * rowBytes + HASH_BYTES).equals(blindIndex(key, IdentifierKind.PHONE, '13800000003'))).toBe(true);
    }
  });

  it('counts a repeated header line as unusable only, not its cells as invalid identifiers, on the byte path and the decoded one', () => {
    // Columns: name, ID number, phone. Lines: a repeated header (LF, then CRLF), a person, a line
    // that only resembles the header (its two identifier cells are invalid), a quoted repeated header.
    for (const [delimiter, encoding] of [[',', 'utf-8'], ['|', 'gb18030'], ['----', 'gb18030']] as const) {
      const header = ['姓名', '身份证号', '手机号'].join(delimiter);
      const quoted = ['"姓名"', '"身份证号"', '"手机号"'].join(delimiter);
      const encode = (t: string) => (encoding === 'utf-8' ? Buffer.from(t) : iconv.encode(t, 'gb18030'));
      const text = [header, `${header}\r`, ['张三', id(3), '13800000003'].join(delimiter), ['姓名', '身份证', '手机'].join(delimiter), quoted].join('\n') + '\n';
      for (const headerLine of [encode(header), encode(quoted)]) {
        const spec: HashSpec = { key, encoding, columns: [1, 2], fields: ['ID_NUMBER', 'PHONE'], delimiter, headerLine };
        const got = hashChunk(encode(text), spec);
        const repeats = headerLine.equals(encode(header)) ? 2 : 1;
        // Unusable: every line but the person's. Invalid: the cells of the header lines not equal to headerLine, and the look-alike's 2.
        expect({ rows: got.rows, unusable: got.unusable, invalid: got.invalid }).toEqual({ rows: 5, unusable: 4, invalid: 2 * (3 - repeats) + 2 });
        expect(got.body.subarray(2 * 2 * HASH_BYTES, 2 * 2 * HASH_BYTES + HASH_BYTES).equals(blindIndex(key, IdentifierKind.ID_NUMBER, id(3)))).toBe(true);
      }
    }
  });
});

describe('the dataset hasher applies the shared value rules (the table of identifier-cases.fixture)', () => {
  const key = Buffer.alloc(32, 5);
  const ZERO = Buffer.alloc(HASH_BYTES);

  for (const [kind, cases, field] of [['ID number', ID_NUMBER_CASES, 'ID_NUMBER'], ['phone', PHONE_CASES, 'PHONE']] as const) {
    it.each(cases.map((c) => [c.label, c] as const))(`${kind}: %s`, (_, c) => {
      for (const encoding of ['utf-8', 'gb18030'] as const) {
        const line = `某人,${c.raw},备注\r\n`;
        const bytes = encoding === 'utf-8' ? Buffer.from(line, 'utf8') : iconv.encode(line, 'gb18030');
        const out = hashChunk(bytes, { key, encoding, columns: [1], fields: [field] });
        const expected = c.normal === null ? ZERO : blindIndex(key, field === 'ID_NUMBER' ? IdentifierKind.ID_NUMBER : IdentifierKind.PHONE, c.normal);
        expect(out.body.equals(expected)).toBe(true);
        expect(out).toMatchObject({ rows: 1, invalid: c.normal === null && c.raw !== '' ? 1 : 0, unusable: c.normal === null ? 1 : 0 });
      }
    });
  }
});

describe('property: a value the normaliser accepts hashes to the same blind index at enrolment and in a seized dataset', () => {
  const keys = { encryptionKey: Buffer.alloc(32, 1), keyVersion: 1, blindIndexKey: Buffer.alloc(32, 3) };
  const sealer = createSealer(keys);
  const enrol = (over: Partial<RawEnrolment>) => sealEnrolment(sealer, rawEnrolment(over));
  const PROVINCES = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83];

  /** A valid 18-character number: citizen or foreign permanent resident, born 1900-2024. */
  const validId = fc
    .record({
      foreign: fc.boolean(),
      province: fc.constantFrom(...PROVINCES),
      rest: fc.integer({ min: 0, max: 9999 }),
      born: fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2024-12-31T00:00:00Z'), noInvalidDate: true }),
      seq: fc.integer({ min: 0, max: 999 }),
    })
    .map(({ foreign, province, rest, born, seq }) => {
      const region = foreign ? `9${province}${String(rest % 1000).padStart(3, '0')}` : `${province}${String(rest).padStart(4, '0')}`;
      const first17 = `${region}${born.toISOString().slice(0, 10).replace(/-/g, '')}${String(seq).padStart(3, '0')}`;
      return first17 + idNumberCheckCharacter(first17);
    });
  /** The raw forms people and spreadsheets give a valid number. */
  const rawId = fc.tuple(validId, fc.constantFrom('plain', 'lower', 'full-width', 'spaced', 'hyphens', 'apostrophe', 'formula', 'fifteen')).map(([id, form]) => {
    switch (form) {
      case 'lower': return id.toLowerCase();
      case 'full-width': return toFullWidth(id);
      case 'spaced': return `${id.slice(0, 6)} ${id.slice(6, 14)}\u3000${id.slice(14)}`;
      case 'hyphens': return `${id.slice(0, 6)}-${id.slice(6, 14)}－${id.slice(14)}`;
      case 'apostrophe': return `'${id}`;
      case 'formula': return `="${id}"`;
      case 'fifteen': return id[0] !== '9' && id.slice(6, 8) === '19' ? id.slice(0, 6) + id.slice(8, 17) : id;
      default: return id;
    }
  });
  const rawPhone = fc
    .tuple(fc.integer({ min: 3, max: 9 }), fc.integer({ min: 0, max: 999_999_999 }), fc.constantFrom('', '+86 ', '0086-', '86', '（+86）', "'"), fc.boolean())
    .map(([second, rest, prefix, wide]) => {
      const phone = `1${second}${String(rest).padStart(9, '0')}`;
      return prefix + (wide ? toFullWidth(phone) : phone);
    });
  /** Cells the hasher may meet: the forms above, and anything at all (without the file's own separators). */
  const cell = (forms: fc.Arbitrary<string>) => fc.oneof(forms, fc.string({ unit: 'grapheme', maxLength: 24 })).filter((s) => !/[,\r\n"]/.test(s));

  it('for ID numbers and phones, in UTF-8 and GB18030, through hashChunk on a CSV line holding the raw forms', () => {
    fc.assert(
      fc.property(cell(rawId), cell(rawPhone), fc.constantFrom('utf-8' as const, 'gb18030' as const), (idRaw, phoneRaw, encoding) => {
        const id = readIdNumber(idRaw);
        const phone = readPhone(phoneRaw);
        const line = `某人,${idRaw},${phoneRaw},备注\n`;
        const bytes = encoding === 'utf-8' ? Buffer.from(line, 'utf8') : iconv.encode(line, 'gb18030');
        if (encoding === 'gb18030' && iconv.decode(bytes, 'gb18030') !== line) return; // not representable in GB18030
        const hashed = hashChunk(bytes, { key: keys.blindIndexKey, encoding, columns: [1, 2], fields: ['ID_NUMBER', 'PHONE'] }).body;
        const sealed = enrol({ idNumber: id.ok ? idRaw : '11010519491231002X', phone: phone.ok ? phoneRaw : '13812345678' });
        if (!('sealed' in sealed)) throw new Error(`enrolment refused an accepted value: ${sealed.problem.field}`);
        if (id.ok) expect(hashed.subarray(0, HASH_BYTES).equals(sealed.sealed.idNumberIndex)).toBe(true);
        else expect(hashed.subarray(0, HASH_BYTES).equals(Buffer.alloc(HASH_BYTES))).toBe(true);
        if (phone.ok) expect(hashed.subarray(HASH_BYTES).equals(sealed.sealed.phoneIndex)).toBe(true);
        else expect(hashed.subarray(HASH_BYTES).equals(Buffer.alloc(HASH_BYTES))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
