import { copyFile } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { DataSource } from 'typeorm';
import { type Actor, JobsService, roleOfOrganisationKind } from '@app/platform';
import { DocumentFormat, DocumentKind, DocumentLanguage, DocumentsService } from '@app/documents';
import { withApp } from '../context';
import { progressBar } from '../progress';

/**
 * `leakcase documents generate --case ID --kind KIND --lang zh|en --org NAME --out FILE`: the
 * generateDocument mutation from a terminal, for the organisation named (in its role and view: an
 * association's roster lists its own enrollees, a court's the merged view). The document is
 * recorded as a new version like any other; a large roster runs as its job here, with a progress
 * bar. The file is then copied to FILE.
 */
export function documentsCommand(): Command {
  const documents = new Command('documents').description('Filing documents (PDF, XLSX)');
  documents
    .command('generate')
    .description('Generate a new version of a document of a case and write it to a file')
    .requiredOption('--case <id>', 'the case id')
    .addOption(new Option('--kind <kind>', 'the document').choices(Object.values(DocumentKind)).makeOptionMandatory())
    .addOption(new Option('--lang <language>', 'its language').choices(['zh', 'en']).makeOptionMandatory())
    .addOption(new Option('--format <format>', 'file format (xlsx: roster and report)').choices(['pdf', 'xlsx']).default('pdf'))
    .requiredOption('--org <name>', 'exact name of the organisation it is generated for')
    .requiredOption('--out <file>', 'where to write the file')
    .action((options: { case: string; kind: DocumentKind; lang: string; format: string; org: string; out: string }) =>
      withApp(async (app) => {
        const [organisation] = await app.get(DataSource).query(`SELECT id, kind FROM organisation WHERE name = $1`, [options.org]);
        if (!organisation) throw new InvalidArgumentError(`no organisation named "${options.org}"`);
        // The operator at the console acts for the organisation, in its role (no user).
        const actor = { userId: null, organisationId: organisation.id, role: roleOfOrganisationKind(organisation.kind), organisationKind: organisation.kind } as unknown as Actor;
        const service = app.get(DocumentsService);
        const generation = await service.generate(actor, {
          caseId: options.case,
          kind: options.kind,
          language: options.lang === 'zh' ? DocumentLanguage.ZH : DocumentLanguage.EN,
          format: options.format === 'xlsx' ? DocumentFormat.XLSX : DocumentFormat.PDF,
        });
        let documentId = generation.document?.id;
        if (!documentId) {
          // No worker runs in the CLI: it runs the job itself, showing its progress in rows.
          const jobs = app.get(JobsService);
          const jobId = generation.job!.id;
          const bar = progressBar('document [{bar}] {percentage}% | {value}/{total} rows');
          bar.start(1, 0);
          const show = async () => {
            const job = await jobs.get(actor, jobId).catch(() => null);
            if (job?.total) bar.setTotal(job.total);
            if (job) bar.update(job.done);
          };
          const poll = setInterval(() => void show(), 250);
          await jobs.runNow(jobId).finally(async () => {
            clearInterval(poll);
            await show();
            bar.stop();
          });
          documentId = JSON.parse((await jobs.get(actor, jobId)).result!).documentId as string;
        }
        const file = await service.file(actor, documentId);
        await copyFile(file.path, options.out);
        const d = file.document;
        process.stdout.write(
          `${d.kind} ${d.language} ${d.format} version ${d.version}: ${options.out} (${d.sizeBytes} bytes${d.pageCount ? `, ${d.pageCount} page${d.pageCount === 1 ? '' : 's'}` : ''}, sha256 ${d.sha256})\n`,
        );
      }),
    );
  return documents;
}
