// SIGTERM: the instance stops accepting, lets a request in flight finish, ends live streams with
// a hint to reconnect soon, closes its pools and exits 0, promptly.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createServices } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import type { Article } from '../src/features/articles/article.model.ts';
import { createArticle } from './helpers/factories.ts';
import { startInstance, type Instance } from './helpers/instance.ts';
import { openEvents } from './helpers/sse.ts';
import { waitUntil } from './helpers/wait.ts';
import { createTestDatabase, type TestDatabase } from './helpers/test-app.ts';

describe('graceful shutdown on SIGTERM', () => {
  let database: TestDatabase;
  let instance: Instance;
  let article: Article;

  before(async () => {
    database = await createTestDatabase('sqlite');
    const setup = await createServices(loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent' }));
    article = await createArticle(setup, { title: 'Closing time' });
    await setup.close();
    instance = await startInstance({ DATABASE_URL: database.url, MEDIA_DIR: `${database.dir}/media` });
  });
  after(async () => {
    await instance?.stop('SIGKILL');
    await database?.drop();
  });

  it('finishes a slow request in flight, ends the live stream, and exits 0 promptly', async () => {
    const stream = await openEvents(`${instance.url}/api/v1/articles/${article.id}/events`);
    await waitUntil(() => stream.lastEventId() !== undefined, 'the stream to start');

    // A rating whose body arrives slowly: in flight when the signal comes.
    const body = JSON.stringify({ value: 90 });
    let answered: { status: number; body: string } | undefined;
    const request = httpRequest(`${instance.url}/api/v1/articles/${article.id}/ratings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    const response = new Promise<void>((resolve, reject) => {
      request.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          answered = { status: res.statusCode ?? 0, body: text };
          resolve();
        });
      });
      request.on('error', reject);
    });
    request.write(body.slice(0, 5));
    request.flushHeaders();
    await new Promise((resolve) => setTimeout(resolve, 200));

    const started = Date.now();
    instance.process.kill('SIGTERM');
    await stream.ended; // ended by the server, not by us
    assert.ok(stream.retries.includes(1000), `a short retry hint at the end (got ${stream.retries.join(', ')})`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(instance.process.exitCode, null, 'still running while the request is in flight');
    assert.equal(
      (await fetch(`${instance.url}/healthz`).catch(() => undefined))?.status,
      undefined,
      'no new connections',
    );

    request.end(body.slice(5));
    await response;
    assert.equal(answered?.status, 200, answered?.body);
    assert.deepEqual(JSON.parse(answered!.body), { score: 90, count: 1, yourRating: 90 });

    const code = await instance.exited;
    const elapsed = Date.now() - started;
    assert.equal(code, 0, instance.output());
    assert.ok(elapsed < 3000, `exited ${elapsed} ms after the signal`);
    assert.match(instance.output(), /SIGTERM: finishing in-flight requests/);
  });
});
