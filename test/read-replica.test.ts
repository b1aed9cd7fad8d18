// DATABASE_READ_URL: public reads (API, home page) go to the replica; writes, and reads that must
// see them (the article page's cache, a reader's own rating), go to the primary.
// The "replica" here is a second, separately migrated schema that never catches up, which makes
// every read's source visible. PostgreSQL only (a replica is a PostgreSQL feature here).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../src/config.ts';
import { connect, migrateToLatest } from '../src/db/database.ts';
import { createArticle } from './helpers/factories.ts';
import {
  Client,
  createTestDatabase,
  startTestApp,
  TEST_ENGINE,
  type TestApp,
  type TestDatabase,
} from './helpers/test-app.ts';

const skip = TEST_ENGINE === 'postgres' ? false : 'PostgreSQL only: runs in the TEST_DATABASE=postgres pass';

describe('a read replica (DATABASE_READ_URL)', { skip }, () => {
  let replica: TestDatabase;
  let app: TestApp;

  before(async () => {
    replica = await createTestDatabase();
    // Migrated as replication would have done it, and then left behind.
    const db = connect(loadConfig({ DATABASE_URL: replica.url }).database, { poolSize: 1 });
    await migrateToLatest(db);
    await db.destroy();
    app = await startTestApp({ env: { DATABASE_READ_URL: replica.url } });
  });
  after(async () => {
    await app?.close();
    await replica?.drop();
  });

  it('serves the API and home page from the replica, and the article page and writes from the primary', async () => {
    assert.notEqual(app.services.readDb, app.services.db, 'two pools');
    const article = await createArticle(app.services, { title: 'Only on the primary so far' });

    // The replica has not caught up: the lists, read there, do not show the article yet...
    const list = (await (await fetch(`${app.url}/api/v1/articles`)).json()) as { items: unknown[] };
    assert.deepEqual(list.items, []);
    assert.doesNotMatch(await (await fetch(`${app.url}/`)).text(), /Only on the primary so far/);
    // ...but an article asked for by name is looked for on the primary before the answer is 404.
    assert.equal((await fetch(`${app.url}/api/v1/articles/${article.id}`)).status, 200);
    assert.equal((await fetch(`${app.url}/api/v1/articles/999999`)).status, 404);

    // The article page (cached until the next change) and a reader's rating use the primary.
    const reader = new Client(app.url);
    const page = await reader.page(`/articles/${article.slug}`);
    assert.equal(page.status, 200);
    const rated = await reader.request(`/articles/${article.slug}/rating`, { method: 'POST', form: { value: '80' } });
    assert.equal(rated.status, 303);
    assert.match((await reader.page(`/articles/${article.slug}`)).html, /80\s*%/);
    const stored = await app.services.db
      .selectFrom('ratings')
      .select('value')
      .where('article_id', '=', article.id)
      .execute();
    assert.deepEqual(stored, [{ value: 80 }]);
    const onReplica = await app.services.readDb.selectFrom('ratings').select('value').execute();
    assert.deepEqual(onReplica, [], 'nothing is written to the replica');
  });
});
