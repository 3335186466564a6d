import { Command, InvalidArgumentError, Option } from 'commander';
import { DataSource } from 'typeorm';
import { AdministrativeLevel, AuditService, CreateOrganisationInput, CreateUserInput, DemoSeed, DEMO_ACCOUNTS, DEMO_PASSWORD, DisableUserArgs, OrganisationKind, OrganisationsService, Role, SetUserPasswordArgs, type UserModel, UsersService, validateInput } from '@app/platform';
import type { INestApplicationContext } from '@nestjs/common';
import { withApp } from '../context';
import { readSecretFromStdin } from '../stdin';
import { CliError } from '../cli-error';
import { progressBar } from '../progress';
import { readHead } from './ledger.commands';

/** `leakcase migrate`: applies pending migrations and lists what the schema has. */
export function migrateCommand(): Command {
  return new Command('migrate')
    .description('Apply pending database migrations (the API also does this at start-up)')
    .action(() =>
      withApp(async (app) => {
        const rows: { name: string }[] = await app.get(DataSource).query(`SELECT name FROM migrations ORDER BY id`);
        process.stdout.write(`Migrated: the schema has all ${rows.length} migrations:\n`);
        for (const { name } of rows) process.stdout.write(`  ${name}\n`);
      }),
    );
}

/** `leakcase seed-demo`: the demo organisations and users, into an empty database only. */
export function seedDemoCommand(): Command {
  return new Command('seed-demo')
    .description('Create the demo organisations and users (only into an empty database, never in production)')
    .action(() =>
      withApp(async (app, config) => {
        if (config.production) throw new CliError('seed-demo refuses to run with NODE_ENV=production');
        const seeded = await app.get(DemoSeed).seedIfEmpty();
        if (!seeded) {
          process.stdout.write('The database already has organisations; nothing seeded\n');
          return;
        }
        process.stdout.write(`Seeded, all with the password "${DEMO_PASSWORD}":\n`);
        for (const a of DEMO_ACCOUNTS) process.stdout.write(`  ${a.email.padEnd(26)} ${a.role}\n`);
      }),
    );
}

/**
 * `leakcase users`: create a user in an existing organisation (the first ADMIN, typically);
 * disable, enable, revoke the tokens of, or set the password of the user with an email.
 */
export function usersCommand(): Command {
  const users = new Command('users').description('Manage users');
  users
    .command('create')
    .description('Create a user; give the password on standard input (--password-stdin) to keep it out of shell history')
    .requiredOption('--email <email>', 'login email')
    .requiredOption('--name <name>', 'display name')
    .addOption(new Option('--role <role>', 'role').choices(Object.values(Role)).makeOptionMandatory())
    .requiredOption('--organisation <name>', 'exact name of the organisation the user belongs to')
    .option('--password <password>', 'password (12+ characters); prefer --password-stdin')
    .option('--password-stdin', 'read the password from standard input')
    .action((options: { email: string; name: string; role: Role; organisation: string; password?: string; passwordStdin?: boolean }) =>
      withApp(async (app) => {
        const password = options.passwordStdin ? await readSecretFromStdin() : options.password;
        if (!password) throw new InvalidArgumentError('give --password-stdin or --password');
        const organisation = await app.get(DataSource).query(`SELECT id FROM organisation WHERE name = $1`, [options.organisation]);
        if (!organisation.length) throw new InvalidArgumentError(`no organisation named "${options.organisation}"`);
        const input = await validateInput(CreateUserInput, {
          email: options.email,
          displayName: options.name,
          password,
          role: options.role,
          organisationId: organisation[0].id,
        });
        const user = await app.get(UsersService).create(input, null);
        process.stdout.write(`Created ${user.role} ${user.email} (${user.id}) in ${user.organisation.name}\n`);
      }),
    );
  users
    .command('disable')
    .description('Disable a user: no login, every token refused at once (refused for the last active ADMIN)')
    .requiredOption('--email <email>', 'login email')
    .requiredOption('--reason <reason>', 'why, for the audit log')
    .action((options: { email: string; reason: string }) =>
      withUser(options.email, async (app, id) => {
        const { reason } = await validateInput(DisableUserArgs, { id, reason: options.reason });
        report('Disabled', await app.get(UsersService).disable(id, reason, null));
      }),
    );
  users
    .command('enable')
    .description('Let a disabled user log in again')
    .requiredOption('--email <email>', 'login email')
    .action((options: { email: string }) => withUser(options.email, async (app, id) => report('Enabled', await app.get(UsersService).enable(id, null))));
  users
    .command('revoke-tokens')
    .description("Refuse every token issued to the user so far (they log in again)")
    .requiredOption('--email <email>', 'login email')
    .action((options: { email: string }) =>
      withUser(options.email, async (app, id) => report('Revoked the tokens of', await app.get(UsersService).revokeTokens(id, null))),
    );
  users
    .command('set-password')
    .description("Set a user's password (12+ characters) and revoke their tokens; give it on standard input")
    .requiredOption('--email <email>', 'login email')
    .option('--password-stdin', 'read the password from standard input')
    .action((options: { email: string; passwordStdin?: boolean }) =>
      withUser(options.email, async (app, id) => {
        if (!options.passwordStdin) throw new InvalidArgumentError('give the password on standard input with --password-stdin');
        const { password } = await validateInput(SetUserPasswordArgs, { id, password: await readSecretFromStdin() });
        report('Set the password of', await app.get(UsersService).setPassword(id, password, null));
      }),
    );
  return users;
}

