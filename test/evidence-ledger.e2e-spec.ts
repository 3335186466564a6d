import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { APP_CONFIG, type AppConfig } from '@app/platform';
import request from 'supertest';
import { loadConfig } from '@app/platform';
import {
  EvidenceLogService,
  fileDigest,
  LedgerChecksService,
  LedgerExportService,
  LedgerIntegrityError,
  LedgerSchedule,
  noteSigner,
  openNote,
  openSignedHead,
  parseVerifierKey,
  signHead,
  signNote,
  TreeFrontier,
  type TreeHead,
  verifierKey,
  verifyConsistency,
  verifyExport,
  verifyInclusion,
} from '@app/proof';
import { createApi } from '../apps/api/src/bootstrap';
import { startTestApi, type TestApi, testEnv } from './support/api';
import { DEFENDANT, ok } from './support/classes';
import { withClient } from './support/database';
import { waitForJob } from './support/jobs';
import { caseAtEvidence, downloadEvidence, PNG, submitEvidence, TWO_PAGE_PDF } from './support/proof';

const CLI = join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
const run = promisify(execFile);
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
/** RFC 9162 2.1.1, written out here rather than imported: SHA-256(0x00 || leaf). */
const rfcLeafHash = (leaf: Buffer) => createHash('sha256').update(Buffer.concat([Buffer.from([0]), leaf])).digest('hex');

const ITEM = `id caseId partyId organisationId title source sha256 sizeBytes contentType pageCount ledgerIndex leafHash obligationIds exchangedAt`;
const MAX_BYTES = 4096;

interface Ledger {
  api: TestApi;
  config: AppConfig;
  tokens: { association: string; procurator: string; judge: string; admin: string };
  caseId: string;
  defendantId: string;
  items: { id: string; sha256: string; ledgerIndex: string }[];
  heldHead: string;
  heldAuditHead: string;
}

/**
 * A fresh API with one filed case and three evidence items: the association's PDF (entry 0),
 * the defendant's PNG recorded by the court (entry 1), the procuratorate's text (entry 2); and
 * the signed heads a court took of both logs afterwards.
 */
async function ledgerWithThreeItems(): Promise<Ledger> {
  const api = await startTestApi({ EVIDENCE_MAX_BYTES: String(MAX_BYTES), LEDGER_CHECKPOINT_SECONDS: '0' });
  const [association, procurator, judge, admin] = await Promise.all(
    ['association@demo.local', 'procurator@demo.local', 'judge@demo.local', 'admin@demo.local'].map((e) => api.login(e)),
  );
  const tokens = { association, procurator, judge, admin };
  const c = await caseAtEvidence(api, tokens, [DEFENDANT]);
  const defendantId = c.parties.find((p) => p.role === 'DEFENDANT')!.id;
  const items = [];
  for (const [token, file, query] of [
    [association, TWO_PAGE_PDF, { title: 'Police seizure record', source: 'Public security bureau' }],
    [judge, PNG, { title: 'Consent log screenshot', source: 'Submitted by the defendant', partyId: defendantId }],
    [procurator, Buffer.from('出警记录：2024年8月1日扣押硬盘一块。\n'), { title: 'Seizure note', source: 'Procuratorate' }],
  ] as const) {
    const res = await submitEvidence(api, token, c.id, file, query as Record<string, string>);
    expect(res.status).toBe(201);
    items.push(res.body);
  }
  const heldHead = (await ok(api, judge, `{ evidenceLogHead { note } }`)).evidenceLogHead.note;
  const audit = await ok(api, judge, `{ ledgerCheckpoints(log: AUDIT, first: 1) { nodes { note } } }`);
  return { api, config: api.app.get(APP_CONFIG), tokens, caseId: c.id, defendantId, items, heldHead, heldAuditHead: audit.ledgerCheckpoints.nodes[0].note };
}

/** Runs the API's full check with the held heads; returns the job's result. */
async function apiCheck(l: Ledger): Promise<any> {
  const job = await ok(l.api, l.tokens.judge, `mutation($h: String, $a: String) { verifyLedger(heldEvidenceHead: $h, heldAuditHead: $a) { id } }`, {
    h: l.heldHead,
    a: l.heldAuditHead,
  });
  const done = await waitForJob(l.api.gql, l.tokens.judge, job.verifyLedger.id);
  expect(done.status).toBe('COMPLETED');
  return JSON.parse(done.result!);
}

/**
 * Exports the case and checks it offline with the evidence files and the held head. An export
 * the server refuses (the log no longer extends its signed checkpoints, or misses an entry) is
 * a failure too, `refused` true, with the refusal's message as the reason.
 */
async function offlineCheck(l: Ledger): Promise<{ ok: boolean; failure: { index: number | null; reason: string } | null; refused: boolean }> {
  let exported;
  try {
    exported = await l.api.app.get(LedgerExportService).export(l.caseId);
  } catch (error) {
    if (!(error instanceof LedgerIntegrityError)) throw error;
    return { ok: false, failure: { index: (error.facts.index as number | null) ?? null, reason: error.message }, refused: true };
  }
  const verified = await verifyExport(JSON.parse(JSON.stringify(exported)), {
    fileHash: (file) => fileDigest(join(l.config.ledger.evidenceDir, file.name)),
    heldHead: l.heldHead,
  });
  return { ...verified, refused: false };
}

/** Runs SQL as it comes, triggers on: what the application's own database user could do. */
const asApp = async (l: Ledger, sql: string, params: unknown[] = []) => {
  await withClient(l.api.url, (c) => c.query(sql, params));
};

/** Runs SQL as the database owner with triggers off, as whoever tampers with the database would. */
const tamper = (l: Ledger, sql: string, params: unknown[] = []) =>
  withClient(l.api.url, async (c) => {
    await c.query(`SET session_replication_role = replica`);
    await c.query(sql, params);
  });

