import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { DeadlinesService, HolidayCalendar } from '@app/cases';
import { withApp } from '../context';
import { CliError } from '../cli-error';

/**
 * `leakcase calendar load FILE`: loads the official holiday arrangements of a file of the bundled
 * format (libs/cases/src/rules/cn-public-holidays.json: `{ about?, years: [...] }`), each year
 * through the service of the loadHolidayCalendarYear mutation (validated, deadlines recomputed,
 * audited with no actor). For an operator on a closed network with no ADMIN session at hand.
 */
export function calendarCommand(): Command {
  const calendar = new Command('calendar').description('The official holiday calendar deadlines are counted with');
  calendar
    .command('load')
    .description('Load or replace the years of FILE (the format of cn-public-holidays.json), recomputing the deadlines that depend on them')
    .argument('<file>', 'JSON file: { "years": [{ "year", "notice", "holidays": [[first, last], ...], "workdays": [...] }] }')
    .action((file: string) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch (error) {
        throw new CliError(`${file} is not JSON: ${(error as Error).message}`);
      }
      // The whole file is checked before any year is loaded, so a bad year loads none.
      const checked = HolidayCalendar.fromFile(data);
      const years = checked.loadedYears().map((year) => checked.yearData(year)!);
      return withApp(async (app) => {
        const service = app.get(DeadlinesService);
        for (const year of years) {
          const stored = await service.loadCalendarYear(null, year);
          process.stdout.write(`Loaded ${stored.year}: ${stored.notice}; ${stored.recomputedCount} deadline(s) moved or flagged\n`);
          for (const d of stored.recomputed) {
            const flag = d.contradiction ? `; ${d.contradiction}` : '';
            process.stdout.write(`  case ${d.caseId} ${d.rule}: ${d.previousDue} -> ${d.due}${d.provisional ? ' (provisional)' : ''}${flag}\n`);
          }
          if (stored.recomputedCount > stored.recomputed.length) {
            process.stdout.write(`  … and ${stored.recomputedCount - stored.recomputed.length} more, each in the audit log (case.deadline-recomputed)\n`);
          }
        }
      });
    });
  return calendar;
}
