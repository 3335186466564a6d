/**
 * The columns of a claimant sheet and the per-upload defaults. Pure (the sealing threads load it).
 */
import { type ConsentMethod, type ConsentScope, enumFromWord, type HarmType } from '../claimant.enums';

/**
 * The columns an import understands, with the header names accepted for each: English, then
 * Chinese (the first Chinese name is the template's). Headers are compared after NFKC (full-width
 * brackets are brackets), case-insensitively, spaces ignored. An amount header without a unit
 * (`损失金额`) is yuan, as Chinese sheets mean it; a yuan header is never read as fen.
 */
export const IMPORT_COLUMNS = {
  name: ['name', '姓名'],
  id_number: ['id_number', '身份证号', '身份证号码', '公民身份号码', '证件号码', '身份证'],
  phone: ['phone', '手机号', '手机号码', '联系电话', '电话', '手机'],
  email: ['email', '邮箱', '电子邮箱'],
  address: ['address', '地址', '联系地址', '住址'],
  consent_given_at: ['consent_given_at', '同意日期', '同意时间', 'consent_date'],
  consent_method: ['consent_method', '同意方式'],
  consent_scope: ['consent_scope', '同意范围'],
  harm_types: ['harm_types', '损害类型', 'harm_type'],
  loss_yuan: ['loss_yuan', '损失金额(元)', '损失金额', '金额(元)'],
  loss_fen: ['loss_fen', '损失金额(分)', '金额(分)'],
  evidence_refs: ['evidence_refs', '证据', '证据材料'],
  incident_ids: ['incident_ids', '泄露事件'],
} as const;
export type ImportColumn = keyof typeof IMPORT_COLUMNS;

/** A header cell's text as compared with IMPORT_COLUMNS. */
export function headerKey(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
}

/**
 * Values given once for a whole file (REST query parameters, CLI flags), already validated: a
 * row's own cell, when its column is present and the cell is not empty, takes precedence.
 */
export interface ImportDefaults {
  consentMethod?: ConsentMethod;
  consentScopes?: ConsentScope[];
  /** Consent date, YYYY-MM-DD (Asia/Shanghai). */
  consentDate?: string;
  harmTypes?: HarmType[];
  /** Lower-case UUIDs. */
  incidentIds?: string[];
}

/** What the row rules need besides a record: the column of each cell (null: ignored), the defaults, the format. */
export interface ImportPlan {
  header: readonly (ImportColumn | null)[];
  defaults: ImportDefaults;
  /** XLSX rows omit trailing empty cells; a short CSV row is a cut line. */
  format: 'csv' | 'xlsx';
}

/** A cell's list: `;`, `|`, `、`, `，`, `；` or `,` between items, blanks dropped. */
export function cellList(value: string): string[] {
  return value
    .split(/[;|；、，,]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A list cell read through an enum's word table (enumFromWord), duplicates dropped; null when a word is none of its values. */
export function enumList<E extends string>(words: Readonly<Record<E, readonly string[]>>, cell: string): E[] | null {
  const values = cellList(cell).map((w) => enumFromWord(words, w));
  return values.includes(null) ? null : [...new Set(values as E[])];
}
