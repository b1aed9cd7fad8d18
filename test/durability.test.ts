// Killing the server under write load loses no acknowledged comment or rating, on the engine
// under test (TEST_DATABASE): a SQLite file, or a fresh PostgreSQL schema.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from './helpers/test-app.ts';

const root = new URL('..', import.meta.url).pathname;
let database: TestDatabase;
const port = 30_000 + Math.floor(Math.random() * 20_000);
const base = `http://127.0.0.1:${port}`;
let server: ChildProcess | undefined;

function startServer(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['bin/broadsheet.js', 'serve'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: database.url, MEDIA_DIR: join(database.dir, 'media'), PORT: String(port), LOG_LEVEL: 'warn', RATE_LIMIT_POSTS_PER_MINUTE: '1000000' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 30_000;
    const poll = async () => {
      try {
        if ((await fetch(`${base}/readyz`)).ok) return resolve(child);
      } catch {}
      if (Date.now() > deadline || child.exitCode !== null) return reject(new Error('server did not start'));
      setTimeout(poll, 100);
    };
    void poll();
  });
}

before(async () => {
  database = await createTestDatabase();
  server = await startServer();
});

after(async () => {
  server?.kill('SIGKILL');
  await database?.drop();
});

/** What a fresh connection finds stored: our comments' ids, and the readers' ratings. */
async function stored(): Promise<{ comments: Set<number>; ratings: number }> {
  const commentsSql = "select id from comments where author_name like 'W%'";
  const ratingsSql = "select count(*) as n from ratings where reader_id not like 'demo-%'";
  if (database.url.startsWith('sqlite:')) {
    const db = new SQLite(database.url.slice('sqlite:'.length));
    try {
      return { comments: new Set(db.prepare(commentsSql).pluck().all() as number[]), ratings: db.prepare(ratingsSql).pluck().get() as number };
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
  const { items } = (await (await fetch(`${base}/api/v1/articles`)).json()) as { items: { id: number }[] };
  const articleId = items[0]!.id;
  const ackedComments = new Set<number>();
  let ackedRatings = 0;
  let stop = false;

  // Several writers in parallel, each firing as fast as acknowledgements return.
  const writer = async (w: number) => {
    for (let i = 0; !stop; i++) {
      try {
        if (i % 2 === 0) {
          const r = await fetch(`${base}/api/v1/articles/${articleId}/comments`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ authorName: `W${w}`, authorEmail: `w${w}.${i}@example.org`, body: `write ${w}/${i}` }),
          });
          if (r.status === 201) ackedComments.add(((await r.json()) as { id: number }).id);
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
  while (ackedComments.size < 200) await new Promise((r) => setTimeout(r, 20));
  server!.kill('SIGKILL');
  stop = true;
  await Promise.all(writers);

  const { comments, ratings } = await stored();
  const missing = [...ackedComments].filter((id) => !comments.has(id));
  assert.deepEqual(missing, [], 'every acknowledged comment is in the database');
  assert.ok(ratings >= ackedRatings, `${ratings} ratings stored, ${ackedRatings} acknowledged`);

  // And the site comes back on the same database.
  server = await startServer();
  assert.equal((await fetch(`${base}/readyz`)).status, 200);
});
