import { decodeLeaf, encodeLeaf, evidenceRecord, fileFailure, LedgerEntryKind, loggedFile, recordFailure, recordMismatch } from './ledger-leaf';

const HASH = 'ab'.repeat(32);
const leaf = (kind: LedgerEntryKind, payload: Record<string, string>) => ({ v: 1 as const, kind, caseId: 'c', payload });

describe('loggedFile: the file an entry vouches for', () => {
  it('finds an evidence file by its SHA-256 in the evidence store', () => {
    expect(loggedFile(leaf(LedgerEntryKind.EVIDENCE, { sha256: HASH }))).toEqual({ store: 'evidence', name: HASH, sha256: HASH, sizeBytes: null });
  });

  it('finds a document by its path in the documents store', () => {
    const file = '3f2c0c1e-0000-4000-8000-000000000001/9d1e0c1e-0000-4000-8000-000000000002.pdf';
    expect(loggedFile(leaf(LedgerEntryKind.DOCUMENT, { sha256: HASH, file }))).toEqual({ store: 'documents', name: file, sha256: HASH, sizeBytes: null });
  });

  it('refuses a hash that is not 64 lower-case hex digits', () => {
    for (const sha256 of ['', HASH.toUpperCase(), HASH.slice(1)]) {
      expect(loggedFile(leaf(LedgerEntryKind.EVIDENCE, { sha256 }))).toBe('the entry names no file hash');
    }
  });

  it('refuses a document path that leaves the store, is absolute or hidden', () => {
    for (const file of ['../secret', 'a/../../b.pdf', '/etc/passwd', '.hidden.pdf', 'a/.x.tmp', 'a\\b.pdf', '']) {
      expect(loggedFile(leaf(LedgerEntryKind.DOCUMENT, { sha256: HASH, file }))).toBe('the entry names no document file');
    }
  });
});

describe('recordMismatch: the database row against the leaf', () => {
  const facts = { id: 'e1', caseId: 'c1', partyId: 'p1', sha256: HASH, sizeBytes: 12, contentType: 'text/plain; charset=utf-8', pageCount: null };
  // The leaf as EvidenceService.submit writes it, spelled out here.
  const leafBytes = Buffer.from(
    `{"caseId":"c1","kind":"EVIDENCE","payload":{"contentType":"text/plain; charset=utf-8","evidenceId":"e1","pageCount":null,"partyId":"p1","sha256":"${HASH}","sizeBytes":12},"v":1}`,
  );
  const leaf = decodeLeaf(leafBytes) as Exclude<ReturnType<typeof decodeLeaf>, string>;

  it('agrees with the leaf the same facts make', () => {
    const record = evidenceRecord(facts);
    expect(encodeLeaf(record.kind, record.caseId, record.payload)).toEqual(leafBytes);
    expect(recordMismatch(leaf, record)).toEqual([]);
    expect(recordFailure(3, leaf, record)).toBeNull();
  });

  it('names every field a row was edited in (another file, party, case, size), and no values', () => {
    const other = 'cd'.repeat(32);
    expect(recordMismatch(leaf, evidenceRecord({ ...facts, sha256: other, sizeBytes: 55 }))).toEqual(['sha256', 'sizeBytes']);
    expect(recordMismatch(leaf, evidenceRecord({ ...facts, partyId: 'p2', caseId: 'c2', pageCount: 1 }))).toEqual(['caseId', 'pageCount', 'partyId']);
    expect(recordFailure(3, leaf, evidenceRecord({ ...facts, sha256: other }))).toBe("entry 3's database row differs from its leaf in sha256");
    expect(recordFailure(3, leaf, null)).toBe("entry 3's evidence item is not in the database");
  });
});

describe('fileFailure: the stored file against the leaf', () => {
  const file = { store: 'evidence' as const, name: HASH, sha256: HASH, sizeBytes: 12 };
  it('accepts the hash and size the leaf records; names a missing, changed or resized file', () => {
    expect(fileFailure(1, file, { sha256: HASH, sizeBytes: 12 })).toBeNull();
    expect(fileFailure(1, file, null)).toBe(`entry 1's file ${HASH} is missing`);
    expect(fileFailure(1, file, { sha256: 'cd'.repeat(32), sizeBytes: 12 })).toMatch(/^entry 1's file \w+ has changed/);
    expect(fileFailure(1, file, { sha256: HASH, sizeBytes: 13 })).toBe(`entry 1's file ${HASH} has 13 bytes, its leaf records 12`);
  });
});
