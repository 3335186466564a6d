import type { ConsentMethod, ConsentScope, HarmType } from './claimant.enums';
import { normaliseAddress } from './vault/address';
import { consentProblem, harmProblem } from './rules/consent';
import { type NormaliseWarning, readFen, readIdNumber, readName, readPhone } from './normalise';
import { maskEmail, maskIdNumber, maskName, maskPhone } from './vault/identifiers';

/** What sealing needs from the vault (VaultService, or the sealing worker's own). */
export interface Sealer {
  encrypt(plaintext: string, field: string): Buffer;
  idIndex(normalisedId: string): Buffer;
  phoneIndex(normalisedPhone: string): Buffer;
  addressIndex(normalisedAddress: string): Buffer;
}

/** One claimant's enrolment as typed or read from a CSV row, before validation. */
export interface RawEnrolment {
  name: string;
  idNumber: string;
  phone: string;
  email?: string | null;
  address?: string | null;
  consentGivenAt: Date;
  consentMethod: ConsentMethod;
  consentScopes: ConsentScope[];
  harms: { type: HarmType; amountFen?: string | null; evidenceRefs: string[] }[];
  incidentIds: string[];
}

/** A validated enrolment, its identifiers sealed: this is all that reaches the database. */
export interface SealedEnrolment {
  idNumberIndex: Buffer;
  phoneIndex: Buffer;
  /** The address's blind index (normaliseAddress), for the shared-address anomaly; null without an address. */
  addressIndex: Buffer | null;
  nameEnc: Buffer;
  idNumberEnc: Buffer;
  phoneEnc: Buffer;
  emailEnc: Buffer | null;
  addressEnc: Buffer | null;
  nameMasked: string;
  idNumberMasked: string;
  phoneMasked: string;
  emailMasked: string | null;
  consentGivenAt: Date;
  consentMethod: ConsentMethod;
  consentScopes: ConsentScope[];
  harms: { type: HarmType; amountFen: string | null; evidenceRefs: string[] }[];
  incidentIds: string[];
}

export interface FieldProblem {
  field: string;
  reason: string;
}

/** A value accepted with a warning (normalise's), naming the input field; never the value. */
export interface FieldWarning extends NormaliseWarning {
  field: string;
}

/** Length limits of an enrolment, the same for the GraphQL input and a CSV row (characters / items). */
export const ENROLMENT_LIMITS = { name: 100, email: 200, address: 500, evidenceRef: 500, evidenceRefs: 50, harms: 20, incidents: 50 } as const;

/** The most warnings sealEnrolment gives: a name normalised, an ID upgraded from 15 digits, an ID possibly truncated (each once). */
export const MAX_ENROLMENT_WARNINGS = 3;

/** Control and bidirectional-override characters: never part of a name or address, and they garble rosters. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function textProblem(field: string, value: string | null, max: number): FieldProblem | undefined {
  if (value === null) return undefined;
  if (value.length > max) return { field, reason: `must be at most ${max} characters` };
  if (UNPRINTABLE.test(value)) return { field, reason: 'contains control or direction-override characters' };
  return undefined;
}

/** AAD contexts of the encrypted columns (a ciphertext only decrypts in its own column). */
export const SEALED_FIELDS = {
  name: 'claimant_enrolment.name',
  idNumber: 'claimant_enrolment.id_number',
  phone: 'claimant_enrolment.phone',
  email: 'claimant_enrolment.email',
  address: 'claimant_enrolment.address',
} as const;

/**
 * Validates, normalises and seals one enrolment. Problems name the field and the rule, never the
 * value; warnings (an ID upgraded from 15 digits, a name normalised) name the field and what was
 * done. Shared by single enrolment and bulk import, so both apply the same rules (normalise/).
 */
