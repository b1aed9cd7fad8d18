// Killing the server under write load loses no acknowledged comment or rating, on the engine
// under test (TEST_DATABASE): a SQLite file, or a fresh PostgreSQL schema.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { startInstance, type Instance } from './helpers/instance.ts';
import { createTestDatabase, type TestDatabase } from './helpers/test-app.ts';

let database: TestDatabase;
let server: Instance | undefined;

/** The server with its demo articles, on the test's database (a hung start is killed). */
function startServer(): Promise<Instance> {
  const env = {
    DATABASE_URL: database.url,
    MEDIA_DIR: join(database.dir, 'media'),
    RATE_LIMIT_POSTS_PER_MINUTE: '1000000',
  };
  return startInstance(env, { demo: true, timeoutMs: 30_000 });
}

before(async () => {
  database = await createTestDatabase();
  server = await startServer();
});

after(async () => {
  await server?.stop('SIGKILL');
  await database?.drop();
});

/** What a fresh connection finds stored: our comments' ids, and the readers' ratings. */
async function stored(): Promise<{ comments: Set<number>; ratings: number }> {
  const commentsSql = "select id from comments where author_name like 'W%'";
  const ratingsSql = "select count(*) as n from ratings where reader_id not like 'demo-%'";
  if (database.url.startsWith('sqlite:')) {
    const db = new SQLite(database.url.slice('sqlite:'.length));
    try {
      return {
        comments: new Set(db.prepare(commentsSql).pluck().all() as number[]),
        ratings: db.prepare(ratingsSql).pluck().get() as number,
      };
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const comments = (await client.query<{ id: number }>(commentsSql)).rows.map((r) => r.id);
    return { comments: new Set(comments), ratings: Number((await client.query<{ n: string }>(ratingsSql)).rows[0]!.n) };
  } finally {
    await client.end();
  }
}

test('acknowledged writes survive SIGKILL mid-load', async () => {
  const base = server!.url;
  const { items } = (await (await fetch(`${base}/api/v1/articles`)).json()) as { items: { id: number }[] };
  const articleId = items[0]!.id;
  const ackedComments = new Set<number>();
  let ackedRatings = 0;
  let stop = false;
  let enoughAcknowledged!: () => void;
  const enough = new Promise<void>((resolve) => (enoughAcknowledged = resolve));

  // Several writers in parallel, each firing as fast as acknowledgements return.
  const writer = async (w: number) => {
    for (let i = 0; !stop; i++) {
      try {
        if (i % 2 === 0) {
          const r = await fetch(`${base}/api/v1/articles/${articleId}/comments`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              authorName: `W${w}`,
              authorEmail: `w${w}.${i}@example.org`,
              body: `write ${w}/${i}`,
            }),
          });
          if (r.status === 201) ackedComments.add(((await r.json()) as { id: number }).id);
          if (ackedComments.size >= 200) enoughAcknowledged();
        } else {
          const r = await fetch(`${base}/api/v1/articles/${articleId}/ratings`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ value: 60 }),
          });
          if (r.status === 200) ackedRatings++;
        }
      } catch {
        return; // the server is gone
      }
    }
  };
  const writers = Array.from({ length: 8 }, (_, w) => writer(w));
  await Promise.race([enough, Promise.all(writers)]); // the writers end early only if the server died
  assert.ok(
    ackedComments.size >= 200,
    `the server acknowledged ${ackedComments.size} comments, then went away:\n${server!.output()}`,
  );
  server!.process.kill('SIGKILL');
  stop = true;
  await Promise.all(writers);

  const { comments, ratings } = await stored();
  const missing = [...ackedComments].filter((id) => !comments.has(id));
  assert.deepEqual(missing, [], 'every acknowledged comment is in the database');
  assert.ok(ratings >= ackedRatings, `${ratings} ratings stored, ${ackedRatings} acknowledged`);

  // And the site comes back on the same database.
  await server!.exited;
  server = await startServer();
  assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
});
