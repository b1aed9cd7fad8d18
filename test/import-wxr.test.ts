// WordPress (WXR) import through the real services and HTTP server, on the engine under test:
// our own fixtures for each rule, and real exports written by others (test/fixtures/wxr/README.md).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { ImportError, importedAnything, type ImportReport } from '../src/features/importer/import-report.ts';
import { commentToMarkdown } from '../src/features/importer/html-to-markdown.ts';
import { importSite } from '../src/features/importer/import.service.ts';
import { renderCommentMarkdown } from '../src/lib/markdown.ts';
import { writeWxr } from '../bench/wxr-generator.ts';
import { SAMPLE_FILE, SAMPLE_SLUG, SEED_FILE, SEED_SLUG, seedSkip } from './helpers/broadsheet.ts';
import { runBroadsheet } from './helpers/process.ts';
import { Client, createTestDatabase, startTestApp, type TestApp } from './helpers/test-app.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/wxr/', import.meta.url));
const NEWSROOM = join(FIXTURES, 'newsroom-1.2.xml');
const MESSY = join(FIXTURES, 'messy-1.1.xml');
const WPI = (name: string) => join(FIXTURES, 'wordpress-importer', name);

async function count(app: TestApp, table: 'articles' | 'comments' | 'legacy_paths' | 'article_tags'): Promise<number> {
  const row = await app.services.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function article(app: TestApp, slug: string) {
  return app.services.db.selectFrom('articles').selectAll().where('slug', '=', slug).executeTakeFirstOrThrow();
}

function commentsOf(app: TestApp, articleId: number) {
  return app.services.db.selectFrom('comments').selectAll().where('article_id', '=', articleId).orderBy('id').execute();
}

async function refused(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ImportError, `an ImportError, not ${String(error)}`);
    assert.match(error.message, pattern);
    assert.ok(!error.message.includes('\n'), 'one line');
    return true;
  });
}

describe('comment text', () => {
  it('plain text takes a short cut that renders exactly as the comment renderer would', () => {
    const samples = [
      'About time.\nSecond line with *stars*.',
      'Para one.\n\nPara two  \n  indented "q" 2*3',
      '1. first\n- dash\n+ plus\n2) two',
      'x_y_z [a](b) #tag ~~s~~ \\ back\\slash',
      'Ünïcode — “quotes” 😀',
    ];
    for (const text of samples) {
      const { markdown, html } = commentToMarkdown(text);
      assert.equal(html, renderCommentMarkdown(markdown), text);
    }
    for (const text of ['see example.com', 'https://x.example/', 'a <b>tag</b>', 'a & b', '> quote'])
      assert.equal(commentToMarkdown(text).html, null, text);
  });
});

