// A normalised description of a migrated database's schema (tables, columns and their types,
// indexes, constraints, triggers), and its hash. The hash recorded for the latest migration
// (src/db/migrations/schema-hash.json) makes a schema change without a migration fail a test.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { connect, migrateToLatest, type Db } from '../../src/db/database.ts';
import { loadConfig } from '../../src/config.ts';
import { migrations } from '../../src/db/migrations/index.ts';
import { createTestDatabase, type TestEngine } from './test-app.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../src/db/migrations/', import.meta.url));
export const SCHEMA_HASH_FILE = fileURLToPath(new URL('../../src/db/migrations/schema-hash.json', import.meta.url));

export interface RecordedSchemaHash {
  /** The latest migration when the hashes were recorded. */
  latestMigration: string;
  sqlite: string;
  postgres: string;
}

/** The name of the migration that runs last (Kysely runs them in name order). */
export function latestMigration(): string {
  return Object.keys(migrations).sort().at(-1)!;
}

/** Migration files in the folder (the list in index.ts must name each of them). */
export function migrationFiles(): string[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((name) => /^\d{4}-\d\d-\d\dT\d{4}-.+\.ts$/.test(name))
    .map((name) => name.replace(/\.ts$/, ''))
    .sort();
}

export function readRecordedHash(): RecordedSchemaHash {
  return JSON.parse(readFileSync(SCHEMA_HASH_FILE, 'utf8')) as RecordedSchemaHash;
}

export function schemaHash(description: string): string {
  return createHash('sha256').update(description).digest('hex').slice(0, 16);
}

const oneLine = (text: unknown) =>
  String(text ?? '')
    .replace(/\s+/g, ' ')
    .trim();
const IGNORED_TABLE = /^(kysely_migration|sqlite_)/;

async function describeSqlite(db: Db): Promise<string[]> {
  const lines: string[] = [];
  const objects = (
    await sql<{
      type: string;
      name: string;
      tbl_name: string;
      sql: string | null;
    }>`select type, name, tbl_name, sql from sqlite_master order by type, name`.execute(db)
  ).rows.filter((o) => !IGNORED_TABLE.test(o.tbl_name));
  for (const table of objects.filter((o) => o.type === 'table')) {
    lines.push(`table ${table.name}`);
    if (/^create virtual table/i.test(table.sql ?? '')) lines.push(`  virtual ${oneLine(table.sql)}`);
    const columns = (
      await sql<{
        name: string;
        type: string;
        notnull: number;
        dflt_value: string | null;
        pk: number;
        hidden: number;
      }>`select * from pragma_table_xinfo(${table.name})`.execute(db)
    ).rows;
    for (const c of columns)
      lines.push(
        `  column ${c.name} ` +
          `${c.type.toLowerCase()}${c.notnull ? ' not null' : ''}` +
          `${c.dflt_value !== null ? ` default ${c.dflt_value}` : ''}${c.pk ? ` pk${c.pk}` : ''}` +
          `${c.hidden ? ` hidden${c.hidden}` : ''}`,
      );
    const keys = (
      await sql<{
        id: number;
        seq: number;
        table: string;
        from: string;
        to: string | null;
        on_update: string;
        on_delete: string;
      }>`select * from pragma_foreign_key_list(${table.name})`.execute(db)
    ).rows;
    for (const k of keys)
      lines.push(
        `  foreign key #${k.id}.${k.seq} ${k.from} -> ${k.table}(${k.to ?? ''}) on update ${k.on_update} on ` +
          `delete ${k.on_delete}`,
      );
    const indexes = (
      await sql<{
        name: string;
        unique: number;
        origin: string;
        partial: number;
      }>`select * from pragma_index_list(${table.name}) order by name`.execute(db)
    ).rows;
    for (const index of indexes) {
      const columnsOf = (
        await sql<{ name: string | null }>`select name from pragma_index_info(${index.name}) order by seqno`.execute(db)
      ).rows.map((r) => r.name ?? '<expr>');
      const created = objects.find((o) => o.type === 'index' && o.name === index.name)?.sql;
      const name = index.origin === 'c' ? index.name : `(${index.origin})`;
      lines.push(
        `  index ${name}${index.unique ? ' unique' : ''} ` +
          `(${columnsOf.join(', ')})${created ? ` ${oneLine(created)}` : ''}`,
      );
    }
  }
  for (const o of objects.filter((o) => o.type === 'view' || o.type === 'trigger'))
    lines.push(`${o.type} ${o.name} ${oneLine(o.sql)}`);
  return lines;
}

