// The `broadsheet` command, run as an operator would: a separate process per command.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildApp, createServices, type Services } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { commentInput } from './helpers/factories.ts';
import { countRows, SAMPLE_FILE, SAMPLE_SLUG, SAMPLE_TITLE } from './helpers/broadsheet.ts';
import { runBroadsheet, type Finished } from './helpers/process.ts';
import { createTestDatabase, type TestDatabase } from './helpers/test-app.ts';

/** Runs the bin with a clean environment (nothing inherited that the CLI reads). */
function broadsheet(args: string[], env: Record<string, string> = {}): Promise<Finished> {
  return runBroadsheet(args, env, { timeoutMs: 60_000 });
}

// Each command starts a process that loads the whole app, so independent commands run side by side.
describe('broadsheet CLI', { concurrency: true }, () => {
  it('--help prints usage and exits 0', async () => {
    const run = await broadsheet(['--help']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Usage: broadsheet <command>/);
    assert.match(run.stdout, /\bimport\b/);
    assert.match(run.stdout, /\bserve\b/);
  });

  it('serve with PORT=abc exits non-zero with one line naming PORT', async () => {
    const run = await broadsheet(['serve'], { PORT: 'abc' });
    assert.notEqual(run.code, 0);
    assert.equal(run.stdout, '');
    const lines = run.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, JSON.stringify(run.stderr));
    assert.match(lines[0]!, /\bPORT\b/);
    assert.match(lines[0]!, /abc/);
  });

  it(
    'serve with a PostgreSQL URL nobody answers at exits non-zero with one line naming DATABASE_URL, and no ' +
      'password',
    async () => {
      const run = await broadsheet(['serve'], { DATABASE_URL: 'postgres://editor:s3cret-pw@127.0.0.1:1/news' });
      assert.notEqual(run.code, 0);
      assert.equal(run.stdout, '');
      const lines = run.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, JSON.stringify(run.stderr));
      assert.match(lines[0]!, /DATABASE_URL: cannot connect to PostgreSQL at 127\.0\.0\.1:1\/news \(.+\)/);
      assert.ok(!run.stderr.includes('s3cret-pw'), 'the password is not printed');
    },
  );

  it('import of a missing file fails with a message and a non-zero exit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'broadsheet-cli-'));
    try {
      const run = await broadsheet(['import', join(dir, 'nope.txt')], {
        DATABASE_URL: `sqlite:${join(dir, 'cli.db')}`,
      });
      assert.notEqual(run.code, 0);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, /nope\.txt/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // On the engine under test (TEST_DATABASE): a SQLite file, or a fresh PostgreSQL schema.
  describe('import and moderate', { concurrency: 1 }, () => {
    let database: TestDatabase;
    let env: Record<string, string>;
    const withServices = async <T>(run: (services: Services) => Promise<T>): Promise<T> => {
      const services = await createServices(loadConfig(env));
      try {
        return await run(services);
      } finally {
        await services.close();
      }
    };

    before(async () => {
      database = await createTestDatabase();
      env = { DATABASE_URL: database.url, MEDIA_DIR: join(database.dir, 'media') };
    });
    after(() => database.drop());

    it('import prints exactly one URL line for a scraped article, from PUBLIC_URL', async () => {
      const run = await broadsheet(['import', SAMPLE_FILE], { ...env, PUBLIC_URL: 'https://news.example.org' });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stderr, '');
      const lines = run.stdout.split('\n');
      assert.equal(lines.length, 2, `one line and a newline: ${JSON.stringify(run.stdout)}`);
      assert.equal(lines[1], '');
      assert.ok(lines[0]!.endsWith(`/articles/${SAMPLE_SLUG}`), lines[0]);
      assert.equal(new URL(lines[0]!).pathname, `/articles/${SAMPLE_SLUG}`);
      assert.equal(lines[0], `https://news.example.org/articles/${SAMPLE_SLUG}`);
      await withServices(async (services) => {
        const article = await services.articles.getPublished(SAMPLE_SLUG);
        assert.deepEqual(article.rating, { score: 85, count: 3 });
        assert.equal(article.title, SAMPLE_TITLE);
      });
    });

    it(
      'importing the same file again leaves one article; without PUBLIC_URL it prints the path, not a guessed ' +
        'port',
      async () => {
        const run = await broadsheet(['import', SAMPLE_FILE], { ...env, PORT: '3000' });
        assert.equal(run.code, 0, run.stderr);
        assert.equal(run.stderr, '', 'no warning either: the caches stop reloading before the database closes');
        assert.equal(run.stdout, `/articles/${SAMPLE_SLUG}\n`);
        await withServices(async (services) => {
          assert.equal(await countRows(services, 'articles'), 1);
          assert.deepEqual(
            (await services.articles.getPublished(SAMPLE_SLUG)).rating,
            { score: 85, count: 3 },
            'the baseline is not added twice',
          );
        });
      },
    );

    it(
      'import takes the date, section and byline a scraped article does not carry; without a byline the site ' +
        'is the author',
      async () => {
        const run = await broadsheet(
          ['import', '--published-at', '2024-04-14T09:30:00Z', '--section', 'World', SAMPLE_FILE],
          env,
        );
        assert.equal(run.code, 0, run.stderr);
        await withServices(async (services) => {
          const article = await services.articles.getPublished(SAMPLE_SLUG);
          assert.equal(article.publishedAt, '2024-04-14T09:30:00.000Z');
          assert.equal(article.section, 'World');
          assert.equal(article.authorName, '');
          assert.deepEqual(article.rating, { score: 85, count: 3 }, 'the baseline is kept');
          const app = await buildApp(services);
          try {
            const page = await app.inject({ url: `/articles/${SAMPLE_SLUG}` });
            const byline = /<p class="byline">([\s\S]*?)<\/p>/.exec(page.body)?.[1] ?? '';
            assert.match(
              byline,
              new RegExp(`By ${services.settings.get().siteTitle}`),
              'the publication is named as the author',
            );
            const data = JSON.parse(
              /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(page.body)![1]!,
            ) as { '@graph': { author: { name: string } }[] };
            assert.equal(data['@graph'][0]!.author.name, services.settings.get().siteTitle);
          } finally {
            await app.close();
          }
        });
        const bylined = await broadsheet(
          ['import', '--byline', 'Ada Reporter', '--published-at', '2024-04-15', SAMPLE_FILE],
          env,
        );
        assert.equal(bylined.code, 0, bylined.stderr);
        await withServices(async (services) => {
          const article = await services.articles.getPublished(SAMPLE_SLUG);
          assert.equal(article.authorName, 'Ada Reporter');
          assert.equal(article.publishedAt, '2024-04-15T00:00:00.000Z');
          assert.equal(await countRows(services, 'articles'), 1);
        });
      },
    );

    it('import refuses a date it cannot read, or one in the future, before writing anything', async () => {
      for (const date of ['14/04/2024', 'yesterday', '2999-01-01']) {
        const run = await broadsheet(['import', '--published-at', date, SAMPLE_FILE], env);
        assert.equal(run.code, 2, date);
        assert.equal(run.stdout, '');
        assert.match(run.stderr, /--published-at/);
      }
    });

    it('comments list --status pending and comments approve ID moderate from the command line', async () => {
      const { id, articleId } = await withServices(async (services) => {
        const article = await services.articles.getPublished(SAMPLE_SLUG);
        const posted = await services.comments.post(
          commentInput({ authorName: 'Cli Reader', authorEmail: 'cli.reader@example.org', body: 'Held for the CLI' }),
          {
            articleId: article.id,
            readerId: null,
            ipHash: 'x',
            userAgent: 'test',
          },
        );
        assert.equal(posted.status, 'pending');
        return { id: posted.id, articleId: article.id };
      });

      const list = await broadsheet(['comments', 'list', '--status', 'pending'], env);
      assert.equal(list.code, 0, list.stderr);
      assert.match(list.stdout, new RegExp(`^#${id}\\s+pending\\b.*/articles/${SAMPLE_SLUG}$`, 'm'));
      assert.match(list.stdout, /Cli Reader <cli\.reader@example\.org>/, 'moderators see the address');
      assert.match(list.stdout, /Held for the CLI/);
      assert.match(list.stdout, /held: /, 'and why it was held');

      const approve = await broadsheet(['comments', 'approve', String(id)], env);
      assert.equal(approve.code, 0, approve.stderr);
      assert.match(approve.stdout, /1 comment marked approved/);

      await withServices(async (services) => {
        assert.deepEqual(await services.comments.listForModeration({ status: 'pending' }), []);
        assert.deepEqual(
          (await services.comments.thread(articleId)).map((c) => c.id),
          [id],
        );
      });
    });
  });
});
