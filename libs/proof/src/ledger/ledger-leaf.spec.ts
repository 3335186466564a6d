import { LedgerEntryKind, loggedFile } from './ledger-leaf';

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
