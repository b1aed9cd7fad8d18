// The `broadsheet` command: thin wrappers over the services.
// Only what every command needs is imported here; each command loads its own modules, so that
// `--help` (and a mistyped command) answers without loading the server.
import { parseArgs } from 'node:util';
import type { Services } from '../deps.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { AppError } from '../errors.ts';
import {
  BACKUP_HELP,
  EXPORT_HELP,
  IMPORT_HELP,
  MIGRATE_DATA_HELP,
  RESTORE_HELP,
  SPAM_HELP,
  WEBHOOK_HELP,
} from './help.ts';
import { UsageError } from './usage-error.ts';

const HELP = `broadsheet — news publishing with reader ratings and moderated comments

Usage: broadsheet <command> [options]

Commands:
  serve [--no-demo]          start the web server (adds demo articles to an empty database)
  import [--uploads DIR] [--create-articles] FILE…
                             import a WordPress export (WXR, .gz too) or scraped articles
  comments list [--status S] list comments (S: pending, approved, spam, trash)
  comments approve|spam|trash ID…
                             moderate comments by id
  user add --email E --role R [--name N] [--password-stdin]
                             create a staff account (admin, editor, author, moderator);
                             without a password, prints a one-time password
  user list                  list staff accounts
  migrate                    bring the database schema up to date
  migrate-data --from URL --to URL
                             copy a whole site to another database (e.g. SQLite to
                             PostgreSQL), verifying every table's row count; safe to re-run
  export --format json|wxr [--output FILE]
                             the whole site as JSON (read back by import) or WordPress WXR;
                             both contain e-mail addresses
  backup FILE                one file with the database and media, taken while the site runs
  restore [--replace] FILE   restore a backup into DATABASE_URL and MEDIA_DIR
  spam eval FILE             the spam classifier's precision and recall on a labelled CSV
  webhook add URL --events E,…
                             register a webhook endpoint; prints its signing secret once
  webhook list               list webhook endpoints

Configuration comes from the environment: PORT, HOST, DATABASE_URL, DATABASE_READ_URL,
DATABASE_POOL_SIZE, REDIS_URL, PUBLIC_URL, TRUST_PROXY, LOG_LEVEL, RATE_LIMIT_POSTS_PER_MINUTE,
EDGE_PURGE_URLS.
See README.md.
Run 'broadsheet <command> --help' for a command's options.`;

const COMMAND_HELP: Record<string, string> = {
  serve:
    'Usage: broadsheet serve [--no-demo]\n\nStarts the web server on HOST:PORT. On an empty database it ' +
    'first adds demo articles, unless --no-demo.',
  import: IMPORT_HELP,
  comments:
    'Usage: broadsheet comments list [--status pending|approved|spam|trash] [--limit N]\n' +
    '       broadsheet comments approve|spam|trash ID…',
  user:
    'Usage: broadsheet user add --email E --role admin|editor|author|moderator [--name N] [--password-stdin]\n' +
    '       broadsheet user list\n\nThe name (shown on bylines) is --name, or asked for on a terminal. The ' +
    'password is read from standard input with --password-stdin, asked for on a terminal, or else a one-time ' +
    'password is printed that must be changed at first login.',
  migrate: 'Usage: broadsheet migrate\n\nApplies pending database migrations and prints their names.',
  spam: SPAM_HELP,
  webhook: WEBHOOK_HELP,
  'migrate-data': MIGRATE_DATA_HELP,
  backup: BACKUP_HELP,
  export: EXPORT_HELP,
  restore: RESTORE_HELP,
};

async function withServices<T>(run: (services: Services) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const { createServices } = await import('../app.ts');
  const services = await createServices(config);
  try {
    return await run(services);
  } finally {
    await services.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(HELP);
    return command ? 0 : 1;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(COMMAND_HELP[command] ?? HELP);
    return COMMAND_HELP[command] ? 0 : 1;
  }
  switch (command) {
    case 'serve': {
      const { values } = parseArgs({ args: rest, options: { 'no-demo': { type: 'boolean' } } });
      const config = loadConfig();
      const { serve } = await import('../server.ts');
      await serve(config, { demo: !values['no-demo'] });
      return -1; // keeps running
    }
    case 'import': {
      const { importCommand, parseImportArgs } = await import('./import.command.ts');
      parseImportArgs(rest); // usage errors before the database is opened
      return withServices((services) => importCommand(services, rest));
    }
    case 'comments': {
      const { commentsCommand } = await import('./comments.command.ts');
      return withServices((services) => commentsCommand(services, rest));
    }
    case 'user': {
      const { userCommand } = await import('./user.command.ts');
      return withServices((services) => userCommand(services, rest));
    }
    case 'spam': {
      const { spamCommand } = await import('./spam.command.ts');
      return spamCommand(rest);
    }
    case 'webhook': {
      const { webhookCommand } = await import('./webhook.command.ts');
      return withServices((services) => webhookCommand(services, rest));
    }
    case 'migrate':
      return withServices(async () => 0);
    case 'migrate-data': {
      const { migrateDataCommand } = await import('./migrate-data.command.ts');
      return migrateDataCommand(rest);
    }
    case 'export': {
      const { exportCommand } = await import('./export.command.ts');
      return withServices((services) => exportCommand(services, rest));
    }
    case 'backup': {
      const { backupCommand } = await import('./backup.command.ts');
      return backupCommand(loadConfig(), rest);
    }
    case 'restore': {
      const { restoreCommand } = await import('./backup.command.ts');
      return restoreCommand(loadConfig(), rest);
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

try {
  const code = await main(process.argv.slice(2));
  if (code >= 0) process.exitCode = code;
} catch (error) {
  if (error instanceof ConfigError) console.error(`broadsheet: configuration error: ${error.message}`);
  else if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))
    console.error(`broadsheet: ${(error as Error).message}\nRun 'broadsheet --help' for usage.`);
  else if (error instanceof AppError) {
    console.error(`broadsheet: ${error.message}`);
    for (const [field, problem] of Object.entries(error.fields ?? {})) console.error(`  ${field}: ${problem}`);
  } else console.error(error);
  process.exitCode = error instanceof ConfigError || error instanceof UsageError ? 2 : 1;
}
