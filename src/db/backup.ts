// `broadsheet backup FILE` and `broadsheet restore [--replace] FILE`: one file holding the whole
// database and the media folder.
//
// The file is gzip-compressed JSON lines, engine-neutral, so a backup restores into either engine:
//   {"broadsheet":"backup","version":1,"engine":…,"createdAt":…,"migrations":[…],"tables":{name:rows}}
//   {"table":"articles","columns":["id",…]}      then one JSON array of values per row
//   … every table of COPY_ORDER, parents first …
//   {"file":"name.webp","data":"<base64>"}        one line per media file
//   {"end":true,"rows":N,"files":M}                a trailer, so a truncated file is recognised
//
// Consistency: every row is read inside one read transaction, a snapshot: REPEATABLE READ on
// PostgreSQL; on SQLite (WAL) a read transaction sees the database as of its first read while
// the site goes on writing. We chose that over SQLite's online backup API because the backup
// API restarts whenever another connection (the running site) writes, so under steady writes a
// large backup might never finish. Everything acknowledged before the snapshot's first read is
// in it. Media files are read after the snapshot: files the snapshot names were written before
// their rows (featured-image.ts), so they are there; a file added since is merely extra.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { createGunzip, createGzip } from 'node:zlib';
import type { Kysely, Transaction } from 'kysely';
import { migrateToLatest, type Database, type Db } from './database.ts';
import {
  afterBulkInsert,
  batches,
  checkTablesKnown,
  CONTENT_TABLES,
  COPY_ORDER,
  countRows,
  emptyTarget,
} from './migrate-data.ts';
import { migrations } from './migrations/index.ts';
import { isPostgres } from './postgres.ts';

export const BACKUP_VERSION = 1;

export class BackupError extends Error {}

export interface BackupProgress {
  /** A table name, or "media". */
  step: string;
  done: number;
  total: number;
}

export interface BackupSummary {
  rows: number;
  files: number;
  bytes: number;
  tables: Record<string, number>;
}

type TableName = (typeof COPY_ORDER)[number]['table'];

/**
 * Reads the database in one snapshot and the media folder, and writes FILE (atomically: a temporary file renamed at the
 * end).
 */
export async function backup(
  db: Db,
  { file, mediaDir, onProgress }: { file: string; mediaDir: string; onProgress?: (p: BackupProgress) => void },
): Promise<BackupSummary> {
  await checkTablesKnown(db);
  const temp = join(dirname(resolve(file)), `.${Date.now()}-${process.pid}.backup.tmp`);
  const gzip = createGzip();
  const out = createWriteStream(temp);
  const piped = new Promise<void>((ok, fail) => {
    out.on('finish', ok).on('error', fail);
    gzip.on('error', fail);
  });
  gzip.pipe(out);
  const write = async (value: unknown) => {
    if (!gzip.write(JSON.stringify(value) + '\n')) await once(gzip, 'drain');
  };
  try {
    let reader = db.transaction();
    if (isPostgres(db)) reader = reader.setIsolationLevel('repeatable read').setAccessMode('read only');
    const tables = await reader.execute(async (trx) => {
      // The first read fixes the snapshot (SQLite's BEGIN is deferred until then).
      const totals: Record<string, number> = {};
      for (const { table } of COPY_ORDER) totals[table] = await countRows(trx, table);
      const applied = await appliedMigrations(trx);
      await write({
        broadsheet: 'backup',
        version: BACKUP_VERSION,
        engine: isPostgres(db) ? 'postgres' : 'sqlite',
        createdAt: new Date().toISOString(),
        migrations: applied,
        tables: totals,
      });
      for (const { table, key } of COPY_ORDER) {
        let done = 0;
        onProgress?.({ step: table, done, total: totals[table]! });
        let columns: string[] | undefined;
        for await (const rows of batches(trx, table, key)) {
          if (!columns) {
            columns = Object.keys(rows[0]!);
            await write({ table, columns });
          }
          for (const row of rows) await write(columns.map((c) => row[c] ?? null));
          done += rows.length;
          onProgress?.({ step: table, done, total: totals[table]! });
        }
        if (done !== totals[table]) throw new BackupError(`${table}: counted ${totals[table]} rows but read ${done}`);
      }
      return totals;
    });
    const files = await listFiles(mediaDir);
    onProgress?.({ step: 'media', done: 0, total: files.length });
    let done = 0;
    for (const name of files) {
      let data: Buffer;
      try {
        data = await readFile(join(mediaDir, name));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // replaced since the listing
        throw error;
      }
      await write({ file: name.split(sep).join('/'), data: data.toString('base64') });
      onProgress?.({ step: 'media', done: ++done, total: files.length });
    }
    const rows = Object.values(tables).reduce((a, b) => a + b, 0);
    await write({ end: true, rows, files: done });
    gzip.end();
    await piped;
    await rename(temp, file);
    return { rows, files: done, bytes: (await stat(file)).size, tables };
  } catch (error) {
    gzip.destroy();
    out.destroy();
    await rm(temp, { force: true });
    throw error;
  }
}

