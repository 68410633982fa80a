import { Command, InvalidArgumentError } from 'commander';
import { retentionPolicy } from '../analytics/retention/retention-policy.js';
import { ConfigError, loadConfig } from '../platform/config.js';
import { createOrganization } from '../identity/organization-setup.js';
import { Passwords } from '../identity/passwords.js';
import { setSubscriptionTier } from '../identity/subscription-tier.js';
import { normalizeEmail } from '../identity/rules.js';
import { AppError } from '../platform/errors.js';
import { debugDetail, failureMessage } from '../platform/failure-report.js';
import { createLogger } from '../platform/logger.js';
import { ownerDatabase, prepareDatabase, resolveDatabase } from '../runtime.js';
import { serveConfigured } from '../cluster.js';
import { adminPassword } from './admin-password.js';
import { aggregateCommand } from './aggregate-command.js';
import { dropOutputWhenReaderCloses } from './closed-output.js';
import { loadDemo } from './demo.js';
import { healthCommand, localServerAddress } from './health-command.js';
import { retentionCommand } from './retention-command.js';

dropOutputWhenReaderCloses();

/**
 * The `imsop` command. Platform-level work (migrations, creating organizations, demo data)
 * uses the admin/owner connection; the service itself only ever connects as the app role.
 */
const program = new Command('imsop')
  .description('IMSOP: inventory and supply-chain operations platform')
  .showHelpAfterError();

program
  .command('serve')
  .description('migrate (unless MIGRATE_ON_START=false) and serve gRPC until SIGTERM/SIGINT')
  .action(async () => serveConfigured(loadConfig()));

program
  .command('migrate')
  .description('create the database roles and apply pending migrations (safe to run twice)')
  .action(async () =>
    withDatabase(async ({ target, logger }) => {
      const result = await prepareDatabase(target, logger);
      print(
        result.applied.length > 0
          ? `Applied ${result.applied.length} migration(s): ${result.applied.join(', ')}`
          : `Database is up to date (${result.alreadyApplied} migration(s) applied before).`,
      );
    }),
  );

const org = program.command('org').description('platform-level organization management');
org
  .command('create')
  .description('create an organization with its system roles and a first admin user')
  .requiredOption('--name <name>', 'organization name (unique, case-insensitive)')
  .requiredOption('--admin-email <email>', 'email of the first admin user')
  .option('--admin-name <name>', 'display name of the first admin user', 'Administrator')
  .option(
    '--admin-password-stdin',
    "read the admin's password (12+ characters, at most 72 bytes) from the first line of standard input",
  )
  .option(
    '--admin-password <password>',
    'discouraged (visible in the process list and shell history): the password itself',
  )
  .option('--tier <tier>', 'subscription tier', 'standard')
  .addHelpText(
    'after',
    '\nThe admin password comes from --admin-password-stdin, else IMSOP_ADMIN_PASSWORD, else standard input when it\nis piped, else a prompt on the terminal that does not echo.',
  )
  .action(
    async (opts: {
      name: string;
      adminEmail: string;
      adminName: string;
      adminPassword?: string;
      adminPasswordStdin?: boolean;
      tier: string;
    }) =>
      withDatabase(async ({ target, logger, config }) => {
        const password = await adminPassword({
          flag: opts.adminPassword,
          fromStdin: opts.adminPasswordStdin,
          env: process.env.IMSOP_ADMIN_PASSWORD,
        });
        await prepareDatabase(target, logger);
        const owner = ownerDatabase(target, logger);
        try {
          const created = await createOrganization(owner, new Passwords(config.BCRYPT_COST), {
            name: opts.name,
            subscriptionTier: opts.tier,
            admin: { email: opts.adminEmail, displayName: opts.adminName, password },
          });
          print(`Created organization "${opts.name}"`);
          print(`  organization id: ${created.organizationId}`);
          print(`  admin user:      ${normalizeEmail(opts.adminEmail)} (id ${created.adminUserId}, role admin)`);
          print(`  system roles:    ${created.roles.join(', ')}`);
        } finally {
          await owner.close();
        }
      }),
  );

