import { createHash } from 'node:crypto';
import {
  combineRange,
  consistencyRanges,
  EMPTY_ROOT,
  inclusionRanges,
  leafDigest,
  leafHash,
  nodeDigest,
  nodeHash,
  perfectNodes,
  sameDigest,
  type LeafRange,
  TreeFrontier,
  verifyConsistency,
  verifyInclusion,
} from './merkle';

// The 8-leaf test tree of the Certificate Transparency and Trillian projects, with its published
// roots and proofs: transparency-dev/merkle proof/verify_test.go (the vectors Trillian's
// merkle/log_verifier_test.go and certificate-transparency-go's merkletree tests carry; they go
// back to the RFC 6962 reference implementation's merkle_tree_test.cc). Leaf indices there are
// 1-based (`leaf`), RFC 9162's are 0-based.
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) =>
  Buffer.from(h, 'hex'),
);
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
].map((h) => Buffer.from(h, 'hex'));
const h = (...hex: string[]) => hex.map((x) => Buffer.from(x, 'hex'));
/** [1-based leaf, tree size, proof] */
const INCLUSION: [number, number, Buffer[]][] = [
  [1, 1, []],
  [1, 8, h('96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4')],
  [6, 8, h('bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7')],
  [3, 3, h('fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125')],
  [2, 5, h('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b')],
];
/** [size1, size2, proof] */
const CONSISTENCY: [number, number, Buffer[]][] = [
  [1, 1, []],
  [1, 8, h('96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4')],
  [6, 8, h('0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7')],
  [2, 5, h('5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b')],
  [6, 7, h('0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7')],
];

/** The perfect-subtree hashes of the first `n` test leaves, as the database stores them. */
function storedNodes(n: number): Map<string, Buffer> {
  const tree = new TreeFrontier();
  const nodes = new Map<string, Buffer>();
  for (const leaf of LEAVES.slice(0, n)) {
    tree.push(leafDigest(leaf));
    for (const [level, index, hash] of tree.completedNodes()) nodes.set(`${level}/${index}`, hash);
  }
  return nodes;
}
const rangeHash = (nodes: Map<string, Buffer>, range: LeafRange) => combineRange(perfectNodes(range).map((id) => nodes.get(`${id.level}/${id.index}`)!));
const flip = (b: Buffer, bit = 3) => {
  const c = Buffer.from(b);
  c[0] ^= 1 << bit;
  return c;
};

