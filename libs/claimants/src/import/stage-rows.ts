/**
 * Validating and sealing one record of a claimant sheet into a line of COPY text. Pure (no Nest,
 * no database), so the sealing worker threads run it; the import service runs it inline when no
 * worker script is available (tests run the TypeScript sources). The value rules themselves
 * (identifiers, phones, names, dates, amounts) are normalise/'s, through sealEnrolment.
 */
import {
  CONSENT_METHOD_WORDS,
  CONSENT_SCOPE_WORDS,
  type ConsentMethod,
  type ConsentScope,
  enumFromWord,
  enumWords,
  HARM_TYPE_WORDS,
} from '../claimant.enums';
import { type SealedEnrolment, type Sealer, sealEnrolment } from '../enrolment-record';
import { readShanghaiDateTime, readYuanAsFen } from '../normalise';
import { declaredHarms } from '../rules/declared-harms';
import { cellList, enumList, type ImportColumn, type ImportPlan } from './columns';
import { REPLACEMENT } from './decode';
import type { Cell } from './sheet';

/** Why a row was refused: the column and the rule, never the value. */
export interface RowRejection {
  row: number;
  field: string;
  reason: string;
}

/** A row accepted with something worth a look (an ID upgraded from 15 digits, a name normalised): the column and what was done, never the value. */
export interface RowWarning {
  row: number;
  field: string;
  code: string;
  message: string;
}