describe('WordPress import', () => {
  let app: TestApp;
  let report: ImportReport;
  let dir: string;

  before(async () => {
    app = await startTestApp();
    dir = mkdtempSync(join(tmpdir(), 'broadsheet-wxr-'));
    report = await importSite(app.services, NEWSROOM);
  });
  after(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports what it made and what it skipped, with why', () => {
    assert.equal(report.format, 'WordPress (WXR) 1.2');
    assert.equal(report.counts['created.article'], 5);
    assert.equal(report.counts['created.page'], 2);
    assert.equal(report.counts['created.comment'], 5);
    assert.equal(report.counts['skipped.pingback'], 1);
    assert.equal(report.counts['skipped.attachment'], 1);
    assert.equal(report.counts['skipped.menu item'], 1);
    assert.equal(report.counts['skipped.trash'], 1);
    const notes = report.notes.map((n) => `${n.item}: ${n.reason}`).join('\n');
    assert.match(notes, /post 106 “Binned”: skipped: it is in the trash/);
    assert.match(notes, /post 105 .*password-protected.*draft/);
    assert.match(notes, /comment 6 on post 101: its parent 77 is not in the file/);
    assert.match(notes, /featured image 2013\/01\/bridge\.png not brought in \(run with --uploads DIR/);
  });

  it(
    'turns a post into an article: title, slug, body as Markdown, standfirst, byline, section, ' + 'tags and times',
    async () => {
      const row = await article(app, 'council-approves-bridge');
      assert.equal(row.kind, 'article');
      assert.equal(row.title, 'Council approves the new bridge');
      assert.equal(row.status, 'published');
      assert.equal(row.standfirst, 'A vote of seven to two.');
      assert.equal(row.author_name, 'Jane Smith');
      assert.equal(row.section, 'Politics');
      assert.equal(row.published_at, '2013-01-11T10:00:00.000Z');
      assert.equal(row.updated_at, '2013-02-01T08:30:00.000Z');
      const tags = await app.services.db
        .selectFrom('article_tags')
        .select('tag')
        .where('article_id', '=', row.id)
        .orderBy('tag')
        .execute();
      assert.deepEqual(
        tags.map((t) => t.tag),
        ['Bridges', 'Local'],
      );
      assert.match(row.body_markdown, /The council voted \*\*7 to 2\*\* for the bridge\./);
      assert.match(row.body_markdown, /\[£4m\]\(https:\/\/example\.org\/budget\)/);
      assert.match(row.body_markdown, /^## What next$/m);
      assert.match(row.body_markdown, /^- Tenders$/m);
      // Markup Markdown has no form for stays as sanitised HTML; scripts never survive.
      assert.match(row.body_markdown, /mc<sup>2<\/sup>/);
      assert.doesNotMatch(row.body_markdown + row.body_html, /<script|alert\(1\)/);
      assert.match(row.body_html, /mc<sup>2<\/sup>/);
      assert.match(row.body_html, /<table>/);
      assert.match(row.body_html, /C:\\path\\to\\file stays/);
      assert.match(
        row.body_html,
        /<p>It will cost <a href="https:\/\/example\.org\/budget">£4m<\/a>\.<br ?\/?>\s*Work starts in spring\.<\/p>/,
      );
    },
  );

  it(
    'maps statuses: future is scheduled, draft, pending and password-protected are drafts, Uncategorized is no ' +
      'section',
    async () => {
      const scheduled = await article(app, 'next-weeks-budget');
      assert.equal(scheduled.status, 'scheduled');
      assert.equal(scheduled.published_at, '2030-01-01T06:00:00.000Z');
      const draft = await article(app, 'half-written-draft');
      assert.equal(draft.status, 'draft');
      assert.equal(draft.published_at, null, 'a 0000-00-00 date is no date');
      assert.equal((await article(app, 'members-only')).status, 'draft');
      assert.equal((await article(app, 'film-review-the-long-bridge')).section, '');
      const bin = await app.services.db
        .selectFrom('articles')
        .select('id')
        .where('title', '=', 'Binned')
        .executeTakeFirst();
      assert.equal(bin, undefined);
    },
  );

  it('keeps comment threading at any depth, their fields and statuses, and hashes addresses', async () => {
    const row = await article(app, 'council-approves-bridge');
    const comments = await commentsOf(app, row.id);
    const by = (name: string) => comments.find((c) => c.author_name === name)!;
    assert.deepEqual(comments.map((c) => c.author_name).sort(), ['Alice', 'Bob', 'Carol', 'Dan', 'Spammer']);
    assert.equal(by('Alice').parent_id, null);
    assert.equal(by('Bob').parent_id, by('Alice').id);
    assert.equal(by('Carol').parent_id, by('Bob').id, 'a reply listed before its parent still finds it');
    assert.equal(by('Carol').depth, 2);
    assert.equal(by('Dan').parent_id, null, 'an orphan becomes top-level');
    assert.equal(by('Alice').status, 'approved');
    assert.equal(by('Carol').status, 'pending');
    assert.equal(by('Spammer').status, 'spam');
    assert.equal(by('Dan').status, 'trash');
    assert.equal(by('Alice').author_email, 'alice@example.org', 'trimmed');
    assert.equal(by('Alice').author_url, 'https://alice.example');
    assert.equal(by('Alice').created_at, '2013-01-11T11:00:00.000Z');
    assert.match(by('Bob').body_html, /<em>disagree<\/em>/);
    assert.match(by('Bob').body_html, /rel="nofollow ugc noopener"/);
    assert.match(by('Alice').body_html, /Second line with \*stars\*\./, 'plain text stays as written');
    for (const c of comments) assert.doesNotMatch(c.ip_hash, /\d+\.\d+\.\d+\.\d+/);
    assert.notEqual(by('Alice').ip_hash, by('Bob').ip_hash);
    assert.equal(row.comment_count, 2, 'approved comments are counted');
  });

  it('carries reader scores over as the rating baseline, and the editor score as the review rating', async () => {
    const wpReview = await article(app, 'council-approves-bridge');
    // 4.25 of 5 stars from 4 readers: 85 %.
    assert.deepEqual(
      [wpReview.rating_baseline_sum, wpReview.rating_baseline_count, wpReview.rating_sum, wpReview.rating_count],
      [340, 4, 340, 4],
    );
    const review = await article(app, 'film-review-the-long-bridge');
    // kk Star Ratings: 9 stars from 2 votes, 90 %.
    assert.deepEqual([review.rating_sum, review.rating_count], [180, 2]);
    assert.equal(review.review_rating, 85, '8.5 of 10 points');
    assert.equal(review.review_type, 'Movie');
    assert.equal(review.review_name, 'The Long Bridge');
    const api = (await (await fetch(`${app.url}/api/v1/articles/${wpReview.id}`)).json()) as {
      rating: { score: number; count: number };
    };
    assert.deepEqual([api.rating.score, api.rating.count], [85, 4]);
    // On the page: the review's own rating in words, and in its JSON-LD as the Review's reviewRating
    // beside the readers' AggregateRating of the film.
    const page = await new Client(app.url).page('/articles/film-review-the-long-bridge');
    assert.equal(page.status, 200);
    assert.match(page.html, /Our rating of <cite>The Long Bridge<\/cite>: <strong>85<\/strong>\/100/);
    const ld = JSON.parse(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(page.html)![1]!) as {
      '@graph': Record<string, any>[];
    };
    const node = ld['@graph'].find((n) => n['@type'] === 'Review')!;
    assert.deepEqual(node.reviewRating, { '@type': 'Rating', ratingValue: 85, bestRating: 100, worstRating: 0 });
    assert.deepEqual(
      [
        node.itemReviewed['@type'],
        node.itemReviewed.name,
        node.itemReviewed.aggregateRating.ratingValue,
        node.itemReviewed.aggregateRating.ratingCount,
      ],
      ['Movie', 'The Long Bridge', 90, 2],
    );
    // A post with only the readers' score has no review rating.
    assert.equal(wpReview.review_rating, null);
  });

  it('serves pages at /pages/<slug>, in a footer menu in their order, never in lists or feeds', async () => {
    const client = new Client(app.url);
    const about = await client.page('/pages/about');
    assert.equal(about.status, 200);
    assert.match(about.html, /<h1>About us<\/h1>/);
    assert.match(about.html, /We are a small newsroom\./);
    const home = await client.page('/');
    const footer = /<nav class="footer-pages"[\s\S]*?<\/nav>/.exec(home.html)?.[0] ?? '';
    assert.ok(
      footer.indexOf('Corrections') >= 0 && footer.indexOf('Corrections') < footer.indexOf('About us'),
      'menu order 1 before 2',
    );
    assert.doesNotMatch(home.html.replace(footer, ''), /About us|\/pages\/about/);
    const feed = await (await fetch(`${app.url}/feed.xml`)).text();
    assert.doesNotMatch(feed, /About us/);
    assert.equal((await client.page('/pages/council-approves-bridge')).status, 404, 'an article is no page');
  });

  it('answers old addresses with 301 to the new article or page', async () => {
    const client = new Client(app.url);
    const cases: [string, string][] = [
      ['/2013/01/11/council-approves-bridge/', '/articles/council-approves-bridge'],
      ['/2013/01/11/council-approves-bridge', '/articles/council-approves-bridge'],
      ['/?p=101', '/articles/council-approves-bridge'],
      ['/about/', '/pages/about'],
      ['/?page_id=2', '/pages/about'],
      ['/?p=102', '/articles/film-review-the-long-bridge'],
    ];
    for (const [from, to] of cases) {
      const response = await client.request(from);
      assert.equal(response.status, 301, from);
      assert.equal(response.headers.get('location'), to, from);
    }
    assert.equal((await client.request('/?p=999999')).status, 404);
    assert.equal((await client.request('/2099/01/01/nothing-here/')).status, 404);
  });

  it('never shows an imported e-mail address', async () => {
    const { html } = await new Client(app.url).page('/articles/council-approves-bridge');
    assert.doesNotMatch(html, /alice@example\.org|bob@example\.org/i);
  });

  it('importing the same file again duplicates nothing and keeps ratings made since', async () => {
    const row = await article(app, 'council-approves-bridge');
    await app.services.ratings.rate({ articleId: row.id, readerId: 'reader-after-import', ipHash: 'x', value: 100 });
    const before = {
      articles: await count(app, 'articles'),
      comments: await count(app, 'comments'),
      paths: await count(app, 'legacy_paths'),
      tags: await count(app, 'article_tags'),
    };
    const again = await importSite(app.services, NEWSROOM);
    assert.equal(again.counts['created.article'] ?? 0, 0);
    assert.equal(again.counts['created.comment'] ?? 0, 0);
    assert.equal(again.counts['updated.comment'], 5);
    assert.deepEqual(
      {
        articles: await count(app, 'articles'),
        comments: await count(app, 'comments'),
        paths: await count(app, 'legacy_paths'),
        tags: await count(app, 'article_tags'),
      },
      before,
    );
    const after = await article(app, 'council-approves-bridge');
    assert.deepEqual([after.rating_sum, after.rating_count], [440, 5], 'baseline 340/4 plus the new 100');
  });

  it('imports a gzipped export, and brings featured images in from --uploads', async () => {
    const uploads = join(dir, 'uploads');
    mkdirSync(join(uploads, '2013', '01'), { recursive: true });
    const png = await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#336699' } })
      .png()
      .toBuffer();
    writeFileSync(join(uploads, '2013', '01', 'bridge.png'), png);
    const other = await startTestApp();
    try {
      const gz = join(dir, 'newsroom.xml.gz');
      writeFileSync(gz, gzipSync(readFileSync(NEWSROOM)));
      const result = await importSite(other.services, gz, { uploadsDir: uploads });
      assert.equal(result.counts['created.article'], 5);
      assert.equal(result.counts['created.image'], 1);
      const row = await article(other, 'council-approves-bridge');
      assert.match(row.featured_image ?? '', /^[a-z0-9]{16}_1200x800$/);
      const page = await new Client(other.url).page('/articles/council-approves-bridge');
      assert.match(page.html, /<figure class="featured-image"><img /);
      const again = await importSite(other.services, gz, { uploadsDir: uploads });
      assert.equal(again.counts['created.image'] ?? 0, 0, 'an image already brought in is kept');
      assert.equal((await article(other, 'council-approves-bridge')).featured_image, row.featured_image);
    } finally {
      await other.close();
    }
  });

  it(
    'reads messy files: undeclared and renamed prefixes, split CDATA, zero-width characters, entities, ' +
      'backslashes, reused comment ids',
    async () => {
      const result = await importSite(app.services, MESSY);
      assert.equal(result.counts['created.article'], 2);
      assert.equal(result.counts['created.comment'], 2, 'the same comment id in two posts is two comments');
      const cafe = await article(app, 'cafe-opens');
      assert.equal(cafe.title, 'Café opens\u00A0today');
      assert.match(cafe.body_html, /A line with \]\]&gt; inside, and C:\\Users\\cafe\\menu\.txt/);
      const [zoe] = await commentsOf(app, cafe.id);
      assert.equal(zoe!.author_name, 'Zoë');
      assert.equal(zoe!.author_email, 'zoe@example.org');
      assert.equal(zoe!.created_at, '2014-05-02T08:00:00.000Z', 'no comment date: the post’s');
      assert.match(zoe!.body_html, /Lovely \\o\/ back\\slash/);
      const tags = await app.services.db
        .selectFrom('article_tags')
        .select('tag')
        .where('article_id', '=', cafe.id)
        .execute();
      assert.deepEqual(
        tags.map((t) => t.tag),
        ['Coffee'],
        'a WXR 1.0-style domain="tag"',
      );
      const moved = await new Client(app.url).request('/blog/2014/05/02/cafe-opens/');
      assert.equal(moved.headers.get('location'), '/articles/cafe-opens');
    },
  );

  it(
    "imports the WP Review plugin's own demo export: editor scores on every scale, visitor scores, review " +
      'comments',
    async () => {
      const demo = await startTestApp();
      try {
        const result = await importSite(demo.services, join(FIXTURES, 'wp-review-demo-content.xml.gz'));
        assert.equal(result.format, 'WordPress (WXR) 1.2');
        assert.equal(result.counts['created.article'], 6);
        assert.equal(result.counts['created.page'], 2);
        assert.equal(result.counts['created.comment'], 8, 'review comments are comments');
        assert.equal(result.counts['skipped.visitor rating'], 1, 'a visitor rating kept as a comment is no comment');
        assert.equal(result.counts['skipped.attachment'], 32);
        assert.equal(result.counts['skipped.menu item'], 58);
        assert.equal(result.counts['skipped.other post type'], 1, 'a WooCommerce product');
        const rows = await demo.services.db
          .selectFrom('articles')
          .select(['slug', 'review_type', 'review_rating', 'rating_sum', 'rating_count'])
          .orderBy('slug')
          .execute();
        assert.deepEqual(
          rows.map((r) => [
            r.slug,
            r.review_type,
            r.review_rating,
            r.rating_count > 0 ? r.rating_sum / r.rating_count : null,
          ]),
          [
            ['aqua-percentage-review', 'Movie', 85, null], // 84.75 %
            ['aqua-point-review', '', 83, null], // 8.28 points; a "Store" is none of our review types
            ['aqua-star-review', 'Recipe', 81, null], // 80.5 saved as "stars": a percentage
            ['default-percentage-review', 'Movie', 85, null],
            ['default-point-review', '', 83, null],
            ['default-star-review', '', 81, 80], // 4.05 stars; one visitor's 4 stars
            ['siteground-packages', '', 91, null], // a page with 9.13 points
            ['widgets', '', null, null], // WP Review's type "none"
          ],
        );
        const page = await new Client(demo.url).page('/articles/default-percentage-review');
        assert.match(page.html, /Our rating of <cite>Review Title<\/cite>: <strong>85<\/strong>\/100/);
        const ld = JSON.parse(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(page.html)![1]!) as {
          '@graph': Record<string, any>[];
        };
        const review = ld['@graph'].find((n) => n['@type'] === 'Review')!;
        assert.equal(review.reviewRating.ratingValue, 85);
        assert.equal(review.itemReviewed.aggregateRating, undefined, 'no reader has rated it');
        const again = await importSite(demo.services, join(FIXTURES, 'wp-review-demo-content.xml.gz'));
        assert.equal(again.counts['created.comment'] ?? 0, 0);
        assert.equal(again.counts['updated.article'], 6);
      } finally {
        await demo.close();
      }
    },
  );

  it('imports real exports written by WordPress and WordPress.com (WXR 1.0, 1.1, 1.2)', async () => {
    const real = await startTestApp();
    try {
      const v10 = await importSite(real.services, WPI('valid-wxr-1.0.xml'));
      assert.equal(v10.format, 'WordPress (WXR) 1.0');
      assert.ok((v10.counts['created.article'] ?? 0) >= 1 && (v10.counts['created.page'] ?? 0) >= 1);
      const v11 = await importSite(real.services, WPI('small-export.xml'));
      assert.equal(v11.format, 'WordPress (WXR) 1.1');
      assert.ok(v11.counts['created.article']! >= 5);
      const wpcom = await importSite(real.services, join(FIXTURES, 'wptt-themeunittestdata.wordpress.xml.gz'));
      assert.equal(wpcom.format, 'WordPress (WXR) 1.2');
      assert.equal(wpcom.counts['created.article'], 51);
      assert.equal(wpcom.counts['created.page'], 21);
      assert.equal(wpcom.counts['created.comment'], 28);
      assert.equal(wpcom.counts['skipped.attachment'], 38);
      assert.equal(wpcom.counts['skipped.menu item'], 70);
      assert.equal((wpcom.counts['skipped.pingback'] ?? 0) + (wpcom.counts['skipped.trackback'] ?? 0), 4);
      // The theme unit test's deep comment thread keeps every level.
      const deepest = await real.services.db
        .selectFrom('comments')
        .select((eb) => eb.fn.max('depth').as('d'))
        .executeTakeFirstOrThrow();
      assert.ok(Number(deepest.d) >= 9, `depth ${deepest.d}`);
      const preview = await importSite(real.services, join(FIXTURES, 'wptt-theme-preview.xml'));
      assert.equal(preview.counts['created.article'], 7, 'items without wp:post_id still import');
      for (const name of [
        'slashes.xml',
        'backslashes.xml',
        'cdata-edge.xml',
        'multiple-cdata.xml',
        'wxr-utf-8-challenges.xml',
        'namespace-edge-cases.xml',
      ]) {
        assert.ok(importedAnything(await importSite(real.services, WPI(name))), name);
      }
      const backslashes = await real.services.db
        .selectFrom('articles')
        .select('body_html')
        .where('title', '=', 'Paths')
        .executeTakeFirstOrThrow();
      assert.match(backslashes.body_html, /C:\\xampp\\htdocs\\wp-content/);
      const cdata = await real.services.db
        .selectFrom('articles')
        .select('body_html')
        .where('title', '=', 'Edge')
        .executeTakeFirstOrThrow();
      assert.match(cdata.body_html, /ends with sequence \]\] &gt;/);
    } finally {
      await real.close();
    }
  });

  describe('bad input', () => {
    let empty: TestApp;
    before(async () => (empty = await startTestApp()));
    after(() => empty.close());

    async function nothingWritten() {
      assert.equal(await count(empty, 'articles'), 0);
      assert.equal(await count(empty, 'comments'), 0);
    }

    it('a file that is not well-formed is refused with its line and column, and nothing is written', async () => {
      await refused(
        importSite(empty.services, WPI('malformed.xml')),
        /not well-formed XML at line 90, column \d+: .*nothing was imported/,
      );
      await refused(importSite(empty.services, WPI('crazy-cdata.xml')), /not well-formed XML at line \d+, column \d+/);
      // Cut short after its first post: the first post must not be imported either.
      const text = readFileSync(NEWSROOM, 'utf8');
      const truncated = join(dir, 'truncated.xml');
      writeFileSync(truncated, text.slice(0, text.indexOf('<title>About us')));
      await refused(importSite(empty.services, truncated), /not well-formed XML at line \d+, column \d+/);
      const gzTruncated = join(dir, 'truncated.xml.gz');
      const gz = gzipSync(readFileSync(NEWSROOM));
      writeFileSync(gzTruncated, gz.subarray(0, Math.floor(gz.length * 0.8)));
      await refused(importSite(empty.services, gzTruncated), /damaged or cut short/);
      await nothingWritten();
    });

    it('a WXR without wp:wxr_version, another format, an empty file and a gzip bomb get one clear line', async () => {
      await refused(importSite(empty.services, WPI('missing-version-tag.xml')), /without wp:wxr_version/);
      const future = join(dir, 'future.xml');
      writeFileSync(future, readFileSync(NEWSROOM, 'utf8').replace(/<wp:wxr_version>1\.2</, '<wp:wxr_version>2.0<'));
      await refused(
        importSite(empty.services, future),
        /WXR version 2\.0 is not supported \(1\.0, 1\.1 and 1\.2 are\)/,
      );
      const atom = join(dir, 'feed.xml');
      writeFileSync(atom, '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>');
      await refused(importSite(empty.services, atom), /not a format Broadsheet can import: XML whose root is <feed>/);
      const binary = join(dir, 'photo.jpg');
      writeFileSync(binary, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0]));
      await refused(importSite(empty.services, binary), /binary data/);
      const blank = join(dir, 'blank.xml');
      writeFileSync(blank, '');
      await refused(importSite(empty.services, blank), /the file is empty/);
      await refused(importSite(empty.services, join(dir, 'missing.xml')), /cannot read it \(ENOENT\)/);
      // 100 MB of one repeated byte gzips to about 100 KB: far beyond any real export's ratio.
      const head = readFileSync(NEWSROOM, 'utf8').slice(0, 2000);
      const bomb = join(dir, 'bomb.xml.gz');
      writeFileSync(
        bomb,
        gzipSync(Buffer.concat([Buffer.from(head), Buffer.alloc(100 * 1024 * 1024, 0x20)]), { level: 9 }),
      );
      await refused(importSite(empty.services, bomb), /gzip bomb/);
      await nothingWritten();
    });
  });

  it('a scraped article still imports by content, with its rating baseline', async () => {
    const imported = await importSite(app.services, SAMPLE_FILE);
    assert.equal(imported.format, 'scraped article');
    const row = await article(app, SAMPLE_SLUG);
    assert.deepEqual([row.rating_sum, row.rating_count], [255, 3]);
  });

  it('the seed still imports by content as 85 % from 3 ratings (when ../shared/seed is there)', {
    skip: seedSkip,
  }, async () => {
    const seeded = await importSite(app.services, SEED_FILE);
    assert.equal(seeded.format, 'scraped article');
    const row = await article(app, SEED_SLUG);
    assert.deepEqual([row.rating_sum, row.rating_count], [255, 3]);
  });
});

