import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
import { HASH_BYTES } from '@app/claimants/datasets/dataset-protocol';
import { blindIndex, IdentifierKind } from '@app/claimants/vault/blind-index';
import { idNumberCheckCharacter, readIdNumber, readPhone } from '@app/claimants/normalise';
import { hashChunk, type HashSpec } from './hash-chunk';

/** The string implementation hashChunk replaced (decode, split, normalise, createHmac): the reference. */
function reference(bytes: Buffer, spec: HashSpec): { body: Buffer; rows: number; invalid: number } {
  const text = spec.encoding === 'utf-8' ? bytes.toString('utf8') : iconv.decode(bytes, 'gb18030');
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const body = Buffer.alloc(lines.length * spec.fields.length * HASH_BYTES);
  let invalid = 0;
  let o = 0;
  for (const raw of lines) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    let cells: string[];
    if (!line.includes('"')) cells = line.split(',');
    else {
      try {
        cells = (parse(line, { relax_quotes: true, relax_column_count: true }) as string[][])[0] ?? [];
      } catch {
        cells = line.split(',');
      }
    }
    for (let f = 0; f < spec.fields.length; f++) {
      const value = (cells[spec.columns[f]] ?? '').trim().replace(/^"|"$/g, '');
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
      o += HASH_BYTES;
    }
  }
  return { body, rows: lines.length, invalid };
}

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
      default: return [good, phone];
    }
  };

  for (const encoding of ['utf-8', 'gb18030'] as const) {
    it(`gives exactly the string implementation's hashes, row count and invalid count (${encoding})`, () => {
      const lines: string[] = [];
      for (let n = 0; n < 1200; n++) {
        const [i, p] = variants(n);
        lines.push(n % 23 === 0 ? '' : n % 29 === 0 ? `某${n},${i}` : `某${n},${i},${p},"备注, 有逗号"${n % 2 ? '\r' : ''}`);
      }
      for (const tail of ['\n', '']) {
        const text = lines.join('\n') + tail;
        const bytes = encoding === 'utf-8' ? Buffer.from(text, 'utf8') : iconv.encode(text, 'gb18030');
        for (const spec of [
          { key, encoding, columns: [1, 2], fields: ['ID_NUMBER', 'PHONE'] },
          { key, encoding, columns: [2], fields: ['PHONE'] },
          { key, encoding, columns: [2, 1], fields: ['PHONE', 'ID_NUMBER'] },
          { key, encoding, columns: [5, 1], fields: ['PHONE', 'ID_NUMBER'] },
        ] as HashSpec[]) {
          const fast = hashChunk(bytes, spec);
          const ref = reference(bytes, spec);
          expect({ rows: fast.rows, invalid: fast.invalid }).toEqual({ rows: ref.rows, invalid: ref.invalid });
          expect(fast.body.equals(ref.body)).toBe(true);
        }
      }
    });
  }

  it('handles an empty chunk and a chunk of one line without a newline', () => {
    const spec: HashSpec = { key, encoding: 'utf-8', columns: [0], fields: ['ID_NUMBER'] };
    expect(hashChunk(Buffer.alloc(0), spec)).toEqual({ body: Buffer.alloc(0), rows: 0, invalid: 0 });
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
});
