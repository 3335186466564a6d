import { checkpointBody, isSignatureFailure, noteSigner, openNote, openSignedHead, openSignedHeadWithAny, parseVerifierKey, signHead, signNote, verifierKey } from './signed-note';

// The example of golang.org/x/mod sumdb/note (note.go's package comment and example_test.go):
// the signer key PRIVATE+KEY+PeterNeumann+c74f20a3+<base64(0x01 || seed)>, its verifier key and
// the note it signs. Ed25519 signatures are deterministic, so ours must be byte for byte the same.
const GO_SIGNER_SEED = Buffer.from('AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz', 'base64').subarray(1);
const GO_VERIFIER_KEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_NOTE = `${GO_TEXT}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

describe('signed notes and checkpoints (C2SP signed-note, tlog-checkpoint)', () => {
  const peter = noteSigner(GO_SIGNER_SEED, 'PeterNeumann');

  it("signs Go's sumdb/note example byte for byte and derives its verifier key", () => {
    expect(verifierKey(peter.name, peter.publicKey)).toBe(GO_VERIFIER_KEY);
    expect(signNote(peter, GO_TEXT)).toBe(GO_NOTE);
    expect(openNote(GO_NOTE, parseVerifierKey(GO_VERIFIER_KEY))).toEqual({ text: GO_TEXT });
  });

  it("reads a verifier key whose base64 contains '+' (transparency-dev/formats note tests' TEST key)", () => {
    const key = parseVerifierKey('TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6');
    expect(key.name).toBe('TEST');
    expect(verifierKey(key.name, key.publicKey)).toBe('TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6');
    expect(() => parseVerifierKey('TEST+7997405d+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6')).toThrow('the verifier key id does not match its key');
  });

  it('refuses an altered text, an altered signature and another key', () => {
    const key = parseVerifierKey(GO_VERIFIER_KEY);
    expect(openNote(GO_NOTE.replace('problem,', 'problem;'), key)).toBe('the signature does not verify');
    expect(openNote(GO_NOTE.replace('BS9UG', 'BS9UH'), key)).toBe('the signature does not verify');
    const other = noteSigner(Buffer.alloc(32, 7), 'PeterNeumann');
    expect(openNote(GO_NOTE, other)).toBe('no signature by PeterNeumann');
  });

  it('writes a checkpoint body as origin, size and base64 root, and reads back the signed head', () => {
    const signer = noteSigner(Buffer.alloc(32, 9), 'leakcase');
    const head = { origin: 'leakcase/evidence', treeSize: 8, rootHash: Buffer.from('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328', 'hex') };
    expect(checkpointBody(head)).toBe('leakcase/evidence\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n');
    const note = signHead(signer, head);
    expect(openSignedHead(note, signer)).toEqual(head);
    // A forged head: the size changed after signing.
    expect(openSignedHead(note.replace('\n8\n', '\n9\n'), signer)).toBe('the signature does not verify');
  });

  it('reads a note that lost its final newline or gained trailing whitespace (as `$(cat file)` or an editor leaves it)', () => {
    const key = parseVerifierKey(GO_VERIFIER_KEY);
    for (const copy of [GO_NOTE.slice(0, -1), `${GO_NOTE}\n`, `${GO_NOTE}  \r\n`]) expect(openNote(copy, key)).toEqual({ text: GO_TEXT });
    // A copy saved with Windows line endings, or pasted after blank lines (a court clerk's editor).
    for (const copy of [GO_NOTE.replace(/\n/g, '\r\n'), `\n\r\n${GO_NOTE}`, `  \n${GO_NOTE}`]) expect(openNote(copy, key)).toEqual({ text: GO_TEXT });
    // Whitespace inside the signed text still counts, and so does a lone carriage return in it.
    expect(openNote(GO_NOTE.replace('problem,\n', 'problem,\r\r\n'), key)).toBe('the signature does not verify');
    expect(openNote(` ${GO_NOTE}`, key)).toBe('the signature does not verify');
    expect(openNote(GO_NOTE.replace('problem,\n', 'problem, \n'), key)).toBe('the signature does not verify');
  });

  it('tells a malformed note from one signed by another key or forged', () => {
    const key = parseVerifierKey(GO_VERIFIER_KEY);
    expect(openNote('hello', key)).toBe('not a signed note');
    expect(isSignatureFailure('not a signed note')).toBe(false);
    expect(isSignatureFailure('a signature line is malformed')).toBe(false);
    expect(isSignatureFailure('the signature does not verify')).toBe(true);
    expect(isSignatureFailure('no signature by leakcase')).toBe(true);
  });

  it('opens a head signed by an earlier trusted key (a rotation), and names the current key when none signed it', () => {
    const old = noteSigner(Buffer.alloc(32, 1), 'leakcase');
    const current = noteSigner(Buffer.alloc(32, 2), 'leakcase');
    const head = { origin: 'leakcase/evidence', treeSize: 1, rootHash: Buffer.alloc(32, 5) };
    const note = signHead(old, head);
    expect(openSignedHead(note, current)).toBe('no signature by leakcase');
    expect(openSignedHeadWithAny(note, [current, old])).toEqual(head);
    expect(openSignedHeadWithAny(note, [current])).toBe('no signature by leakcase');
  });
});
