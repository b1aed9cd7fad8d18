// Moving a site between databases (`broadsheet migrate-data --from URL --to URL`): SQLite to
// PostgreSQL, or any engine to any other.
//
// How, and why this way:
// - Both databases are migrated to the latest schema first, so their tables match.
// - The source is read inside one read transaction (a snapshot), so what is counted is exactly
//   what is copied even if something still writes to it (stop the site first all the same:
//   writes after the snapshot are not copied).
// - The target is written in ONE transaction: everything in it is deleted, every table is copied
//   in foreign-key order in batches (ids kept), PostgreSQL's id sequences are moved past the
//   copied ids, and the row counts are compared with the source's. Any failure rolls the whole
//   target back. Re-running is therefore safe and gives the same result (rows deleted at the
//   source since the last run disappear too, which an upsert would not do).
// - A target that already holds a different site (content, and other secrets than the source's)
//   is refused unless `replace` is set, so a typo in --to cannot wipe another site. A target
//   holding an earlier copy of this site (the same secrets) is simply copied over.
import { sql, type Kysely, type Transaction } from 'kysely';
import { ConfigError, type DatabaseTarget } from '../config.ts';
import { migrateToLatest, openDatabases, type Database, type Db } from './database.ts';
import { isPostgres } from './postgres.ts';

type TableName = keyof Database & string;

/** Every table, parents before children; each with the key it is read in order of. */
export const COPY_ORDER: readonly { table: TableName; key: readonly string[] }[] = [
  { table: 'users', key: ['id'] },
  { table: 'sessions', key: ['id_hash'] },
  { table: 'login_failures', key: ['id'] },
  { table: 'audit_log', key: ['id'] },
  { table: 'import_runs', key: ['id'] },
  { table: 'articles', key: ['id'] },
  { table: 'article_tags', key: ['article_id', 'tag'] },
  { table: 'article_revisions', key: ['id'] },
  { table: 'legacy_paths', key: ['path'] },
  { table: 'ratings', key: ['id'] },
  // Not yet folded into the articles' totals: copied as they are, folded on the next start.
  { table: 'article_counter_deltas', key: ['id'] },
  // A reply is always written after its parent, so in id order every parent is there first.
  { table: 'comments', key: ['id'] },
  { table: 'comment_edits', key: ['id'] },
  { table: 'bans', key: ['id'] },
  { table: 'settings', key: ['key'] },
  { table: 'secrets', key: ['name'] },
  { table: 'used_form_tokens', key: ['nonce'] },
  { table: 'spam_tokens', key: ['token'] },
  { table: 'spam_totals', key: ['id'] },
  { table: 'outbox', key: ['id'] },
  { table: 'mail_addresses', key: ['id'] },
  { table: 'reply_subscriptions', key: ['comment_id'] },
  { table: 'held_digests', key: ['user_id'] },
  { table: 'privacy_links', key: ['token_hash'] },
  { table: 'webhook_endpoints', key: ['id'] },
  { table: 'webhook_deliveries', key: ['id'] },
  { table: 'staff_tokens', key: ['token_hash'] },
];

/**
 * The search index on SQLite (migration 2026-11-25T0910-search): the FTS5 table and its shadow
 * tables. They are not copied; the triggers index the articles as they are inserted, and the
 * index is rebuilt after the copy all the same.
 */
export const SEARCH_INDEX_TABLES: readonly string[] = [
  'articles_fts',
  'articles_fts_data',
  'articles_fts_idx',
  'articles_fts_docsize',
  'articles_fts_config',
];

/**
 * The search documents on PostgreSQL (migration 2026-12-05T1200-search-documents), kept by a
 * trigger as articles are written: not copied either.
 */
export const POSTGRES_SEARCH_TABLES: readonly string[] = ['article_search'];

/** Tables whose rows mean the target is a site of its own (settings and secrets appear on any start). */
export const CONTENT_TABLES: readonly TableName[] = ['articles', 'comments', 'ratings', 'users'];

export interface CopyProgress {
  table: string;
  /** Rows of this table copied so far, and its total. */
  copied: number;
  total: number;
  /** Rows of every table copied so far, and the grand total. */
  copiedAll: number;
  totalAll: number;
}

