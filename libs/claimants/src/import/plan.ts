/**
 * From a sheet's header row and the per-upload defaults to the ImportPlan the row rules follow.
 * File-level problems here refuse the whole file (ImportFileError / InputError), naming columns
 * and positions, never a cell of a data row.
 */
import { isUUID } from 'class-validator';
import { InputError } from '@app/platform';
import { CONSENT_METHOD_WORDS, CONSENT_SCOPE_WORDS, enumFromWord, enumWords, HARM_TYPE_WORDS } from '../claimant.enums';
import { ImportFileError } from '../claimant.errors';
import { cellList, enumList, headerKey, IMPORT_COLUMNS, type ImportColumn, type ImportDefaults } from './columns';
import type { Cell } from './sheet';

/** Columns every file has. */
const ALWAYS_REQUIRED: ImportColumn[] = ['name', 'id_number', 'phone'];
/** Columns a file may leave out when the upload gives their default; the query parameter / CLI flag naming each. */
const DEFAULTABLE: Partial<Record<ImportColumn, { key: keyof ImportDefaults; parameter: string; flag: string }>> = {
  consent_given_at: { key: 'consentDate', parameter: 'consentDate', flag: '--consent-date' },
  consent_method: { key: 'consentMethod', parameter: 'consentMethod', flag: '--consent-method' },
  consent_scope: { key: 'consentScopes', parameter: 'consentScope', flag: '--consent-scope' },
  incident_ids: { key: 'incidentIds', parameter: 'incidentIds', flag: '--incident' },
};
/** At most this many characters of an ignored header are reported. */
const IGNORED_HEADER_CHARS = 40;

/**
 * A header text with what may be an identifier masked: every run of 7 or more digits (a space or
 * hyphen between two of them allowed, a final X of an ID number included) has its digits (and that X) replaced by `*`.
 * A header row that holds a data row's values (an ID number, a phone) is listed without them.
 */
export function maskHeaderDigits(text: string): string {
  return text.replace(/\d(?:[ -]?\d){6,}[Xx]?/g, (run) => run.replace(/[\dXx]/g, '*'));
}

/** `身份证=id_number,电话=phone` -> { 身份证: 'id_number', 电话: 'phone' }. */
export function parseMapping(map: string | undefined): Record<string, ImportColumn> {
  const mapping: Record<string, ImportColumn> = {};
  for (const pair of (map ?? '').split(',').filter(Boolean)) {
    const [header, column] = pair.split('=').map((s) => s.trim());
    if (!header || !column || !Object.hasOwn(IMPORT_COLUMNS, column)) throw new InputError('map', `entries must be header=column with column one of ${Object.keys(IMPORT_COLUMNS).join(', ')}`);
    mapping[header] = column as ImportColumn;
  }
  return mapping;
}

/** The defaults as typed (query parameters or CLI flags): enum words in English or Chinese, lists separated by `;` or `,`. */
export interface RawImportDefaults {
  consentMethod?: string;
  consentScope?: string;
  consentDate?: string;
  harmTypes?: string;
  incidentIds?: string;
}

/** Validates the per-upload defaults; InputError naming the parameter when one is not valid. */
export function readImportDefaults(raw: RawImportDefaults): ImportDefaults {
  const defaults: ImportDefaults = {};
  const given = (v: string | undefined) => v !== undefined && v.trim() !== '';
  if (given(raw.consentMethod)) {
    const method = enumFromWord(CONSENT_METHOD_WORDS, raw.consentMethod!);
    if (!method) throw new InputError('consentMethod', `must be one of ${enumWords(CONSENT_METHOD_WORDS)}`);
    defaults.consentMethod = method;
  }
  if (given(raw.consentScope)) {
    const scopes = enumList(CONSENT_SCOPE_WORDS, raw.consentScope!);
    if (!scopes?.length) throw new InputError('consentScope', `must list ${enumWords(CONSENT_SCOPE_WORDS)}`);
    defaults.consentScopes = scopes;
  }
  if (given(raw.harmTypes)) {
    const types = enumList(HARM_TYPE_WORDS, raw.harmTypes!);
    if (!types?.length) throw new InputError('harmTypes', `must list ${enumWords(HARM_TYPE_WORDS)}`);
    defaults.harmTypes = types;
  }
  if (given(raw.incidentIds)) {
    const ids = cellList(raw.incidentIds!);
    if (!ids.length || ids.some((id) => !isUUID(id))) throw new InputError('incidentIds', 'must list leak incident ids (UUIDs)');
    defaults.incidentIds = [...new Set(ids.map((id) => id.toLowerCase()))];
  }
  if (given(raw.consentDate)) {
    const date = raw.consentDate!.trim();
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
    const real = m && new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])).toISOString().slice(0, 10) === date;
    if (!real) throw new InputError('consentDate', 'must be a calendar date YYYY-MM-DD that exists');
    defaults.consentDate = date;
  }
  return defaults;
}

/** A sheet's header read: the column of each position (null: ignored) and the ignored headers, `position:text` (maskHeaderDigits, at most 40 characters). */
export interface ReadHeader {
  header: (ImportColumn | null)[];
  ignored: string[];
}

/**
 * Reads the header row. Unknown headers are ignored and listed (never a reason to refuse the
 * file), empty ones silently; a column named twice, or a required one missing without a default,
 * refuses the file. When no header names a known column the file is refused without echoing
 * anything (the first row may be a claimant's data).
 */
export function readHeader(cells: readonly Cell[], mapping: Record<string, ImportColumn>, defaults: ImportDefaults): ReadHeader {
  const byName = new Map<string, ImportColumn>();
  for (const [column, names] of Object.entries(IMPORT_COLUMNS)) for (const n of names) byName.set(headerKey(n), column as ImportColumn);
  for (const [name, column] of Object.entries(mapping)) byName.set(headerKey(name), column);
  const texts = cells.map((c) => (typeof c === 'object' ? '' : String(c)));
  const header = texts.map((t) => byName.get(headerKey(t)) ?? null);
  if (!header.some((c) => c !== null)) {
    throw new ImportFileError(`header names none of the columns (such as ${Object.values(IMPORT_COLUMNS).map((n) => n[1]).slice(0, 6).join(', ')}): is the first row the header?`);
  }
  const seen = new Set<ImportColumn>();
  header.forEach((column) => {
    if (column === null) return;
    if (seen.has(column)) throw new ImportFileError(`header names column ${column} twice`);
    seen.add(column);
  });
  if (seen.has('loss_yuan') && seen.has('loss_fen')) throw new ImportFileError('header has both a yuan and a fen loss column: keep one');
  const missing = ALWAYS_REQUIRED.filter((c) => !seen.has(c));
  if (missing.length) throw new ImportFileError(`header lacks required columns: ${missing.join(', ')}`);
  const undefaulted = Object.entries(DEFAULTABLE).filter(([column, d]) => !seen.has(column as ImportColumn) && defaults[d!.key] === undefined);
  if (undefaulted.length) {
    throw new ImportFileError(
      `has no column ${undefaulted.map(([c, d]) => `${c} and no default for it (${d!.parameter}= / ${d!.flag})`).join(', nor ')}`,
    );
  }
  const ignored = header.flatMap((column, i) => (column === null && texts[i].trim() ? [`${i + 1}:${maskHeaderDigits(texts[i].trim()).slice(0, IGNORED_HEADER_CHARS)}`] : []));
  return { header, ignored };
}
