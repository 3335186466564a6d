import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
// Only the pure modules: this file runs in worker threads, which must not load Nest or native addons.
import { type DatasetField, HASH_BYTES } from '@app/claimants/datasets/dataset-protocol';
import { blindIndex, IdentifierKind } from '@app/claimants/vault/blind-index';
import { idNumberProblem, normaliseIdNumber, normalisePhone } from '@app/claimants/vault/identifiers';

/** What a hashing worker needs: the key stays on this machine. */
export interface HashSpec {
  key: Buffer;
  encoding: 'utf-8' | 'gb18030';
  /** Column index of each field in `fields` order. */
  columns: number[];
  fields: DatasetField[];
}

/** Splits one CSV line; quoted lines go through csv-parse, plain ones are split on commas. */
function splitLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  try {
    return (parse(line, { relax_quotes: true, relax_column_count: true }) as string[][])[0] ?? [];
  } catch {
    return line.split(',');
  }
}

/**
 * Hashes the lines of one chunk: for each line, one 32-byte blind index per field, in the same
 * normalise + blindIndex functions the server uses for enrolment; zeros for a missing or invalid
 * identifier. Every line is a row (a blank line is a row without identifiers), so the row count
 * is fixed by the file alone.
 */
export function hashChunk(bytes: Buffer, spec: HashSpec): { body: Buffer; rows: number; invalid: number } {
  const text = spec.encoding === 'utf-8' ? bytes.toString('utf8') : iconv.decode(bytes, 'gb18030');
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const body = Buffer.alloc(lines.length * spec.fields.length * HASH_BYTES);
  let invalid = 0;
  let o = 0;
  for (const raw of lines) {
    const cells = splitLine(raw.endsWith('\r') ? raw.slice(0, -1) : raw);
    for (let f = 0; f < spec.fields.length; f++) {
      const value = (cells[spec.columns[f]] ?? '').trim().replace(/^"|"$/g, '');
      let hash: Buffer | null = null;
      if (spec.fields[f] === 'ID_NUMBER') {
        const id = normaliseIdNumber(value);
        if (!idNumberProblem(id)) hash = blindIndex(spec.key, IdentifierKind.ID_NUMBER, id);
      } else {
        const phone = normalisePhone(value);
        if (phone) hash = blindIndex(spec.key, IdentifierKind.PHONE, phone);
      }
      if (hash) hash.copy(body, o);
      else if (value) invalid++;
      o += HASH_BYTES;
    }
  }
  return { body, rows: lines.length, invalid };
}