org
  .command('set-tier')
  .description("set an organization's subscription tier (only the platform operator can; tenants cannot change it)")
  .requiredOption('--organization <id-or-name>', 'the organization: its id, or its name (case-insensitive)')
  .requiredOption('--tier <tier>', 'the new subscription tier (1..50 characters)')
  .action(async (opts: { organization: string; tier: string }) =>
    withOwner(async (owner) => {
      const changed = await setSubscriptionTier(owner, opts.organization, opts.tier);
      print(
        `Organization "${changed.name}" (${changed.organizationId}): subscription tier ${changed.previousTier} -> ${changed.tier}`,
      );
    }),
  );

program
  .command('demo')
  .description('load the small demo tenant "demo" (idempotent) so there is data to query')
  .action(async () =>
    withDatabase(async ({ target, logger, config }) => {
      await prepareDatabase(target, logger);
      const owner = ownerDatabase(target, logger);
      try {
        const summary = await loadDemo(owner, new Passwords(config.BCRYPT_COST));
        for (const line of summary) print(line);
      } finally {
        await owner.close();
      }
    }),
  );

program
  .command('retention')
  .description('data retention: move rows past their retention window to the archive schema')
  .command('run')
  .description('one run over every organization (RETENTION_* windows); prints what moved per table')
  .option('--dry-run', 'count what would move, change nothing')
  .action(async (opts: { dryRun?: boolean }) =>
    withOwner(async (owner, config) => {
      for (const line of await retentionCommand(owner, retentionPolicy(config), opts.dryRun ?? false)) print(line);
    }),
  );

program
  .command('analytics')
  .description('analytics maintenance')
  .command('aggregate')
  .description('aggregate the daily metrics of every organization for a UTC day (or a range) now')
  .option('--date <YYYY-MM-DD>', 'the day (default: today, UTC)')
  .option('--to <YYYY-MM-DD>', 'last day of a range starting at --date')
  .action(async (opts: { date?: string; to?: string }) =>
    withOwner(async (owner) => {
      for (const line of await aggregateCommand(owner, opts.date, opts.to)) print(line);
    }),
  );

program
  .command('health')
  .description(
    'ask the running server grpc.health.v1.Health/Check: exit 0 when SERVING, else 1 (container health checks)',
  )
  .option('--address <host:port>', 'server to ask (default: IMSOP_HOST, loopback for 0.0.0.0, and IMSOP_PORT)')
  .option('--service <name>', 'a service name such as imsop.identity.v1.AuthService (default: the whole server)', '')
  .option('--timeout-ms <ms>', 'deadline of the call', positiveInteger, 2000)
  .action(async (opts: { address?: string; service: string; timeoutMs: number }) => {
    const config = loadConfig();
    const result = await healthCommand(config, {
      address: opts.address ?? localServerAddress(config),
      service: opts.service,
      timeoutMs: opts.timeoutMs,
    });
    print(result.line);
    if (!result.serving) process.exitCode = 1;
  });

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0)
    throw new InvalidArgumentError('a whole number of milliseconds above 0');
  return parsed;
}

/** Migrates, then runs `work` with the owner connection (cross-tenant maintenance). */
async function withOwner(
  work: (owner: ReturnType<typeof ownerDatabase>, config: ReturnType<typeof loadConfig>) => Promise<void>,
): Promise<void> {
  await withDatabase(async ({ target, logger, config }) => {
    await prepareDatabase(target, logger);
    const owner = ownerDatabase(target, logger);
    try {
      await work(owner, config);
    } finally {
      await owner.close();
    }
  });
}

async function withDatabase(
  work: (deps: {
    target: Awaited<ReturnType<typeof resolveDatabase>>;
    logger: ReturnType<typeof createLogger>;
    config: ReturnType<typeof loadConfig>;
  }) => Promise<void>,
): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ ...config, LOG_LEVEL: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL });
  const target = await resolveDatabase(config, logger);
  try {
    await work({ target, logger, config });
  } finally {
    await target.stop();
  }
}

function print(line: string): void {
  process.stdout.write(line + '\n');
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(error.message + '\n');
    process.exit(2);
  }
  if (error instanceof AppError) {
    const fields = error.fieldViolations.map((v) => `\n  - ${v.field}: ${v.description}`).join('');
    process.stderr.write(`error: ${error.message}${fields}\n`);
    process.exit(1);
  }
  const debug = debugDetail(error);
  if (debug) process.stderr.write(debug + '\n');
  process.stderr.write(`error: ${failureMessage(error)}\n`);
  process.exit(1);
}
