// The `broadsheet` command: thin wrappers over the services.
import { parseArgs } from 'node:util';
import { createServices, type Services } from '../app.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { ScrapedArticleError } from '../features/importer/scraped-article.parser.ts';
import { ImportError, importFile } from '../features/importer/import.service.ts';
import { AppError } from '../errors.ts';
import { serve } from '../server.ts';
import { commentsCommand } from './comments.command.ts';
import { MIGRATE_DATA_HELP, migrateDataCommand } from './migrate-data.command.ts';
import { SPAM_HELP, spamCommand } from './spam.command.ts';
import { userCommand } from './user.command.ts';
import { WEBHOOK_HELP, webhookCommand } from './webhook.command.ts';
import { UsageError } from './usage-error.ts';

const HELP = `broadsheet — news publishing with reader ratings and moderated comments

Usage: broadsheet <command> [options]

Commands:
  serve [--no-demo]          start the web server (adds demo articles to an empty database)
  import FILE…               import articles (scraped article text); prints each article's URL
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
  spam eval FILE             the spam classifier's precision and recall on a labelled CSV
  webhook add URL --events E,…
                             register a webhook endpoint; prints its signing secret once
  webhook list               list webhook endpoints

Configuration comes from the environment: PORT, HOST, DATABASE_URL, DATABASE_READ_URL,
DATABASE_POOL_SIZE, REDIS_URL, PUBLIC_URL, TRUST_PROXY, LOG_LEVEL, RATE_LIMIT_POSTS_PER_MINUTE.
See README.md.
Run 'broadsheet <command> --help' for a command's options.`;

const COMMAND_HELP: Record<string, string> = {
  serve: 'Usage: broadsheet serve [--no-demo]\n\nStarts the web server on HOST:PORT. On an empty database it first adds demo articles, unless --no-demo.',
  import: 'Usage: broadsheet import FILE…\n\nImports each file as an article and prints its URL. Importing the same file again updates the article.',
  comments: 'Usage: broadsheet comments list [--status pending|approved|spam|trash] [--limit N]\n       broadsheet comments approve|spam|trash ID…',
  user:
    'Usage: broadsheet user add --email E --role admin|editor|author|moderator [--name N] [--password-stdin]\n       broadsheet user list\n\nThe password is read from standard input with --password-stdin, asked for on a terminal, or else a one-time password is printed that must be changed at first login.',
  migrate: 'Usage: broadsheet migrate\n\nApplies pending database migrations and prints their names.',
  spam: SPAM_HELP,
  webhook: WEBHOOK_HELP,
  'migrate-data': MIGRATE_DATA_HELP,
};

async function withServices<T>(run: (services: Services) => Promise<T>): Promise<T> {
  const services = await createServices(loadConfig());
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
      await serve(loadConfig(), { demo: !values['no-demo'] });
      return -1; // keeps running
    }
    case 'import': {
      const { positionals } = parseArgs({ args: rest, allowPositionals: true });
      if (positionals.length === 0) throw new UsageError('import needs at least one FILE');
      return withServices(async (services) => {
        let failed = 0;
        for (const [i, file] of positionals.entries()) {
          try {
            const result = await importFile(services, file);
            console.log(result.url);
            if (positionals.length > 1) console.error(`[${i + 1}/${positionals.length}] ${result.created ? 'created' : 'updated'}: ${result.title}`);
          } catch (error) {
            if (!(error instanceof ImportError || error instanceof ScrapedArticleError)) throw error;
            console.error(error instanceof ScrapedArticleError ? `${file}: ${error.message}` : error.message);
            failed++;
          }
        }
        return failed > 0 ? 1 : 0;
      });
    }
    case 'comments':
      return withServices((services) => commentsCommand(services, rest));
    case 'user':
      return withServices((services) => userCommand(services, rest));
    case 'spam':
      return spamCommand(rest);
    case 'webhook':
      return withServices((services) => webhookCommand(services, rest));
    case 'migrate':
      return withServices(async () => 0);
    case 'migrate-data':
      return migrateDataCommand(rest);
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

try {
  const code = await main(process.argv.slice(2));
  if (code >= 0) process.exitCode = code;
} catch (error) {
  if (error instanceof ConfigError) console.error(`broadsheet: configuration error: ${error.message}`);
  else if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) console.error(`broadsheet: ${(error as Error).message}\nRun 'broadsheet --help' for usage.`);
  else if (error instanceof AppError) {
    console.error(`broadsheet: ${error.message}`);
    for (const [field, problem] of Object.entries(error.fields ?? {})) console.error(`  ${field}: ${problem}`);
  }
  else console.error(error);
  process.exitCode = error instanceof ConfigError || error instanceof UsageError ? 2 : 1;
}
