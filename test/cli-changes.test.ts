// The command line and a running server without Redis: what the CLI changes in the SQLite file
// reaches the server's pages (it notices the other process's commit), and what the CLI prints of
// a reader's text cannot drive the moderator's terminal.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { createServices, type Services } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { isPostgres } from '../src/db/postgres.ts';
import { commentInput, createArticle } from './helpers/factories.ts';
import { runCli, startInstance, type Instance } from './helpers/instance.ts';
import { createTestDatabase, textOf, type TestDatabase } from './helpers/test-app.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/scraped/one-rating.txt', import.meta.url));

/**
 * Fetches `path` until `done` holds for its text, at most `tries` times (the server polls the file every few hundred
 * ms).
 */
async function pageUntil(url: string, done: (text: string) => boolean, tries = 100): Promise<string> {
  let text = '';
  for (let i = 0; i < tries; i++) {
    text = textOf(await (await fetch(url)).text());
    if (done(text)) return text;
    await delay(100);
  }
  return text;
}

describe('CLI changes reach a running server without Redis (SQLite)', () => {
  // The commit notice is SQLite's own (PRAGMA data_version), so this runs on a SQLite file on every pass.
  let database: TestDatabase;
  let env: Record<string, string>;
  let server: Instance;
  let article: { id: number; slug: string };
  let held: number;

  const withServices = async <T>(run: (services: Services) => Promise<T>): Promise<T> => {
    const services = await createServices(loadConfig({ ...env, LOG_LEVEL: 'silent' }));
    try {
      return await run(services);
    } finally {
      await services.close();
    }
  };

  before(async () => {
    database = await createTestDatabase('sqlite');
    env = { DATABASE_URL: database.url, MEDIA_DIR: join(database.dir, 'media') };
    ({ article, held } = await withServices(async (services) => {
      await services.settings.update({ commentPolicy: 'hold-first-time' });
      const article = await createArticle(services, { title: 'Harbour Wall Repaired' });
      const posted = await services.comments.post(commentInput({ body: 'Held until the moderator runs the CLI.' }), {
        articleId: article.id,
        readerId: null,
        ipHash: 'x',
        userAgent: 'test',
      });
      assert.equal(posted.status, 'pending');
      return { article, held: posted.id };
    }));
    server = await startInstance(env);
  });
  after(async () => {
    await server?.stop();
    await database.drop();
  });

  it('broadsheet comments approve shows on the running server’s cached article page', async () => {
    const pageUrl = `${server.url}/articles/${article.slug}`;
    // Built and cached by the server before the change.
    for (let i = 0; i < 2; i++)
      assert.doesNotMatch(textOf(await (await fetch(pageUrl)).text()), /Held until the moderator/);
    const approve = await runCli(['comments', 'approve', String(held)], env);
    assert.equal(approve.code, 0, approve.stderr);
    assert.match(approve.stdout, /1 comment marked approved\./);
    assert.match(
      await pageUntil(pageUrl, (text) => /Held until the moderator/.test(text)),
      /Held until the moderator runs the CLI/,
    );
  });

  it('an article imported by the CLI appears on the running server’s front page and lists', async () => {
    assert.doesNotMatch(textOf(await (await fetch(`${server.url}/`)).text()), /Lighthouse Reopens/);
    const imported = await runCli(['import', FIXTURE], env);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(
      await pageUntil(`${server.url}/`, (text) => /Lighthouse Reopens/.test(text)),
      /Lighthouse Reopens To Visitors/,
    );
    const api = (await (await fetch(`${server.url}/api/v1/articles`)).json()) as { items: { title: string }[] };
    assert.ok(api.items.some((item) => /Lighthouse Reopens/.test(item.title)));
  });
});

describe('broadsheet comments list prints reader text with its controls made visible', () => {
  let database: TestDatabase;
  let env: Record<string, string>;
  before(async () => {
    database = await createTestDatabase();
    env = { DATABASE_URL: database.url, MEDIA_DIR: join(database.dir, 'media') };
  });
  after(() => database.drop());

  it('an escape sequence in a stored name, e-mail or body is shown, not obeyed', async () => {
    const services = await createServices(loadConfig({ ...env, LOG_LEVEL: 'silent' }));
    try {
      const article = await createArticle(services);
      const { id } = await services.comments.post(commentInput({ body: 'plain' }), {
        articleId: article.id,
        readerId: null,
        ipHash: 'x',
        userAgent: 'test',
      });
      // As stored by an older version, or written into the database by other means (SQLite keeps
      // a NUL; PostgreSQL's text refuses one, so there the body ends with a DEL instead).
      const last = isPostgres(services.db) ? '\u007f' : '\u0000';
      await services.db
        .updateTable('comments')
        .set({
          author_name: 'Red\u001b[31m Reader\u202e',
          author_email: 'esc\u001b]0;title\u0007@example.org',
          body_html: `<p>Clear \u001b[2J screen${last}</p>`,
        })
        .where('id', '=', id)
        .execute();
    } finally {
      await services.close();
    }
    const list = await runCli(['comments', 'list'], env);
    assert.equal(list.code, 0, list.stderr);
    assert.doesNotMatch(
      list.stdout,
      /[\u0000-\u0008\u000B-\u001F\u007F\u202E]/,
      'no control character reaches the terminal',
    );
    assert.match(list.stdout, /Red\\x1B\[31m Reader\\u202E <esc\\x1B\]0;title\\x07@example\.org>/);
    assert.match(list.stdout, /Clear \\x1B\[2J screen\\x(00|7F)/);
  });
});