async function describePostgres(db: Db): Promise<string[]> {
  const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]!.s;
  // The test schema's random name appears in defaults and definitions; it is not part of the schema.
  const unqualified = (text: unknown) => oneLine(text).split(`${schema}.`).join('').split(`"${schema}".`).join('');
  const lines: string[] = [];
  const columns = (
    await sql<{
      table_name: string;
      column_name: string;
      data_type: string;
      udt_name: string;
      is_nullable: string;
      column_default: string | null;
      is_identity: string;
      character_maximum_length: number | null;
    }>`
      select c.table_name, c.column_name, c.data_type, c.udt_name, c.is_nullable,
             c.column_default, c.is_identity, c.character_maximum_length
      from information_schema.columns c
        join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
      where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'
      order by c.table_name, c.ordinal_position`.execute(db)
  ).rows.filter((c) => !IGNORED_TABLE.test(c.table_name));
  let table = '';
  for (const c of columns) {
    if (c.table_name !== table) lines.push(`table ${(table = c.table_name)}`);
    const type = c.data_type === 'USER-DEFINED' || c.data_type === 'ARRAY' ? c.udt_name : c.data_type;
    lines.push(
      `  column ${c.column_name} ` +
        `${type}${c.character_maximum_length ? `(${c.character_maximum_length})` : ''}` +
        `${c.is_nullable === 'NO' ? ' not null' : ''}` +
        `${c.column_default !== null ? ` default ${unqualified(c.column_default)}` : ''}` +
        `${c.is_identity === 'YES' ? ' identity' : ''}`,
    );
  }
  const indexes = (
    await sql<{
      tablename: string;
      indexname: string;
      indexdef: string;
    }>`select tablename, indexname, indexdef from pg_indexes where schemaname = current_schema()
    order by tablename, indexname`.execute(db)
  ).rows;
  for (const i of indexes.filter((i) => !IGNORED_TABLE.test(i.tablename)))
    lines.push(`index ${i.tablename}.${i.indexname} ${unqualified(i.indexdef)}`);
  const constraints = (
    await sql<{ table_name: string; conname: string; def: string }>`
      select cl.relname as table_name, co.conname, pg_get_constraintdef(co.oid) as def
      from pg_constraint co join pg_class cl on cl.oid = co.conrelid
      where co.connamespace = current_schema()::regnamespace
      order by cl.relname, co.conname`.execute(db)
  ).rows;
  for (const c of constraints.filter((c) => !IGNORED_TABLE.test(c.table_name)))
    lines.push(`constraint ${c.table_name}.${c.conname} ${unqualified(c.def)}`);
  const triggers = (
    await sql<{
      event_object_table: string;
      trigger_name: string;
      action_timing: string;
      event_manipulation: string;
      action_statement: string;
    }>`
      select event_object_table, trigger_name, action_timing, event_manipulation, action_statement
        from information_schema.triggers
      where trigger_schema = current_schema() order by event_object_table, trigger_name, event_manipulation`.execute(db)
  ).rows;
  for (const t of triggers)
    lines.push(
      `trigger ${t.event_object_table}.${t.trigger_name} ${t.action_timing} ${t.event_manipulation} ` +
        `${unqualified(t.action_statement)}`,
    );
  const functions = (
    await sql<{
      proname: string;
      def: string;
    }>`select proname, pg_get_functiondef(oid) as def from pg_proc where pronamespace = current_schema()::regnamespace
    order by proname, oid`.execute(db)
  ).rows;
  for (const f of functions) lines.push(`function ${f.proname} ${unqualified(f.def)}`);
  return lines;
}

/** The schema of a migrated database, one normalised line per table, column, index, constraint, trigger. */
export async function describeSchema(db: Db, engine: TestEngine): Promise<string> {
  return `${(engine === 'sqlite' ? await describeSqlite(db) : await describePostgres(db)).join('\n')}\n`;
}

/** Migrates a fresh database of `engine` and describes its schema. */
export async function describeFreshSchema(engine: TestEngine): Promise<string> {
  const database = await createTestDatabase(engine);
  const db = connect(loadConfig({ DATABASE_URL: database.url }).database, { poolSize: 1 });
  try {
    await migrateToLatest(db);
    return await describeSchema(db, engine);
  } finally {
    await db.destroy();
    await database.drop();
  }
}
