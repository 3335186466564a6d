import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { type DatasetUploadResult, uploadDataset } from '../../apps/cli/src/dataset/dataset-upload';
import type { TestApi } from './api';
import { enrolInput, phoneFor } from './claimants';
import { waitForJob } from './jobs';

/** The blind-index key the class tests run the API with, so that the CLI can hash datasets. */
export const CLASS_TEST_KEY = Buffer.alloc(32, 7);

/** Calls the API and fails the test on any GraphQL error. */
export async function ok(api: TestApi, token: string, query: string, variables: Record<string, unknown> = {}): Promise<any> {
  const res = await api.gql(query, variables, token);
  if (res.errors) throw new Error(`${query.slice(0, 60)}: ${JSON.stringify(res.errors)}`);
  return res.data!;
}

export async function organisationId(api: TestApi, token: string, kind: string): Promise<string> {
  const data = await ok(api, token, `query($k: OrganisationKind) { organisations(first: 10, kind: $k) { nodes { id } } }`, { k: kind });
  return data.organisations.nodes[0].id;
}

export async function registerIncident(api: TestApi, token: string, over: Record<string, unknown> = {}): Promise<string> {
  const data = await ok(api, token, `mutation($i: RegisterLeakIncidentInput!) { registerLeakIncident(input: $i) { id } }`, {
    i: {
      handler: { name: '某某外卖平台', role: 'NETWORK_SERVICE_PROVIDER' },
      dataCategories: ['NAME', 'PHONE_NUMBER', 'PURCHASE_HISTORY'],
      exposureStart: '2024-01-01',
      exposureEnd: '2024-06-30',
      discoveredOn: '2024-08-01',
      discoveryChannel: 'POLICE_SEIZURE',
      ...over,
    },
  });
  return data.registerLeakIncident.id;
}

export const DEFENDANT = { name: '某某外卖平台有限公司', role: 'NETWORK_SERVICE_PROVIDER', liabilityBasis: 'PRESUMED_FAULT' };

/** Enrols person `n` for the caller's organisation; returns the claimant id. */
export async function enrol(api: TestApi, token: string, n: number, incidentIds: string[], over: Record<string, unknown> = {}): Promise<string> {
  const data = await ok(api, token, `mutation($i: EnrolClaimantInput!) { enrolClaimant(input: $i) { id } }`, {
    i: enrolInput(n, incidentIds[0], { harms: [], incidentIds, ...over }),
  });
  return data.enrolClaimant.id;
}

/** Uploads a seized dataset of the given people's phone numbers through the CLI's protocol and waits for matching. */
export async function uploadPhones(api: TestApi, token: string, incidentId: string, people: number[]): Promise<void> {
  await uploadSeized(api, token, incidentId, ['phone', ...people.map((n) => phoneFor(n))], { columns: 'phone' });
}

/**
 * Uploads a seized CSV file (`lines`, the header first) through the CLI's protocol (`columns` and
 * `categories` as `leakcase dataset import` takes them) and waits for matching; returns the upload's result.
 */
export async function uploadSeized(
  api: TestApi,
  token: string,
  incidentId: string,
  lines: string[],
  options: { columns: string; categories?: string[]; chunkRows?: number },
): Promise<DatasetUploadResult> {
  const server = api.app.getHttpServer();
  if (!server.listening) await api.app.listen(0, '127.0.0.1');
  const dir = mkdtempSync(join(tmpdir(), 'leakcase-class-dataset-'));
  const file = join(dir, 'seized.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  const result = await uploadDataset({
    file,
    incidentId,
    columns: options.columns,
    categories: options.categories,
    server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    token,
    blindIndexKey: CLASS_TEST_KEY,
    chunkRows: options.chunkRows ?? 100,
    workers: 1,
    stateDir: dir,
  });
  const job = await waitForJob(api.gql, token, result.jobId!);
  if (job.status !== 'COMPLETED') throw new Error(`matching failed: ${job.error}`);
  return result;
}

export const MEMBER_FIELDS = `claimantId state stateReason subclass subclassReason bases verified dataCategories harmTypes declaredLossFen
  hasEvidence evidenceOutsideWindow claimant { id nameMasked idNumberMasked }`;

export const COMPOSITION_FIELDS = `totalMembers currentMembers byState { state members } bySubclass { subclass members share }
  byBasis { basis members } verifiedMembers verifiedShare membersWithoutEvidence dataCategories { category members }
  harmTypes { harmType members } membersWithoutHarm losses { members sumFen medianFen maxFen }`;

/** A connection's nodes as a map from a key, for order-free assertions. */
export function byKey<T extends Record<string, any>>(items: T[], key: string): Record<string, T> {
  return Object.fromEntries(items.map((item) => [item[key], item]));
}

/**
 * Asserts two GraphQL answers are the same refusal (message, extensions, no data), once each
 * request's own claimant id is replaced by a placeholder: a refusal that tells the two apart
 * would reveal the membership of a claimant the caller did not enrol.
 */
export function sameRefusal(a: { data?: unknown; errors?: unknown }, b: { data?: unknown; errors?: unknown }, idA: string, idB: string): void {
  const norm = (res: { data?: unknown; errors?: unknown }, id: string) => JSON.parse(JSON.stringify({ data: res.data ?? null, errors: res.errors }).replaceAll(id, '<claimant>'));
  expect(a.errors).toBeDefined();
  expect(norm(a, idA)).toEqual(norm(b, idB));
}
