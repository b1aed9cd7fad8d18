// The schema the migrations make is the one recorded for the latest migration: a change to the
// schema without a migration (an edited migration, a forgotten registration) fails here, on the
// engine under test (TEST_DATABASE).
import assert from 'node:assert/strict';
import { relative } from 'node:path';
import { describe, it } from 'node:test';
import { migrations } from '../src/db/migrations/index.ts';
import {
  describeFreshSchema,
  latestMigration,
  migrationFiles,
  readRecordedHash,
  SCHEMA_HASH_FILE,
  schemaHash,
} from './helpers/schema.ts';
import { TEST_ENGINE } from './helpers/test-app.ts';

const file = relative(process.cwd(), SCHEMA_HASH_FILE);

describe('the schema and its recorded hash', () => {
  it('every migration file is in the list the app runs', () => {
    assert.deepEqual(
      Object.keys(migrations).sort(),
      migrationFiles(),
      'src/db/migrations/index.ts lists each migration file once',
    );
  });

  it(`a fresh ${TEST_ENGINE} database migrated to the latest migration has the recorded schema`, async () => {
    const recorded = readRecordedHash();
    const latest = latestMigration();
    assert.equal(
      recorded.latestMigration,
      latest,
      `${file} was recorded for migration ${recorded.latestMigration}, but the latest is ${latest}. ` +
        'Run `npm run schema:hash` (PostgreSQL must answer) and commit the file.',
    );
    const description = await describeFreshSchema(TEST_ENGINE);
    assert.equal(
      schemaHash(description),
      recorded[TEST_ENGINE],
      `The ${TEST_ENGINE} schema made by the migrations up to ${latest} is not the one recorded in ${file}. ` +
        'A schema change needs a new migration (an applied migration is never edited); after adding it, run ' +
        '`npm run schema:hash` and commit the file. The schema now:\n' +
        description,
    );
  });
});