/** One batch staged: COPY text, rejections and warnings, in row order; and what the staging checks as a set. */
export interface StagedBatch {
  text: string;
  rejections: RowRejection[];
  warnings: RowWarning[];
  /** The ID-number blind indexes of the staged lines (32 bytes each, in line order), for the duplicate check. */
  idIndexes: Uint8Array;
  /** The distinct leak incidents the staged lines declare (lower-case UUIDs), for the visibility check. */
  incidentIds: string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The longest digit string Excel keeps exactly in a number cell (it has 15 significant digits). */
const EXCEL_EXACT_DIGITS = 15;
/** Why an ID number typed into a number cell is refused. */
export const STORED_AS_NUMBER = 'Excel stored it as a number, so the digits past the 15th are gone: format the column as text (@) and type it again';


/**
 * Validates and seals one record into a COPY line; on a problem records it and returns null. The
 * record's cells follow `plan.header`; a present, non-empty cell takes precedence over the
 * upload's default. Trailing empty cells are ignored; more non-empty cells than the header has,
 * or (CSV) fewer, refuse the row.
 */
export function stageRow(
  sealer: Sealer,
  importId: string,
  row: number,
  record: readonly Cell[],
  plan: ImportPlan,
  reject: (r: RowRejection) => void,
  warn: (w: RowWarning) => void,
  staged?: (sealed: SealedEnrolment) => void,
): string | null {
  const { header, defaults } = plan;
  const refuse = (field: string, reason: string) => (reject({ row, field, reason }), null);
  let cells = record;
  if (cells.length > header.length) {
    if (cells.slice(header.length).some((c) => c !== '')) {
      return refuse('row', `has ${cells.length} fields where the header has ${header.length}: a value holding the separator without quotes, or a column without a header`);
    }
    cells = cells.slice(0, header.length);
  }
  if (cells.length < header.length) {
    if (plan.format === 'csv') return refuse('row', `has ${cells.length} fields where the header has ${header.length} (truncated?)`);
    cells = [...cells, ...Array<Cell>(header.length - cells.length).fill('')];
  }

  const v: Partial<Record<ImportColumn, string | number>> = {};
  for (let i = 0; i < header.length; i++) {
    const column = header[i];
    if (column === null) continue;
    const cell = cells[i];
    if (typeof cell === 'object') return refuse(column, `is an Excel error cell (${cell.excelError})`);
    if (typeof cell === 'string' && cell.includes(REPLACEMENT)) {
      return refuse(column, "has bytes that are not valid in the file's encoding (save it as UTF-8, or give the encoding)");
    }
    if (typeof cell === 'number' && (column === 'id_number' || column === 'phone')) {
      // Excel keeps 15 significant digits: a longer number lost its tail; a shorter one is exact.
      if (!Number.isSafeInteger(cell) || cell < 0 || String(cell).length > EXCEL_EXACT_DIGITS) return refuse(column, STORED_AS_NUMBER);
      warn({ row, field: column, code: 'STORED_AS_NUMBER', message: 'Excel stored it as a number (read exactly, but format the column as text)' });
    }
    v[column] = cell;
  }
  const text = (column: ImportColumn): string => {
    const cell = v[column];
    return cell === undefined ? '' : String(cell).trim();
  };

  const givenCell = v.consent_given_at !== undefined && text('consent_given_at') !== '' ? v.consent_given_at : defaults.consentDate;
  if (givenCell === undefined) return refuse('consent_given_at', 'is required (no consent recorded)');
  const given = readShanghaiDateTime(givenCell);
  if (!given.ok) return refuse('consent_given_at', given.reason);

  const method = text('consent_method') ? enumFromWord(CONSENT_METHOD_WORDS, text('consent_method')) : (defaults.consentMethod ?? null);
  if (!text('consent_method') && !method) return refuse('consent_method', 'is required (no consent recorded)');
  if (!method) return refuse('consent_method', `must be one of ${enumWords(CONSENT_METHOD_WORDS)}`);

  const scopes = text('consent_scope') ? enumList(CONSENT_SCOPE_WORDS, text('consent_scope')) : (defaults.consentScopes ?? []);
  if (!scopes) return refuse('consent_scope', `must list ${enumWords(CONSENT_SCOPE_WORDS)}`);

  const harmTypes = text('harm_types') ? enumList(HARM_TYPE_WORDS, text('harm_types')) : (defaults.harmTypes ?? []);
  if (!harmTypes) return refuse('harm_types', `must list ${enumWords(HARM_TYPE_WORDS)}`);

  const incidentIds = text('incident_ids') ? cellList(text('incident_ids')) : (defaults.incidentIds ?? []);
  if (incidentIds.some((id) => !UUID.test(id))) return refuse('incident_ids', 'must list leak incident ids (UUIDs)');

  // A loss in yuan is converted exactly to fen here; fen go to sealEnrolment as written (it reads them).
  let loss: string | null = null;
  let lossColumn: ImportColumn = 'loss_fen';
  if (v.loss_yuan !== undefined && text('loss_yuan') !== '') {
    lossColumn = 'loss_yuan';
    const fen = readYuanAsFen(v.loss_yuan);
    if (!fen.ok) return refuse('loss_yuan', fen.reason);
    loss = String(fen.value);
  } else if (v.loss_fen !== undefined && text('loss_fen') !== '') {
    loss = text('loss_fen');
  }
  // Nothing declared is dropped (rules/declared-harms).
  const declared = declaredHarms(harmTypes, loss, cellList(text('evidence_refs')));

  const result = sealEnrolment(sealer, {
    name: text('name'),
    idNumber: text('id_number'),
    phone: text('phone'),
    email: text('email') || null,
    address: text('address') || null,
    consentGivenAt: given.value,
    consentMethod: method as ConsentMethod,
    consentScopes: scopes as ConsentScope[],
    harms: declared.harms,
    incidentIds: [...new Set(incidentIds.map((i) => i.toLowerCase()))],
  });
  if ('problem' in result) {
    const field = result.problem.field === 'harms.amountFen' ? lossColumn : (SHEET_FIELD[result.problem.field] ?? result.problem.field);
    return refuse(field, result.problem.reason);
  }
  for (const w of declared.warnings) warn({ row, field: 'harm_types', code: w.code, message: w.message });
  for (const w of result.warnings) warn({ row, field: SHEET_FIELD[w.field] ?? w.field, code: w.code, message: w.message });
  staged?.(result.sealed);
  return stageLine(importId, row, result.sealed);
}

/** Problems from sealEnrolment name input fields; the report names the sheet's column. */
const SHEET_FIELD: Record<string, string> = {
  name: 'name',
  idNumber: 'id_number',
  phone: 'phone',
  email: 'email',
  address: 'address',
  harms: 'harm_types',
  'harms.evidenceRefs': 'evidence_refs',
  'consent.givenAt': 'consent_given_at',
  'consent.scopes': 'consent_scope',
  incidentIds: 'incident_ids',
};

/** COPY text-format escaping of one value. */
function copyText(value: string | null): string {
  if (value === null) return '\\N';
  if (!/[\\\t\n\r]/.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}
const copyBytes = (b: Buffer | null) => (b ? `\\\\x${b.toString('hex')}` : '\\N');
const copyArray = (items: string[]) => copyText(`{${items.map((i) => `"${i}"`).join(',')}}`);

/** A COPY line of claimant_import_row, in its column order. */
function stageLine(importId: string, row: number, s: SealedEnrolment): string {
  const harms = s.harms.map((h) => ({ type: h.type, amount: h.amountFen, refs: h.evidenceRefs }));
  return (
    [
      importId,
      String(row),
      copyBytes(s.idNumberIndex),
      copyBytes(s.phoneIndex),
      copyBytes(s.nameEnc),
      copyBytes(s.idNumberEnc),
      copyBytes(s.phoneEnc),
      copyBytes(s.emailEnc),
      copyBytes(s.addressEnc),
      copyText(s.nameMasked),
      copyText(s.idNumberMasked),
      copyText(s.phoneMasked),
      copyText(s.emailMasked),
      s.consentGivenAt.toISOString(),
      s.consentMethod,
      copyArray(s.consentScopes),
      copyText(JSON.stringify(harms)),
      copyArray(s.incidentIds),
      copyBytes(s.addressIndex),
    ].join('\t') + '\n'
  );
}

/** One batch of records (with their row numbers) of an import staged: COPY text, rejections and warnings, in row order. */
export function stageBatch(sealer: Sealer, importId: string, plan: ImportPlan, rows: readonly number[], records: readonly (readonly Cell[])[]): StagedBatch {
  const rejections: RowRejection[] = [];
  const warnings: RowWarning[] = [];
  const idIndexes = new Uint8Array(records.length * ID_INDEX_BYTES);
  const incidentIds = new Set<string>();
  let staged = 0;
  const keep = (sealed: SealedEnrolment) => {
    idIndexes.set(sealed.idNumberIndex, staged++ * ID_INDEX_BYTES);
    for (const id of sealed.incidentIds) incidentIds.add(id);
  };
  let text = '';
  for (let i = 0; i < records.length; i++) {
    const line = stageRow(sealer, importId, rows[i], records[i], plan, (r) => rejections.push(r), (w) => warnings.push(w), keep);
    if (line) text += line;
  }
  return { text, rejections, warnings, idIndexes: idIndexes.slice(0, staged * ID_INDEX_BYTES), incidentIds: [...incidentIds] };
}

/** Bytes of a blind index (HMAC-SHA256). */
export const ID_INDEX_BYTES = 32;
