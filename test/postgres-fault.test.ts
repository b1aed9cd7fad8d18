// PostgreSQL dropping the app's connections under write load (what a restart does to them):
// requests caught in it get 503 "unavailable", never 500; every acknowledged comment is stored;
// and once the connections are back, every request succeeds again.
// PostgreSQL only: SQLite has no connections to lose (its durability is test/durability.test.ts).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { commentInput, createArticle } from './helpers/factories.ts';
import {
  Client,
  createTestDatabase,
  startTestApp,
  TEST_ENGINE,
  TEST_POSTGRES_URL,
  type TestApp,
  type TestDatabase,
} from './helpers/test-app.ts';

const skip = TEST_ENGINE === 'postgres' ? false : 'PostgreSQL only: runs in the TEST_DATABASE=postgres pass';

describe('PostgreSQL connections terminated under write load', { skip }, () => {
  let database: TestDatabase;
  let app: TestApp;
  let admin: pg.Client;
  // Only this app's connections are terminated (other test files share the database server).
  const applicationName = `bs_fault_${randomBytes(4).toString('hex')}`;

  before(async () => {
    database = await createTestDatabase();
    app = await startTestApp({
      database: { ...database, url: `${database.url}&application_name=${applicationName}` },
      settings: { commentPolicy: 'publish', ratingCapPerDay: 1_000_000 },
    });
    admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
  });

  after(async () => {
    await admin?.end();
    await app?.close();
    await database?.drop();
  });

  async function terminateAppConnections(): Promise<number> {
    const { rowCount } = await admin.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> ' +
        'pg_backend_pid() and application_name = $1',
      [applicationName],
    );
    return rowCount ?? 0;
  }

  it('acknowledged comments survive, failures are 503s, and requests succeed again afterwards', async () => {
    const article = await createArticle(app.services);
    const acked = new Set<number>();
    // Waiters for a number of acknowledged comments, resolved as acknowledgements arrive.
    const waiting = new Set<{ n: number; resolve: () => void }>();
    const acknowledge = (id: number) => {
      acked.add(id);
      for (const waiter of waiting) {
        if (acked.size < waiter.n) continue;
        waiting.delete(waiter);
        waiter.resolve();
      }
    };
    const statuses = new Map<number, number>();
    let stop = false;
    const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);

    const writer = async (w: number) => {
      const client = new Client(app.url);
      for (let i = 0; !stop; i++) {
        if (i % 3 === 2) {
          const rated = await client.request(`/api/v1/articles/${article.id}/ratings`, {
            method: 'POST',
            json: { value: (w * 7 + i) % 101 },
          });
          count(rated.status);
          await rated.arrayBuffer();
          continue;
        }
        const response = await client.request(`/api/v1/articles/${article.id}/comments`, {
          method: 'POST',
          json: commentInput({ body: `Under load ${w}/${i}, still here.` }),
        });
        count(response.status);
        const body = (await response.json()) as { id?: number; error?: string };
        if (response.status === 201) acknowledge(body.id!);
        else assert.equal(body.error, 'unavailable', `status ${response.status}: ${JSON.stringify(body)}`);
      }
    };
    const writers = Array.from({ length: 6 }, (_, w) => writer(w));
    // A writer that fails ends the wait (and the test) at once.
    const waitFor = (n: number) =>
      Promise.race([
        acked.size >= n ? Promise.resolve() : new Promise<void>((resolve) => waiting.add({ n, resolve })),
        Promise.all(writers).then(() => {}),
      ]);

    let terminated = 0;
    for (let round = 1; round <= 3; round++) {
      await waitFor(round * 40);
      terminated += await terminateAppConnections();
    }
    await waitFor(acked.size + 40); // writes go on after the last cut
    stop = true;
    await Promise.all(writers);

    assert.ok(terminated > 0, 'connections were terminated');
    const unexpected = [...statuses].filter(([status]) => ![200, 201, 503].includes(status));
    assert.deepEqual(unexpected, [], `only successes and 503s: ${JSON.stringify([...statuses])}`);

    const stored = new Set(
      (await app.services.db.selectFrom('comments').select('id').where('article_id', '=', article.id).execute()).map(
        (r) => r.id,
      ),
    );
    const lost = [...acked].filter((id) => !stored.has(id));
    assert.deepEqual(lost, [], `every one of ${acked.size} acknowledged comments is stored`);
    // Transactions cut off half-way left nothing half-written: the totals match the rows.
    const totals = await app.services.db
      .selectFrom('articles')
      .select(['rating_sum', 'rating_count'])
      .where('id', '=', article.id)
      .executeTakeFirstOrThrow();
    const rows = await app.services.db
      .selectFrom('ratings')
      .select('value')
      .where('article_id', '=', article.id)
      .execute();
    assert.deepEqual(totals, { rating_sum: rows.reduce((sum, r) => sum + r.value, 0), rating_count: rows.length });

    // Back to normal: every request succeeds, reads and writes alike.
    const client = new Client(app.url);
    for (let i = 0; i < 20; i++) {
      assert.equal((await client.request('/readyz')).status, 200);
      assert.equal((await client.page(`/articles/${article.slug}`)).status, 200);
      const response = await client.request(`/api/v1/articles/${article.id}/comments`, {
        method: 'POST',
        json: commentInput(),
      });
      assert.equal(response.status, 201, await response.text());
    }
  });
});
