import { caseEntriesBody, LogVerifier, NodeTable, openCaseEntries, type StoredLeaf } from './ledger-verifier';
import { leafHash, TreeFrontier } from './merkle';
import { noteSigner, signNote } from './signed-note';

/** A stored log of `n` leaves: its leaves, subtree table and the root of every size. */
function log(n: number) {
  const leaves: StoredLeaf[] = [];
  const nodes = new NodeTable();
  const roots: Buffer[] = [];
  const tree = new TreeFrontier();
  for (let i = 0; i < n; i++) {
    const leaf = Buffer.from(`entry ${i}`);
    const hash = leafHash(leaf);
    leaves.push({ index: i, leaf, leafHash: hash });
    tree.push(hash.toString('latin1'));
    for (const [level, index, node] of tree.completedNodes()) nodes.set(level, index, node);
    roots.push(tree.root());
  }
  return { leaves, nodes, roots };
}

function run(leaves: StoredLeaf[], nodes: NodeTable | null, heads: { treeSize: number; rootHash: Buffer; source: string }[]) {
  const verifier = new LogVerifier(heads);
  for (const leaf of leaves) if (verifier.next(leaf, nodes)) break;
  return verifier.finish();
}

describe('LogVerifier: a whole log against its stored subtrees and held heads', () => {
  const { leaves, nodes, roots } = log(7);
  const head = (size: number) => ({ treeSize: size, rootHash: roots[size - 1], source: `head ${size}` });

  it('passes an intact log against every head it extends', () => {
    expect(run(leaves, nodes, [head(3), head(7)])).toBeNull();
  });

  it('names a missing entry and an entry out of order', () => {
    expect(run([leaves[0], leaves[2]], nodes, [])).toEqual({ index: 1, reason: 'entry 1 is missing' });
    expect(run([leaves[0], leaves[0]], nodes, [])).toEqual({ index: 1, reason: 'entry 0 is out of order' });
  });

  it('names an entry whose bytes no longer hash to its stored leaf hash', () => {
    const edited = leaves.map((l) => (l.index === 4 ? { ...l, leaf: Buffer.from('entry 4!') } : l));
    expect(run(edited, nodes, [])).toEqual({ index: 4, reason: "entry 4's leaf does not hash to its stored leaf hash" });
  });

  it('names the first stored subtree that does not match the recomputed tree', () => {
    const swapped = leaves.map((l, i) => (i === 2 ? { ...leaves[3], index: 2 } : i === 3 ? { ...leaves[2], index: 3 } : l));
    expect(run(swapped, nodes, [])).toEqual({ index: 2, reason: 'the stored subtree hash 0/2 does not match entries 2-2' });
  });

  it('names the first entry of a mismatching subtree when an edited leaf was stored with its leaf hash and level-0 subtree recomputed', () => {
    // Entry 2 edited, its leaf hash and subtree 0/2 recomputed: the first stored subtree that no longer matches is 1/1 (entries 2-3), completed by entry 3.
    const leaf = Buffer.from('entry 2 edited');
    const edited = leaves.map((l) => (l.index === 2 ? { index: 2, leaf, leafHash: leafHash(leaf) } : l));
    const table = new NodeTable();
    const tree = new TreeFrontier();
    for (const l of leaves) {
      tree.push(l.leafHash.toString('latin1'));
      for (const [level, index, node] of tree.completedNodes()) table.set(level, index, level === 0 && index === 2 ? leafHash(leaf) : node);
    }
    expect(run(edited, table, [])).toEqual({ index: 2, reason: 'the stored subtree hash 1/1 does not match entries 2-3' });
  });

  it('catches a rewrite with every hash recomputed by the held head, and a truncation by a head beyond the end', () => {
    const rewritten = log(7);
    rewritten.leaves[1] = { index: 1, leaf: Buffer.from('other'), leafHash: leafHash(Buffer.from('other')) };
    const re = new TreeFrontier();
    const table = new NodeTable();
    for (const l of rewritten.leaves) {
      re.push(l.leafHash.toString('latin1'));
      for (const [level, index, node] of re.completedNodes()) table.set(level, index, node);
    }
    expect(run(rewritten.leaves, table, [head(5)])).toEqual({ index: 4, reason: 'the root of the first 5 entries differs from head 5: the log was rewritten' });
    expect(run(leaves.slice(0, 6), nodes, [head(7)])).toEqual({ index: 6, reason: 'the log has 6 entries but head 7 signed 7: entries were deleted' });
  });
});

