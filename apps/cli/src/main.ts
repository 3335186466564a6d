import 'reflect-metadata';
import { Command } from 'commander';
import { ConfigError, DomainError } from '@app/platform';
import { auditCommand, migrateCommand, organisationsCommand, seedDemoCommand, usersCommand } from './commands/platform.commands';
import { CliError } from './cli-error';
import { claimantsCommand, datasetCommand, loginCommand } from './commands/claimants.commands';

/** `leakcase <command>`: the same services as the API, from a terminal. */
const program = new Command('leakcase')
  .description('leakcase: case manager for personal-information leak litigation')
  .showHelpAfterError()
  .addCommand(migrateCommand())
  .addCommand(seedDemoCommand())
  .addCommand(organisationsCommand())
  .addCommand(usersCommand())
  .addCommand(auditCommand())
  .addCommand(loginCommand())
  .addCommand(claimantsCommand())
  .addCommand(datasetCommand());

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
