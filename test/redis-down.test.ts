// An instance configured with Redis that cannot reach it keeps serving: pages, comments and
// ratings work, limits fall back to per instance, and the log says so once. When Redis comes
// back, the instance uses it again by itself.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createServices } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import type { Article } from '../src/features/articles/article.model.ts';
import { commentInput, createArticle } from './helpers/factories.ts';
import {
  dropRedisPrefix,
  redisProblem,
  skipUnlessAvailable,
  startInstance,
  TEST_REDIS_URL,
  type Instance,
} from './helpers/instance.ts';
import { openEvents } from './helpers/sse.ts';
import { waitUntil } from './helpers/wait.ts';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.ts';
import { Client, createTestDatabase, type TestDatabase } from './helpers/test-app.ts';

const redisSkip = skipUnlessAvailable(await redisProblem());

describe('Redis unreachable', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let instance: Instance;
  let article: Article;
  const prefix = `broadsheet-test-${randomBytes(6).toString('hex')}:`;

  before(async () => {
    database = await createTestDatabase('sqlite');
    const setup = await createServices(loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent' }));
    await setup.settings.update({ minFormSeconds: 0, commentPolicy: 'publish' });
    article = await createArticle(setup, { title: 'Redis is away' });
    await setup.close();
    // Nothing listens on the proxy's port until a test restores it.
    const redis = new URL(TEST_REDIS_URL);
    proxy = await startTcpProxy({ host: redis.hostname, port: Number(redis.port || 6379) }, { listening: false });
    instance = await startInstance({
      DATABASE_URL: database.url,
      MEDIA_DIR: `${database.dir}/media`,
      REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
      REDIS_PREFIX: prefix,
      RATE_LIMIT_POSTS_PER_MINUTE: '3',
    });
  });
  after(async () => {
    await instance?.stop();
    await proxy?.close();
    await database?.drop();
    if (!redisSkip) await dropRedisPrefix(prefix);
  });

  it('logs one warning and serves pages, comments, ratings and live updates', async () => {
    await waitUntil(() => /Redis at redis:\/\/127\.0\.0\.1:\d+ is unreachable/.test(instance.output()), 'the warning');
    const reader = new Client(instance.url);
    assert.equal((await reader.page(`/articles/${article.slug}`)).status, 200);
    const stream = await openEvents(`${instance.url}/api/v1/articles/${article.id}/events`);
    try {
      const comment = await reader.request(`/api/v1/articles/${article.id}/comments`, {
        method: 'POST',
        json: commentInput({ body: 'Posted without Redis' }),
      });
      assert.equal(comment.status, 201);
      const rating = await reader.request(`/api/v1/articles/${article.id}/ratings`, {
        method: 'POST',
        json: { value: 70 },
      });
      assert.equal(rating.status, 200);
      assert.deepEqual((await stream.next('rating')).data, { score: 70, count: 1 });
    } finally {
      await stream.close();
    }
    assert.match((await reader.page(`/articles/${article.slug}`)).html, /Posted without Redis/);
    const warnings = instance.output().match(/is unreachable/g) ?? [];
    assert.equal(warnings.length, 1, 'one warning, not one per request or reconnect attempt');
  });

  it('still limits posts per address, counting on this instance', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 2; i++) {
      const response = await new Client(instance.url).request(`/api/v1/articles/${article.id}/ratings`, {
        method: 'POST',
        json: { value: 50 },
      });
      statuses.push(response.status);
    }
    // Two posts in the test before, two here: the limit is three a minute.
    assert.deepEqual(statuses, [200, 429]);
  });

  it('uses Redis again by itself when it comes back', { skip: redisSkip }, async () => {
    await proxy.restore();
    await waitUntil(
      () => /Redis at redis:\/\/127\.0\.0\.1:\d+ is back/.test(instance.output()),
      'the all-clear in the log',
      10_000,
    );
    const metrics = await (await fetch(`${instance.url}/metrics`)).text();
    assert.match(metrics, /^broadsheet_redis_up 1$/m);
  });
});