describe('NodeTable: stored subtree hashes by level and index', () => {
  const h = (n: number) => Buffer.alloc(32, n);
  /** The same 32 bytes as a Digest (one Latin-1 character per byte). */
  const d = (n: number) => String.fromCharCode(n).repeat(32);

  it('matches each stored hash at its own level and index, set in any order, and nothing else', () => {
    const table = new NodeTable();
    // Ascending from 40, then below the base (5), then far beyond the room first made (1000): each kept where it was put.
    for (let i = 40; i < 60; i++) table.set(0, i, h(i));
    table.set(0, 5, h(5));
    table.set(0, 1000, h(100));
    table.set(3, 2, h(200));
    for (let i = 40; i < 60; i++) expect(table.matches(0, i, d(i))).toBe(true);
    expect(table.matches(0, 5, d(5))).toBe(true);
    expect(table.matches(0, 1000, d(100))).toBe(true);
    expect(table.matches(3, 2, d(200))).toBe(true);
    // Another hash, a hash differing in its last byte, a missing index, a missing level, an index below every stored one.
    expect(table.matches(0, 41, d(42))).toBe(false);
    const last = h(41);
    last[31] ^= 1;
    expect(table.matches(0, 41, last.toString('latin1'))).toBe(false);
    expect(table.matches(0, 6, '\0'.repeat(32))).toBe(false);
    expect(table.matches(1, 20, d(40))).toBe(false);
    expect(table.matches(0, 4, '\0'.repeat(32))).toBe(false);
    expect(table.matches(0, 2000, '\0'.repeat(32))).toBe(false);
  });

  it('never matches a stored value that is not 32 bytes, nor a short hash against a stored one', () => {
    const table = new NodeTable();
    table.set(0, 0, Buffer.alloc(31));
    table.set(0, 1, h(1));
    expect(table.matches(0, 0, '\0'.repeat(32))).toBe(false);
    expect(table.matches(0, 0, '\0'.repeat(31))).toBe(false);
    expect(table.matches(0, 1, d(1).slice(0, 31))).toBe(false);
  });
});

describe("the signed list of a case's entries an export carries", () => {
  const signer = noteSigner(Buffer.alloc(32, 3), 'test-ledger');
  const key = { name: signer.name, publicKey: signer.publicKey };
  const list = {
    origin: 'test-ledger/evidence',
    caseId: 'case-1',
    treeSize: 9,
    rootHash: Buffer.alloc(32, 9),
    entries: [
      { index: 2, leafHash: 'ab'.repeat(32) },
      { index: 7, leafHash: 'cd'.repeat(32) },
    ],
  };

  it('is the format line, origin, size, base64 root, case, count and one "<index> <leaf hash>" line per entry, signed as a note', () => {
    const root = Buffer.alloc(32, 9).toString('base64');
    expect(caseEntriesBody(list)).toBe(`leakcase-case-entries/1\ntest-ledger/evidence\n9\n${root}\ncase-1\n2\n2 ${'ab'.repeat(32)}\n7 ${'cd'.repeat(32)}\n`);
    expect(openCaseEntries(signNote(signer, caseEntriesBody(list)), key)).toEqual(list);
    expect(openCaseEntries(signNote(signer, caseEntriesBody({ ...list, entries: [] })), key)).toEqual({ ...list, entries: [] });
  });

  it('refuses an edited list, another key, and a malformed one even when signed', () => {
    const note = signNote(signer, caseEntriesBody(list));
    expect(openCaseEntries(note.replace(`7 ${'cd'.repeat(32)}`, `8 ${'cd'.repeat(32)}`), key)).toBe('the signature does not verify');
    const other = noteSigner(Buffer.alloc(32, 4), 'test-ledger');
    expect(openCaseEntries(signNote(other, caseEntriesBody(list)), key)).toBe('no signature by test-ledger');
    const body = caseEntriesBody(list);
    expect(openCaseEntries(signNote(signer, body.replace('\n2\n2 ', '\n3\n2 ')), key)).toBe("the list's count does not match its lines");
    expect(openCaseEntries(signNote(signer, body.replace('\n7 ', '\n1 ')), key)).toBe("the list's entries are malformed or not in increasing order");
    expect(openCaseEntries(signNote(signer, body.replace('leakcase-case-entries/1', 'leakcase-case-entries/2')), key)).toBe('the list is malformed');
  });
});