describe('evidence items and the evidence log', () => {
  let l: Ledger;
  beforeAll(async () => {
    l = await ledgerWithThreeItems();
  });
  afterAll(() => l.api.close());

  it('stores each file under its SHA-256 with the type sniffed from its bytes, PDF pages counted, each appended to the log in order', async () => {
    const [pdf, png, text] = l.items as any[];
    expect(pdf).toMatchObject({ sha256: sha256(TWO_PAGE_PDF), contentType: 'application/pdf', pageCount: 2, ledgerIndex: '0', sizeBytes: String(TWO_PAGE_PDF.length) });
    expect(png).toMatchObject({ contentType: 'image/png', pageCount: null, ledgerIndex: '1', partyId: l.defendantId });
    expect(text).toMatchObject({ contentType: 'text/plain; charset=utf-8', ledgerIndex: '2' });
    for (const item of l.items) expect(readFileSync(join(l.config.ledger.evidenceDir, item.sha256)).length).toBeGreaterThan(0);
    // The leaf is the canonical JSON of the entry; its hash is SHA-256(0x00 || leaf).
    const leaf = Buffer.from(
      `{"caseId":"${l.caseId}","kind":"EVIDENCE","payload":{"contentType":"application/pdf","evidenceId":"${pdf.id}","pageCount":2,"partyId":"${pdf.partyId}",` +
        `"sha256":"${sha256(TWO_PAGE_PDF)}","sizeBytes":${TWO_PAGE_PDF.length}},"v":1}`,
    );
    expect(pdf.leafHash).toBe(rfcLeafHash(leaf));
  });

  it('shows the court every item and each party its own and what the court exchanged; downloads follow the same rule', async () => {
    const list = async (token: string) =>
      (await ok(l.api, token, `query($c: ID!) { evidenceItems(caseId: $c) { totalCount nodes { ledgerIndex } } }`, { c: l.caseId })).evidenceItems;
    expect((await list(l.tokens.judge)).nodes.map((n: any) => n.ledgerIndex)).toEqual(['0', '1', '2']);
    expect((await list(l.tokens.association)).nodes.map((n: any) => n.ledgerIndex)).toEqual(['0']);
    expect((await list(l.tokens.procurator)).nodes.map((n: any) => n.ledgerIndex)).toEqual(['2']);

    const [pdf, png] = l.items;
    expect(await downloadEvidence(l.api, l.tokens.association, pdf.id)).toMatchObject({ status: 200, body: TWO_PAGE_PDF, type: 'application/pdf' });
    expect((await downloadEvidence(l.api, l.tokens.judge, pdf.id)).status).toBe(200);
    expect((await downloadEvidence(l.api, l.tokens.association, png.id)).status).toBe(404);
    expect((await downloadEvidence(l.api, l.tokens.admin, png.id)).status).toBe(403);

    const refused = await l.api.gql(`mutation($id: ID!) { exchangeEvidence(id: $id) { id } }`, { id: png.id }, l.tokens.association);
    expect(refused.errors![0].extensions!.code).toBe('FORBIDDEN');
    const exchanged = await ok(l.api, l.tokens.judge, `mutation($id: ID!) { exchangeEvidence(id: $id) { ${ITEM} } }`, { id: png.id });
    expect(exchanged.exchangeEvidence.exchangedAt).not.toBeNull();
    expect((await list(l.tokens.association)).nodes.map((n: any) => n.ledgerIndex)).toEqual(['0', '1']);
    expect(await downloadEvidence(l.api, l.tokens.association, png.id)).toMatchObject({ status: 200, body: PNG });
  });

  it('refuses the court a submission without the defendant it records it for, and a party another organisation’s party', async () => {
    const none = await submitEvidence(l.api, l.tokens.judge, l.caseId, PNG, { title: 't', source: 's' });
    expect(none.status).toBe(400);
    expect(none.body).toMatchObject({ code: 'BAD_USER_INPUT', field: 'partyId' });
    const plaintiffParty = (await ok(l.api, l.tokens.judge, `query($c: ID!) { case(id: $c) { parties { id role } } }`, { c: l.caseId })).case.parties.find(
      (p: any) => p.role === 'PLAINTIFF',
    ).id;
    const foreign = await submitEvidence(l.api, l.tokens.procurator, l.caseId, PNG, { title: 't', source: 's', partyId: plaintiffParty });
    expect(foreign.body).toMatchObject({ code: 'BAD_USER_INPUT', field: 'partyId' });
  });

  describe('refused uploads store nothing and leave no file', () => {
    const state = async () => {
      const [{ n }] = await withClient(l.api.url, (c) => c.query(`SELECT (SELECT count(*) FROM evidence_item) + (SELECT count(*) FROM ledger_entry) AS n`)).then((r) => r.rows);
      const dir = l.config.ledger.evidenceDir;
      return { rows: Number(n), files: readdirSync(dir).sort(), incoming: readdirSync(join(dir, '.incoming')) };
    };

    it('an empty file', async () => {
      const before = await state();
      const res = await submitEvidence(l.api, l.tokens.association, l.caseId, Buffer.alloc(0), { title: 't', source: 's' });
      expect(res).toMatchObject({ status: 400, body: { code: 'BAD_USER_INPUT', field: 'file', reason: 'is empty' } });
      expect(await state()).toEqual({ ...before, incoming: [] });
    });

    it('a missing title, named as missing', async () => {
      const before = await state();
      const res = await submitEvidence(l.api, l.tokens.association, l.caseId, PNG, { source: 's' });
      expect(res).toMatchObject({ status: 400, body: { code: 'BAD_USER_INPUT', field: 'title', reason: 'is required' } });
      expect(await state()).toEqual({ ...before, incoming: [] });
    });

    it('a file over EVIDENCE_MAX_BYTES', async () => {
      const before = await state();
      const res = await submitEvidence(l.api, l.tokens.association, l.caseId, Buffer.alloc(MAX_BYTES + 1, 0x41), { title: 't', source: 's' });
      expect(res).toMatchObject({ status: 400, body: { code: 'BAD_USER_INPUT', field: 'body' } });
      expect(await state()).toEqual({ ...before, incoming: [] });
    });

    it('an upload whose connection breaks off', async () => {
      const before = await state();
      const server = l.api.app.getHttpServer();
      if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
      await once(socket, 'connect');
      const part = `--B\r\ncontent-disposition: form-data; name="file"; filename="x"\r\ncontent-type: application/octet-stream\r\n\r\n`;
      socket.write(
        `POST /cases/${l.caseId}/evidence?title=t&source=s HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${l.tokens.association}\r\n` +
          `content-type: multipart/form-data; boundary=B\r\ncontent-length: 3000\r\n\r\n${part}${'x'.repeat(1000)}`,
      );
      await new Promise((r) => setTimeout(r, 300));
      socket.destroy();
      // The server notices the broken connection and cleans up on its own: wait until it has.
      for (let i = 0; i < 50 && (await state()).incoming.length > 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(await state()).toEqual({ ...before, incoming: [] });
    });
  });

  it('proves inclusion and consistency as RFC 9162 defines them, against the signed head a court keeps', async () => {
    const head = (await ok(l.api, l.tokens.judge, `{ evidenceLogHead { treeSize rootHash note verifierKey } }`)).evidenceLogHead;
    expect(head.treeSize).toBe('3');
    expect(head.note.split('\n').slice(1, 3)).toEqual(['3', Buffer.from(head.rootHash, 'hex').toString('base64')]);
    const proof = (
      await ok(l.api, l.tokens.association, `query($e: ID!) { evidenceInclusionProof(evidenceId: $e) { leafIndex treeSize leafHash proof rootHash rowsRead } }`, {
        e: l.items[0].id,
      })
    ).evidenceInclusionProof;
    expect(proof).toMatchObject({ leafIndex: 0, treeSize: 3, rootHash: head.rootHash });
    expect(verifyInclusion(0, 3, Buffer.from(proof.leafHash, 'hex'), proof.proof.map((p: string) => Buffer.from(p, 'hex')), Buffer.from(head.rootHash, 'hex'))).toBeNull();
    const consistency = (await ok(l.api, l.tokens.judge, `{ evidenceConsistencyProof(from: 1, to: 3) { fromRoot toRoot proof } }`)).evidenceConsistencyProof;
    expect(consistency.toRoot).toBe(head.rootHash);
    expect(
      verifyConsistency(1, 3, consistency.proof.map((p: string) => Buffer.from(p, 'hex')), Buffer.from(consistency.fromRoot, 'hex'), Buffer.from(head.rootHash, 'hex')),
    ).toBeNull();
    // The proof of a tree of 3: leaf 1's hash, then MTH(leaf 2) (RFC 9162 2.1.3.1 by hand).
    expect(proof.proof).toEqual([await leafHashOf(l, 1), await leafHashOf(l, 2)]);
  });

  it('finds both logs intact, through the API and offline, and the CLI verifies the export with no database', async () => {
    const result = await apiCheck(l);
    expect(result).toMatchObject({ intact: true, evidence: { checked: 3, failure: null }, audit: { failure: null }, filesChecked: 3 });
    expect((await offlineCheck(l)).failure).toBeNull();

    const dir = mkdtempSync(join(tmpdir(), 'leakcase-ledger-'));
    const env = { PATH: process.env.PATH, NODE_ENV: 'test', DATABASE_URL: l.api.url, LEAKCASE_DATA_DIR: join(l.config.dataDir), JWT_SECRET: 'test-secret-test-secret-test-secret-0123' };
    const exported = await run(process.execPath, [CLI, 'ledger', 'export', '--case', l.caseId, join(dir, 'export.json')], { env });
    expect(exported.stdout).toContain(`Wrote 3 entries of case ${l.caseId}`);
    writeFileSync(join(dir, 'head.note'), l.heldHead);
    // No database, no data directory: the verifier needs only the export, the files and the head.
    const offlineEnv = { PATH: process.env.PATH };
    const verified = await run(process.execPath, [CLI, 'ledger', 'verify', join(dir, 'export.json'), '--files', l.config.ledger.evidenceDir, '--head', join(dir, 'head.note')], { env: offlineEnv });
    expect(verified.stdout).toMatch(/^OK: 3 entries in the signed tree of \d+, 3 files intact, consistent with the held head/);
    // The same export with its head forged (a size it never signed): the CLI names it and exits 1.
    const forged = JSON.parse(readFileSync(join(dir, 'export.json'), 'utf8'));
    forged.head = forged.head.replace(/\n(\d+)\n/, (_: string, n: string) => `\n${Number(n) + 1}\n`);
    writeFileSync(join(dir, 'forged.json'), JSON.stringify(forged));
    const refused = await run(process.execPath, [CLI, 'ledger', 'verify', join(dir, 'forged.json')], { env: offlineEnv }).catch((e) => e);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe("leakcase: verification FAILED: the export's head: the signature does not verify\n");
    // A held head that is not there is named, not an unexpected error.
    const absent = await run(process.execPath, [CLI, 'ledger', 'verify', join(dir, 'export.json'), '--head', join(dir, 'absent.note')], { env: offlineEnv }).catch((e) => e);
    expect(absent.code).toBe(1);
    expect(absent.stderr).toBe(`leakcase: cannot read ${join(dir, 'absent.note')}: ENOENT\n`);

    // Without --key or --head the export's own key is trusted: a fully re-signed forgery (another key, same name) verifies,
    // with a warning and exit code 3; the installation's key pinned with --key (here in a file) refuses it.
    const realKey = (await ok(l.api, l.tokens.judge, `{ evidenceLogHead { verifierKey } }`)).evidenceLogHead.verifierKey;
    writeFileSync(join(dir, 'key.txt'), `${realKey}\n`);
    const pinned = await run(process.execPath, [CLI, 'ledger', 'verify', join(dir, 'export.json'), '--key', join(dir, 'key.txt')], { env: offlineEnv });
    expect(pinned.stdout).toContain(`Key: ${realKey} (pinned with --key)`);
    const resigned = JSON.parse(readFileSync(join(dir, 'export.json'), 'utf8'));
    const head = openSignedHead(resigned.head, parseVerifierKey(realKey)) as TreeHead;
    const forger = noteSigner(Buffer.alloc(32, 7), parseVerifierKey(realKey).name);
    const list = openNote(resigned.caseEntries, parseVerifierKey(realKey)) as { text: string };
    Object.assign(resigned, { head: signHead(forger, head), caseEntries: signNote(forger, list.text), verifierKey: verifierKey(forger.name, forger.publicKey), checkpoints: [] });
    writeFileSync(join(dir, 'resigned.json'), JSON.stringify(resigned));
    const unpinned = await run(process.execPath, [CLI, 'ledger', 'verify', join(dir, 'resigned.json')], { env: offlineEnv }).catch((e) => e);
    expect(unpinned.code).toBe(3);
    expect(unpinned.stdout).toContain("(the export's own key, NOT pinned)");
    expect(unpinned.stderr).toContain('WARNING: neither --key, LEDGER_TRUSTED_KEYS nor --head');
    const caught = await run(process.execPath, [CLI, 'ledger', 'verify', join(dir, 'resigned.json'), '--key', realKey], { env: offlineEnv }).catch((e) => e);
    expect(caught.code).toBe(1);
    expect(caught.stderr).toMatch(/^leakcase: verification FAILED: the export is signed by .*, not by the pinned key .*: a forged export\n$/);
    // The keys to trust may also come from LEDGER_TRUSTED_KEYS, or be several --key: one of them must have signed the export.
    const forgerKey = verifierKey(forger.name, forger.publicKey);
    const byEnv = await run(process.execPath, [CLI, 'ledger', 'verify', join(dir, 'export.json')], { env: { ...offlineEnv, LEDGER_TRUSTED_KEYS: `${forgerKey}, ${realKey}` } });
    expect(byEnv.stdout).toContain(`Key: ${realKey} (pinned by LEDGER_TRUSTED_KEYS)`);
    expect(byEnv.stderr).toBe('');
    const forgedByEnv = await run(process.execPath, [CLI, 'ledger', 'verify', join(dir, 'resigned.json')], { env: { ...offlineEnv, LEDGER_TRUSTED_KEYS: realKey } }).catch((e) => e);
    expect(forgedByEnv.code).toBe(1);
    expect(forgedByEnv.stderr).toContain(`not by the pinned key ${realKey}: a forged export`);
    const twoKeys = await run(process.execPath, [CLI, 'ledger', 'verify', join(dir, 'resigned.json'), '--key', realKey, '--key', join(dir, 'key.txt')], { env: offlineEnv }).catch((e) => e);
    expect(twoKeys.stderr).toContain(`not by any of the pinned keys ${realKey}, ${realKey}: a forged export`);
    const eitherKey = await run(process.execPath, [CLI, 'ledger', 'verify', join(dir, 'export.json'), '--key', forgerKey, '--key', realKey], { env: offlineEnv });
    expect(eitherKey.stdout).toContain(`Key: ${realKey} (pinned with --key)`);

    const p = (await ok(l.api, l.tokens.judge, `query($e: ID!) { evidenceInclusionProof(evidenceId: $e, treeSize: 3) { leafHash proof rootHash } }`, { e: l.items[2].id }))
      .evidenceInclusionProof;
    const byHand = await run(process.execPath, [CLI, 'ledger', 'check-inclusion', '--leaf-hash', p.leafHash, '--index', '2', '--tree-size', '3', '--root', p.rootHash, '--proof', p.proof.join(',')], { env: offlineEnv });
    expect(byHand.stdout).toBe('OK: leaf 2 is in the tree of 3\n');
    // An empty proof item (",a,b") is refused, not skipped.
    const gap = await run(process.execPath, [CLI, 'ledger', 'check-inclusion', '--leaf-hash', p.leafHash, '--index', '2', '--tree-size', '3', '--root', p.rootHash, '--proof', `,${p.proof.join(',')}`], { env: offlineEnv }).catch((e) => e);
    expect(gap.code).not.toBe(0);
    expect(gap.stderr).toContain('--proof: each hash is 64 hex digits');
    const wrong = await run(process.execPath, [CLI, 'ledger', 'check-inclusion', '--leaf-hash', p.leafHash, '--index', '1', '--tree-size', '3', '--root', p.rootHash, '--proof', p.proof.join(',')], { env: offlineEnv }).catch((e) => e);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('inclusion proof FAILED');
    const c = (await ok(l.api, l.tokens.judge, `{ evidenceConsistencyProof(from: 2, to: 3) { fromRoot toRoot proof } }`)).evidenceConsistencyProof;
    const consistent = await run(process.execPath, [CLI, 'ledger', 'check-consistency', '--from', '2', '--to', '3', '--from-root', c.fromRoot, '--to-root', c.toRoot, '--proof', c.proof.join(',')], { env: offlineEnv });
    expect(consistent.stdout).toBe('OK: the tree of 3 extends the tree of 2\n');
  });

  it("refuses an export with one of the case's entries dropped, added or reordered, naming the entry, against the signed list of the case's entries", async () => {
    // Another case with one item: entry 3, in the same tree as the first case's entries 0-2.
    const other = await caseAtEvidence(l.api, l.tokens, [DEFENDANT]);
    expect((await submitEvidence(l.api, l.tokens.association, other.id, Buffer.from('another case'), { title: 'Other', source: 's' })).body.ledgerIndex).toBe('3');
    const exports = l.api.app.get(LedgerExportService);
    const exported = JSON.parse(JSON.stringify(await exports.export(l.caseId)));
    const otherExport = JSON.parse(JSON.stringify(await exports.export(other.id)));
    // The signed text lists entries 0, 1 and 2 of the case at the head of 4 entries, by their leaf hashes.
    const root = openSignedHead(exported.head, parseVerifierKey(exported.verifierKey)) as TreeHead;
    const hashes = await Promise.all([0, 1, 2].map((i) => leafHashOf(l, i)));
    expect(exported.caseEntries.split('\n\n')[0].split('\n')).toEqual([
      'leakcase-case-entries/1', 'leakcase/evidence', '4', root.rootHash.toString('base64'), l.caseId, '3', `0 ${hashes[0]}`, `1 ${hashes[1]}`, `2 ${hashes[2]}`,
    ]);
    const check = async (exp: unknown) => (await verifyExport(exp as any, { heldHead: l.heldHead })).failure;
    expect(await check(exported)).toBeNull();
    expect(await check(otherExport)).toBeNull();
    const [e0, e1, e2] = exported.entries;
    const missing = (i: number) => ({ index: i, reason: `entry ${i} of the case is missing from the export (the signed list of the case's entries holds it)` });
    expect(await check({ ...exported, entries: [e0, e2] })).toEqual(missing(1));
    expect(await check({ ...exported, entries: [e0, e1] })).toEqual(missing(2));
    expect(await check({ ...exported, entries: [e1, e2] })).toEqual(missing(0));
    expect(await check({ ...exported, entries: [e0, e2, e1] })).toEqual({ index: 1, reason: "entry 1 is out of order: the signed list of the case's entries has it before entry 2" });
    expect(await check({ ...exported, entries: [e1, e0, e2] })).toEqual({ index: 0, reason: "entry 0 is out of order: the signed list of the case's entries has it before entry 1" });
    expect(await check({ ...exported, entries: [e0, e1, e2, otherExport.entries[0]] })).toEqual({ index: 3, reason: "entry 3 is not in the signed list of the case's entries" });
    // The list cannot be edited, stripped or taken from another case's export.
    const edited = exported.caseEntries.replace(/\n2 [0-9a-f]{64}\n/, '\n').replace('\n3\n0 ', '\n2\n0 ');
    expect(await check({ ...exported, caseEntries: edited, entries: [e0, e1] })).toEqual({ index: null, reason: "the signed list of the case's entries: the signature does not verify" });
    expect(await check({ ...exported, caseEntries: undefined })).toEqual({ index: null, reason: 'not a leakcase ledger export (format 2)' });
    expect(await check({ ...exported, caseEntries: otherExport.caseEntries })).toEqual({ index: null, reason: "the signed list of the case's entries is about another case or head than the export" });

    // The CLI, with no database: the untouched export passes, the one with entry 1 removed fails naming it.
    const dir = mkdtempSync(join(tmpdir(), 'leakcase-ledger-'));
    writeFileSync(join(dir, 'export.json'), JSON.stringify(exported));
    writeFileSync(join(dir, 'dropped.json'), JSON.stringify({ ...exported, entries: [e0, e2] }));
    const offlineEnv = { PATH: process.env.PATH };
    const passed = await run(process.execPath, [CLI, 'ledger', 'verify', join(dir, 'export.json'), '--key', exported.verifierKey], { env: offlineEnv });
    expect(passed.stdout).toMatch(/^OK: 3 entries in the signed tree of 4/);
    const dropped = await run(process.execPath, [CLI, 'ledger', 'verify', join(dir, 'dropped.json'), '--key', exported.verifierKey], { env: offlineEnv }).catch((e) => e);
    expect(dropped.code).toBe(1);
    expect(dropped.stderr).toBe("leakcase: verification FAILED at entry 1: entry 1 of the case is missing from the export (the signed list of the case's entries holds it)\n");
  });

  it('accepts a multipart upload whose file is exactly EVIDENCE_MAX_BYTES (the limit counts the file, not the framing)', async () => {
    const file = Buffer.alloc(MAX_BYTES, 0x41);
    const res = await submitEvidence(l.api, l.tokens.association, l.caseId, file, { title: 'At the limit', source: 's' });
    expect(res).toMatchObject({ status: 201, body: { sha256: sha256(file) } });
    expect(Number(res.body.sizeBytes)).toBe(MAX_BYTES);
  });

  it('answers 500 with the request id, serving nothing, for a stored file that changed or is missing', async () => {
    const path = join(l.config.ledger.evidenceDir, l.items[2].sha256);
    const bytes = readFileSync(path);
    bytes[0] ^= 1;
    writeFileSync(path, bytes);
    const changed = await downloadEvidence(l.api, l.tokens.procurator, l.items[2].id);
    expect(changed.status).toBe(500);
    expect(JSON.parse(changed.body.toString())).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', requestId: expect.any(String) });
    rmSync(join(l.config.ledger.evidenceDir, l.items[0].sha256));
    const missing = await downloadEvidence(l.api, l.tokens.association, l.items[0].id);
    expect(missing.status).toBe(500);
    expect(JSON.parse(missing.body.toString())).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', requestId: expect.any(String) });
  });
});

/** The stored leaf hash of entry `index`, hex. */
async function leafHashOf(l: Ledger, index: number): Promise<string> {
  const { rows } = await withClient(l.api.url, (c) => c.query(`SELECT encode(leaf_hash, 'hex') AS h FROM ledger_entry WHERE idx = $1`, [index]));
  return rows[0].h;
}

/**
 * Each tampering, on a fresh ledger, must be caught by the API's check (job result and alert) and
 * by the offline verifier of an export, each naming the first entry to blame.
 */
describe('tampering is detected by the API check and by the offline verifier', () => {
  const scenarios: [string, (l: Ledger) => Promise<void>, { index: number | null; api: RegExp; offline: RegExp; refused?: boolean; logWide?: boolean }][] = [
    [
      'a changed byte in a stored evidence file',
      async (l) => {
        const path = join(l.config.ledger.evidenceDir, l.items[2].sha256);
        const bytes = readFileSync(path);
        bytes[0] ^= 1;
        writeFileSync(path, bytes);
      },
      { index: 2, api: /entry 2's file .* has changed/, offline: /entry 2's file .* has changed/ },
    ],
    [
      'an evidence item row pointed at another stored file (one plain UPDATE as the application’s user)',
      (l) => asApp(l, `UPDATE evidence_item e SET sha256 = o.sha256, size_bytes = o.size_bytes FROM evidence_item o WHERE e.ledger_index = 2 AND o.ledger_index = 1`),
      { index: 2, api: /^entry 2's database row differs from its leaf in sha256, sizeBytes$/, offline: /^entry 2's database row differs from its leaf in sha256, sizeBytes$/ },
    ],
    [
      "an entry moved out of its case in the log's case column (an export lists a case's entries by it)",
      async (l) => {
        const other = await caseAtEvidence(l.api, l.tokens, [DEFENDANT]);
        await tamper(l, `UPDATE ledger_entry SET case_id = $1 WHERE idx = 0`, [other.id]);
      },
      { index: 0, api: /^entry 0's case column differs from its leaf$/, offline: /\(evidence log, entry 0\): entry 0's case column differs from its case's records$/, refused: true },
    ],
    [
      'an evidence item row moved to another party',
      (l) => asApp(l, `UPDATE evidence_item SET party_id = $1 WHERE ledger_index = 0`, [l.defendantId]),
      { index: 0, api: /^entry 0's database row differs from its leaf in partyId$/, offline: /^entry 0's database row differs from its leaf in partyId$/ },
    ],
    [
      'an edited log row',
      (l) => tamper(l, `UPDATE ledger_entry SET leaf = convert_to(replace(convert_from(leaf, 'UTF8'), '"pageCount":2', '"pageCount":9'), 'UTF8') WHERE idx = 0`),
      { index: 0, logWide: true, api: /entry 0's leaf does not hash/, offline: /entry 0's leaf does not hash/ },
    ],
    [
      'a deleted log row',
      (l) => tamper(l, `DELETE FROM ledger_entry WHERE idx = 1`),
      { index: 1, logWide: true, api: /entry 1 is missing/, offline: /ledger verification FAILED \(evidence log, entry 1\): entry 1 is missing from the log/, refused: true },
    ],
    [
      'a deleted log row with its evidence item (the subtree hashes kept)',
      (l) => tamper(l, `DELETE FROM evidence_item WHERE ledger_index = 1; DELETE FROM ledger_entry WHERE idx = 1`),
      { index: 1, logWide: true, api: /entry 1 is missing/, offline: /ledger verification FAILED \(evidence log, entry 1\): entry 1 is missing from the log/, refused: true },
    ],
    [
      'two reordered log rows',
      (l) =>
        tamper(
          l,
          `UPDATE ledger_entry e SET leaf = o.leaf, leaf_hash = o.leaf_hash, kind = o.kind, case_id = o.case_id
             FROM ledger_entry o WHERE (e.idx, o.idx) IN ((0, 1), (1, 0))`,
        ),
      { index: 0, logWide: true, api: /stored subtree hash 0\/0 does not match/, offline: /entry 0 is not in the signed tree/ },
    ],
    [
      'the newest rows deleted',
      (l) => tamper(l, `DELETE FROM ledger_node WHERE (level = 0 AND idx = 2); DELETE FROM ledger_entry WHERE idx = 2`),
      { index: 2, logWide: true, api: /the log has 2 entries but .* signed 3: entries were deleted/, offline: /entry 2\): the log has 2 entries but checkpoint .* signed 3: entries were deleted/, refused: true },
    ],
    [
      'a full rewrite with recomputed hashes',
      async (l) => {
        // Every leaf says pageCount 9 now; every leaf hash and subtree hash is recomputed to match, and the stored checkpoints are gone.
        const { rows } = await withClient(l.api.url, (c) => c.query(`SELECT idx, convert_from(leaf, 'UTF8') AS leaf FROM ledger_entry ORDER BY idx`));
        const tree = new TreeFrontier();
        const nodes: [number, number, Buffer][] = [];
        const leaves = rows.map((r: any) => Buffer.from(r.leaf.replace('"pageCount":2', '"pageCount":9')));
        for (const leaf of leaves) {
          tree.push(createHash('sha256').update(Buffer.concat([Buffer.from([0]), leaf])).digest('binary'));
          nodes.push(...tree.completedNodes());
        }
        await tamper(l, `DELETE FROM ledger_node; DELETE FROM ledger_checkpoint WHERE log = 'EVIDENCE'`);
        for (const [i, leaf] of leaves.entries()) await tamper(l, `UPDATE ledger_entry SET leaf = $2, leaf_hash = $3 WHERE idx = $1`, [i, leaf, nodes.find((n) => n[0] === 0 && n[1] === i)![2]]);
        for (const [level, idx, hash] of nodes) await tamper(l, `INSERT INTO ledger_node (level, idx, hash) VALUES ($1, $2, $3)`, [level, idx, hash]);
      },
      { index: 2, logWide: true, api: /root of the first 3 entries differs from checkpoint file .*: the log was rewritten/, offline: /the root of the 3 entries differs from checkpoint file .*: the log was rewritten/, refused: true },
    ],
    [
      'a forged tree head',
      async (l) => {
        // A head claiming a larger log, its body changed after signing.
        const forged = l.heldHead.replace(/\n3\n/, '\n4\n');
        await tamper(l, `INSERT INTO ledger_checkpoint (log, tree_size, root_hash, note) VALUES ('EVIDENCE', 4, decode(repeat('00', 32), 'hex'), $1)`, [forged]);
      },
      { index: null, logWide: true, api: /the signature does not verify; a forged head/, offline: /\(evidence log\): checkpoint .*: the signature does not verify; a forged head/, refused: true },
    ],
  ];

  it.each(scenarios)('%s', async (_name, change, expected) => {
    const l = await ledgerWithThreeItems();
    try {
      expect((await apiCheck(l)).intact).toBe(true);
      await change(l);
      const result = await apiCheck(l);
      expect(result.intact).toBe(false);
      expect(result.evidence.failure).toMatchObject({ index: expected.index });
      expect(result.evidence.failure.reason).toMatch(expected.api);
      // The failure is an alert for ADMIN, and for the judge of the case when an entry of it is to
      // blame; a log that fails itself (every later entry of every case in doubt) is everyone's.
      const alerts = (await ok(l.api, l.tokens.admin, `{ ledgerAlerts { nodes { log caseId firstFailing reason } } }`)).ledgerAlerts.nodes;
      expect(alerts).toEqual([expect.objectContaining({ log: 'EVIDENCE', reason: result.evidence.failure.reason, caseId: expected.logWide ? null : l.caseId })]);
      const judgeAlerts = (await ok(l.api, l.tokens.judge, `{ ledgerAlerts { totalCount } }`)).ledgerAlerts.totalCount;
      expect(judgeAlerts).toBe(1);

      // Offline: the export's verification fails, or the server refuses to sign and export a tampered log.
      const offline = await offlineCheck(l);
      expect(offline.ok).toBe(false);
      expect(offline.refused).toBe(expected.refused ?? false);
      expect(offline.failure!.reason).toMatch(expected.offline);
      if (offline.refused) {
        // The refusal is an alert too: log-wide (ADMIN and every judge) when the log itself fails, else the case's.
        const after = (await ok(l.api, l.tokens.judge, `{ ledgerAlerts { nodes { log caseId reason } } }`)).ledgerAlerts.nodes;
        expect(after).toHaveLength(2);
        expect(after[0]).toMatchObject({ log: 'EVIDENCE', caseId: expected.logWide ? null : l.caseId });
        expect(offline.failure!.reason.endsWith(`: ${after[0].reason}`)).toBe(true);
      }
    } finally {
      await l.api.close();
    }
  });

  it("refuses the export of the case an entry was moved into by the log's case column, too", async () => {
    const l = await ledgerWithThreeItems();
    try {
      const other = await caseAtEvidence(l.api, l.tokens, [DEFENDANT]);
      await tamper(l, `UPDATE ledger_entry SET case_id = $1 WHERE idx = 0`, [other.id]);
      await expect(l.api.app.get(LedgerExportService).export(other.id)).rejects.toThrow(/\(evidence log, entry 0\): entry 0's case column differs from its leaf$/);
    } finally {
      await l.api.close();
    }
  });

  it('serves the file the leaf names and refuses a row pointed elsewhere; verifies past a failing entry, lists every one and alerts each affected case; the scheduled round still signs the intact tree', async () => {
    const l = await ledgerWithThreeItems();
    try {
      // A second case with one item (entry 3).
      const other = await caseAtEvidence(l.api, l.tokens, [DEFENDANT]);
      const added = await submitEvidence(l.api, l.tokens.association, other.id, Buffer.from('第二案的证据\n'), { title: 'Second case note', source: 'Association' });
      expect(added.body.ledgerIndex).toBe('3');
      // Case A: entry 0's file changed. Case B: entry 3's row pointed at entry 1's stored file (which is intact).
      const path = join(l.config.ledger.evidenceDir, l.items[0].sha256);
      const bytes = readFileSync(path);
      bytes[bytes.length - 1] ^= 1;
      writeFileSync(path, bytes);
      await withClient(l.api.url, (c) =>
        c.query(`UPDATE evidence_item e SET sha256 = o.sha256, size_bytes = o.size_bytes FROM evidence_item o WHERE e.ledger_index = 3 AND o.ledger_index = 1`),
      );
      // The list shows the edited row, but the download refuses it rather than serve entry 1's file.
      const listed = await ok(l.api, l.tokens.association, `query($c: ID!) { evidenceItems(caseId: $c) { nodes { sha256 } } }`, { c: other.id });
      expect(listed.evidenceItems.nodes[0].sha256).toBe(l.items[1].sha256);
      const refused = await downloadEvidence(l.api, l.tokens.association, added.body.id);
      expect(refused.status).toBe(500);
      expect(refused.body.toString()).not.toContain('PNG');

      const result = await apiCheck(l);
      expect(result).toMatchObject({ intact: false, filesChecked: 3 });
      expect(result.evidence).toMatchObject({ checked: 4, logIntact: true, failureCount: 2 });
      expect(result.evidence.failures.map((f: { index: number }) => f.index)).toEqual([0, 3]);
      expect(result.evidence.failures[0].reason).toMatch(/^entry 0's file [0-9a-f]{64} has changed/);
      expect(result.evidence.failures[1].reason).toBe("entry 3's database row differs from its leaf in sha256, sizeBytes");
      // One alert per affected case, each naming its own entry.
      const alerts = (await ok(l.api, l.tokens.admin, `{ ledgerAlerts { nodes { caseId firstFailing } } }`)).ledgerAlerts.nodes;
      expect(alerts.map((a: { caseId: string; firstFailing: string }) => `${a.caseId}:${a.firstFailing}`).sort()).toEqual([`${l.caseId}:0`, `${other.id}:3`].sort());

      // The tree itself verified: the scheduled round reports the findings and still signs a checkpoint.
      const jobs = await l.api.app.get(LedgerSchedule).runOnce();
      const done = JSON.parse((await waitForJob(l.api.gql, l.tokens.admin, jobs!.verify.id)).result!);
      expect(done).toMatchObject({ intact: false, checkpointed: true, evidence: { failureCount: 2, logIntact: true } });
    } finally {
      await l.api.close();
    }
  });

  it('compares a generated document’s row with its leaf: a row pointed at another file fails verifyLedger and its download', async () => {
    const l = await ledgerWithThreeItems();
    try {
      const made = await ok(l.api, l.tokens.association, `mutation($i: GenerateDocumentInput!) { generateDocument(input: $i) { document { id logIndex } } }`, {
        i: { caseId: l.caseId, kind: 'EVIDENCE_LIST', language: 'ZH' },
      });
      const { id, logIndex } = made.generateDocument.document;
      expect(logIndex).toBe('3');
      expect((await request(l.api.app.getHttpServer()).get(`/documents/${id}`).set('authorization', `Bearer ${l.tokens.association}`)).status).toBe(200);
      // The row now names a stored evidence file with its hash and size.
      await withClient(l.api.url, (c) =>
        c.query(
          `UPDATE case_document d SET sha256 = e.sha256, size_bytes = e.size_bytes, storage_name = '../evidence/' || encode(e.sha256, 'hex') FROM evidence_item e WHERE d.id = $1 AND e.ledger_index = 2`,
          [id],
        ),
      );
      expect((await request(l.api.app.getHttpServer()).get(`/documents/${id}`).set('authorization', `Bearer ${l.tokens.association}`)).status).toBe(500);
      const result = await apiCheck(l);
      expect(result.evidence.failures).toEqual([{ index: 3, reason: "entry 3's database row differs from its leaf in file, sha256, sizeBytes" }]);
    } finally {
      await l.api.close();
    }
  });

  it('takes a held head with its final newline lost or doubled; refuses garbage or another key’s head as bad input, with no alert', async () => {
    const l = await ledgerWithThreeItems();
    try {
      for (const held of [l.heldHead.trimEnd(), `${l.heldHead}\n`]) {
        const job = await ok(l.api, l.tokens.judge, `mutation($h: String) { verifyLedger(heldEvidenceHead: $h) { id } }`, { h: held });
        expect(JSON.parse((await waitForJob(l.api.gql, l.tokens.judge, job.verifyLedger.id)).result!)).toMatchObject({ intact: true });
      }
      const head = openSignedHead(l.heldHead, l.api.app.get(EvidenceLogService).signer) as TreeHead;
      const foreign = signHead(noteSigner(Buffer.alloc(32, 7), 'leakcase'), head);
      for (const [held, reason] of [
        ['hello', 'is not a signed tree head (not a signed note)'],
        [foreign, "is not signed by this ledger's key (no signature by leakcase)"],
      ]) {
        const res = await l.api.gql(`mutation($h: String) { verifyLedger(heldEvidenceHead: $h) { id } }`, { h: held }, l.tokens.judge);
        expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'heldEvidenceHead', reason });
      }
      expect((await ok(l.api, l.tokens.admin, `{ ledgerAlerts { totalCount } }`)).ledgerAlerts.totalCount).toBe(0);
      // Offline too: a head file with an extra final newline verifies.
      const dir = mkdtempSync(join(tmpdir(), 'leakcase-ledger-'));
      writeFileSync(join(dir, 'export.json'), JSON.stringify(await l.api.app.get(LedgerExportService).export(l.caseId)));
      writeFileSync(join(dir, 'head.note'), `${l.heldHead}\n\n`);
      const verified = await run(process.execPath, [CLI, 'ledger', 'verify', join(dir, 'export.json'), '--head', join(dir, 'head.note')], { env: { PATH: process.env.PATH } });
      expect(verified.stdout).toMatch(/^OK: 3 entries in the signed tree of \d+, consistent with the held head/);
      writeFileSync(join(dir, 'bad.note'), 'hello\n');
      const bad = await run(process.execPath, [CLI, 'ledger', 'verify', join(dir, 'export.json'), '--head', join(dir, 'bad.note')], { env: { PATH: process.env.PATH } }).catch((e) => e);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toBe('leakcase: verification FAILED: the held head is not a signed tree head: not a signed note\n');
    } finally {
      await l.api.close();
    }
  });

  it('keeps the checkpoints of a rotated key valid when LEDGER_TRUSTED_KEYS lists it; without it, signing is refused', async () => {
    const l = await ledgerWithThreeItems();
    const oldKey = (await ok(l.api, l.tokens.judge, `{ evidenceLogHead { verifierKey } }`)).evidenceLogHead.verifierKey;
    const rotated = async (trusted: string) => {
      const env = testEnv(l.api.url, {
        LEAKCASE_DATA_DIR: l.config.dataDir,
        LEDGER_SIGNING_KEY: Buffer.alloc(32, 11).toString('base64'),
        LEDGER_TRUSTED_KEYS: trusted,
        LEDGER_CHECKPOINT_SECONDS: '0',
      });
      const app = await createApi(loadConfig(env));
      await app.init();
      return app;
    };
    try {
      const untrusted = await rotated('');
      try {
        await expect(untrusted.get(LedgerChecksService).checkpoint()).rejects.toThrow(/no signature by leakcase; a forged head/);
      } finally {
        await untrusted.close();
      }
      const trusted = await rotated(`  ${oldKey} ,`);
      try {
        // The log grows; the next checkpoint is signed by the new key, after checking it extends the old key's.
        await submitEvidence(l.api, l.tokens.association, l.caseId, Buffer.from('after the rotation\n'), { title: 't', source: 's' });
        const checks = trusted.get(LedgerChecksService);
        const { evidence } = await checks.checkpoint();
        expect(openSignedHead(evidence.note, noteSigner(Buffer.alloc(32, 11), 'leakcase'))).toMatchObject({ treeSize: 4 });
        // The old heads (rows, files, and the one the court holds) verify under the earlier key; the new one under the new key.
        const verified = await checks.verify({ evidence: l.heldHead, audit: l.heldAuditHead });
        expect(verified).toMatchObject({ intact: true, evidence: { checked: 4, failureCount: 0 } });
      } finally {
        await trusted.close();
      }
    } finally {
      await l.api.close();
    }
  });

  it('refuses to sign a head that does not extend the latest checkpoint: evidenceLogHead, the CLI export and the scheduled round fail with an alert', async () => {
    const l = await ledgerWithThreeItems();
    try {
      // A fork of the signed tree of 3: entry 2's leaf rewritten, its leaf hash and subtree hash recomputed (same size, another root).
      const { rows } = await withClient(l.api.url, (c) => c.query(`SELECT convert_from(leaf, 'UTF8') AS leaf FROM ledger_entry WHERE idx = 2`));
      const leaf = Buffer.from(rows[0].leaf.replace(/"sizeBytes":\d+/, '"sizeBytes":1'));
      const hash = Buffer.from(rfcLeafHash(leaf), 'hex');
      await tamper(l, `UPDATE ledger_entry SET leaf = $1, leaf_hash = $2 WHERE idx = 2`, [leaf, hash]);
      await tamper(l, `UPDATE ledger_node SET hash = $1 WHERE level = 0 AND idx = 2`, [hash]);
      const checkpoints = `{ ledgerCheckpoints(log: EVIDENCE, first: 1) { totalCount } }`;
      const before = (await ok(l.api, l.tokens.judge, checkpoints)).ledgerCheckpoints.totalCount;
      const files = readdirSync(l.config.ledger.checkpointDir).sort();

      const refused = await l.api.gql(`{ evidenceLogHead { note } }`, {}, l.tokens.judge);
      expect(refused.errors![0].extensions!.code).toBe('CONFLICT');
      expect(refused.errors![0].message).toMatch(/^ledger verification FAILED \(evidence log\): the root of the 3 entries differs from checkpoint .*: the log was rewritten$/);

      const env = { PATH: process.env.PATH, NODE_ENV: 'test', DATABASE_URL: l.api.url, LEAKCASE_DATA_DIR: l.config.dataDir, JWT_SECRET: 'test-secret-test-secret-test-secret-0123' };
      const out = join(mkdtempSync(join(tmpdir(), 'leakcase-ledger-')), 'export.json');
      const exported = await run(process.execPath, [CLI, 'ledger', 'export', '--case', l.caseId, out], { env }).catch((e) => e);
      expect(exported.code).toBe(1);
      expect(exported.stderr).toMatch(/^leakcase: ledger verification FAILED \(evidence log\): the root of the 3 entries differs/m);
      expect(existsSync(out)).toBe(false);

      // The scheduled round verifies first and signs nothing after a failure.
      const jobs = await l.api.app.get(LedgerSchedule).runOnce();
      const done = await waitForJob(l.api.gql, l.tokens.admin, jobs!.verify.id);
      expect(JSON.parse(done.result!)).toMatchObject({ intact: false, checkpointed: false });

      expect((await ok(l.api, l.tokens.judge, checkpoints)).ledgerCheckpoints.totalCount).toBe(before);
      expect(readdirSync(l.config.ledger.checkpointDir).sort()).toEqual(files);
      // Two refusals and the round's failed verification, all three log-wide (no case: a rewritten
      // log puts every case in doubt), so every judge sees them, not only the judge of the case
      // whose entry the check stopped at.
      const alerts = (await ok(l.api, l.tokens.judge, `{ ledgerAlerts { nodes { caseId reason } } }`)).ledgerAlerts.nodes;
      expect(alerts).toHaveLength(3);
      expect(alerts.every((a: { caseId: string | null }) => a.caseId === null)).toBe(true);
    } finally {
      await l.api.close();
    }
  });

  it('detects a rewritten audit chain (recomputed hashes) and deleted newest audit rows against the signed audit head', async () => {
    const l = await ledgerWithThreeItems();
    try {
      const heldSeq = Number(l.heldAuditHead.split('\n')[1]);
      // `leakcase audit verify` says what it compared: the chain, the signed checkpoints (rows and files), the held head.
      const dir = mkdtempSync(join(tmpdir(), 'leakcase-audit-'));
      writeFileSync(join(dir, 'audit-head.note'), l.heldAuditHead);
      const env = { PATH: process.env.PATH, NODE_ENV: 'test', DATABASE_URL: l.api.url, LEAKCASE_DATA_DIR: l.config.dataDir, JWT_SECRET: 'test-secret-test-secret-test-secret-0123' };
      const auditVerify = (...args: string[]) => run(process.execPath, [CLI, 'audit', 'verify', ...args], { env }).catch((e) => e);
      const last = async () => Number((await withClient(l.api.url, (c) => c.query(`SELECT max(seq) AS seq FROM audit_event`))).rows[0].seq);
      const signed = await withClient(l.api.url, (c) => c.query(`SELECT max(tree_size) AS size, count(*)::int AS n FROM ledger_checkpoint WHERE log = 'AUDIT'`));
      const files = readdirSync(l.config.ledger.checkpointDir).filter((f) => f.startsWith('audit-'));
      expect(Number(signed.rows[0].size)).toBe(heldSeq);
      let rows = await last();
      const plain = await auditVerify();
      expect(plain.code ?? 0).toBe(0);
      expect(plain.stdout).toBe(
        `Intact: the hash chain of ${rows} rows holds\n` +
          `Signed heads: consistent with ${signed.rows[0].n + files.length} signed audit head(s) (checkpoint rows and files); the newest signs row ${heldSeq}` +
          `${rows > heldSeq ? `, rows ${heldSeq + 1}-${rows} are covered by the chain only` : ''}\n` +
          'Held head: none given (--head): a rewrite that also replaced every stored checkpoint and checkpoint file would not show\n',
      );
      rows = await last();
      const withHead = await auditVerify('--head', join(dir, 'audit-head.note'));
      expect(withHead.stdout).toContain(`Signed heads: consistent with ${signed.rows[0].n + files.length + 1} signed audit head(s) (checkpoint rows and files, and the held head); the newest signs row ${heldSeq}`);
      expect(withHead.stdout).not.toContain('Held head: none given');

      // Rewrite: change one row's details and recompute every hash from there with the database's own function.
      await withClient(l.api.url, async (c) => {
        await c.query(`SET session_replication_role = replica`);
        await c.query(`UPDATE audit_event SET details = '{"rewritten": true}' WHERE seq = 2`);
        await c.query(`
          DO $$ DECLARE r record; prev bytea; BEGIN
            FOR r IN SELECT * FROM audit_event WHERE seq >= 2 ORDER BY seq LOOP
              SELECT hash INTO prev FROM audit_event WHERE seq = r.seq - 1;
              UPDATE audit_event SET prev_hash = prev, hash = audit_event_digest(prev, r.seq, r.occurred_at, r.actor_id, r.organisation_id, r.case_id,
                r.action, r.subject_type, r.subject_id, r.request_id, r.details) WHERE seq = r.seq;
            END LOOP; END $$`);
      });
      // The chain itself is consistent again, but verifyAuditChain also holds it against the latest signed audit checkpoint.
      const chain = await ok(l.api, l.tokens.admin, `mutation { verifyAuditChain { id } }`);
      const chainResult = JSON.parse((await waitForJob(l.api.gql, l.tokens.admin, chain.verifyAuditChain.id)).result!);
      expect(chainResult).toMatchObject({ intact: false, firstBrokenSeq: String(heldSeq) });
      expect(chainResult.reason).toMatch(new RegExp(`^audit row ${heldSeq} differs from checkpoint .*: the chain was rewritten$`));
      // So does verifyLedger.
      const rewritten = await apiCheck(l);
      expect(rewritten.audit.failure).toMatchObject({ index: heldSeq });
      expect(rewritten.audit.failure.reason).toMatch(/differs from .*: the chain was rewritten/);

      // verifyLedger itself records an audit row (which takes the next seq): delete enough that the chain stays short of the head.
      await tamper(l, `DELETE FROM audit_event WHERE seq >= $1`, [heldSeq - 2]);
      const truncated = await apiCheck(l);
      expect(truncated.audit.failure.reason).toMatch(new RegExp(`the audit chain ends at \\d+ but .* signed ${heldSeq}: rows were deleted`));
      const broken = await auditVerify();
      expect(broken.code).toBe(2);
      expect(broken.stdout).toMatch(new RegExp(`^BROKEN: the audit chain ends at \\d+ but checkpoint .* signed ${heldSeq}: rows were deleted\n$`));

      // With every signed audit checkpoint gone (rows and files), only the chain can be checked: the CLI says so and exits 3,
      // and the held head given with --head still catches the deleted rows.
      await tamper(l, `DELETE FROM ledger_checkpoint WHERE log = 'AUDIT'`);
      for (const f of files) rmSync(join(l.config.ledger.checkpointDir, f));
      const unsigned = await auditVerify();
      expect(unsigned.code).toBe(3);
      expect(unsigned.stdout).toBe(`Intact: the hash chain of ${await last()} rows holds\nSigned heads: NONE compared (no signed audit checkpoint exists yet and no --head was given)\n`);
      expect(unsigned.stderr).toContain('WARNING: only the hash chain was checked');
      const held = await auditVerify('--head', join(dir, 'audit-head.note'));
      expect(held.code).toBe(2);
      expect(held.stdout).toMatch(new RegExp(`^BROKEN: the audit chain ends at \\d+ but the held head signed ${heldSeq}: rows were deleted\n$`));
    } finally {
      await l.api.close();
    }
  });

  it('checkpoints both logs on schedule into files the operator can ship, and queues a verification and the obligation-failure job', async () => {
    const l = await ledgerWithThreeItems();
    try {
      const jobs = await l.api.app.get(LedgerSchedule).runOnce();
      expect(jobs).not.toBeNull();
      // Verified first, then checkpointed.
      const done = await waitForJob(l.api.gql, l.tokens.admin, jobs!.verify.id);
      expect(JSON.parse(done.result!)).toMatchObject({ intact: true, checkpointed: true });
      const files = readdirSync(l.config.ledger.checkpointDir);
      expect(files).toEqual(expect.arrayContaining([expect.stringMatching(/^evidence-000000000003-[0-9a-f]{16}\.note$/), expect.stringMatching(/^audit-\d{12}-[0-9a-f]{16}\.note$/)]));
      expect(existsSync(join(l.config.ledger.checkpointDir, files.find((f) => f.startsWith('evidence-'))!))).toBe(true);
      expect((await waitForJob(l.api.gql, l.tokens.admin, jobs!.obligations.id)).status).toBe('COMPLETED');
    } finally {
      await l.api.close();
    }
  });
});
