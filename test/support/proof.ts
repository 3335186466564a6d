import request from 'supertest';
import type { TestApi } from './api';
import { ok } from './classes';

/** A two-page PDF written by hand: two `/Type /Page` objects under one `/Pages` node. */
export const TWO_PAGE_PDF = Buffer.from(
  [
    '%PDF-1.4',
    '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
    '2 0 obj << /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >> endobj',
    '3 0 obj << /Type /Page /Parent 2 0 R >> endobj',
    '4 0 obj << /Type /Page /Parent 2 0 R >> endobj',
    'trailer << /Root 1 0 R >>',
    '%%EOF',
    '',
  ].join('\n'),
);

/** The 8-byte PNG signature and an IHDR chunk's start: enough for the sniffer. */
export const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(64, 1)]);

export const CASE_PARTIES = `parties { id role organisation { id } liabilityBasis }`;

/**
 * A SUPPORTED case opened by the demo association, supported by the demo procuratorate, against
 * `defendants`, filed at the demo court and moved to evidence exchange with a 15-day ORDINARY
 * evidence period served on `servedOn` (so it ends 15 days later, moved off rest days).
 */
export async function caseAtEvidence(
  api: TestApi,
  tokens: { association: string; procurator: string; judge: string },
  defendants: Record<string, unknown>[],
  servedOn = '2025-02-24',
  days = 15,
): Promise<{ id: string; parties: { id: string; role: string; organisation: { id: string } | null; liabilityBasis: string | null }[] }> {
  const orgs = (await ok(api, tokens.judge, `{ organisations(first: 50) { nodes { id kind } } }`)).organisations.nodes as { id: string; kind: string }[];
  const idOf = (kind: string) => orgs.find((o) => o.kind === kind)!.id;
  const opened = await ok(api, tokens.association, `mutation($i: OpenCaseInput!) { openCase(input: $i) { id } }`, {
    i: { type: 'SUPPORTED', title: 'Consumer council v. platform', courtId: idOf('COURT'), supportingOrganisationId: idOf('PROCURATORATE'), defendants },
  });
  const id = opened.openCase.id;
  const move = (token: string, to: string, on: string, extra: Record<string, unknown> = {}) =>
    ok(api, token, `mutation($i: TransitionCaseInput!) { transitionCase(input: $i) { id ${CASE_PARTIES} } }`, { i: { caseId: id, to, on, ...extra } });
  await move(tokens.procurator, 'INVESTIGATION', '2025-02-03');
  await move(tokens.association, 'FILED', '2025-02-17');
  const moved = await move(tokens.judge, 'EVIDENCE_EXCHANGE', servedOn, { days, procedure: 'ORDINARY' });
  return { id, parties: moved.transitionCase.parties };
}

/** POSTs a file as evidence (multipart field `file`); returns status and body. */
export async function submitEvidence(
  api: TestApi,
  token: string,
  caseId: string,
  file: Buffer,
  query: Record<string, string>,
): Promise<{ status: number; body: any }> {
  const res = await request(api.app.getHttpServer())
    .post(`/cases/${caseId}/evidence`)
    .query(query)
    .set('authorization', `Bearer ${token}`)
    .attach('file', file, 'evidence.bin');
  return { status: res.status, body: res.body };
}

/** GETs an evidence file: status and bytes. */
export async function downloadEvidence(api: TestApi, token: string, id: string): Promise<{ status: number; body: Buffer; type?: string }> {
  const res = await request(api.app.getHttpServer())
    .get(`/evidence/${id}/file`)
    .set('authorization', `Bearer ${token}`)
    .buffer(true)
    .parse((response, done) => {
      const parts: Buffer[] = [];
      response.on('data', (d: Buffer) => parts.push(d));
      response.on('end', () => done(null, Buffer.concat(parts)));
    });
  return { status: res.status, body: res.body as Buffer, type: res.headers['content-type'] };
}