/** Runs `fn` with the id of the user whose login email is `email`; refuses an unknown email. */
function withUser(email: string, fn: (app: INestApplicationContext, id: string) => Promise<void>): Promise<void> {
  return withApp(async (app) => {
    const id = await app.get(UsersService).idByEmail(email);
    if (!id) throw new CliError(`no user with the email "${email}"`);
    await fn(app, id);
  });
}

function report(done: string, user: UserModel): void {
  process.stdout.write(`${done} ${user.role} ${user.email} (${user.id})${user.disabledAt ? ', disabled' : ''}\n`);
}

/** `leakcase organisations`: create them (the operator's own first, on a new install) and list them. */
export function organisationsCommand(): Command {
  const organisations = new Command('organisations').description('Manage organisations');
  organisations
    .command('create')
    .description('Create an organisation (on a new install: the OPERATOR organisation of the first ADMIN)')
    .requiredOption('--name <name>', 'unique name, as it will appear in filings')
    .addOption(new Option('--kind <kind>', 'kind').choices(Object.values(OrganisationKind)).makeOptionMandatory())
    .addOption(new Option('--level <level>', 'administrative level (standing depends on it)').choices(Object.values(AdministrativeLevel)))
    .action((options: { name: string; kind: OrganisationKind; level?: AdministrativeLevel }) =>
      withApp(async (app) => {
        const input = await validateInput(CreateOrganisationInput, options);
        const organisation = await app.get(OrganisationsService).create(input, null);
        process.stdout.write(`Created ${organisation.kind} ${organisation.name} (${organisation.id})\n`);
      }),
    );
  organisations
    .command('list')
    .description('List organisations (id, kind, name)')
    .action(() =>
      withApp(async (app) => {
        let after: string | undefined;
        do {
          const page = await app.get(OrganisationsService).list({ first: 200, after });
          for (const o of page.nodes) process.stdout.write(`${o.id}  ${o.kind.padEnd(24)} ${o.name}\n`);
          after = page.pageInfo.hasNextPage ? (page.pageInfo.endCursor ?? undefined) : undefined;
        } while (after);
      }),
    );
  return organisations;
}

/**
 * `leakcase audit verify`: checks the whole audit hash chain, with a progress bar, then against
 * its signed checkpoints (rows and files) and the held head given with --head, and says which of
 * these it compared: with no signed head at all, only the chain was checked (deleted newest rows
 * or a rewrite with recomputed hashes would pass), and it says so (exit code 3).
 */
export function auditCommand(): Command {
  const audit = new Command('audit').description('The tamper-evident audit log');
  audit
    .command('verify')
    .description('Recompute the audit log hash chain and report the first broken row, if any; then compare it with the signed audit checkpoints and a held head')
    .option('--batch <rows>', 'rows per batch', (v) => positiveInt(v, '--batch'), 10_000)
    .option('--head <file>', 'a signed audit head kept earlier, outside this installation (a signed note, as ledgerCheckpoints(log: AUDIT) lists them)')
    .action((options: { batch: number; head?: string }) =>
      withApp(async (app) => {
        const held = options.head === undefined ? undefined : readHead(options.head);
        const service = app.get(AuditService);
        const last = await service.lastSeq();
        const bar = progressBar('audit chain [{bar}] {value}/{total} rows');
        bar.start(last, 0);
        for (let from = 1; from <= last; from += options.batch) {
          const to = Math.min(from + options.batch - 1, last);
          const report = await service.verifyRange(from, to);
          if (!report.intact) {
            bar.stop();
            process.stdout.write(`BROKEN: the chain does not hold at seq ${report.firstBrokenSeq}\n`);
            process.exitCode = 2;
            return;
          }
          bar.update(to);
        }
        bar.stop();
        const heads = await service.checkHeads(held);
        if (heads?.failure) {
          process.stdout.write(`BROKEN: ${heads.failure.reason}\n`);
          process.exitCode = 2;
          return;
        }
        process.stdout.write(`Intact: the hash chain of ${last} rows holds\n`);
        if (!heads || heads.heads === 0) {
          process.stdout.write('Signed heads: NONE compared (no signed audit checkpoint exists yet and no --head was given)\n');
          process.stderr.write('leakcase: WARNING: only the hash chain was checked: deleted newest rows or a rewrite with recomputed hashes would not show (exit code 3)\n');
          process.exitCode = 3;
          return;
        }
        const unsigned = last - heads.newestSigned!;
        process.stdout.write(
          `Signed heads: consistent with ${heads.heads} signed audit head(s) (checkpoint rows and files${heads.held ? ', and the held head' : ''}); the newest signs row ${heads.newestSigned}` +
            `${unsigned > 0 ? `, rows ${heads.newestSigned! + 1}-${last} are covered by the chain only` : ''}\n`,
        );
        if (!heads.held) process.stdout.write('Held head: none given (--head): a rewrite that also replaced every stored checkpoint and checkpoint file would not show\n');
      }),
    );
  return audit;
}

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} must be a positive integer`);
  return n;
}
