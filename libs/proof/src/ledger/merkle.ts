import { createHash, hash } from 'node:crypto';

/**
 * The Merkle tree of RFC 9162 (Certificate Transparency 2.0) section 2.1, with SHA-256, as pure
 * functions: the hashes (2.1.1), the proofs (2.1.3.1 PATH, 2.1.4.1 PROOF/SUBPROOF) and their
 * verification (2.1.3.2, 2.1.4.2). Shared by the API (which reads the hashes of stored perfect
 * subtrees) and the offline verifier of the CLI (which holds only proofs). RFC 6962 section 2.1
 * defines the same tree, so proofs interoperate with every RFC 6962 implementation.
 *
 * Hashes are 32-byte Buffers; indices and sizes are non-negative safe integers (leaf indices are
 * 0-based, as RFC 9162 counts them).
 */

/** SHA-256 of the empty string: the hash of an empty tree (RFC 9162 2.1.1, MTH({})). */
export const EMPTY_ROOT = createHash('sha256').digest();

/**
 * A SHA-256 digest as a 32-character Latin-1 string, one character per byte. A full
 * verification keeps its digests in this form: on Node 20 `crypto.hash` returns a string digest
 * for a quarter of the CPU of a Buffer digest (the Buffer's backing store costs about three short
 * hashes), and a short string lives on the young heap. Buffers are made at the edges
 * (`leafHash`, `nodeHash`, what is stored or sent). crypto's output encoding 'binary' is Node's
 * name for Latin-1.
 */
export type Digest = string;

/** The leaf hash of RFC 9162 2.1.1, SHA-256(0x00 || leaf), as a `Digest`. */
export function leafDigest(leaf: Uint8Array): Digest {
  // One-shot crypto.hash over one buffer: a Hash object per call costs about as much as hashing
  // a short leaf. The input is built in a reused buffer (0x00, then the leaf) through a reused
  // view per leaf length: allocating an input per leaf (Buffer.concat), or even a view, costs a
  // quarter of the hash itself.
  const n = leaf.length;
  if (n >= LEAF_INPUT_MAX) return hash('sha256', Buffer.concat([LEAF_PREFIX, leaf]), 'binary');
  if (n >= leafInput.length) {
    leafInput = Buffer.alloc(Math.min(LEAF_INPUT_MAX, 2 * n + 1));
    leafViews = [];
  }
  leafInput.set(leaf, 1);
  return hash('sha256', (leafViews[n] ??= leafInput.subarray(0, n + 1)), 'binary');
}

/** The interior node hash of RFC 9162 2.1.1, SHA-256(0x01 || left || right), of two `Digest`s. */
export function nodeDigest(left: Digest, right: Digest): Digest {
  // Copied in by character: for 32 bytes a JavaScript loop costs less than a call into C++ (latin1Write).
  for (let i = 0; i < 32; i++) {
    NODE_INPUT[1 + i] = left.charCodeAt(i);
    NODE_INPUT[33 + i] = right.charCodeAt(i);
  }
  return hash('sha256', NODE_INPUT, 'binary');
}

/** The leaf hash of RFC 9162 2.1.1: SHA-256(0x00 || leaf). */
export function leafHash(leaf: Uint8Array): Buffer {
  return Buffer.from(leafDigest(leaf), 'latin1');
}

/** The interior node hash of RFC 9162 2.1.1: SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  // A stored value of another length (a tampered row) is hashed as it is: the mismatch it causes is the finding.
  if (left.length !== 32 || right.length !== 32) return Buffer.from(hash('sha256', Buffer.concat([NODE_PREFIX, left, right]), 'binary'), 'latin1');
  // One preallocated input buffer: no allocation besides the digest (synchronous, so never shared mid-hash).
  NODE_INPUT.set(left, 1);
  NODE_INPUT.set(right, 33);
  return Buffer.from(hash('sha256', NODE_INPUT, 'binary'), 'latin1');
}

/**
 * Whether a `Digest` holds the bytes of `hash`. A JavaScript loop: for 32 bytes it is cheaper
 * than a call into C++, and a full verification compares about three hashes per entry.
 */
export function sameDigest(digest: Digest, hash: Uint8Array): boolean {
  if (digest.length !== hash.length) return false;
  for (let i = 0; i < hash.length; i++) if (digest.charCodeAt(i) !== hash[i]) return false;
  return true;
}

