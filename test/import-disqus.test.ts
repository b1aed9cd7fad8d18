// Disqus import: threads matched to articles by their link (our address, an old WordPress
// address, copies folded in), threading and status kept, unmatched threads reported or made
// drafts, posts of missing threads reported, a second import changing nothing. On our fixture
// and on real exports kept by other projects (test/fixtures/disqus/SOURCES.md).
import assert from 'node:assert/strict';
import { copyFileSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { importSite } from '../src/features/importer/import.service.ts';
import { formatReport } from '../src/features/importer/import-report.ts';
import { createArticle } from './helpers/factories.ts';
import { cliEnv, runCli } from './helpers/cli.ts';
import { createTestDatabase, startTestApp, TEST_ENGINE, type TestApp, type TestDatabase } from './helpers/test-app.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/disqus/', import.meta.url));
const NEWSROOM = join(FIXTURES, 'newsroom.xml');

async function commentsOf(app: TestApp, articleId: number) {
  return app.services.db
    .selectFrom('comments')
    .select(['id', 'parent_id', 'depth', 'status', 'author_name', 'author_email', 'body_markdown', 'import_key'])
    .where('article_id', '=', articleId)
    .orderBy('id')
    .execute();
}

async function totals(app: TestApp) {
  const n = async (table: 'comments' | 'articles') =>
    Number(
      (
        await app.services.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { comments: await n('comments'), articles: await n('articles') };
}

describe(`Disqus import (${TEST_ENGINE})`, { concurrency: 1 }, () => {
  let database: TestDatabase;
  let app: TestApp;
  let council: number;
  let storm: number;

  before(async () => {
    database = await createTestDatabase();
    app = await startTestApp({ database, env: { PUBLIC_URL: 'https://news.example.org' } });
    council = (await createArticle(app.services, { title: 'Council votes on budget' })).id;
    storm = (await createArticle(app.services, { title: 'Storm closes harbour today' })).id;
    // What a WordPress import leaves behind: the story's old address.
    await app.services.db
      .insertInto('legacy_paths')
      .values({ path: '/2013/01/11/storm-closes-harbour', article_id: storm })
      .execute();
  });

  after(async () => {
    await app?.close();
    await database?.drop();
  });

  it('matches threads by link, keeps threading and status, and reports what it could not place', async () => {
    const report = await importSite(app.services, NEWSROOM);
    const lines = formatReport(report).join('\n');
    assert.equal(report.format, 'Disqus');
    const byKey = new Map((await commentsOf(app, council)).map((c) => [c.import_key!.split(':').at(-1), c]));
    assert.deepEqual(
      [...byKey.keys()].sort(),
      ['1', '2', '3', '4', '5', '6', '7'],
      'the thread and its localhost copy both land on the article',
    );
    assert.equal(byKey.get('2')!.parent_id, byKey.get('1')!.id);
    assert.equal(
      byKey.get('3')!.parent_id,
      byKey.get('2')!.id,
      'a reply that came before its parent in the file still finds it',
    );
    assert.deepEqual([byKey.get('1')!.depth, byKey.get('2')!.depth, byKey.get('3')!.depth], [0, 1, 2]);
    assert.equal(byKey.get('4')!.status, 'spam');
    assert.equal(byKey.get('5')!.status, 'trash', 'a deleted comment is kept in the trash');
    assert.equal(byKey.get('6')!.parent_id, byKey.get('5')!.id, 'so its reply keeps its parent');
    assert.equal(byKey.get('6')!.status, 'approved');
    assert.equal(byKey.get('1')!.author_email, 'first@example.org');
    assert.equal(byKey.get('2')!.body_markdown, 'I **disagree**.');
    const stormComments = await commentsOf(app, storm);
    assert.deepEqual(
      stormComments.map((c) => c.body_markdown),
      ['On the old WordPress address.', 'On a cached copy of the old address.'],
    );
    const article = await app.services.articles.getPublished(council);
    assert.equal(article.commentCount, 5, 'approved comments are counted (1, 2, 3, 6, 7)');
    assert.match(lines, /thread 105 “An unknown story”.*no article matches its link: its 2 comments were not imported/);
    assert.match(lines, /post 12: skipped: its thread 999 is not in the file/);
    assert.match(lines, /created: 9 comments/);
    // E-mail addresses never reach the public page.
    const html = await (await fetch(`${app.url}/articles/council-votes-on-budget`)).text();
    assert.ok(html.includes('First!'));
    assert.ok(!html.includes('first@example.org'));
  });

  it(
    'with --create-articles, an unmatched thread becomes a draft holding its comments; again, ' + 'nothing changes',
    async () => {
      const before = await totals(app);
      const report = await importSite(app.services, NEWSROOM, { createArticles: true });
      assert.equal(report.counts['created.article'], 1);
      assert.equal(report.counts['created.comment'], 2);
      assert.equal(report.counts['kept.comment'], 9);
      const draft = await app.services.db
        .selectFrom('articles')
        .selectAll()
        .where('title', '=', 'An unknown story')
        .executeTakeFirstOrThrow();
      assert.equal(draft.status, 'draft');
      assert.match(draft.body_markdown, /https:\/\/news\.example\.org\/2019\/unknown-story\//);
      const held = await commentsOf(app, draft.id);
      assert.equal(held.length, 2);
      assert.equal(held[1]!.parent_id, held[0]!.id);
      assert.deepEqual(await totals(app), { comments: before.comments + 2, articles: before.articles + 1 });

      const after = await totals(app);
      const again = await importSite(app.services, NEWSROOM, { createArticles: true });
      assert.deepEqual(await totals(app), after, 'a second import changes nothing');
      assert.equal(again.counts['created.comment'] ?? 0, 0);
      assert.equal(again.counts['created.article'] ?? 0, 0);
    },
  );

  it('imports the real remark42 sample: the thread whose slug is ours, spam kept as spam', async () => {
    const podcast = await createArticle(app.services, { title: 'Podcast 229' });
    const report = await importSite(app.services, join(FIXTURES, 'remark42-radiot.xml'));
    const comments = await commentsOf(app, podcast.id);
    assert.deepEqual(comments.map((c) => c.status).sort(), ['approved', 'approved', 'spam']);
    assert.ok(comments.some((c) => c.author_name === 'Alexander Blah' && c.author_email === ''));
    assert.equal(report.counts['skipped.thread'], 1, 'the radio-t.umputun.com thread has no article here');
  });

  it(
    'imports the real isso sample with --create-articles: late threads, localhost links, deleted parents, ' +
      'missing threads',
    async () => {
      const report = await importSite(app.services, join(FIXTURES, 'isso-disqus.xml'), { createArticles: true });
      const lines = formatReport(report).join('\n');
      assert.equal(report.counts['created.article'], 2);
      assert.match(lines, /post 6: skipped: its thread 1337 is not in the file/);
      const hello = await app.services.db
        .selectFrom('articles')
        .select('id')
        .where('title', '=', 'Hello, World!')
        .executeTakeFirstOrThrow();
      const comments = await commentsOf(app, hello.id);
      const byKey = new Map(comments.map((c) => [c.import_key!.split(':').at(-1), c]));
      assert.equal(byKey.get('5')!.parent_id, byKey.get('4')!.id);
      assert.equal(byKey.get('9')!.status, 'trash');
      assert.equal(byKey.get('11')!.parent_id, byKey.get('9')!.id);
    },
  );

  it('refuses a damaged file with its line and column and writes nothing; the CLI prints the report', async () => {
    const damaged = join(database.dir, 'damaged.xml');
    copyFileSync(NEWSROOM, damaged);
    truncateSync(damaged, Math.floor(statSync(NEWSROOM).size * 0.6));
    const before = await totals(app);
    const refused = await runCli(['import', damaged], cliEnv(database));
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /not well-formed XML at line \d+, column \d+/);
    assert.deepEqual(await totals(app), before);
    const run = await runCli(['import', NEWSROOM], cliEnv(database, { PUBLIC_URL: 'https://news.example.org' }));
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Disqus/);
    assert.match(run.stdout, /already there: 11 comments/);
  });
});
