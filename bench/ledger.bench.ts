import { hash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { DataSource } from 'typeorm';
import { from as copyFrom } from 'pg-copy-streams';
import { AuditService } from '@app/platform/audit/audit.service';
import { EvidenceLogService } from '@app/proof/ledger/evidence-log.service';
import { LedgerChecksService } from '@app/proof/ledger/ledger-checks.service';
import { encodeLeaf, LedgerEntryKind } from '@app/proof/ledger/ledger-leaf';
import { LogVerifier } from '@app/proof/ledger/ledger-verifier';
import { LedgerRepository } from '@app/proof/ledger/ledger.repository';
import { inclusionRanges, leafHash, perfectNodes, TreeFrontier } from '@app/proof/ledger/merkle';
import { dataSourceOptions } from '../libs/platform/src/database/data-source-options';
import { type BenchFigure, benchConfig, benchDatabase, withClient } from './harness';

/** Entries in the log (BENCH_LEDGER_ENTRIES; 1,000,000 for the figure, 200,000 by default to keep `npm run bench` short). */
const ENTRIES = Number(process.env.BENCH_LEDGER_ENTRIES ?? 200_000);
/** Entries appended one by one through EvidenceLogService.append at the end of the log. */
const APPENDS = Number(process.env.BENCH_LEDGER_APPENDS ?? 500);
/** Rounds of the raw hashing and of the in-memory verification, alternating (the best of each counts). */
const ROUNDS = 5;
/** Inclusion proofs built to count the rows each reads. */
const PROOFS = 200;

/**
 * The payload of bench entry `i`: a document as libs/documents logs it (a DOCUMENT entry names its
 * file, ledger-leaf.ts `loggedFile`). No file or row exists: the service's check reports each
 * entry as a finding (file missing, no row) and goes on; the tree itself must verify.
 */
function benchPayload(i: number): { [key: string]: string | number } {
  return { documentId: `bench-${i}`, sha256: randomBytes(32).toString('hex'), sizeBytes: 1000 + i, file: `bench/${i}.pdf` };
}

function benchLeaf(i: number): Buffer {
  return encodeLeaf(LedgerEntryKind.DOCUMENT, null, benchPayload(i));
}

/**
 * bench/ledger: a log of ENTRIES entries, then a full verification of it.
 *
 * - The first ENTRIES - APPENDS entries are loaded with COPY (their perfect-subtree rows computed
 *   by the same TreeFrontier arithmetic append uses), the last APPENDS appended one transaction
 *   each through EvidenceLogService.append: its time per entry, at the end of a large log, is
 *   read against a one-row INSERT transaction (baseline) in the same run, with the rows it reads.
 * - Verification of every entry (leaf hash, every stored subtree compared, the root against the
 *   signed head): in memory (LogVerifier over the leaves and stored subtrees as read: the figure
 *   the issue's target is about) and through LedgerChecksService.verify (database reads, the
 *   rows of the entries' items and a file look-up each included), each as entries per second
 *   against raw SHA-256 of the same leaf bytes in the same run (the in-memory one in CPU time,
 *   best of ROUNDS alternating rounds). A full check hashes every leaf and about as many
 *   interior nodes: 0.5 is the ceiling; the target is 0.4.
 * - Rows read per inclusion proof at the full size, from the proofs the service builds.
 */
export async function ledgerBench(): Promise<BenchFigure[]> {
  const database = await benchDatabase();
  const config = benchConfig(database.url);
  const dataSource = new DataSource(dataSourceOptions(database.url));
  await dataSource.initialize();
  try {
    await dataSource.runMigrations();
    const repository = new LedgerRepository(dataSource);
    const log = new EvidenceLogService(dataSource, repository, config);
    const checks = new LedgerChecksService(dataSource, repository, log, new AuditService(dataSource), config);

    // Load: leaves and the subtrees they complete, by COPY.
    const loaded = ENTRIES - APPENDS;
    const leaves: Buffer[] = [];
    const hashes: Buffer[] = [];
    const hex = (b: Buffer) => `\\\\x${b.toString('hex')}`;
    /** Streams `lines(i)` for i in [0, count) into a COPY, a megabyte at a time. */
    const copy = (c: Parameters<Parameters<typeof withClient>[1]>[0], sql: string, count: number, lines: (i: number) => string) =>
      (async () => {
        const stream = c.query(copyFrom(sql));
        let text = '';
        for (let i = 0; i < count; i++) {
          text += lines(i);
          if (text.length > 1 << 20 || i === count - 1) {
            if (!stream.write(text)) await once(stream, 'drain');
            text = '';
          }
        }
        stream.end();
        await once(stream, 'finish');
      })();
    await withClient(database.url, async (c) => {
      await copy(c, `COPY ledger_entry (idx, kind, leaf, leaf_hash) FROM STDIN`, loaded, (i) => {
        const leaf = benchLeaf(i);
        leaves.push(leaf);
        hashes.push(leafHash(leaf));
        return `${i}\tDOCUMENT\t${hex(leaf)}\t${hex(hashes[i])}\n`;
      });
      const tree = new TreeFrontier();
      await copy(c, `COPY ledger_node (level, idx, hash) FROM STDIN`, loaded, (i) => {
        tree.push(hashes[i].toString('latin1'));
        return tree.completedNodes().map(([level, idx, hash]) => `${level}\t${idx}\t${hex(hash)}\n`).join('');
      });
      await c.query(`ANALYZE ledger_entry; ANALYZE ledger_node`);
    });

    // Appends through the service, one transaction each, against a one-row INSERT transaction.
    await dataSource.query(`CREATE TABLE bench_insert (id bigint PRIMARY KEY, leaf bytea NOT NULL)`);
    let started = process.hrtime.bigint();
    for (let i = 0; i < APPENDS; i++) {
      const leaf = benchLeaf(loaded + i);
      await dataSource.transaction((m) => m.query(`INSERT INTO bench_insert (id, leaf) VALUES ($1, $2)`, [i, leaf]));
    }
    const insertSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    started = process.hrtime.bigint();
    for (let i = 0; i < APPENDS; i++) {
      const payload = benchPayload(loaded + i);
      const entry = await dataSource.transaction((m) => log.append(m, LedgerEntryKind.DOCUMENT, null, payload));
      leaves.push(encodeLeaf(LedgerEntryKind.DOCUMENT, null, payload));
      if (entry.index !== loaded + i) throw new Error(`append gave index ${entry.index}, expected ${loaded + i}`);
    }
    const appendSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    await dataSource.query(`DROP TABLE bench_insert`);
    // What one append reads: the left siblings of the subtrees it completes (at most log2 n).
    let siblingRows = 0;
    for (let i = loaded; i < ENTRIES; i++) for (let j = i; j % 2 === 1; j = (j - 1) / 2) siblingRows++;

    // Signed head, then the baseline (raw SHA-256 of the same leaf bytes) and the in-memory
    // verification (the leaves and stored subtrees as read, checked by LogVerifier), in
    // alternating rounds, each the best of ROUNDS in CPU time of this process (all its threads,
    // the garbage collector's included): on a machine shared with other work, wall time counts
    // the time other processes held the core, and the ratio then says more about them.
    await checks.checkpoint();
    const head = await log.head();
    const stored = await repository.nodesCompletedBy(0, ENTRIES);
    const leafHashes = leaves.map(leafHash);
    const cpuSeconds = (run: () => void) => {
      const at = process.cpuUsage();
      run();
      const used = process.cpuUsage(at);
      return (used.user + used.system) / 1e6;
    };
    const raw = () => {
      // One-shot crypto.hash of each leaf, its fastest form: a string digest (a Buffer digest costs
      // about four times as much on Node 20; the verifier keeps string digests too, merkle.ts Digest).
      for (const leaf of leaves) hash('sha256', leaf, 'binary');
    };
    const inMemory = () => {
      const verifier = new LogVerifier([{ treeSize: head.treeSize, rootHash: head.rootHash, source: 'the bench head' }]);
      for (let i = 0; i < leaves.length; i++) if (verifier.next({ index: i, leaf: leaves[i], leafHash: leafHashes[i] }, stored)) break;
      if (verifier.finish() || verifier.checked !== ENTRIES) throw new Error(`in-memory verification failed: ${JSON.stringify(verifier.failure)}`);
    };
    let rawSeconds = Infinity;
    let memorySeconds = Infinity;
    for (let round = 0; round < ROUNDS; round++) {
      rawSeconds = Math.min(rawSeconds, cpuSeconds(raw));
      memorySeconds = Math.min(memorySeconds, cpuSeconds(inMemory));
    }

    // Verification through the service (reads included).
    started = process.hrtime.bigint();
    const full = await checks.verify();
    const fullSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    // Every entry is a finding (no file, no row, see benchPayload); the tree itself must verify in full.
    if (!full.evidence.logIntact || full.evidence.checked !== ENTRIES || full.evidence.failureCount !== ENTRIES) {
      throw new Error(`verification failed: ${JSON.stringify(full.evidence.failure)} after ${full.evidence.checked} entries`);
    }

    // Rows read per inclusion proof at the full size.
    let rows = 0;
    let most = 0;
    for (let k = 0; k < PROOFS; k++) {
      const index = Math.floor((k * (ENTRIES - 1)) / (PROOFS - 1));
      const { rowsRead } = await log.inclusionProof(index, ENTRIES);
      rows += rowsRead;
      most = Math.max(most, rowsRead);
    }
    const bound = inclusionRanges(ENTRIES - 1, ENTRIES).flatMap(perfectNodes).length;

    const rate = (seconds: number) => ENTRIES / seconds;
    const figures: BenchFigure[] = [
      fig(`append through the service (last ${APPENDS} of ${ENTRIES})`, APPENDS / appendSeconds, 'entries/s', 'one-row INSERT transaction', APPENDS / insertSeconds),
      fig(`rows read per append (left siblings, mean)`, siblingRows / APPENDS, 'rows', `log2(${ENTRIES})`, Math.log2(ENTRIES)),
      fig(`verify ${ENTRIES} entries in memory (LogVerifier, CPU time)`, rate(memorySeconds), 'entries/s', 'raw SHA-256 of the leaves (CPU time)', rate(rawSeconds)),
      fig(`verify ${ENTRIES} entries with reads (LedgerChecksService, wall time)`, rate(fullSeconds), 'entries/s', 'raw SHA-256 of the leaves (CPU time)', rate(rawSeconds)),
      fig(`rows read per inclusion proof at n = ${ENTRIES} (mean of ${PROOFS}; max ${most})`, rows / PROOFS, 'rows', `ceil(log2 n) = ${Math.ceil(Math.log2(ENTRIES))}`, Math.ceil(Math.log2(ENTRIES))),
      fig(`rows read by the proof of the last entry`, bound, 'rows', `ceil(log2 n)`, Math.ceil(Math.log2(ENTRIES))),
    ];
    return figures;
  } finally {
    await dataSource.destroy();
  }
}

function fig(measure: string, value: number, unit: string, baseline: string, baselineValue: number): BenchFigure {
  return { benchmark: 'ledger', measure, value, unit, baseline, baselineValue, ratio: value / baselineValue };
}
