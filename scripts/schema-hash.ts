// `npm run schema:hash`: migrates a fresh database on each engine (SQLite, and PostgreSQL at
// TEST_DATABASE_URL) and records the hash of each schema for the latest migration in
// src/db/migrations/schema-hash.json, which test/schema-hash.test.ts compares against. Run it
// after adding a migration (or merging branches that did), and commit the file.
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import {
  describeFreshSchema,
  latestMigration,
  readRecordedHash,
  SCHEMA_HASH_FILE,
  schemaHash,
  type RecordedSchemaHash,
} from '../test/helpers/schema.ts';
import { TEST_POSTGRES_URL } from '../test/helpers/test-app.ts';

const previous = (() => {
  try {
    return readRecordedHash();
  } catch {
    return undefined;
  }
})();
const recorded: RecordedSchemaHash = { latestMigration: latestMigration(), sqlite: '', postgres: '' };
for (const engine of ['sqlite', 'postgres'] as const) {
  try {
    recorded[engine] = schemaHash(await describeFreshSchema(engine));
  } catch (error) {
    const where =
      engine === 'postgres' ? ` at ${TEST_POSTGRES_URL.replace(/\/\/[^@/]*@/, '//***@')} (set TEST_DATABASE_URL)` : '';
    console.error(`schema:hash: could not migrate a fresh ${engine} database${where}: ${(error as Error).message}`);
    process.exit(1);
  }
}
writeFileSync(SCHEMA_HASH_FILE, `${JSON.stringify(recorded, null, 2)}\n`);
const changed = (engine: 'sqlite' | 'postgres') =>
  previous?.[engine] === recorded[engine] ? 'unchanged' : `was ${previous?.[engine] ?? 'none'}`;
console.log(`${relative(process.cwd(), SCHEMA_HASH_FILE)}: up to ${recorded.latestMigration}`);
console.log(`  sqlite   ${recorded.sqlite} (${changed('sqlite')})`);
console.log(`  postgres ${recorded.postgres} (${changed('postgres')})`);
