// `broadsheet export --format json|wxr`, run as an operator would, and the round trip: a site
// made from a real WordPress export (the theme unit test data) and our own, with readers' ratings
// and comments of every status, exported and imported into an empty site, gives the same
// articles, pages, slugs, comments (threading and status) and scores.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Services } from '../src/app.ts';
import { CLI_ACTOR } from '../src/features/audit/audit.service.ts';
import { importSite } from '../src/features/importer/import.service.ts';
import { cliEnv, runCli } from './helpers/cli.ts';
import { commentInput } from './helpers/factories.ts';
import { createTestDatabase, startTestApp, TEST_ENGINE, type TestApp, type TestDatabase } from './helpers/test-app.ts';

const WXR = fileURLToPath(new URL('./fixtures/wxr/', import.meta.url));

/** Everything the round trip must keep, in a form that does not depend on ids. */
async function siteShape(services: Services, { bodies = true } = {}) {
  const articles = await services.db.selectFrom('articles').selectAll().orderBy('slug').execute();
  const shape = [];
  for (const a of articles) {
    const tags = (
      await services.db.selectFrom('article_tags').select('tag').where('article_id', '=', a.id).orderBy('tag').execute()
    ).map((t) => t.tag);
    // WordPress keeps times to the second: comments are named and ordered by second and author.
    const who = (c: { created_at: string; author_name: string }) => `${c.created_at.slice(0, 19)} ${c.author_name}`;
    const comments = (
      await services.db.selectFrom('comments').selectAll().where('article_id', '=', a.id).execute()
    ).sort((x, y) => who(x).localeCompare(who(y)));
    const label = (id: number | null) => {
      const c = comments.find((x) => x.id === id);
      return c ? who(c) : null;
    };
    shape.push({
      slug: a.slug,
      kind: a.kind,
      title: a.title,
      status: a.status,
      section: a.kind === 'article' ? a.section : '',
      tags,
      ...(bodies ? { body: a.body_markdown, standfirst: a.standfirst, publishedAt: a.published_at } : {}),
      review:
        a.review_type || a.review_rating !== null
          ? { type: a.review_type, name: a.review_name, rating: a.review_rating }
          : null,
      score: a.rating_count > 0 ? Math.round(a.rating_sum / a.rating_count) : null,
      count: a.rating_count,
      commentCount: a.comment_count,
      comments: comments.map((c) => ({
        who: who(c),
        email: c.author_email,
        status: c.status,
        parent: label(c.parent_id),
        ...(bodies ? { body: c.body_markdown } : {}),
      })),
    });
  }
  return shape;
}

