// Prometheus metrics at /metrics: what they count, and who may read them.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { commentInput, createArticle } from './helpers/factories.ts';
import { openEvents } from './helpers/sse.ts';
import { waitUntil } from './helpers/wait.ts';
import { startTestApp, TEST_ENGINE, type TestApp } from './helpers/test-app.ts';

/** The value of one sample line (`name{labels} value`), or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(match[3]);
  }
  return undefined;
}

describe('GET /metrics', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ settings: { commentPolicy: 'hold-all' } });
  });
  after(() => app.close());

  it(
    'counts requests and their latency by route and status, and reports the process, the queue ' + 'and live readers',
    async () => {
      const article = await createArticle(app.services);
      const ctx = { articleId: article.id, readerId: null, ipHash: 'metrics', userAgent: 'test' };
      await app.services.comments.post(commentInput(), ctx);
      await app.services.comments.post(commentInput(), ctx);
      for (let i = 0; i < 3; i++) assert.equal((await fetch(`${app.url}/articles/${article.slug}`)).status, 200);
      assert.equal((await fetch(`${app.url}/articles/no-such-article`)).status, 404);
      const stream = await openEvents(`${app.url}/api/v1/articles/${article.id}/events`);
      try {
        await waitUntil(() => app.services.live.readers() === 1, 'the reader');
        const response = await fetch(`${app.url}/metrics`);
        assert.equal(response.status, 200);
        assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
        const text = await response.text();
        assert.equal(
          sample(text, 'http_requests_total', { method: 'GET', route: '/articles/:slug', status: '200' }),
          3,
        );
        assert.equal(
          sample(text, 'http_requests_total', { method: 'GET', route: '/articles/:slug', status: '404' }),
          1,
        );
        assert.equal(
          sample(text, 'http_request_duration_seconds_count', {
            method: 'GET',
            route: '/articles/:slug',
            status: '200',
          }),
          3,
        );
        assert.ok(
          sample(text, 'http_request_duration_seconds_bucket', { route: '/articles/:slug', le: '+Inf' }) !== undefined,
        );
        assert.ok(!text.includes('no-such-article'), 'labels carry the route pattern, never the URL');
        assert.ok(sample(text, 'nodejs_eventloop_lag_seconds') !== undefined, 'event-loop lag');
        assert.ok(sample(text, 'process_resident_memory_bytes')! > 0);
        assert.equal(sample(text, 'broadsheet_comments_pending'), 2);
        assert.equal(sample(text, 'broadsheet_live_connections'), 1);
        if (TEST_ENGINE === 'postgres')
          assert.ok(sample(text, 'broadsheet_db_pool_connections', { state: 'total' })! >= 1, 'pool use');
      } finally {
        await stream.close();
      }
    },
  );

  it('answers only local requests: one forwarded by a proxy on this machine gets a 404', async () => {
    for (const header of ['x-forwarded-for', 'forwarded', 'x-real-ip']) {
      const response = await fetch(`${app.url}/metrics`, { headers: { [header]: '203.0.113.9' } });
      assert.equal(response.status, 404, header);
    }
  });

  it('with METRICS_TOKEN, answers only its bearer, from anywhere', async () => {
    const secured = await startTestApp({ env: { METRICS_TOKEN: 's3cret-metrics-token' } });
    try {
      assert.equal((await fetch(`${secured.url}/metrics`)).status, 404, 'loopback alone is not enough');
      assert.equal((await fetch(`${secured.url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status, 404);
      const ok = await fetch(`${secured.url}/metrics`, {
        headers: { authorization: 'Bearer s3cret-metrics-token', 'x-forwarded-for': '203.0.113.9' },
      });
      assert.equal(ok.status, 200);
      assert.match(await ok.text(), /^http_requests_total/m);
    } finally {
      await secured.close();
    }
  });

  it('sets no cookie and is not cached', async () => {
    const response = await new Promise<{ headers: Record<string, unknown> }>((resolve, reject) =>
      httpRequest(`${app.url}/metrics`, (res) => {
        res.resume();
        resolve({ headers: res.headers });
      })
        .on('error', reject)
        .end(),
    );
    assert.equal(response.headers['set-cookie'], undefined);
    assert.equal(response.headers['cache-control'], 'no-store');
  });
});
