// The Kysely Database type, composed from each feature's table types, and the connection.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, sql } from 'kysely';
import { GroupCommitSqliteDialect } from './sqlite-driver.ts';
import { attachStatements } from './sqlite-now.ts';
import { ConfigError, type Config, type DatabaseTarget } from '../config.ts';
import type {
  ArticleCounterDeltaTable,
  ArticleRevisionTable,
  ArticleTable,
  ArticleTagTable,
  LegacyPathTable,
} from '../features/articles/article.table.ts';
import type {
  HeldDigestTable,
  MailAddressTable,
  ReplySubscriptionTable,
} from '../features/notifications/notification.table.ts';
import type { ImportRunTable } from '../features/tools/import-run.table.ts';
import type { OutboxTable } from '../features/outbox/outbox.table.ts';
import type { WebhookDeliveryTable, WebhookEndpointTable } from '../features/webhooks/webhook.table.ts';
import type { PrivacyLinkTable } from '../features/privacy/privacy.table.ts';
import type { BanTable } from '../features/bans/ban.table.ts';
import type { CommentEditTable, CommentTable } from '../features/comments/comment.table.ts';
import type { RatingTable } from '../features/ratings/rating.table.ts';
import type { SecretTable, SettingTable } from '../features/settings/setting.table.ts';
import type { SpamTokenTable, SpamTotalsTable, UsedFormTokenTable } from '../features/spam/spam.table.ts';
import type {
  AuditLogTable,
  LoginFailureTable,
  SessionTable,
  StaffTokenTable,
  UserTable,
} from '../features/staff/staff.table.ts';
import { migrations } from './migrations/index.ts';
import { connectionProblem, createPostgresDialect, describePostgresUrl, isPostgres } from './postgres.ts';

export interface Database {
  articles: ArticleTable;
  article_tags: ArticleTagTable;
  article_revisions: ArticleRevisionTable;
  article_counter_deltas: ArticleCounterDeltaTable;
  legacy_paths: LegacyPathTable;
  ratings: RatingTable;
  comments: CommentTable;
  comment_edits: CommentEditTable;
  bans: BanTable;
  settings: SettingTable;
  secrets: SecretTable;
  users: UserTable;
  sessions: SessionTable;
  login_failures: LoginFailureTable;
  audit_log: AuditLogTable;
  used_form_tokens: UsedFormTokenTable;
  spam_tokens: SpamTokenTable;
  spam_totals: SpamTotalsTable;
  outbox: OutboxTable;
  import_runs: ImportRunTable;
  mail_addresses: MailAddressTable;
  reply_subscriptions: ReplySubscriptionTable;
  held_digests: HeldDigestTable;
  privacy_links: PrivacyLinkTable;
  webhook_endpoints: WebhookEndpointTable;
  webhook_deliveries: WebhookDeliveryTable;
  staff_tokens: StaffTokenTable;
}

export type Db = Kysely<Database>;

/** The primary (every write, and reads that must see them) and where public page reads go. */
export interface Databases {
  db: Db;
  /** A read replica when DATABASE_READ_URL is set; otherwise the primary itself. */
  readDb: Db;
}

/** Opens the database lazily: nothing is checked until the first query (see openDatabases). */
export function connect(database: DatabaseTarget, { poolSize = 10 }: { poolSize?: number } = {}): Db {
  if (database.kind === 'postgres')
    return new Kysely<Database>({ dialect: createPostgresDialect(database.url, { poolSize }) });
  const path = database.path;
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path);
  // WAL lets readers work while a write commits; NORMAL syncs the WAL at checkpoints, so a
  // committed transaction survives the process being killed (it is in the OS's file cache).
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  // The WAL is copied back into the database file (a checkpoint, two fsyncs, on the event loop)
  // every 4,000 pages (16 MB) rather than SQLite's 1,000: under a stream of ratings a checkpoint
  // stalled every request for 10 ms or more a few times a second, and pages written again and
  // again (an index's leaves, the article's row) are now copied once per checkpoint.
  sqlite.pragma('wal_autocheckpoint = 4000');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // Each transaction runs in a savepoint (sqlite-driver.ts), for which SQLite keeps the original of
  // every page it changes in a sub-journal, by default a temporary file written page by page: on
  // a comment, more CPU than the insert itself. In memory it is a copy, emptied at each release.
  sqlite.pragma('temp_store = memory');
  const statements = withStatementCache(sqlite);
  const db = new Kysely<Database>({ dialect: new GroupCommitSqliteDialect({ database: statements }) });
  attachStatements(db, statements);
  return db;
}

/**
 * Connects to the primary (and the replica, if any) and checks that each answers, so that a wrong
 * URL, password or database name stops the start with one line naming the variable.
 */
export async function openDatabases(
  config: Pick<Config, 'database' | 'readDatabase' | 'databasePoolSize'>,
): Promise<Databases> {
  const db = await open(config.database, 'DATABASE_URL', config.databasePoolSize);
  if (!config.readDatabase) return { db, readDb: db };
  try {
    return { db, readDb: await open(config.readDatabase, 'DATABASE_READ_URL', config.databasePoolSize) };
  } catch (error) {
    await db.destroy();
    throw error;
  }
}

async function open(target: DatabaseTarget, variable: string, poolSize: number): Promise<Db> {
  const db = connect(target, { poolSize });
  if (target.kind === 'sqlite') return db;
  try {
    await sql`select 1`.execute(db);
    return db;
  } catch (error) {
    await db.destroy().catch(() => {});
    throw new ConfigError(
      variable,
      `cannot connect to PostgreSQL at ${describePostgresUrl(target.url)} (${connectionProblem(error)})`,
    );
  }
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely asks SQLite to prepare every statement afresh; preparing costs more than running most
 * of ours. Reuse prepared statements by SQL text (the oldest dropped first: the app has far
 * fewer distinct statements than the cache holds, so a hit need not reorder anything). Safe
 * because Kysely runs one statement at a time on the connection.
 */
function withStatementCache(sqlite: SQLite.Database) {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (!statement) {
        statement = sqlite.prepare(sql);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  // On PostgreSQL the migrator's own tables go in the schema the connection works in (its
  // search_path): otherwise it would find another schema's and skip creating its own.
  const migrationTableSchema = isPostgres(db)
    ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
    : undefined;
  const migrator = new Migrator({ db, migrationTableSchema, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * Whether a write failed on a unique key over `table.column`, on either engine (SQLite says
 * "UNIQUE constraint failed: table.column"; PostgreSQL gives SQLSTATE 23505 and the table).
 */
export function isUniqueViolation(error: unknown, table: string, column: string): boolean {
  if (!(error instanceof Error)) return false;
  const { code, table: pgTable, detail } = error as { code?: string; table?: string; detail?: string };
  if (code === '23505') return pgTable === table && (detail ?? '').startsWith(`Key (${column})=`);
  return error.message.includes(`UNIQUE constraint failed: ${table}.${column}`);
}