const LEAF_PREFIX = Buffer.from([0]);
const NODE_PREFIX = Buffer.from([1]);
/** leafDigest's reused input: byte 0 stays 0x00 (zero-filled), the leaf follows; grown up to LEAF_INPUT_MAX bytes. */
let leafInput = Buffer.alloc(1024);
/** leafInput's first n + 1 bytes, by leaf length n (sync use only: never shared mid-hash). */
let leafViews: Buffer[] = [];
const LEAF_INPUT_MAX = 1 << 16;
/** 0x01 then room for left and right: the input of nodeHash and nodeDigest. */
const NODE_INPUT = Buffer.alloc(65, 1);

/** The largest power of two strictly smaller than n (n >= 2): RFC 9162's split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * A run of consecutive leaves [start, end) whose MTH is one element of a proof. Every range a
 * proof names is a subtree of the RFC 9162 recursion, so it decomposes into aligned perfect
 * subtrees (`perfectNodes`): what the database stores.
 */
export interface LeafRange {
  readonly start: number;
  readonly end: number;
}

/** A perfect subtree: level l covers leaves [index * 2^l, (index + 1) * 2^l). */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && 2 ** Math.round(Math.log2(n)) === n;
}

/**
 * The perfect subtrees whose hashes give MTH(D[start:end]), left to right, as RFC 9162 splits
 * the range: the hash of the range is their hashes combined right to left (`combineRange`).
 * At most 2 log2(n) nodes.
 */
export function perfectNodes({ start, end }: LeafRange): NodeId[] {
  const nodes: NodeId[] = [];
  let a = start;
  while (a < end) {
    // The recursion's left part at each step is the largest power of two below what remains (or all of it when a power of two).
    const remaining = end - a;
    const size = isPowerOfTwo(remaining) ? remaining : splitPoint(remaining);
    if (a % size !== 0) throw new RangeError(`[${start}, ${end}) is not a subtree of the RFC 9162 recursion`);
    nodes.push({ level: Math.round(Math.log2(size)), index: a / size });
    a += size;
  }
  return nodes;
}

/** MTH of a range from the hashes of its `perfectNodes`, in the same order. */
export function combineRange(hashes: readonly Buffer[]): Buffer {
  if (hashes.length === 0) return EMPTY_ROOT;
  let acc = hashes[hashes.length - 1];
  for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(hashes[i], acc);
  return acc;
}

/** The ranges of PATH(m, D[0:n]) (RFC 9162 2.1.3.1), from the leaf upwards. */
export function inclusionRanges(m: number, n: number): LeafRange[] {
  checkIndex(m, n);
  const out: LeafRange[] = [];
  const path = (m: number, start: number, end: number): void => {
    const size = end - start;
    if (size <= 1) return;
    const k = splitPoint(size);
    if (m < k) {
      path(m, start, start + k);
      out.push({ start: start + k, end });
    } else {
      path(m - k, start + k, end);
      out.push({ start, end: start + k });
    }
  };
  path(m, 0, n);
  return out;
}

/** The ranges of PROOF(m, D[0:n]) (RFC 9162 2.1.4.1), 0 < m <= n; empty when m = n. */
export function consistencyRanges(m: number, n: number): LeafRange[] {
  if (!Number.isSafeInteger(m) || !Number.isSafeInteger(n) || m < 1 || m > n) {
    throw new RangeError(`consistency proof needs 0 < from <= to; got ${m}, ${n}`);
  }
  const out: LeafRange[] = [];
  const subproof = (m: number, start: number, end: number, b: boolean): void => {
    const size = end - start;
    if (m === size) {
      if (!b) out.push({ start, end });
      return;
    }
    const k = splitPoint(size);
    if (m <= k) {
      subproof(m, start, start + k, b);
      out.push({ start: start + k, end });
    } else {
      subproof(m - k, start + k, end, false);
      out.push({ start, end: start + k });
    }
  };
  subproof(m, 0, n, true);
  return out;
}

function checkIndex(m: number, n: number): void {
  if (!Number.isSafeInteger(m) || !Number.isSafeInteger(n) || m < 0 || m >= n) {
    throw new RangeError(`leaf index must be below the tree size; got ${m}, ${n}`);
  }
}

