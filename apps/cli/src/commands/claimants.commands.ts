import { createReadStream, statSync, writeFileSync } from 'node:fs';
import { InvalidArgumentError, Command, Option } from 'commander';
import { DataSource } from 'typeorm';
import { JobsService, roleOfOrganisationKind } from '@app/platform';
import { ClaimantImportService, claimantTemplate, IMPORT_COLUMNS, parseMapping, readImportDefaults, reportSheet } from '@app/claimants';
import { withApp } from '../context';
import { progressBar } from '../progress';

/** The sheet format of a file name: xlsx for `.xlsx`, else csv. */
const formatOfFile = (file: string) => (/\.xlsx$/i.test(file) ? 'xlsx' : 'csv');

/**
 * `leakcase claimants import FILE --org NAME [defaults] [--report OUT]`: bulk enrolment from a
 * claimant sheet (CSV/TSV or XLSX), in this process; `leakcase claimants template OUT`.
 */
export function claimantsCommand(): Command {
  const claimants = new Command('claimants').description('Claimants and their enrolment');
  claimants
    .command('import')
    .description(
      'Enrol claimants from a sheet (XLSX, or CSV/TSV in UTF-8, GB18030/GBK or UTF-16: detected): stages it, runs its enrolment job, prints the report (rejections, warnings, ignored columns, skipped rows)',
    )
    .argument('<file>', 'claimant sheet with a header row (CSV, TSV, Excel "Unicode 文本" or XLSX)')
    .requiredOption('--org <name>', 'exact name of the enrolling organisation')
    .addOption(new Option('--encoding <encoding>', 'file encoding').choices(['auto', 'utf-8', 'gb18030', 'gbk']).default('auto'))
    .option('--map <pairs>', `extra header names: header=column,… (columns: ${Object.keys(IMPORT_COLUMNS).join(', ')})`)
    .option('--consent-method <word>', 'consent method for rows without one: WRITTEN_SIGNATURE (书面签字), ELECTRONIC_SIGNATURE (电子签名), ONLINE_FORM (线上表单), RECORDED_ORAL (录音)')
    .option('--consent-scope <words>', 'consent scopes for rows without them, e.g. "委托诉讼;个人信息处理" or REPRESENTATION,DATA_USE')
    .option('--consent-date <YYYY-MM-DD>', 'consent date for rows without one')
    .option('--harm-types <words>', 'harm types for rows without them, e.g. 骚扰电话短信 or FRAUD_LOSS')
    .option('--incident <ids>', 'leak incident id(s) for rows without them (comma-separated)')
    .option('--report <out>', 'also write the whole report as a sheet: OUT.xlsx, or CSV for any other name')
    .option('--json', 'print the report as JSON')
    .action(
      (
        file: string,
        options: {
          org: string;
          encoding: string;
          map?: string;
          json?: boolean;
          consentMethod?: string;
          consentScope?: string;
          consentDate?: string;
          harmTypes?: string;
          incident?: string;
          report?: string;
        },
      ) =>
      withApp(async (app) => {
        const [organisation] = await app.get(DataSource).query(`SELECT id, kind FROM organisation WHERE name = $1`, [options.org]);
        if (!organisation) throw new InvalidArgumentError(`no organisation named "${options.org}"`);
        const mapping = parseMapping(options.map);
        const defaults = readImportDefaults({
          consentMethod: options.consentMethod,
          consentScope: options.consentScope,
          consentDate: options.consentDate,
          harmTypes: options.harmTypes,
          incidentIds: options.incident,
        });
        // The operator at the console acts for the organisation, in its role: it sees the incidents the organisation sees.
        const actor = { userId: null, organisationId: organisation.id, role: roleOfOrganisationKind(organisation.kind) };
        const size = statSync(file).size;
        const bar = progressBar('claimants {phase} [{bar}] {percentage}% | {rows} rows');
        bar.start(size, 0, { phase: 'staging', rows: 0 });
        const input = createReadStream(file);
        const imports = app.get(ClaimantImportService);
        const staged = await imports
          .stage(actor, input, {
            encoding: (options.encoding === 'gbk' ? 'gb18030' : options.encoding) as 'auto',
            mapping,
            defaults,
            onProgress: (rows) => bar.update(input.bytesRead, { rows }),
          })
          .catch((error: Error) => {
            bar.stop();
            throw error;
          });
        // No worker runs in the CLI: it runs the enrolment job itself, showing the job's progress.
        // The job counts each staged row once per statement (claimants, enrolments, exposures): its total, once it has set it.
        const enrolling = Math.max(staged.rows - staged.rejected, 1);
        bar.setTotal(enrolling);
        bar.update(0, { phase: 'enrolling', rows: enrolling });
        const jobs = app.get(JobsService);
        const show = (job: { done: number; total: number | null }) => {
          if (job.total) bar.setTotal(job.total);
          bar.update(job.done, { rows: enrolling });
        };
        const poll = setInterval(() => {
          void jobs.get(actor, staged.jobId!).then(show, () => undefined);
        }, 250);
        await jobs.runNow(staged.jobId!).finally(async () => {
          clearInterval(poll);
          // The last count, so that the final line says where the job ended (a small file ends
          // before the first poll).
          const ended = await jobs.get(actor, staged.jobId!).catch(() => null);
          if (ended) show(ended);
          bar.stop();
        });
        const report = await imports.report(actor, staged.importId);
        if (options.report) writeFileSync(options.report, await reportSheet(await imports.reportLines(actor, staged.importId), formatOfFile(options.report)));
        if (options.json) {
          process.stdout.write(`${JSON.stringify(report)}\n`);
          return;
        }
        process.stdout.write(
          `${report.rows} rows (${report.format}, ${report.encoding}): ${report.accepted} enrolled, ${report.alreadyEnrolled} already enrolled, ${report.rejected} rejected, ${report.warned} with warnings, ${report.skipped} empty rows skipped\n`,
        );
        if (report.ignoredColumns.length) process.stdout.write(`  ignored columns: ${report.ignoredColumns.join(', ')}\n`);
        for (const r of report.rejections) process.stdout.write(`  row ${r.row}: ${r.field} ${r.reason}\n`);
        if (report.rejected > report.rejectionsListed) process.stdout.write(`  … and ${report.rejected - report.rejectionsListed} more\n`);
        for (const w of report.warnings) process.stdout.write(`  row ${w.row} (warning ${w.code}): ${w.field} ${w.message}\n`);
        if (report.warned > report.warningsListed) process.stdout.write(`  … and ${report.warned - report.warningsListed} more warnings\n`);
        if (options.report) process.stdout.write(`report written to ${options.report}\n`);
      }),
    );
  claimants
    .command('template')
    .description('Write the claimant sheet template: XLSX (Chinese headers, ID and phone columns as text, drop-down lists) or CSV (the header row)')
    .argument('<out>', 'file to write')
    .addOption(new Option('--format <format>', 'xlsx or csv (default: from OUT, xlsx unless it ends in .csv)').choices(['xlsx', 'csv']))
    .action(async (out: string, options: { format?: 'xlsx' | 'csv' }) => {
      const format = options.format ?? (/\.csv$/i.test(out) ? 'csv' : 'xlsx');
      writeFileSync(out, await claimantTemplate(format));
      process.stdout.write(`${format} template written to ${out}\n`);
    });
  return claimants;
}

