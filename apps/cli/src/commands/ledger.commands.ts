import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { fileDigest } from '@app/proof/ledger/file-hash';
import type { FileDigest } from '@app/proof/ledger/ledger-leaf';
import { type LedgerExport, verifyExport } from '@app/proof/ledger/ledger-verifier';
import { verifyConsistency, verifyInclusion } from '@app/proof/ledger/merkle';
import { CliError } from '../cli-error';

/** A list of 32-byte hashes given as comma-separated hex ("" for none; an empty item, as in ",a" or "a,,b", is refused). */
function hashes(value: string, option: string): Buffer[] {
  const parts = value.trim() === '' ? [] : value.split(',').map((s) => s.trim());
  for (const p of parts) if (!/^[0-9a-fA-F]{64}$/.test(p)) throw new CliError(`${option}: each hash is 64 hex digits`);
  return parts.map((p) => Buffer.from(p, 'hex'));
}

function hash(value: string, option: string): Buffer {
  const [one, ...rest] = hashes(value, option);
  if (!one || rest.length) throw new CliError(`${option}: one hash of 64 hex digits`);
  return one;
}

function count(value: string, option: string): number {
  if (!/^\d{1,15}$/.test(value)) throw new CliError(`${option}: a non-negative whole number`);
  return Number(value);
}

/** The text of `file`; a CliError naming the file and the system's code (ENOENT, EACCES…) when it cannot be read. */
function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function readJson(file: string): unknown {
  const text = readText(file);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`${file} is not JSON: ${(error as Error).message}`);
  }
}

/** The SHA-256 and size of `name` in the first of `dirs` that holds it; null when none does. */
async function firstFileDigest(dirs: string[], name: string): Promise<FileDigest | null> {
  for (const dir of dirs) {
    const digest = await fileDigest(join(dir, name));
    if (digest !== null) return digest;
  }
  return null;
}

/** A held head file: a signed note as text, or JSON with its `note` (as `evidenceLogHead` returns it). */
export function readHead(file: string): string {
  const text = readText(file);
  try {
    const parsed = JSON.parse(text);
    const note = parsed?.note ?? parsed?.data?.evidenceLogHead?.note;
    if (typeof note !== 'string') throw new CliError(`${file}: JSON without a "note"`);
    return note;
  } catch (error) {
    if (error instanceof CliError) throw error;
    return text;
  }
}

/** A verifier key given on the command line, or the path of a file holding it (text, or JSON with `verifierKey`). */
function readKey(value: string): string {
  if (!existsSync(value)) return value;
  const text = readFileSync(value, 'utf8').trim();
  try {
    const key = JSON.parse(text)?.verifierKey ?? JSON.parse(text)?.data?.evidenceLogHead?.verifierKey;
    if (typeof key !== 'string') throw new CliError(`${value}: JSON without a "verifierKey"`);
    return key;
  } catch (error) {
    if (error instanceof CliError) throw error;
    return text;
  }
}

/**
 * `leakcase ledger …`: export one case's ledger entries with their proofs and signed heads, and
 * check an export, or a single proof, without the server or the database (`verify`,
 * `check-inclusion`, `check-consistency` load no database code). A failed check prints the first
 * entry that fails and exits with code 1.
 */
