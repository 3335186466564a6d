import { createWriteStream, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { finished } from 'node:stream/promises';
import PDFDocument from 'pdfkit';
import type { Client } from 'pg';
import { type Actor, loadConfig, OrganisationKind, Role } from '@app/platform';
import { DocumentFormat, DocumentKind, DocumentLanguage, DocumentsService, FONT_REGULAR, PAGE, TABLE } from '@app/documents';
import { grouped, yuan } from '../libs/documents/src/texts/format';
import { createApi } from '../apps/api/src/bootstrap';
import { type BenchFigure, benchDatabase, benchEnv, CLI, runChild, scratchDir, withClient } from './harness';

const MEMBERS = Number(process.env.BENCH_ROSTER_MEMBERS ?? 100_000);
/** The memory check's roster (1,000,000 members); 0 to skip it. */
const RSS_MEMBERS = Number(process.env.BENCH_ROSTER_RSS_MEMBERS ?? 0);
const RSS_TARGET_MB = 400;
/** The small roster: the warm-up, and the CLI's footprint that the large ones are read against. */
const SMALL_MEMBERS = 2_000;

const log = (line: string) => process.stderr.write(`  [roster] ${line}\n`);

/** Ten regions of issue: with the last four digits, 100,000 distinct masks, as many as people in a real roster (a mask repeats rarely). */
const REGIONS = ['110', '120', '130', '310', '320', '330', '440', '510', '610', '650'];
const MASKED_ID_SQL = `(ARRAY[${REGIONS.map((r) => `'${r}'`).join(',')}])[1 + i % 10] || '***********' || lpad(((i / 10) % 10000)::text, 4, '0')`;
const maskedId = (i: number) => `${REGIONS[i % 10]}***********${String(Math.floor(i / 10) % 10000).padStart(4, '0')}`;
/** Row i's cells as the roster shows them (the SQL below makes the same facts). */
const SUBCLASS_ZH = ['一般组', '财产损失组', '敏感信息组'];
const STATE_ZH = ['待审查', '已确认', '已登记', '已排除'];
const bareCells = (i: number): string[] => [
  grouped(i, 0),
  '1',
  '张*',
  maskedId(i),
  i % 5 === 0 ? '数据集比对、本人申报' : i % 2 === 0 ? '数据集比对' : '本人申报',
  SUBCLASS_ZH[i % 3],
  STATE_ZH[i % 4],
  i % 10 === 0 ? yuan(100 + ((i * 7919) % 5000000)) : '—',
];

/**
 * A filed case at the court with one class of `n` members made in SQL (claimants with masked
 * identifiers only; bases, subclasses, states and losses varied), for the court's merged roster.
 */
async function rosterCase(db: Client, tag: string, n: number, ids: { court: string; association: string; user: string }): Promise<string> {
  const { rows: [kase] } = await db.query(
    `INSERT INTO legal_case (case_type, title, court_id, opened_by_organisation_id, opened_by, stage, filed_on)
     VALUES ('SUPPORTED', 'Roster bench ${tag}', $1, $2, $3, 'FILED', '2025-02-17') RETURNING id`,
    [ids.court, ids.association, ids.user],
  );
  const { rows: [klass] } = await db.query(
    `INSERT INTO case_class (case_id, name, definition, bases, created_by, organisation_id)
     VALUES ($1, 'Roster bench ${tag}', 'Everyone in the bench dataset', '{DATASET_MATCH,BREACH_NOTICE,SELF_DECLARED}', $2, $3) RETURNING id`,
    [kase.id, ids.user, ids.association],
  );
  await db.query(`CREATE UNLOGGED TABLE bench_roster_${tag} AS SELECT i, gen_random_uuid() AS id FROM generate_series(1, $1::int) i`, [n]);
  await db.query(
    `INSERT INTO claimant (id, id_number_index, id_number_masked, name_masked)
     SELECT id, sha256(convert_to('roster-${tag}-' || i, 'UTF8')), ${MASKED_ID_SQL}, '张*' FROM bench_roster_${tag}`,
  );
  await db.query(
    `INSERT INTO class_member (class_id, claimant_id, case_id, state, subclass, bases, verified, data_categories, harm_types,
                               declared_loss_fen, has_evidence, evidence_outside_window)
     SELECT $1, id, $2, (ARRAY['PROPOSED','ADMITTED','REGISTERED','EXCLUDED'])[1 + i % 4]::class_member_state,
            (ARRAY['ORDINARY','FINANCIAL_LOSS','SENSITIVE_DATA'])[1 + i % 3]::class_subclass,
            CASE WHEN i % 5 = 0 THEN '{DATASET_MATCH,SELF_DECLARED}' WHEN i % 2 = 0 THEN '{DATASET_MATCH}' ELSE '{SELF_DECLARED}' END::exposure_basis[],
            i % 2 = 0, '{NAME,PHONE_NUMBER}', '{}', CASE WHEN i % 10 = 0 THEN 100 + (i::bigint * 7919) % 5000000 END, i % 2 = 0, false
       FROM bench_roster_${tag}`,
    [klass.id, kase.id],
  );
  await db.query(`DROP TABLE bench_roster_${tag}`);
  await db.query('VACUUM ANALYZE class_member, claimant');
  return kase.id;
}

/**
 * The bare baseline: pdfkit writing `rows` rows of the same kind of cells (same font, size and
 * columns) at `perPage` rows a page into a file, with no database, no header rows, no page
 * numbers and no hashing.
 */
async function bareLoop(file: string, rows: number, perPage: number): Promise<{ pages: number; ms: number }> {
  const started = performance.now();
  const doc = new PDFDocument({ size: PAGE.size, margins: PAGE.margins, autoFirstPage: false });
  const out = createWriteStream(file);
  doc.pipe(out);
  doc.registerFont('regular', FONT_REGULAR);
  const xs = [64, 100, 130, 164, 250, 374, 435, 480];
  let pages = 0;
  for (let i = 0; i < rows; i++) {
    if (i % perPage === 0) {
      doc.addPage();
      pages++;
      doc.font('regular').fontSize(TABLE.fontSize);
    }
    const y = PAGE.margins.top + TABLE.headerHeight + (i % perPage) * TABLE.rowHeight + TABLE.padding;
    const cells = bareCells(i + 1);
    for (let c = 0; c < cells.length; c++) doc.text(cells[c], xs[c], y, { lineBreak: false });
  }
  doc.end();
  await finished(out);
  return { pages, ms: performance.now() - started };
}

/**
 * `bench/roster`: the court's PDF roster of a 100,000-member class through DocumentsService (the
 * keyset reads, the layout with page numbers, hashing and storing), in pages per second, against
 * a bare pdfkit loop writing as many rows on as many pages with the same font in the same run
 * (target: ratio at least 0.7). Then the peak RSS of the generator itself: the compiled CLI
 * (`leakcase documents generate`, which runs a large roster's job in its own process) in a child
 * process, for the PDF and the XLSX roster, against the same CLI making a 2,000-member roster.
 * With BENCH_ROSTER_RSS_MEMBERS=1000000 also of a 1,000,000-member roster (target: under 400 MB;
 * its PDF alone over an hour on a loaded 2-core machine).
 */
export async function rosterBench(): Promise<BenchFigure[]> {
  const database = await benchDatabase();
  const env = benchEnv(database.url);
  const api = await createApi(loadConfig({ ...env, DOCUMENTS_SYNC_ROWS: String(10_000_000) }));
  await api.init();
  const figures: BenchFigure[] = [];
  try {
    const service = api.get(DocumentsService);
    const dir = scratchDir('leakcase-bench-roster-');
    await withClient(database.url, async (db) => {
      const [ids] = (
        await db.query(`SELECT (SELECT id FROM organisation WHERE kind = 'COURT' LIMIT 1) AS court,
                               (SELECT id FROM organisation WHERE kind = 'CONSUMER_ASSOCIATION' LIMIT 1) AS association,
                               (SELECT id FROM app_user WHERE email = 'association@demo.local') AS user,
                               (SELECT id FROM app_user WHERE email = 'judge@demo.local') AS judge`)
      ).rows;
      const judge: Actor = { userId: ids.judge, organisationId: ids.court, role: Role.JUDGE, organisationKind: OrganisationKind.COURT };
      const roster = (caseId: string) => service.generate(judge, { caseId, kind: DocumentKind.CLASS_ROSTER, language: DocumentLanguage.ZH, format: DocumentFormat.PDF });
      const [{ name: court }] = (await db.query(`SELECT name FROM organisation WHERE id = $1`, [ids.court])).rows;
      /** The court's roster of `caseId` made by the CLI in a child process: its peak RSS in MB. */
      const cliRoster = async (caseId: string, format: 'pdf' | 'xlsx'): Promise<number> => {
        const out = join(dir, `roster.${format}`);
        const run = await runChild([CLI, 'documents', 'generate', '--case', caseId, '--kind', 'CLASS_ROSTER', '--lang', 'zh', '--format', format, '--org', court, '--out', out], env, dir);
        rmSync(out);
        log(`CLI ${format}: ${run.stdout.trim().split(' sha256')[0]} in ${run.seconds.toFixed(1)} s; peak RSS ${(run.peakKb / 1024).toFixed(0)} MB (sampled ${(run.sampledKb / 1024).toFixed(0)} MB)`);
        return run.peakKb / 1024;
      };

      let started = performance.now();
      const caseId = await rosterCase(db, 'main', MEMBERS, ids);
      log(`${MEMBERS} members made in SQL in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      // Warm-up (fonts read, code compiled) on a small roster.
      const small = await rosterCase(db, 'warm', SMALL_MEMBERS, ids);
      await roster(small);
      started = performance.now();
      const result = await roster(caseId);
      const ms = performance.now() - started;
      const pages = result.document!.pageCount!;
      log(`leakcase: ${pages} pages, ${(result.document!.sizeBytes / 1e6).toFixed(1)} MB in ${(ms / 1000).toFixed(1)} s`);
      const perPage = Math.ceil(MEMBERS / pages);
      const bare = await bareLoop(join(dir, 'bare.pdf'), MEMBERS, perPage);
      log(`bare pdfkit loop: ${bare.pages} pages in ${(bare.ms / 1000).toFixed(1)} s`);
      const ours = pages / (ms / 1000);
      const baseline = bare.pages / (bare.ms / 1000);
      figures.push({ benchmark: 'roster', measure: `PDF roster, ${MEMBERS} members`, value: ours, unit: 'pages/s', baseline: 'bare pdfkit loop', baselineValue: baseline, ratio: ours / baseline });

      const rest = await cliRoster(small, 'pdf');
      const rss = (members: number, format: 'pdf' | 'xlsx', peak: number): BenchFigure => ({
        benchmark: 'roster',
        measure: `CLI peak RSS, ${format.toUpperCase()} roster, ${members} members`,
        value: peak,
        unit: 'MB',
        baseline: `CLI, ${SMALL_MEMBERS}-member PDF roster`,
        baselineValue: rest,
        ratio: peak / rest,
      });
      for (const format of ['pdf', 'xlsx'] as const) figures.push(rss(MEMBERS, format, await cliRoster(caseId, format)));

      if (RSS_MEMBERS > 0) {
        started = performance.now();
        const bigCase = await rosterCase(db, 'rss', RSS_MEMBERS, ids);
        log(`${RSS_MEMBERS} members made in SQL in ${((performance.now() - started) / 1000).toFixed(1)} s`);
        for (const format of ['pdf', 'xlsx'] as const) {
          const peak = await cliRoster(bigCase, format);
          log(`${format} roster of ${RSS_MEMBERS} members: peak RSS ${peak.toFixed(0)} MB (target under ${RSS_TARGET_MB} MB)`);
          figures.push(rss(RSS_MEMBERS, format, peak));
        }
      }
    });
    return figures;
  } finally {
    await api.close();
  }
}