export function sealEnrolment(vault: Sealer, raw: RawEnrolment): { sealed: SealedEnrolment; warnings: FieldWarning[] } | { problem: FieldProblem } {
  const warnings: FieldWarning[] = [];
  const nameRead = readName(raw.name);
  if (!nameRead.ok) return { problem: { field: 'name', reason: nameRead.reason } };
  const name = nameRead.value;
  for (const w of nameRead.warnings) warnings.push({ field: 'name', ...w });
  const address = raw.address?.trim() || null;
  const email = raw.email?.trim() || null;
  const textual =
    textProblem('name', name, ENROLMENT_LIMITS.name) ??
    textProblem('email', email, ENROLMENT_LIMITS.email) ??
    textProblem('address', address, ENROLMENT_LIMITS.address);
  if (textual) return { problem: textual };
  if (raw.harms.length > ENROLMENT_LIMITS.harms) return { problem: { field: 'harms', reason: `at most ${ENROLMENT_LIMITS.harms}` } };
  for (const harm of raw.harms) {
    if (harm.evidenceRefs.length > ENROLMENT_LIMITS.evidenceRefs) return { problem: { field: 'harms.evidenceRefs', reason: `at most ${ENROLMENT_LIMITS.evidenceRefs}` } };
    for (const ref of harm.evidenceRefs) {
      const problem = textProblem('harms.evidenceRefs', ref, ENROLMENT_LIMITS.evidenceRef);
      if (problem) return { problem };
    }
  }
  const id = readIdNumber(raw.idNumber);
  if (!id.ok) return { problem: { field: 'idNumber', reason: id.reason } };
  for (const w of id.warnings) warnings.push({ field: 'idNumber', ...w });
  const idNumber = id.value;
  const phoneRead = readPhone(raw.phone);
  if (!phoneRead.ok) return { problem: { field: 'phone', reason: phoneRead.reason } };
  const phone = phoneRead.value;
  if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return { problem: { field: 'email', reason: 'is not an email address' } };
  const consent = consentProblem(raw.consentGivenAt, raw.consentScopes);
  if (consent) return { problem: consent };
  const harms: SealedEnrolment['harms'] = [];
  for (const harm of raw.harms) {
    const problem = harmProblem(harm.type, harm.amountFen);
    if (problem) return { problem };
    let amountFen: string | null = null;
    if (harm.amountFen !== undefined && harm.amountFen !== null && harm.amountFen.trim() !== '') {
      const amount = readFen(harm.amountFen);
      if (!amount.ok) return { problem: { field: 'harms.amountFen', reason: amount.reason } };
      amountFen = String(amount.value);
    }
    harms.push({ type: harm.type, amountFen, evidenceRefs: harm.evidenceRefs });
  }
  if (raw.incidentIds.length === 0) return { problem: { field: 'incidentIds', reason: 'must name at least one leak incident' } };
  if (raw.incidentIds.length > ENROLMENT_LIMITS.incidents) return { problem: { field: 'incidentIds', reason: `at most ${ENROLMENT_LIMITS.incidents}` } };
  return {
    warnings,
    sealed: {
      idNumberIndex: vault.idIndex(idNumber),
      phoneIndex: vault.phoneIndex(phone),
      addressIndex: address && normaliseAddress(address) ? vault.addressIndex(normaliseAddress(address)!) : null,
      nameEnc: vault.encrypt(name, SEALED_FIELDS.name),
      idNumberEnc: vault.encrypt(idNumber, SEALED_FIELDS.idNumber),
      phoneEnc: vault.encrypt(phone, SEALED_FIELDS.phone),
      emailEnc: email ? vault.encrypt(email, SEALED_FIELDS.email) : null,
      addressEnc: address ? vault.encrypt(address, SEALED_FIELDS.address) : null,
      nameMasked: maskName(name),
      idNumberMasked: maskIdNumber(idNumber),
      phoneMasked: maskPhone(phone),
      emailMasked: email ? maskEmail(email) : null,
      consentGivenAt: raw.consentGivenAt,
      consentMethod: raw.consentMethod,
      consentScopes: raw.consentScopes,
      harms,
      incidentIds: raw.incidentIds,
    },
  };
}