describe('a WordPress site larger than one batch', () => {
  let app: TestApp;
  let dir: string;
  before(async () => {
    app = await startTestApp();
    dir = mkdtempSync(join(tmpdir(), 'broadsheet-wxr-large-'));
  });
  after(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports every post and threaded comment across its batches, and again adds nothing', async () => {
    // 450 posts of 10 comments: three batches (200 posts each at most), read and converted in a
    // worker thread while they are written.
    const file = join(dir, 'site.xml');
    await writeWxr(file, { posts: 450, commentsPerPost: 10 });
    const progress: number[] = [];
    const report = await importSite(app.services, file, {
      onProgress: (step, done, total) => step === 'importing' && progress.push(done / total),
    });
    assert.equal(report.counts['created.article'], 450);
    assert.equal(report.counts['created.comment'], 4500);
    assert.equal(await count(app, 'articles'), 450);
    assert.equal(await count(app, 'comments'), 4500);
    assert.ok(progress.length >= 3 && progress.at(-1) === 1, `progress by batch: ${progress.join(', ')}`);
    // Every second and third comment of a post answers the one before it.
    const last = await article(app, 'story-450');
    const thread = await commentsOf(app, last.id);
    const byId = new Map(thread.map((c) => [c.id, c]));
    assert.equal(thread.filter((c) => c.parent_id !== null).length, 6);
    for (const reply of thread.filter((c) => c.parent_id !== null))
      assert.equal(byId.get(reply.parent_id!)?.depth, reply.depth - 1, 'a reply sits under its parent');
    const shown = await new Client(app.url).page(`/articles/story-450`);
    assert.match(shown.html, /Comment 9 on story 450: a sensible point/);

    const again = await importSite(app.services, file);
    assert.equal(again.counts['created.article'] ?? 0, 0);
    assert.equal(again.counts['created.comment'] ?? 0, 0);
    assert.equal(await count(app, 'comments'), 4500);
  });
});

describe('broadsheet import (the command)', () => {
  const run = (args: string[], env: Record<string, string>) => runBroadsheet(args, env);

  it('prints a report and exits 0; a bad file gets one line and exit 1; the flags are accepted', async () => {
    const database = await createTestDatabase();
    try {
      const env = { DATABASE_URL: database.url, MEDIA_DIR: join(database.dir, 'media') };
      const ok = await run(['import', '--create-articles', '--uploads', database.dir, NEWSROOM], env);
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stdout, /WordPress \(WXR\) 1\.2/);
      assert.match(ok.stdout, /created: .*5 articles, 2 pages/);
      assert.match(ok.stdout, /skipped: .*1 pingbacks?/);
      assert.match(ok.stderr, /importing .*100%/, 'the progress line');
      const bad = await run(['import', WPI('malformed.xml')], env);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /^broadsheet: .*malformed\.xml: not well-formed XML at line 90, column \d+/);
      assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
      const usage = await run(['import', '--uploads'], env);
      assert.notEqual(usage.code, 0);
      assert.match(usage.stderr, /--uploads/);
    } finally {
      await database.drop();
    }
  });
});
