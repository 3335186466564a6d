import { idNumberCheckCharacter } from '../../libs/claimants/src/normalise';

/** A valid resident ID number (GB 11643 checksum) for person `n`: region 110105, born 1980-2000. */
export function idNumberFor(n: number): string {
  const year = 1980 + (n % 20);
  const month = String(1 + (n % 12)).padStart(2, '0');
  const day = String(1 + (n % 28)).padStart(2, '0');
  const seq = String(n % 1000).padStart(3, '0');
  const first17 = `110105${year}${month}${day}${seq}`;
  return first17 + idNumberCheckCharacter(first17);
}

/**
 * Distinct ID numbers for n = 0..: sequence and birth date both vary (unique for n < 240,000). The
 * sequence runs 101..136, so no number ends in 000 (which draws ID_POSSIBLY_TRUNCATED).
 */
export function uniqueIdNumber(n: number): string {
  const region = 110000 + Math.floor(n / 12000);
  const inYear = n % 12000;
  const day = String(1 + (inYear % 28)).padStart(2, '0');
  const month = String(1 + (Math.floor(inYear / 28) % 12)).padStart(2, '0');
  const seq = String(101 + Math.floor(inYear / 336));
  const first17 = `${region}1990${month}${day}${seq}`;
  return first17 + idNumberCheckCharacter(first17);
}

export function phoneFor(n: number): string {
  return `139${String(n).padStart(8, '0')}`;
}

/** A wrong check character for a valid number. */
export function withBadChecksum(id: string): string {
  const check = id[17] === '0' ? '1' : '0';
  return id.slice(0, 17) + check;
}

export const CSV_HEADER = 'name,id_number,phone,email,consent_given_at,consent_method,consent_scope,harm_types,loss_fen,evidence_refs,incident_ids';

export function csvRow(n: number, incidentId: string, over: Partial<Record<string, string>> = {}): string {
  const v = {
    name: `测试${n}号`,
    id_number: uniqueIdNumber(n),
    phone: phoneFor(n),
    email: '',
    consent_given_at: '2025-03-01 10:00',
    consent_method: 'WRITTEN_SIGNATURE',
    consent_scope: 'REPRESENTATION;DATA_USE',
    harm_types: 'SCAM_CALLS_OR_SPAM',
    loss_fen: '',
    evidence_refs: '',
    incident_ids: incidentId,
    ...over,
  };
  return [v.name, v.id_number, v.phone, v.email, v.consent_given_at, v.consent_method, v.consent_scope, v.harm_types, v.loss_fen, v.evidence_refs, v.incident_ids].join(',');
}

export const INCIDENT_INPUT = {
  handler: { name: '某某外卖平台', role: 'NETWORK_SERVICE_PROVIDER' },
  dataCategories: ['NAME', 'ID_NUMBER', 'PHONE_NUMBER'],
  exposureStart: '2024-01-01',
  discoveredOn: '2024-05-01',
  discoveryChannel: 'POLICE_SEIZURE',
};

export function enrolInput(n: number, incidentId: string, over: Record<string, unknown> = {}) {
  return {
    name: `张${n}`,
    idNumber: uniqueIdNumber(n),
    phone: `+86 ${phoneFor(n)}`,
    consent: { givenAt: '2025-03-01T02:00:00Z', method: 'ELECTRONIC_SIGNATURE', scopes: ['REPRESENTATION', 'DATA_USE'] },
    harms: [{ type: 'FRAUD_LOSS', amountFen: '23822871', evidenceRefs: ['bank statement 2024-06'] }],
    incidentIds: [incidentId],
    ...over,
  };
}

/**
 * Opens a civil public-interest case that links `incidentIds` and names `plaintiffKinds`' demo
 * organisations as plaintiffs: the parties of a case linked to an incident may see it, and so
 * enrol claimants against it (the owner's incident stays invisible to everyone else).
 */
export async function shareIncidentsThroughCase(
  gql: (query: string, variables?: Record<string, unknown>, token?: string) => Promise<{ data?: any; errors?: unknown }>,
  ownerToken: string,
  incidentIds: string[],
  plaintiffKinds: string[],
): Promise<string> {
  const orgs = await gql(`{ organisations(first: 50) { nodes { id kind } } }`, {}, ownerToken);
  const idOf = (kind: string) => (orgs.data!.organisations.nodes as { id: string; kind: string }[]).find((o) => o.kind === kind)!.id;
  const res = await gql(`mutation($i: OpenCaseInput!) { openCase(input: $i) { id } }`, {
    i: {
      type: 'CIVIL_PUBLIC_INTEREST',
      title: 'Shared leak incident',
      courtId: idOf('COURT'),
      plaintiffOrganisationIds: plaintiffKinds.map(idOf),
      incidentIds,
    },
  }, ownerToken);
  if (res.errors) throw new Error(`openCase: ${JSON.stringify(res.errors)}`);
  return res.data!.openCase.id;
}
