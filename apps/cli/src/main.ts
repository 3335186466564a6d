import 'reflect-metadata';
import { Command } from 'commander';
import { ConfigError } from '@app/platform/config/config';
import { DomainError } from '@app/platform/errors/domain-error';
import { CliError } from './cli-error';

/**
 * Command groups, loaded only when needed: running `leakcase dataset import` loads the light
 * dataset commands alone (the CLI's memory stays low on big files); help loads them all.
 */
const GROUPS: Record<string, () => Command[]> = {
  platform: () => {
    const m = require('./commands/platform.commands') as typeof import('./commands/platform.commands');
    return [m.migrateCommand(), m.seedDemoCommand(), m.organisationsCommand(), m.usersCommand(), m.auditCommand()];
  },
  dataset: () => {
    const m = require('./commands/dataset.commands') as typeof import('./commands/dataset.commands');
    return [m.loginCommand(), m.datasetCommand()];
  },
  claimants: () => [(require('./commands/claimants.commands') as typeof import('./commands/claimants.commands')).claimantsCommand()],
  calendar: () => [(require('./commands/calendar.commands') as typeof import('./commands/calendar.commands')).calendarCommand()],
  ledger: () => [(require('./commands/ledger.commands') as typeof import('./commands/ledger.commands')).ledgerCommand()],
  documents: () => [(require('./commands/documents.commands') as typeof import('./commands/documents.commands')).documentsCommand()],
};
const GROUP_OF: Record<string, keyof typeof GROUPS> = {
  migrate: 'platform',
  'seed-demo': 'platform',
  organisations: 'platform',
  users: 'platform',
  audit: 'platform',
  login: 'dataset',
  dataset: 'dataset',
  claimants: 'claimants',
  calendar: 'calendar',
  ledger: 'ledger',
  documents: 'documents',
};

/** `leakcase <command>`: the same services as the API, from a terminal. */
const program = new Command('leakcase')
  .description('leakcase: case manager for personal-information leak litigation')
  .showHelpAfterError();
const group = GROUP_OF[process.argv[2] ?? ''];
for (const name of group ? [group] : Object.keys(GROUPS)) for (const command of GROUPS[name]()) program.addCommand(command);

// `leakcase … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

program.parseAsync(process.argv).catch((error: unknown) => {
  // Our own errors and configuration errors are for the user; anything else is a bug report.
  const known =
    error instanceof DomainError || error instanceof ConfigError || error instanceof CliError || (error as Error)?.name === 'InvalidArgumentError';
  process.stderr.write(`leakcase: ${known ? (error as Error).message : `unexpected error: ${(error as Error)?.name}: ${(error as Error)?.message}`}\n`);
  process.exit(1);
});
