// `broadsheet backup` while the site serves and takes writes, and `broadsheet restore` into a fresh
// database (the engine under test, and SQLite from a PostgreSQL site), run as an operator would.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync, truncateSync, writeFileSync, copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createServices } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { COPY_ORDER } from '../src/db/migrate-data.ts';
import { createArticle } from './helpers/factories.ts';
import { cliEnv, runCli } from './helpers/cli.ts';
import {
  Client,
  createTestDatabase,
  startTestApp,
  TEST_ENGINE,
  type TestApp,
  type TestDatabase,
} from './helpers/test-app.ts';

const IMAGE = 'abcdefghijklmnopqrstuv_640x480-320.webp';

async function openSite(database: TestDatabase) {
  return createServices(
    loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent', MEDIA_DIR: join(database.dir, 'media') }),
  );
}

async function tableCounts(database: TestDatabase): Promise<Record<string, number>> {
  const services = await openSite(database);
  try {
    const counts: Record<string, number> = {};
    for (const { table } of COPY_ORDER)
      counts[table] = Number(
        (
          await services.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    return counts;
  } finally {
    await services.close();
  }
}

async function revisionRatings(database: TestDatabase) {
  const services = await openSite(database);
  try {
    return await services.db
      .selectFrom('article_revisions')
      .select(['id', 'review_rating', 'review_rating_recorded'])
      .orderBy('id')
      .execute();
  } finally {
    await services.close();
  }
}

/** Each article's stored totals against its rows: a snapshot taken mid-write must agree with itself. */
async function checkTotals(database: TestDatabase): Promise<{ commentIds: Set<number>; ratings: number }> {
  const services = await openSite(database);
  try {
    const articles = await services.db
      .selectFrom('articles')
      .select(['id', 'rating_sum', 'rating_count', 'rating_baseline_sum', 'rating_baseline_count'])
      .execute();
    let ratings = 0;
    for (const a of articles) {
      const rows = await services.db.selectFrom('ratings').select('value').where('article_id', '=', a.id).execute();
      assert.equal(a.rating_count, a.rating_baseline_count + rows.length, 'rating count matches the rows');
      assert.equal(
        a.rating_sum,
        a.rating_baseline_sum + rows.reduce((s, r) => s + r.value, 0),
        'rating sum matches the rows',
      );
      ratings += rows.length;
    }
    const comments = await services.db.selectFrom('comments').select('id').execute();
    return { commentIds: new Set(comments.map((c) => c.id)), ratings };
  } finally {
    await services.close();
  }
}

describe(`backup and restore (${TEST_ENGINE})`, { concurrency: 1 }, () => {
  let source: TestDatabase;
  let app: TestApp;
  let dir: TestDatabase;
  let articleIds: number[];
  let file: string;

  before(async () => {
    source = await createTestDatabase();
    dir = await createTestDatabase('sqlite'); // only its folder is used, for the backup files
    app = await startTestApp({ database: source, settings: { ratingCapPerDay: 100_000 } });
    const one = await createArticle(app.services, { ratingBaseline: { sum: 255, count: 3 } });
    const two = await createArticle(app.services);
    articleIds = [one.id, two.id];
    // Revisions with the review's own rating recorded (70, and "none") and one saved before
    // revisions kept it: a restore must tell them apart as the site did.
    const revision = (review_rating: number | null, review_rating_recorded: number) => ({
      article_id: one.id,
      title: one.title,
      standfirst: '',
      body_markdown: 'Text.',
      section: '',
      tags: '[]',
      saved_by: null,
      saved_at: '2026-12-01T10:00:00.000Z',
      note: 'Saved',
      review_rating,
      review_rating_recorded,
    });
    await app.services.db
      .insertInto('article_revisions')
      .values([revision(70, 1), revision(null, 1), revision(null, 0)])
      .execute();
    mkdirSync(join(source.dir, 'media'), { recursive: true });
    writeFileSync(join(source.dir, 'media', IMAGE), Buffer.from('not really an image, but bytes all the same'));
    file = join(dir.dir, 'site.backup');
  });

  after(async () => {
    await app?.close();
    await source?.drop();
    await dir?.drop();
  });

  it(
    'takes a consistent backup while comments and ratings are being written, holding every ' + 'acknowledged write',
    async () => {
      // Writers keep posting comments and ratings over HTTP until told to stop.
      const acked: { id: number; at: number }[] = [];
      let ratingsAcked = 0;
      let stop = false;
      const writer = async (n: number) => {
        while (!stop) {
          const reader = new Client(app.url);
          const articleId = articleIds[n % 2]!;
          const comment = await reader.request(`/api/v1/articles/${articleId}/comments`, {
            method: 'POST',
            json: {
              authorName: `Writer ${n}`,
              authorEmail: `writer${n}@example.org`,
              body: `Comment from writer ${n} at ${acked.length}.`,
            },
          });
          assert.equal(comment.status, 201, await comment.clone().text());
          acked.push({ id: ((await comment.json()) as { id: number }).id, at: performance.now() });
          const rating = await reader.request(`/api/v1/articles/${articleId}/ratings`, {
            method: 'POST',
            json: { value: 20 * (1 + (n % 5)) },
          });
          assert.equal(rating.status, 200, await rating.clone().text());
          ratingsAcked++;
        }
      };
      const writers = [0, 1, 2, 3].map(writer);
      // Some writes land before the backup starts.
      while (acked.length < 20) await new Promise((resolve) => setImmediate(resolve));
      const startedAt = performance.now();
      const before = acked.filter((a) => a.at < startedAt).map((a) => a.id);
      const run = await runCli(['backup', file], cliEnv(source));
      const during = acked.filter((a) => a.at >= startedAt).length;
      stop = true;
      await Promise.all(writers);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /Backed up \d+ rows and 1 media files/);
      assert.ok(during > 0, 'writes went on while the backup ran');
      assert.ok(ratingsAcked > 0);

      const target = await createTestDatabase();
      try {
        const restored = await runCli(['restore', file], cliEnv(target));
        assert.equal(restored.code, 0, restored.stderr);
        const { commentIds } = await checkTotals(target);
        for (const id of before)
          assert.ok(commentIds.has(id), `comment ${id}, acknowledged before the backup started, is in it`);
        assert.deepEqual(
          readFileSync(join(target.dir, 'media', IMAGE)),
          readFileSync(join(source.dir, 'media', IMAGE)),
        );
      } finally {
        await target.drop();
      }
    },
  );

  it('restores a quiet site exactly: every table, the same ids, and the site works on it', async () => {
    const quiet = join(dir.dir, 'quiet.backup');
    assert.equal((await runCli(['backup', quiet], cliEnv(source))).code, 0);
    const target = await createTestDatabase();
    try {
      const restored = await runCli(['restore', quiet], cliEnv(target));
      assert.equal(restored.code, 0, restored.stderr);
      assert.deepEqual(await tableCounts(target), await tableCounts(source));
      assert.deepEqual(await revisionRatings(target), await revisionRatings(source));
      // The restored site serves the article with its figures, and takes new writes (sequences moved on).
      const copy = await startTestApp({ database: target });
      try {
        const article = await copy.services.articles.getPublished(articleIds[0]!);
        assert.ok(article.rating.count > 3);
        const reader = new Client(copy.url);
        const posted = await reader.request(`/api/v1/articles/${articleIds[0]}/comments`, {
          method: 'POST',
          json: { authorName: 'After', authorEmail: 'after@example.org', body: 'Written after the restore.' },
        });
        assert.equal(posted.status, 201, await posted.clone().text());
      } finally {
        await copy.close();
      }
    } finally {
      await target.drop();
    }
  });

  it('refuses a database that holds a site unless --replace, and then replaces it', async () => {
    const target = await createTestDatabase();
    try {
      const other = await openSite(target);
      await createArticle(other, { title: 'Another site’s article' });
      await other.close();
      const refused = await runCli(['restore', file], cliEnv(target));
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /not empty \(1 articles\); pass --replace/);
      assert.equal((await tableCounts(target)).articles, 1);
      const replaced = await runCli(['restore', '--replace', file], cliEnv(target));
      assert.equal(replaced.code, 0, replaced.stderr);
      const site = await openSite(target);
      try {
        const titles = (await site.db.selectFrom('articles').select('title').execute()).map((r) => r.title);
        assert.ok(!titles.includes('Another site’s article'));
        assert.equal(titles.length, 2);
      } finally {
        await site.close();
      }
    } finally {
      await target.drop();
    }
  });

  it('refuses a truncated or foreign file and changes nothing', async () => {
    const truncated = join(dir.dir, 'truncated.backup');
    copyFileSync(file, truncated);
    truncateSync(truncated, Math.floor(statSync(file).size / 2));
    const notBackup = join(dir.dir, 'notes.txt');
    writeFileSync(notBackup, 'hello');
    const target = await createTestDatabase();
    try {
      for (const bad of [truncated, notBackup, join(dir.dir, 'missing.backup')]) {
        const run = await runCli(['restore', bad], cliEnv(target));
        assert.equal(run.code, 1, run.stderr);
        assert.match(run.stderr, /^broadsheet: restore: .*the database was not changed\.$/m);
      }
      const counts = await tableCounts(target);
      assert.equal(counts.articles, 0);
      assert.equal(counts.comments, 0);
      assert.ok(!existsSync(join(target.dir, 'media', IMAGE)));
    } finally {
      await target.drop();
    }
  });

  it('restores a PostgreSQL site into SQLite', { skip: TEST_ENGINE !== 'postgres' }, async () => {
    const target = await createTestDatabase('sqlite');
    try {
      const restored = await runCli(['restore', file], cliEnv(target));
      assert.equal(restored.code, 0, restored.stderr);
      await checkTotals(target);
    } finally {
      await target.drop();
    }
  });

  it('says what it does in --help', async () => {
    const run = await runCli(['backup', '--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /e-mail addresses/);
  });
});
