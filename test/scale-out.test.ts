// Two instances, each its own process, sharing one PostgreSQL database and one Redis: what one
// is told, readers of the other see live, and the per-address limit counts across both.
// Needs PostgreSQL (TEST_DATABASE_URL) and Redis (TEST_REDIS_URL): skipped when either is
// unreachable, except under CI=true, where that fails.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createServices, type Services } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { CLI_ACTOR } from '../src/features/audit/audit.service.ts';
import type { Article } from '../src/features/articles/article.model.ts';
import { commentInput, createArticle } from './helpers/factories.ts';
import {
  dropRedisPrefix,
  postgresProblem,
  redisProblem,
  runCli,
  skipUnlessAvailable,
  startInstance,
  TEST_REDIS_URL,
  type Instance,
} from './helpers/instance.ts';
import { openEvents } from './helpers/sse.ts';
import { Client, createTestDatabase, TEST_POSTGRES_URL, type TestDatabase } from './helpers/test-app.ts';

const skip = skipUnlessAvailable((await postgresProblem(TEST_POSTGRES_URL)) ?? (await redisProblem()));
const PASSWORD = 'correct horse battery staple';

describe('two instances sharing PostgreSQL and Redis', { skip }, () => {
  let database: TestDatabase;
  let setup: Services;
  let env: Record<string, string>;
  let a: Instance;
  let b: Instance;
  let article: Article;
  const prefix = `broadsheet-test-${randomBytes(6).toString('hex')}:`;
  let address = 0;
  /** A client from an address of its own (the instances trust X-Forwarded-For from loopback). */
  const reader = (url: string, ip = `198.51.100.${++address}`) => new Client(url, { 'x-forwarded-for': ip });

  before(async () => {
    database = await createTestDatabase('postgres');
    env = {
      DATABASE_URL: database.url,
      MEDIA_DIR: `${database.dir}/media`,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      TRUST_PROXY: 'loopback',
    };
    // The schema, an article and a moderator, made before the instances start (they read settings once).
    setup = await createServices(loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent' }));
    await setup.settings.update({ minFormSeconds: 0, commentPolicy: 'hold-all' });
    article = await createArticle(setup, { title: 'Two instances, one story' });
    await setup.staff.createUser(
      { email: 'moderator@newsroom.example.org', role: 'moderator', password: PASSWORD, displayName: 'Moderator' },
      CLI_ACTOR,
    );
    const instanceEnv = { ...env, RATE_LIMIT_POSTS_PER_MINUTE: '5' };
    [a, b] = await Promise.all([startInstance(instanceEnv), startInstance(instanceEnv)]);
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await setup?.close();
    await database?.drop();
    await dropRedisPrefix(prefix);
  });

  it('a rating posted to A changes the score a reader of B sees, live, within a second', async () => {
    const page = () => reader(b.url).page(`/articles/${article.slug}`);
    assert.match((await page()).html, /No ratings yet/); // B has the page cached now
    const stream = await openEvents(`${b.url}/api/v1/articles/${article.id}/events`);
    try {
      const started = Date.now();
      const response = await reader(a.url).request(`/api/v1/articles/${article.id}/ratings`, {
        method: 'POST',
        json: { value: 80 },
      });
      assert.equal(response.status, 200);
      const event = await stream.next('rating', 1000);
      const elapsed = Date.now() - started;
      assert.deepEqual(event.data, { score: 80, count: 1 });
      assert.ok(elapsed < 1000, `arrived after ${elapsed} ms`);
      // B's cached page was invalidated by A's rating too.
      assert.match((await page()).html, /1 rating\b/);
    } finally {
      await stream.close();
    }
  });

  it("a comment approved in A's moderation queue appears live on B", async () => {
    const posted = await reader(a.url).request(`/api/v1/articles/${article.id}/comments`, {
      method: 'POST',
      json: commentInput({ body: 'Approved on A, seen on B' }),
    });
    assert.equal(posted.status, 201);
    const { id, status } = (await posted.json()) as { id: number; status: string };
    assert.equal(status, 'pending');

    const stream = await openEvents(`${b.url}/api/v1/articles/${article.id}/events`);
    try {
      const moderator = reader(a.url);
      const login = await moderator.page('/admin/login');
      const loggedIn = await moderator.request('/admin/login', {
        method: 'POST',
        form: { _csrf: login.csrf, email: 'moderator@newsroom.example.org', password: PASSWORD },
      });
      assert.equal(loggedIn.status, 303);
      const { csrf } = await moderator.page('/admin/comments');
      const approved = await moderator.request(`/admin/comments/${id}/status`, {
        method: 'POST',
        form: { _csrf: csrf, action: 'approve', return: '/admin/comments' },
      });
      assert.equal(approved.status, 303);

      const event = await stream.next('comment', 1000);
      assert.equal((event.data as { id: number }).id, id);
      assert.match((await reader(b.url).page(`/articles/${article.slug}`)).html, /Approved on A, seen on B/);
    } finally {
      await stream.close();
    }
  });

  it('a comment approved with `broadsheet comments approve` appears live on both', async () => {
    const posted = await reader(b.url).request(`/api/v1/articles/${article.id}/comments`, {
      method: 'POST',
      json: commentInput({ body: 'Approved from the command line' }),
    });
    const { id } = (await posted.json()) as { id: number };
    const streams = await Promise.all(
      [a, b].map((instance) => openEvents(`${instance.url}/api/v1/articles/${article.id}/events`)),
    );
    try {
      const cli = await runCli(['comments', 'approve', String(id)], { ...env, LOG_LEVEL: 'warn' });
      assert.equal(cli.code, 0, cli.stderr);
      for (const stream of streams) assert.equal(((await stream.next('comment', 1000)).data as { id: number }).id, id);
    } finally {
      await Promise.all(streams.map((s) => s.close()));
    }
  });

  it('the per-address limit is shared: 3 posts to A and 3 to B, and the sixth is refused', async () => {
    const ip = '203.0.113.77';
    const statuses: number[] = [];
    for (const url of [a.url, b.url, a.url, b.url, a.url, b.url]) {
      const response = await reader(url, ip).request(`/api/v1/articles/${article.id}/ratings`, {
        method: 'POST',
        json: { value: 60 },
      });
      statuses.push(response.status);
    }
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429]);
  });
});