export interface TableCount {
  table: string;
  source: number;
  target: number;
}

export class MigrateDataError extends Error {}

export interface MigrateDataOptions {
  from: DatabaseTarget;
  to: DatabaseTarget;
  /** Overwrite a target that holds another site. */
  replace?: boolean;
  /** Rows per INSERT; by default as many as stay under both engines' parameter limits. */
  batchSize?: number;
  onProgress?: (progress: CopyProgress) => void;
  /** Told once what is about to happen (e.g. "replacing an earlier copy"). */
  onNotice?: (message: string) => void;
}

export async function migrateData(options: MigrateDataOptions): Promise<TableCount[]> {
  const source = await open(options.from, '--from');
  try {
    const target = await open(options.to, '--to');
    try {
      await migrateToLatest(source);
      await migrateToLatest(target);
      await checkTablesKnown(source);
      return await copyAll(source, target, options);
    } finally {
      await target.destroy();
    }
  } finally {
    await source.destroy();
  }
}

/** Opens (and checks) one side; a connection error names the option rather than DATABASE_URL. */
async function open(database: DatabaseTarget, option: string): Promise<Db> {
  try {
    return (await openDatabases({ database, readDatabase: undefined, databasePoolSize: 2 })).db;
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(option, error.message.slice(`${error.variable}: `.length));
    throw error;
  }
}

/** A table the copy does not know about would be silently left behind: refuse instead. */
export async function checkTablesKnown(db: Kysely<Database>): Promise<void> {
  const known = new Set<string>([...COPY_ORDER.map((t) => t.table), ...SEARCH_INDEX_TABLES, ...POSTGRES_SEARCH_TABLES]);
  // On PostgreSQL the introspector reads only the schema this connection works in (postgres.ts).
  const tables = (await db.introspection.getTables()).filter((t) => !t.isView);
  const missing = tables.map((t) => t.name).filter((name) => !name.startsWith('kysely_') && !known.has(name));
  if (missing.length > 0)
    throw new MigrateDataError(`no copy rule for the tables ${missing.join(', ')} (add them to COPY_ORDER)`);
}

export async function countRows(db: Kysely<Database>, table: TableName): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function copyAll(source: Db, target: Db, options: MigrateDataOptions): Promise<TableCount[]> {
  let reader = source.transaction();
  // A snapshot of the source: repeatable read on PostgreSQL; SQLite's read transaction is one already.
  if (isPostgres(source)) reader = reader.setIsolationLevel('repeatable read').setAccessMode('read only');
  return reader.execute(async (src) => {
    const totals = new Map<TableName, number>();
    for (const { table } of COPY_ORDER) totals.set(table, await countRows(src, table));
    const totalAll = [...totals.values()].reduce((a, b) => a + b, 0);

    return target.transaction().execute(async (dst) => {
      await checkTargetMayBeReplaced(src, dst, options);
      await emptyTarget(dst);
      let copiedAll = 0;
      for (const { table, key } of COPY_ORDER) {
        const total = totals.get(table)!;
        options.onProgress?.({ table, copied: 0, total, copiedAll, totalAll });
        let copied = 0;
        for await (const rows of batches(src, table, key, options.batchSize)) {
          await dst
            .insertInto(table)
            .values(rows as never)
            .execute();
          copied += rows.length;
          copiedAll += rows.length;
          options.onProgress?.({ table, copied, total, copiedAll, totalAll });
        }
      }
      await afterBulkInsert(dst);
      const counts: TableCount[] = [];
      for (const { table } of COPY_ORDER)
        counts.push({ table, source: totals.get(table)!, target: await countRows(dst, table) });
      const wrong = counts.filter((c) => c.source !== c.target);
      // Thrown inside the transaction, so a target that does not match is left as it was.
      if (wrong.length > 0)
        throw new MigrateDataError(
          `row counts differ after copying: ${wrong.map((c) => `${c.table} ${c.source} → ${c.target}`).join(', ')}`,
        );
      return counts;
    });
  });
}

