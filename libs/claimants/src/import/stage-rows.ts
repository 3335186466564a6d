/**
 * Validating and sealing one CSV row of a bulk enrolment into a line of COPY text. Pure (no Nest,
 * no database), so the sealing worker threads run it; the import service runs it inline when no
 * worker script is available (tests run the TypeScript sources).
 */
import type { ConsentMethod as ConsentMethodType, ConsentScope as ConsentScopeType, HarmType as HarmTypeType } from '../claimant.enums';
import { ConsentMethod, ConsentScope, HarmType } from '../claimant.enums';
import { type SealedEnrolment, type Sealer, sealEnrolment } from '../enrolment-record';
import { readShanghaiDateTime } from '../normalise';
import { declaredHarms } from '../rules/declared-harms';
import type { ImportColumn, RowRejection } from './claimant-import.service';
import { REPLACEMENT } from './decode';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const list = (value: string | undefined) => (value ?? '').split(/[;|；]/).map((s) => s.trim()).filter(Boolean);

/** COPY text-format escaping of one value. */
function copyText(value: string | null): string {
  if (value === null) return '\\N';
  if (!/[\\\t\n\r]/.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}
const copyBytes = (b: Buffer | null) => (b ? `\\\\x${b.toString('hex')}` : '\\N');
const copyArray = (items: string[]) => copyText(`{${items.map((i) => `"${i}"`).join(',')}}`);

/** A row accepted with a warning (accepted, but look): the CSV column and what was done, never the value. */
export interface RowWarning {
  row: number;
  field: string;
  code: string;
  message: string;
}

/** Validates and seals one row into a COPY line; on a problem records it and returns null; warnings go to `warn`. */
export function stageRow(
  sealer: Sealer,
  importId: string,
  row: number,
  record: string[],
  header: readonly (ImportColumn | null)[],
  reject: (r: RowRejection) => void,
  warn: (w: RowWarning) => void,
): string | null {
  if (record.length !== header.length) {
    reject({ row, field: 'row', reason: `has ${record.length} fields where the header has ${header.length} (truncated?)` });
    return null;
  }
  const garbled = record.findIndex((cell) => cell.includes(REPLACEMENT));
  if (garbled >= 0) {
    reject({ row, field: header[garbled]!, reason: 'has bytes that are not valid in the file\'s encoding (save it as UTF-8, or give the encoding)' });
    return null;
  }
  const v: Partial<Record<ImportColumn, string>> = {};
  header.forEach((column, i) => (v[column!] = record[i]));

  if (!v.consent_given_at) return reject({ row, field: 'consent_given_at', reason: 'is required (no consent recorded)' }), null;
  const givenAt = readShanghaiDateTime(v.consent_given_at);
  if (!givenAt.ok) return reject({ row, field: 'consent_given_at', reason: givenAt.reason }), null;
  const method = (v.consent_method ?? '').toUpperCase();
  if (!method) return reject({ row, field: 'consent_method', reason: 'is required (no consent recorded)' }), null;
  if (!(method in ConsentMethod)) return reject({ row, field: 'consent_method', reason: `must be one of ${Object.keys(ConsentMethod).join(', ')}` }), null;
  const scopes = list(v.consent_scope).map((s) => s.toUpperCase());
  if (scopes.some((s) => !(s in ConsentScope))) return reject({ row, field: 'consent_scope', reason: `must list ${Object.keys(ConsentScope).join(', ')}` }), null;
  const harmTypes = list(v.harm_types).map((s) => s.toUpperCase());
  if (harmTypes.some((s) => !(s in HarmType))) return reject({ row, field: 'harm_types', reason: `must list values of ${Object.keys(HarmType).join(', ')}` }), null;
  const incidentIds = list(v.incident_ids);
  if (incidentIds.some((id) => !UUID.test(id))) return reject({ row, field: 'incident_ids', reason: 'must list leak incident ids (UUIDs)' }), null;
  const evidenceRefs = list(v.evidence_refs);
  const loss = v.loss_fen?.trim() || null;
  const declared = declaredHarms(harmTypes as HarmTypeType[], loss, evidenceRefs);

  const result = sealEnrolment(sealer, {
    name: v.name ?? '',
    idNumber: v.id_number ?? '',
    phone: v.phone ?? '',
    email: v.email,
    address: v.address,
    consentGivenAt: givenAt.value,
    consentMethod: method as ConsentMethodType,
    consentScopes: scopes as ConsentScopeType[],
    harms: declared.harms,
    incidentIds: [...new Set(incidentIds.map((i) => i.toLowerCase()))],
  });
  if ('problem' in result) {
    reject({ row, field: CSV_FIELD[result.problem.field] ?? result.problem.field, reason: result.problem.reason });
    return null;
  }
  for (const w of declared.warnings) warn({ row, field: 'harm_types', code: w.code, message: w.message });
  for (const w of result.warnings) warn({ row, field: CSV_FIELD[w.field] ?? w.field, code: w.code, message: w.message });
  return stageLine(importId, row, result.sealed);
}

/** Problems from sealEnrolment name input fields; the report names the CSV column. */
const CSV_FIELD: Record<string, string> = {
  name: 'name',
  idNumber: 'id_number',
  phone: 'phone',
  email: 'email',
  address: 'address',
  harms: 'harm_types',
  'harms.evidenceRefs': 'evidence_refs',
  'consent.givenAt': 'consent_given_at',
  'consent.scopes': 'consent_scope',
  'harms.amountFen': 'loss_fen',
  incidentIds: 'incident_ids',
};

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
    ].join('\t') + '\n'
  );
}

/** One batch of parsed records (with their record numbers) of an import staged: COPY text, rejections and warnings, in row order. */
export function stageBatch(
  sealer: Sealer,
  importId: string,
  header: readonly (ImportColumn | null)[],
  rows: readonly number[],
  records: readonly string[][],
): { text: string; rejections: RowRejection[]; warnings: RowWarning[] } {
  const rejections: RowRejection[] = [];
  const warnings: RowWarning[] = [];
  let text = '';
  for (let i = 0; i < records.length; i++) {
    const line = stageRow(sealer, importId, rows[i], records[i], header, (r) => rejections.push(r), (w) => warnings.push(w));
    if (line) text += line;
  }
  return { text, rejections, warnings };
}
