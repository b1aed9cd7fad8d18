// `broadsheet migrate-data`: a populated SQLite site is copied into a fresh database of the engine
// under test (TEST_DATABASE: another SQLite file, or a PostgreSQL schema), run as an operator would.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createServices } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { COPY_ORDER } from '../src/db/migrate-data.ts';
import { CLI_ACTOR } from '../src/features/audit/audit.service.ts';
import { importSample, ratingWidgetText, SAMPLE_PATH } from './helpers/broadsheet.ts';
import { commentInput } from './helpers/factories.ts';
import { runBroadsheet, type Finished } from './helpers/process.ts';
import { Client, createTestDatabase, startTestApp, TEST_ENGINE, type TestDatabase } from './helpers/test-app.ts';

function broadsheet(args: string[]): Promise<Finished> {
  return runBroadsheet(args, {}, { timeoutMs: 60_000 });
}

/** Rows in every table, through the app's own connection code. */
async function tableCounts(database: TestDatabase): Promise<Record<string, number>> {
  const services = await createServices(
    loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent', MEDIA_DIR: join(database.dir, 'media') }),
  );
  try {
    const counts: Record<string, number> = {};
    for (const { table } of COPY_ORDER) {
      counts[table] = Number(
        (
          await services.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    }
    return counts;
  } finally {
    await services.close();
  }
}

describe(`migrate-data: SQLite → ${TEST_ENGINE}`, { concurrency: 1 }, () => {
  let source: TestDatabase;
  let target: TestDatabase;
  let sourceWidget: string;
  let sourceCommentIds: number[];

  before(async () => {
    source = await createTestDatabase('sqlite');
    target = await createTestDatabase();
    // A site with something in every part: an imported article with its baseline, readers'
    // ratings, approved, held and threaded comments, a staff account and its audit trail.
    const app = await startTestApp({ database: source, settings: { commentPolicy: 'hold-first-time' } });
    try {
      const { article } = await importSample(app.services);
      await app.services.ratings.rate({ articleId: article.id, readerId: 'reader-a', ipHash: 'ip-a', value: 100 });
      const context = { articleId: article.id, readerId: 'reader-c', ipHash: 'ip', userAgent: 'test' };
      const first = await app.services.comments.post(commentInput({ authorEmail: 'first@example.org' }), context);
      await app.services.comments.setStatus([first.id], 'approved', CLI_ACTOR);
      const reply = await app.services.comments.post(
        commentInput({ authorEmail: 'first@example.org', parentId: first.id }),
        context,
      );
      const held = await app.services.comments.post(commentInput({ authorEmail: 'new@example.org' }), context);
      assert.deepEqual([reply.status, held.status], ['approved', 'pending']);
      sourceCommentIds = [first.id, reply.id, held.id];
      await app.services.staff.createUser(
        {
          email: 'editor@example.org',
          role: 'editor',
          password: 'correct horse battery staple',
          displayName: 'Eddie Editor',
        },
        CLI_ACTOR,
      );
      sourceWidget = ratingWidgetText((await new Client(app.url).page(SAMPLE_PATH)).html);
      assert.match(sourceWidget, /89\s*%/);
      assert.match(sourceWidget, /4 ratings/);
    } finally {
      await app.close();
    }
  });

  after(async () => {
    await source?.drop();
    await target?.drop();
  });

  it('copies every table, shows its progress and verifies the counts', async () => {
    const run = await broadsheet(['migrate-data', '--from', source.url, '--to', target.url]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /comments\s+\[#+\] 100%\s+3\/3/, 'a progress line per table');
    assert.match(run.stdout, /^comments\s+3\s+3\s+ok$/m);
    assert.match(run.stdout, /every count matches/);
    const [from, to] = [await tableCounts(source), await tableCounts(target)];
    assert.deepEqual(to, from);
    assert.equal(to.articles, 1);
    assert.equal(to.users, 1);
  });

  it(
    'the copied site serves the article page with the same score, and goes on numbering after ' + 'the copied ids',
    async () => {
      const app = await startTestApp({ database: target });
      try {
        const client = new Client(app.url);
        const page = await client.page(SAMPLE_PATH);
        assert.equal(page.status, 200);
        assert.equal(ratingWidgetText(page.html), sourceWidget);
        for (const id of sourceCommentIds.slice(0, 2)) assert.match(page.html, new RegExp(`id="comment-${id}"`));
        // The search index came along (rebuilt on SQLite, an index of the table on PostgreSQL).
        const found = await client.page('/search?q=ferry');
        assert.match(found.html, new RegExp(`<a href="${SAMPLE_PATH}">`));
        const article = await app.services.articles.getPublished(SAMPLE_PATH.split('/').pop()!);
        const posted = await app.services.comments.post(commentInput({ authorEmail: 'first@example.org' }), {
          articleId: article.id,
          readerId: null,
          ipHash: 'ip',
          userAgent: 'test',
        });
        assert.ok(posted.id > Math.max(...sourceCommentIds), `new id ${posted.id} follows the copied ones`);
        const rated = await app.services.ratings.rate({
          articleId: article.id,
          readerId: 'reader-b',
          ipHash: 'ip-b',
          value: 0,
        });
        assert.deepEqual([rated.score, rated.count], [71, 5]);
      } finally {
        await app.close();
      }
    },
  );

  it('running it again replaces the earlier copy with the source, exactly', async () => {
    const run = await broadsheet(['migrate-data', '--from', source.url, '--to', target.url]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /earlier copy of this site/);
    assert.deepEqual(
      await tableCounts(target),
      await tableCounts(source),
      'what was written to the copy since is gone again',
    );
  });

  it('refuses to overwrite a different site unless told to, and leaves it as it was', async () => {
    const other = await createTestDatabase();
    try {
      const app = await startTestApp({ database: other });
      await importSample(app.services);
      await app.close();
      const before = await tableCounts(other);
      const refused = await broadsheet(['migrate-data', '--from', source.url, '--to', other.url]);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /already holds another site \(1 articles\); pass --replace/);
      assert.deepEqual(await tableCounts(other), before);
      const replaced = await broadsheet(['migrate-data', '--from', source.url, '--to', other.url, '--replace']);
      assert.equal(replaced.code, 0, replaced.stderr);
      assert.deepEqual(await tableCounts(other), await tableCounts(source));
    } finally {
      await other.drop();
    }
  });

  it('names the option whose database cannot be reached, in one line', async () => {
    const run = await broadsheet(['migrate-data', '--from', source.url, '--to', 'postgres://news:pw@127.0.0.1:1/news']);
    assert.equal(run.code, 2);
    assert.equal(run.stderr.trimEnd().split('\n').length, 1, run.stderr);
    assert.match(run.stderr, /--to: cannot connect to PostgreSQL at 127\.0\.0\.1:1\/news/);
  });
});