describe('the RFC 9162 Merkle tree on the CT / Trillian 8-leaf vectors', () => {
  it('hashes a leaf as SHA-256(0x00 || leaf): the empty leaf gives 6e340b9c...', () => {
    expect(leafHash(Buffer.alloc(0))).toEqual(ROOTS[0]);
    expect(EMPTY_ROOT.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('gives the published root for every tree size 1 to 8, from its frontier and from its stored subtrees', () => {
    const tree = new TreeFrontier();
    LEAVES.forEach((leaf, i) => {
      tree.push(leafDigest(leaf));
      expect(tree.root().toString('hex')).toBe(ROOTS[i].toString('hex'));
      expect(rangeHash(storedNodes(i + 1), { start: 0, end: i + 1 })).toEqual(ROOTS[i]);
    });
  });

  it.each(INCLUSION)('builds and verifies the published inclusion proof of leaf %i in a tree of %i', (leaf, size, proof) => {
    const nodes = storedNodes(size);
    const built = inclusionRanges(leaf - 1, size).map((r) => rangeHash(nodes, r));
    expect(built.map((b) => b.toString('hex'))).toEqual(proof.map((b) => b.toString('hex')));
    expect(verifyInclusion(leaf - 1, size, leafHash(LEAVES[leaf - 1]), proof, ROOTS[size - 1])).toBeNull();
  });

  it.each(INCLUSION.filter(([, , p]) => p.length > 0))('refuses corrupted inclusion proofs of leaf %i in %i', (leaf, size, proof) => {
    const leafH = leafHash(LEAVES[leaf - 1]);
    const root = ROOTS[size - 1];
    const some = Buffer.from('abacaba000000000000000000000000000000000000000000060061e00123456', 'hex');
    const probes: [number, number, Buffer, Buffer[], Buffer][] = [
      [leaf - 2, size, leafH, proof, root],
      [leaf, size, leafH, proof, root],
      [(leaf - 1) ^ 2, size, leafH, proof, root],
      [leaf - 1, size * 2, leafH, proof, root],
      [leaf - 1, Math.floor(size / 2), leafH, proof, root],
      [leaf - 1, size, createHash('sha256').update('WrongLeaf').digest(), proof, root],
      [leaf - 1, size, leafH, proof, EMPTY_ROOT],
      [leaf - 1, size, leafH, proof, some],
      [leaf - 1, size, leafH, [...proof, root], root],
      [leaf - 1, size, leafH, [root, ...proof], root],
      [leaf - 1, size, leafH, proof.slice(0, -1), root],
      ...proof.map((_, i): [number, number, Buffer, Buffer[], Buffer] => [leaf - 1, size, leafH, proof.map((p, j) => (j === i ? flip(p) : p)), root]),
    ];
    for (const [i, n, l, p, r] of probes) expect(verifyInclusion(i, n, l, p, r)).not.toBeNull();
  });

  it.each(CONSISTENCY)('builds and verifies the published consistency proof from %i to %i', (m, n, proof) => {
    const nodes = storedNodes(n);
    const built = consistencyRanges(m, n).map((r) => rangeHash(nodes, r));
    expect(built.map((b) => b.toString('hex'))).toEqual(proof.map((b) => b.toString('hex')));
    expect(verifyConsistency(m, n, proof, ROOTS[m - 1], ROOTS[n - 1])).toBeNull();
  });

  it.each(CONSISTENCY.filter(([, , p]) => p.length > 0))('refuses corrupted consistency proofs from %i to %i', (m, n, proof) => {
    const [r1, r2] = [ROOTS[m - 1], ROOTS[n - 1]];
    const probes: [number, number, Buffer[], Buffer, Buffer][] = [
      [m - 1, n, proof, r1, r2],
      [m + 1, n, proof, r1, r2],
      [m ^ 2, n, proof, r1, r2],
      [m, n * 2, proof, r1, r2],
      [m, Math.floor(n / 2), proof, r1, r2],
      [m, n, proof, r2, r1],
      [m, n, [], r1, r2],
      [m, n, [...proof, r1], r1, r2],
      [m, n, [r2, ...proof], r1, r2],
      [m, n, [proof[0], ...proof], r1, r2],
      [m, n, proof.slice(0, -1), r1, r2],
      ...proof.map((_, i): [number, number, Buffer[], Buffer, Buffer] => [m, n, proof.map((p, j) => (j === i ? flip(p, 4) : p)), r1, r2]),
    ];
    for (const [a, b, p, x, y] of probes) expect(verifyConsistency(a, b, p, x, y)).not.toBeNull();
  });

  it('accepts the trivially consistent sizes and nothing else without a proof', () => {
    const [a, b] = [ROOTS[0], ROOTS[1]];
    expect(verifyConsistency(0, 0, [], a, a)).toBeNull();
    expect(verifyConsistency(0, 1, [], a, b)).toBeNull();
    expect(verifyConsistency(1, 1, [], b, b)).toBeNull();
    expect(verifyConsistency(1, 1, [], a, b)).not.toBeNull();
    expect(verifyConsistency(2, 1, [], a, b)).not.toBeNull();
    expect(verifyConsistency(1, 2, [], a, b)).not.toBeNull();
    expect(verifyConsistency(1, 1, [EMPTY_ROOT], b, b)).not.toBeNull();
  });

  it('reads O(log n) stored subtrees for an inclusion proof at n = 1,000,000', () => {
    const n = 1_000_000;
    for (const m of [0, 1, 524_287, 524_288, 999_999, 777_777]) {
      const reads = inclusionRanges(m, n).flatMap(perfectNodes).length;
      // ceil(log2 n) = 20 siblings, of which at most one is an unbalanced right part (at most 20 subtrees more).
      expect(reads).toBeLessThanOrEqual(40);
    }
  });
});

describe('leafHash, nodeHash and their Digest forms through reused input buffers', () => {
  const reference = (prefix: number, ...parts: Buffer[]) => createHash('sha256').update(Buffer.from([prefix])).update(Buffer.concat(parts)).digest();

  it('hash leaves of any length, in any order, as SHA-256(0x00 || leaf): long, short, the same length again, past the reuse limit', () => {
    const lengths = [10, 3, 10, 0, 1023, 1024, 5000, 4, 70_000, 10, 65_535, 65_536];
    lengths.forEach((n, i) => {
      const leaf = Buffer.alloc(n, i + 1);
      expect(leafHash(leaf)).toEqual(reference(0, leaf));
      expect(Buffer.from(leafDigest(leaf), 'latin1')).toEqual(reference(0, leaf));
    });
  });

  it('hash nodes as SHA-256(0x01 || left || right), and values of another length (a tampered row) as they are', () => {
    const [a, b] = [Buffer.alloc(32, 0xaa), Buffer.alloc(32, 0xbb)];
    expect(nodeHash(a, b)).toEqual(reference(1, a, b));
    expect(nodeHash(b, a)).toEqual(reference(1, b, a));
    expect(nodeHash(a, b.subarray(1))).toEqual(reference(1, a, b.subarray(1)));
  });

  it('hash nodes of Digests (bytes 0x00-0xff, one Latin-1 character each) as SHA-256(0x01 || left || right)', () => {
    // Every byte value on each side, so a character above 0x7f must come out as one byte, not as UTF-8.
    const left = Buffer.from(Array.from({ length: 32 }, (_, i) => i * 8 + 7));
    const right = Buffer.from(Array.from({ length: 32 }, (_, i) => 255 - i * 8));
    expect(Buffer.from(nodeDigest(left.toString('latin1'), right.toString('latin1')), 'latin1')).toEqual(reference(1, left, right));
    expect(Buffer.from(nodeDigest(right.toString('latin1'), left.toString('latin1')), 'latin1')).toEqual(reference(1, right, left));
  });

  it('compare a Digest with a hash byte by byte: the first and the last byte count, and the length', () => {
    const hash = reference(0, Buffer.from('x'));
    const digest = hash.toString('latin1');
    expect(sameDigest(digest, hash)).toBe(true);
    for (const at of [0, 31]) {
      const other = Buffer.from(hash);
      other[at] ^= 0x80;
      expect(sameDigest(digest, other)).toBe(false);
    }
    expect(sameDigest(digest.slice(0, 31), hash)).toBe(false);
    expect(sameDigest(digest, hash.subarray(0, 31))).toBe(false);
  });
});
