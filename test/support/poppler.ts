import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let checked = false;

/**
 * Makes sure poppler-utils (pdftotext, pdftoppm, pdfinfo) is installed: installs Debian's package
 * when it is missing and we may (root with apt-get), otherwise fails with what to do. The
 * document tests read every generated PDF through it.
 */
export function requirePoppler(): void {
  if (checked) return;
  const has = () => spawnSync('pdftotext', ['-v'], { stdio: 'ignore' }).status === 0;
  if (!has() && process.getuid?.() === 0 && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0) {
    spawnSync('apt-get', ['install', '-y', '-q', 'poppler-utils'], { stdio: 'ignore', timeout: 300_000 });
    if (!has()) spawnSync('sh', ['-c', 'apt-get update -q && apt-get install -y -q poppler-utils'], { stdio: 'ignore', timeout: 600_000 });
  }
  if (!has()) {
    throw new Error('pdftotext (Debian package poppler-utils) is missing and could not be installed: run `apt-get install -y poppler-utils` (as root) and run the tests again');
  }
  checked = true;
}

/** `pdftotext` of a PDF with the given mode flag. */
function pdftotext(pdf: Buffer, mode: '-layout' | '-raw'): string {
  requirePoppler();
  const dir = mkdtempSync(join(tmpdir(), 'leakcase-pdf-'));
  const file = join(dir, 'doc.pdf');
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', [mode, '-enc', 'UTF-8', file, '-'], { maxBuffer: 512 * 1024 * 1024 }).toString('utf8');
}

/** The text of a PDF, page layout kept (`pdftotext -layout`). */
export const pdfText = (pdf: Buffer): string => pdftotext(pdf, '-layout');

/** The text of a PDF in the order it was drawn (`pdftotext -raw`): a table row's cells one after the other, however they wrap. */
export const pdfRawText = (pdf: Buffer): string => pdftotext(pdf, '-raw');

/** The PDF's page count as pdfinfo reads it. */
export function pdfPages(pdf: Buffer): number {
  requirePoppler();
  const dir = mkdtempSync(join(tmpdir(), 'leakcase-pdf-'));
  const file = join(dir, 'doc.pdf');
  writeFileSync(file, pdf);
  const info = execFileSync('pdfinfo', [file]).toString('utf8');
  return Number(/^Pages:\s+(\d+)/m.exec(info)![1]);
}

/** Renders page 1 to `dir/name.png` at 60 dpi (for looking at), when LEAKCASE_DOCS_PNG_DIR names a directory. */
export function firstPagePng(pdf: Buffer, name: string): void {
  const dir = process.env.LEAKCASE_DOCS_PNG_DIR;
  if (!dir) return;
  requirePoppler();
  const work = mkdtempSync(join(tmpdir(), 'leakcase-png-'));
  const file = join(work, 'doc.pdf');
  writeFileSync(file, pdf);
  execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', file, join(dir, name)]);
}