export function ledgerCommand(): Command {
  const ledger = new Command('ledger').description('The tamper-evident evidence log (RFC 9162 Merkle tree, signed checkpoints)');

  ledger
    .command('export')
    .description('Write the entries of a case, each with its inclusion proof to a fresh signed head, the earlier signed heads with consistency proofs, as JSON')
    .requiredOption('--case <id>', 'the case')
    .argument('<out>', 'the JSON file to write')
    .action(async (out: string, options: { case: string }) => {
      // Loaded here: verify and the checks must run without the database code.
      const { withApp } = require('../context') as typeof import('../context');
      // A relative path: the build rewrites the @app aliases of imports, not of require() calls.
      const { LedgerExportService } = require('../../../../libs/proof/src/ledger/ledger-export.service') as typeof import('@app/proof/ledger/ledger-export.service');
      await withApp(async (app) => {
        const exported = await app.get(LedgerExportService).export(options.case);
        writeFileSync(out, `${JSON.stringify(exported, null, 1)}\n`);
        process.stdout.write(`Wrote ${exported.entries.length} entries of case ${options.case} and ${exported.checkpoints.length} earlier checkpoint(s) to ${out}\n`);
      });
    });

  ledger
    .command('verify')
    .description('Check an export offline: signatures, leaf hashes, inclusion and consistency proofs, files, a held head')
    .argument('<export>', 'the JSON file written by `ledger export`')
    .option(
      '--files <dir>',
      'a directory of the logged files: the evidence store (files named by their SHA-256) or the documents store (<case>/<document>.<ext>); repeat it for both',
      (dir: string, dirs: string[]) => [...dirs, dir],
      [] as string[],
    )
    .option('--head <file>', 'a signed head kept earlier (a signed note, or the JSON of evidenceLogHead)')
    .option(
      '--key <key or file>',
      "the installation's verifier key (`leakcase ledger key`, or evidenceLogHead's verifierKey), or a file holding it: the export must be signed by it (repeat it to accept any of several; without it, the keys of LEDGER_TRUSTED_KEYS when set)",
      (key: string, keys: string[]) => [...keys, key],
      [] as string[],
    )
    .action(async (file: string, options: { files: string[]; head?: string; key: string[] }) => {
      const exported = readJson(file) as LedgerExport;
      const trusted = (process.env.LEDGER_TRUSTED_KEYS ?? '').split(/[\s,]+/).filter(Boolean);
      const pinned = options.key.length ? { keys: options.key.map(readKey), by: 'pinned with --key' } : trusted.length ? { keys: trusted, by: 'pinned by LEDGER_TRUSTED_KEYS' } : null;
      const outcome = await verifyExport(exported, {
        fileHash: options.files.length ? (logged) => firstFileDigest(options.files, logged.name) : undefined,
        heldHead: options.head ? readHead(options.head) : undefined,
        pinnedKeys: pinned?.keys,
      });
      if (!outcome.ok) {
        const at = outcome.failure!.index === null ? '' : ` at entry ${outcome.failure!.index}`;
        throw new CliError(`verification FAILED${at}: ${outcome.failure!.reason}`);
      }
      process.stdout.write(
        `OK: ${outcome.entriesChecked} entries in the signed tree of ${outcome.treeSize}${options.files.length ? `, ${outcome.filesChecked} files intact` : ''}${options.head ? ', consistent with the held head' : ''}\n`,
      );
      process.stdout.write(`Key: ${exported.verifierKey} (${pinned ? pinned.by : options.head ? 'the held head is signed by it' : "the export's own key, NOT pinned"})\n`);
      if (!pinned && !options.head) {
        process.stderr.write(
          "leakcase: WARNING: neither --key, LEDGER_TRUSTED_KEYS nor --head: the export was checked against the key it carries, so a fully re-signed forgery would pass; pin the installation's key with --key (exit code 3)\n",
        );
        process.exitCode = 3;
      }
    });

  ledger
    .command('key')
    .description("Print the installation's ledger verifier key (signed-note form), to pin with `ledger verify --key`")
    .action(async () => {
      const { withApp } = require('../context') as typeof import('../context');
      const { EvidenceLogService } = require('../../../../libs/proof/src/ledger/evidence-log.service') as typeof import('@app/proof/ledger/evidence-log.service');
      await withApp(async (app) => {
        process.stdout.write(`${app.get(EvidenceLogService).verifierKey}\n`);
      });
    });

  ledger
    .command('check-inclusion')
    .description('Check one RFC 9162 inclusion proof by hand')
    .requiredOption('--leaf-hash <hex>', 'SHA-256(0x00 || leaf)')
    .requiredOption('--index <n>', '0-based leaf index')
    .requiredOption('--tree-size <n>', 'tree size')
    .requiredOption('--root <hex>', 'root hash of the tree of that size')
    .option('--proof <hex,...>', 'the proof, comma-separated hex, from the leaf upwards', '')
    .action((o: { leafHash: string; index: string; treeSize: string; root: string; proof: string }) => {
      const failed = verifyInclusion(count(o.index, '--index'), count(o.treeSize, '--tree-size'), hash(o.leafHash, '--leaf-hash'), hashes(o.proof, '--proof'), hash(o.root, '--root'));
      if (failed) throw new CliError(`inclusion proof FAILED: ${failed}`);
      process.stdout.write(`OK: leaf ${o.index} is in the tree of ${o.treeSize}\n`);
    });

  ledger
    .command('check-consistency')
    .description('Check one RFC 9162 consistency proof by hand')
    .requiredOption('--from <n>', 'the earlier tree size')
    .requiredOption('--to <n>', 'the later tree size')
    .requiredOption('--from-root <hex>', 'root of the earlier tree')
    .requiredOption('--to-root <hex>', 'root of the later tree')
    .option('--proof <hex,...>', 'the proof, comma-separated hex', '')
    .action((o: { from: string; to: string; fromRoot: string; toRoot: string; proof: string }) => {
      const failed = verifyConsistency(count(o.from, '--from'), count(o.to, '--to'), hashes(o.proof, '--proof'), hash(o.fromRoot, '--from-root'), hash(o.toRoot, '--to-root'));
      if (failed) throw new CliError(`consistency proof FAILED: ${failed}`);
      process.stdout.write(`OK: the tree of ${o.to} extends the tree of ${o.from}\n`);
    });
  return ledger;
}