async function checkTargetMayBeReplaced(
  src: Transaction<Database>,
  dst: Transaction<Database>,
  options: MigrateDataOptions,
): Promise<void> {
  const content: string[] = [];
  for (const table of CONTENT_TABLES) {
    const n = await countRows(dst, table);
    if (n > 0) content.push(`${n} ${table}`);
  }
  if (content.length === 0) return;
  // Secrets are random per site and copied with it: the same ones mean an earlier copy of this site.
  const secrets = async (db: Transaction<Database>) =>
    new Map((await db.selectFrom('secrets').select(['name', 'value']).execute()).map((r) => [r.name, r.value]));
  const [ours, theirs] = [await secrets(src), await secrets(dst)];
  const shared = [...theirs.keys()].filter((name) => ours.has(name));
  const sameSite = shared.length > 0 && shared.every((name) => ours.get(name) === theirs.get(name));
  if (sameSite)
    options.onNotice?.(`The target holds an earlier copy of this site (${content.join(', ')}): replacing it.`);
  else if (options.replace)
    options.onNotice?.(`The target holds another site (${content.join(', ')}): replacing it (--replace).`);
  else
    throw new MigrateDataError(
      `the target already holds another site (${content.join(', ')}); pass --replace to overwrite it`,
    );
}

export async function emptyTarget(dst: Transaction<Database>): Promise<void> {
  if (isPostgres(dst)) {
    // One statement for every table, so their foreign keys among each other do not matter.
    const tables = [...COPY_ORDER.map((t) => t.table), ...POSTGRES_SEARCH_TABLES];
    await sql`truncate table ${sql.join(tables.map((table) => sql.table(table)))}`.execute(dst);
    return;
  }
  for (const { table } of [...COPY_ORDER].reverse()) await dst.deleteFrom(table).execute();
}

/** Rows per statement: PostgreSQL takes at most 65,535 parameters, SQLite (by default) 32,766. */
const MAX_PARAMETERS = 30_000;

/** The table's rows in key order, a batch at a time (keyset pagination: no OFFSET rescans). */
export async function* batches(
  src: Transaction<Database>,
  table: TableName,
  key: readonly string[],
  batchSize?: number,
): AsyncGenerator<Record<string, unknown>[]> {
  const db = src as unknown as Kysely<any>;
  let size = batchSize ?? 0;
  let after: unknown[] | undefined;
  for (;;) {
    let query = db.selectFrom(table).selectAll();
    if (after) {
      const last = after;
      query = query.where((eb) =>
        key.length === 1
          ? eb(key[0]!, '>', last[0])
          : eb(eb.refTuple(...(key as [string, string])), '>', eb.tuple(...(last as [unknown, unknown]))),
      );
    }
    for (const column of key) query = query.orderBy(column);
    if (size === 0) {
      // Sized from the first row's width.
      const first = await query.limit(1).execute();
      if (first.length === 0) return;
      size = Math.max(1, Math.min(1000, Math.floor(MAX_PARAMETERS / Object.keys(first[0]!).length)));
    }
    const rows: Record<string, unknown>[] = await query.limit(size).execute();
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < size) return;
    const lastRow = rows[rows.length - 1]!;
    after = key.map((column) => lastRow[column]);
  }
}

/** After rows were inserted with their ids: PostgreSQL's sequences move past them, SQLite's search index is rebuilt. */
export async function afterBulkInsert(dst: Transaction<Database>): Promise<void> {
  if (isPostgres(dst)) await resetSequences(dst);
  else await sql`insert into articles_fts (articles_fts) values ('rebuild')`.execute(dst);
}

/** Moves each id sequence past the largest copied id, so the next insert does not collide. */
export async function resetSequences(dst: Transaction<Database>): Promise<void> {
  for (const { table, key } of COPY_ORDER) {
    if (key.length !== 1 || key[0] !== 'id') continue;
    await sql`select setval(seq::regclass, coalesce((select max(id) from ${sql.table(table)}), 0) + 1, false)
              from pg_get_serial_sequence(${table}, 'id') as seq where seq is not null`.execute(dst);
  }
}
