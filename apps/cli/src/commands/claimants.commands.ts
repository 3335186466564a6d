import { createReadStream, statSync } from 'node:fs';
import { InvalidArgumentError, Command, Option } from 'commander';
import { DataSource } from 'typeorm';
import { JobsService, roleOfOrganisationKind } from '@app/platform';
import { ClaimantImportService, IMPORT_COLUMNS, parseMapping } from '@app/claimants';
import { withApp } from '../context';
import { progressBar } from '../progress';

/** `leakcase claimants import FILE --org NAME`: bulk enrolment from CSV, in this process. */
export function claimantsCommand(): Command {
  const claimants = new Command('claimants').description('Claimants and their enrolment');
  claimants
    .command('import')
    .description('Enrol claimants from a CSV file (UTF-8 or GB18030/GBK): stages it, runs its enrolment job, prints the report of rejected rows')
    .argument('<file>', 'CSV file with a header row')
    .requiredOption('--org <name>', 'exact name of the enrolling organisation')
    .addOption(new Option('--encoding <encoding>', 'file encoding').choices(['auto', 'utf-8', 'gb18030', 'gbk']).default('auto'))
    .option('--map <pairs>', `extra header names: header=column,… (columns: ${Object.keys(IMPORT_COLUMNS).join(', ')})`)
    .option('--json', 'print the report as JSON')
    .action((file: string, options: { org: string; encoding: string; map?: string; json?: boolean }) =>
      withApp(async (app) => {
        const [organisation] = await app.get(DataSource).query(`SELECT id, kind FROM organisation WHERE name = $1`, [options.org]);
        if (!organisation) throw new InvalidArgumentError(`no organisation named "${options.org}"`);
        const mapping = parseMapping(options.map);
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
            onProgress: (rows) => bar.update(input.bytesRead, { rows }),
          })
          .catch((error: Error) => {
            bar.stop();
            throw error;
          });
        // No worker runs in the CLI: it runs the enrolment job itself, showing the job's progress.
        bar.setTotal(Math.max(staged.rows - staged.rejected, 1));
        bar.update(0, { phase: 'enrolling', rows: 0 });
        const jobs = app.get(JobsService);
        const poll = setInterval(() => {
          void jobs.get(actor, staged.jobId!).then((job) => bar.update(job.done, { rows: job.done }), () => undefined);
        }, 250);
        await jobs.runNow(staged.jobId!).finally(async () => {
          clearInterval(poll);
          // The last count, so that the final line says where the job ended (a small file ends
          // before the first poll).
          const ended = await jobs.get(actor, staged.jobId!).catch(() => null);
          if (ended) bar.update(ended.done, { rows: ended.done });
          bar.stop();
        });
        const report = await imports.report(actor, staged.importId);
        if (options.json) {
          process.stdout.write(`${JSON.stringify(report)}\n`);
          return;
        }
        process.stdout.write(
          `${report.rows} rows (${report.encoding}): ${report.accepted} enrolled, ${report.alreadyEnrolled} already enrolled, ${report.rejected} rejected\n`,
        );
        for (const r of report.rejections) process.stdout.write(`  row ${r.row}: ${r.field} ${r.reason}\n`);
        if (report.rejected > report.rejectionsListed) process.stdout.write(`  … and ${report.rejected - report.rejectionsListed} more\n`);
      }),
    );
  return claimants;
}

