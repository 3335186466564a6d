import { LogVerifier, NodeTable, type StoredLeaf } from './ledger-verifier';
import { leafHash, TreeFrontier } from './merkle';

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
    tree.push(hash);
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
      tree.push(l.leafHash);
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
      re.push(l.leafHash);
      for (const [level, index, node] of re.completedNodes()) table.set(level, index, node);
    }
    expect(run(rewritten.leaves, table, [head(5)])).toEqual({ index: 4, reason: 'the root of the first 5 entries differs from head 5: the log was rewritten' });
    expect(run(leaves.slice(0, 6), nodes, [head(7)])).toEqual({ index: 6, reason: 'the log has 6 entries but head 7 signed 7: entries were deleted' });
  });
});