async function appliedMigrations(db: Kysely<any>): Promise<string[]> {
  const rows = await db.selectFrom('kysely_migration').select('name').orderBy('name').execute();
  return rows.map((r) => String(r.name));
}

/** Every regular file under dir (relative paths), skipping dot-files (images being written). */
async function listFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (at: string) => {
    let entries;
    try {
      entries = await readdir(at, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      if (entry.isDirectory()) await walk(join(at, entry.name));
      else if (entry.isFile()) found.push(relative(dir, join(at, entry.name)));
    }
  };
  await walk(dir);
  return found.sort();
}

export interface RestoreOptions {
  file: string;
  mediaDir: string;
  /** Overwrite a database that already holds content. */
  replace?: boolean;
  onProgress?: (p: BackupProgress) => void;
  onNotice?: (message: string) => void;
}

/**
 * Restores FILE into db (migrated to the latest schema first) in one transaction: emptied, filled,
 * sequences moved, counts compared; any failure or a truncated file leaves the database as it
 * was. Media are written to a folder beside MEDIA_DIR and swapped in once the database committed.
 */
export async function restore(db: Db, options: RestoreOptions): Promise<BackupSummary> {
  const input = createReadStream(options.file);
  const gunzip = createGunzip();
  // A read error (no such file) ends the lines with that error instead of escaping as an event.
  input.on('error', (error) => gunzip.destroy(error));
  const lines = createInterface({ input: input.pipe(gunzip), crlfDelay: Infinity })[Symbol.asyncIterator]();
  const next = async (): Promise<unknown> => {
    let result: IteratorResult<string>;
    try {
      result = await lines.next();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR')
        throw new BackupError(`${options.file}: cannot read it (${code})`);
      throw new BackupError(`${options.file}: not a Broadsheet backup, or damaged (${(error as Error).message})`);
    }
    if (result.done) throw new BackupError(`${options.file}: the file ends early (truncated?); nothing was restored`);
    try {
      return JSON.parse(result.value);
    } catch {
      throw new BackupError(`${options.file}: not a Broadsheet backup, or damaged (a line is not JSON)`);
    }
  };
  const header = (await next()) as {
    broadsheet?: string;
    version?: number;
    migrations?: string[];
    tables?: Record<string, number>;
  };
  if (header?.broadsheet !== 'backup' || !header.tables)
    throw new BackupError(`${options.file}: not a Broadsheet backup`);
  if (header.version !== BACKUP_VERSION)
    throw new BackupError(
      `${options.file}: backup format version ${header.version} is not supported (this version reads ` +
        `${BACKUP_VERSION})`,
    );
  const unknown = (header.migrations ?? []).filter((name) => !(name in migrations));
  if (unknown.length > 0)
    throw new BackupError(
      `${options.file}: made by a newer Broadsheet (schema ${unknown.at(-1)}); upgrade before restoring`,
    );

  await migrateToLatest(db);
  await checkTablesKnown(db);
  const staging = `${resolve(options.mediaDir)}.restore-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  try {
    const summary = await db.transaction().execute(async (trx) => {
      await checkEmpty(trx, options);
      await emptyTarget(trx);
      const counts: Record<string, number> = {};
      let item = await next();
      for (const { table } of COPY_ORDER) {
        const total = header.tables![table] ?? 0;
        counts[table] = 0;
        options.onProgress?.({ step: table, done: 0, total });
        if (total === 0) continue;
        const start = item as { table?: string; columns?: string[] };
        if (start?.table !== table || !Array.isArray(start.columns))
          throw new BackupError(`${options.file}: expected the rows of ${table}; the file is damaged`);
        item = await insertRows(trx, table, start.columns, total, next, (done) =>
          options.onProgress?.({ step: table, done, total }),
        );
        counts[table] = total;
      }
      let files = 0;
      for (;;) {
        const entry = item as { file?: string; data?: string; end?: boolean; rows?: number; files?: number };
        if (entry?.end) {
          if (entry.files !== files)
            throw new BackupError(`${options.file}: expected ${entry.files} media files, found ${files}`);
          break;
        }
        if (typeof entry?.file !== 'string' || typeof entry.data !== 'string')
          throw new BackupError(`${options.file}: unexpected line after the tables; the file is damaged`);
        const target = resolve(staging, entry.file);
        if (!target.startsWith(staging + sep))
          throw new BackupError(`${options.file}: media path "${entry.file}" leaves the media folder`);
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, Buffer.from(entry.data, 'base64'));
        options.onProgress?.({ step: 'media', done: ++files, total: files });
        item = await next();
      }
      await afterBulkInsert(trx);
      const wrong: string[] = [];
      for (const { table } of COPY_ORDER) {
        const n = await countRows(trx, table);
        if (n !== counts[table]) wrong.push(`${table} ${counts[table]} → ${n}`);
      }
      if (wrong.length > 0) throw new BackupError(`row counts differ after restoring: ${wrong.join(', ')}`);
      return {
        rows: Object.values(counts).reduce((a, b) => a + b, 0),
        files,
        bytes: (await stat(options.file)).size,
        tables: counts,
      };
    });
    await lines.return?.();
    // The database is committed: swap the media folder in (the old one goes only after the new is in place).
    const media = resolve(options.mediaDir);
    const old = `${media}.old-${process.pid}`;
    await mkdir(staging, { recursive: true });
    await mkdir(dirname(media), { recursive: true });
    const hadMedia = await stat(media).then(
      () => true,
      () => false,
    );
    if (hadMedia) await rename(media, old);
    await rename(staging, media);
    if (hadMedia) await rm(old, { recursive: true, force: true });
    return summary;
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

async function checkEmpty(trx: Transaction<Database>, options: RestoreOptions): Promise<void> {
  const content: string[] = [];
  for (const table of CONTENT_TABLES) {
    const n = await countRows(trx, table);
    if (n > 0) content.push(`${n} ${table}`);
  }
  if (content.length === 0) return;
  if (!options.replace)
    throw new BackupError(`the database is not empty (${content.join(', ')}); pass --replace to overwrite it`);
  options.onNotice?.(`Replacing what the database holds (${content.join(', ')}).`);
}

/** Rows per INSERT, under both engines' parameter limits. */
const MAX_PARAMETERS = 30_000;

/** Inserts `total` rows of table read from the file; returns the line after them. */
async function insertRows(
  trx: Transaction<Database>,
  table: TableName,
  columns: string[],
  total: number,
  next: () => Promise<unknown>,
  progress: (done: number) => void,
): Promise<unknown> {
  const size = Math.max(1, Math.min(1000, Math.floor(MAX_PARAMETERS / columns.length)));
  let batch: Record<string, unknown>[] = [];
  let done = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await (trx as unknown as Kysely<any>).insertInto(table).values(batch).execute();
    done += batch.length;
    batch = [];
    progress(done);
  };
  for (let i = 0; i < total; i++) {
    const values = await next();
    if (!Array.isArray(values) || values.length !== columns.length)
      throw new BackupError(`a row of ${table} is damaged`);
    const row: Record<string, unknown> = {};
    columns.forEach((c, j) => {
      row[c] = values[j];
    });
    batch.push(row);
    if (batch.length >= size) await flush();
  }
  await flush();
  return next();
}