/** Why a proof did not verify (RFC 9162 2.1.3.2 / 2.1.4.2), or null when it did. */
export type ProofFailure = string | null;

/**
 * RFC 9162 2.1.3.2: does `proof` show leaf `leafIndex` with hash `leaf` in the tree of size
 * `treeSize` with root `root`? Returns null when it does, else the reason.
 */
export function verifyInclusion(leafIndex: number, treeSize: number, leaf: Buffer, proof: readonly Buffer[], root: Buffer): ProofFailure {
  const computed = rootFromInclusion(leafIndex, treeSize, leaf, proof);
  if (typeof computed === 'string') return computed;
  return computed.equals(root) ? null : 'the proof leads to another root';
}

/** The root an inclusion proof leads to (RFC 9162 2.1.3.2 steps 1-5), or why it cannot be followed. */
export function rootFromInclusion(leafIndex: number, treeSize: number, leaf: Buffer, proof: readonly Buffer[]): Buffer | string {
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize) || leafIndex < 0 || leafIndex >= treeSize) {
    return 'leaf index is not below the tree size';
  }
  if (leaf.length !== 32 || proof.some((p) => p.length !== 32)) return 'a hash is not 32 bytes';
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return 'the proof is longer than the path';
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : 'the proof is shorter than the path';
}

/**
 * RFC 9162 2.1.4.2: does `proof` show that the tree of size `size1` with root `root1` is a
 * prefix of the tree of size `size2` with root `root2`? Null when it does, else the reason.
 */
export function verifyConsistency(size1: number, size2: number, proof: readonly Buffer[], root1: Buffer, root2: Buffer): ProofFailure {
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 0 || size2 < size1) return 'the sizes are not 0 <= from <= to';
  if (proof.some((p) => p.length !== 32)) return 'a hash is not 32 bytes';
  if (size1 === size2) return proof.length === 0 && root1.equals(root2) ? null : 'equal sizes need an empty proof and equal roots';
  if (size1 === 0) return proof.length === 0 ? null : 'a proof from the empty tree must be empty';
  if (proof.length === 0) return 'the proof is empty';
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return 'the proof is longer than needed';
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) return 'the proof is shorter than needed';
  if (!fr.equals(root1)) return 'the proof does not lead to the first root';
  if (!sr.equals(root2)) return 'the proof does not lead to the second root';
  return null;
}

/**
 * The tree's right edge while leaves are appended in order (a compact range [0, n)): one hash
 * per set bit of n, so memory is O(log n) and each append costs O(1) hashes amortised. Its
 * `root()` is MTH(D[0:n]). Used to verify a whole log by recomputing it from its leaves; works
 * on `Digest`s (the hot path of a full verification).
 */
export class TreeFrontier {
  /** Perfect subtree hashes, largest (leftmost) first; sizes follow the set bits of `size`. */
  private readonly stack: Digest[] = [];
  /**
   * The perfect subtrees the last `push` completed, by level: [0] the leaf itself, [l] the
   * subtree of the 2^l leaves ending with it (index floor(leaf index / 2^l)). Reused by every
   * push (no allocation per leaf); entries beyond the count `push` returned are stale.
   */
  readonly completed: Digest[] = [];
  private completedCount = 0;
  size = 0;

  /** Appends a leaf hash (`leafDigest`); returns how many perfect subtrees it completed (levels 0 to that - 1 of `completed`). */
  push(leaf: Digest): number {
    const completed = this.completed;
    const stack = this.stack;
    let hash = leaf;
    let level = 0;
    completed[0] = leaf;
    for (let index = this.size; index % 2 === 1; index = (index - 1) / 2) {
      hash = nodeDigest(stack.pop()!, hash);
      completed[++level] = hash;
    }
    stack.push(hash);
    this.size++;
    return (this.completedCount = level + 1);
  }

  /** The subtrees the last `push` completed as [level, index, hash], level 0 first: the rows to store. */
  completedNodes(): [number, number, Buffer][] {
    const made: [number, number, Buffer][] = [];
    for (let level = 0, index = this.size - 1; level < this.completedCount; level++, index = (index - 1) / 2) {
      made.push([level, index, Buffer.from(this.completed[level], 'latin1')]);
    }
    return made;
  }

  root(): Buffer {
    return combineRange(this.stack.map((d) => Buffer.from(d, 'latin1')));
  }
}