describe(`export and round trip (${TEST_ENGINE})`, { concurrency: 1 }, () => {
  let source: TestDatabase;
  let app: TestApp;
  let files: TestDatabase;

  before(async () => {
    source = await createTestDatabase();
    files = await createTestDatabase('sqlite');
    app = await startTestApp({ database: source, settings: { commentPolicy: 'publish', siteTitle: 'The Daily Test' } });
    for (const file of ['wptt-themeunittestdata.wordpress.xml.gz', 'newsroom-1.2.xml']) {
      const report = await importSite(app.services, join(WXR, file));
      assert.ok((report.counts['created.article'] ?? 0) > 0, file);
    }
    // Readers add to it: ratings on an imported score, and comments of every status.
    const rated = await app.services.db
      .selectFrom('articles')
      .select(['id', 'slug'])
      .where('rating_count', '>', 0)
      .where('status', '=', 'published')
      .where('kind', '=', 'article')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    for (const [i, value] of [100, 60, 80].entries())
      await app.services.ratings.rate({ articleId: rated.id, readerId: `reader-${i}`, ipHash: `ip-${i}`, value });
    const context = { articleId: rated.id, readerId: null, ipHash: 'ip', userAgent: 'test' };
    const first = await app.services.comments.post(commentInput({ authorEmail: 'first@example.org' }), context);
    const reply = await app.services.comments.post(commentInput({ parentId: first.id }), context);
    const spam = await app.services.comments.post(commentInput(), context);
    const trash = await app.services.comments.post(commentInput(), context);
    await app.services.comments.setStatus([spam.id], 'spam', CLI_ACTOR);
    await app.services.comments.setStatus([trash.id], 'trash', CLI_ACTOR);
    assert.ok(reply.id);
    await app.services.staff.createUser(
      {
        email: 'editor@example.org',
        role: 'editor',
        password: 'correct horse battery staple',
        displayName: 'Eddie Editor',
      },
      CLI_ACTOR,
    );
  });

  after(async () => {
    await app?.close();
    await source?.drop();
    await files?.drop();
  });

  it(
    'writes a documented JSON document: settings, staff without passwords, every article with ' + 'its comments',
    async () => {
      const run = await runCli(['export', '--format', 'json'], cliEnv(source));
      assert.equal(run.code, 0, run.stderr);
      const doc = JSON.parse(run.stdout);
      assert.equal(doc.format, 'broadsheet-export');
      assert.equal(doc.version, 1);
      assert.equal(doc.settings.siteTitle, 'The Daily Test');
      assert.deepEqual(
        doc.staff.map((s: { email: string; role: string }) => [s.email, s.role]),
        [['editor@example.org', 'editor']],
      );
      assert.ok(!/scrypt|password_hash|passwordHash/i.test(run.stdout), 'no password hashes');
      assert.ok(run.stdout.includes('first@example.org'), 'e-mail addresses are in it (the help says so)');
      const count = Number(
        (
          await app.services.db
            .selectFrom('articles')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
      assert.equal(doc.articles.length, count);
      assert.ok(doc.articles.some((a: { kind: string }) => a.kind === 'page'));
      assert.match(run.stderr, /Exported \d+ articles and pages with \d+ comments/);
      const help = await runCli(['export', '--help']);
      assert.match(help.stdout, /e-mail addresses/);
    },
  );

  it(
    'JSON: an export imported into an empty site gives the same site; importing it again changes ' + 'nothing',
    async () => {
      const file = join(files.dir, 'site.json');
      const run = await runCli(['export', '--format', 'json', '--output', file], cliEnv(source));
      assert.equal(run.code, 0, run.stderr);
      const copy = await startTestApp();
      try {
        const report = await importSite(copy.services, file);
        assert.equal(report.format, 'Broadsheet JSON');
        assert.deepEqual(await siteShape(copy.services), await siteShape(app.services));
        assert.equal(copy.services.settings.get().siteTitle, 'The Daily Test');
        const again = await importSite(copy.services, file);
        assert.equal(again.counts['created.article'] ?? 0, 0);
        assert.equal(again.counts['created.comment'] ?? 0, 0);
        assert.deepEqual(await siteShape(copy.services), await siteShape(app.services));
      } finally {
        await copy.close();
      }
    },
  );

  it(
    'WXR: WordPress eXtended RSS 1.2 that imports into an empty site with the same articles, pages, slugs, ' +
      'comments and scores',
    async () => {
      const file = join(files.dir, 'site.xml');
      const run = await runCli(['export', '--format', 'wxr', '--output', file], cliEnv(source));
      assert.equal(run.code, 0, run.stderr);
      const xml = readFileSync(file, 'utf8');
      assert.match(xml, /<wp:wxr_version>1\.2<\/wp:wxr_version>/);
      assert.match(xml, /<wp:meta_key><!\[CDATA\[wp_review_user_reviews\]\]><\/wp:meta_key>/);
      // The review's own rating leaves as WP Review's editor score (a percentage), with what it reviews.
      assert.match(
        xml,
        /<wp:meta_key><!\[CDATA\[wp_review_total\]\]><\/wp:meta_key>\s*<wp:meta_value><!\[CDATA\[85\]\]><\/wp:meta_value>/,
      );
      assert.match(
        xml,
        /<wp:meta_key><!\[CDATA\[wp_review_schema\]\]><\/wp:meta_key>\s*<wp:meta_value><!\[CDATA\[Movie\]\]><\/wp:meta_value>/,
      );
      assert.match(xml, /<wp:post_type><!\[CDATA\[page\]\]><\/wp:post_type>/);
      assert.match(xml, /<category domain="category" nicename="[^"]+">/);
      const copy = await startTestApp();
      try {
        const report = await importSite(copy.services, file);
        assert.match(report.format, /WordPress \(WXR\) 1\.2/);
        // Bodies go through HTML and back; everything else must match exactly.
        const ours = await siteShape(app.services, { bodies: false });
        const theirs = await siteShape(copy.services, { bodies: false });
        assert.deepEqual(
          theirs.map((a) => a.slug),
          ours.map((a) => a.slug),
        );
        assert.deepEqual(theirs, ours);
      } finally {
        await copy.close();
      }
    },
  );
});
