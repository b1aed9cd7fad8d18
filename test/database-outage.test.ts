// When PostgreSQL goes away, requests that need it fail fast with 503 `unavailable`, /readyz
// says so, and the instance recovers by itself when the database returns, without a restart.
// Needs PostgreSQL (TEST_DATABASE_URL); skipped when unreachable, except under CI=true.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createArticle } from './helpers/factories.ts';
import { postgresProblem, skipUnlessAvailable } from './helpers/instance.ts';
import { waitUntil } from './helpers/wait.ts';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.ts';
import {
  createTestDatabase,
  startTestApp,
  TEST_POSTGRES_URL,
  type TestApp,
  type TestDatabase,
} from './helpers/test-app.ts';

const skip = skipUnlessAvailable(await postgresProblem(TEST_POSTGRES_URL));

describe('the database going away and coming back', { skip }, () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let app: TestApp;

  before(async () => {
    database = await createTestDatabase('postgres');
    const real = new URL(database.url);
    proxy = await startTcpProxy({ host: real.hostname, port: Number(real.port || 5432) });
    const proxied = new URL(database.url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    app = await startTestApp({ database: { ...database, url: proxied.toString() } });
  });
  after(async () => {
    await app?.close();
    await proxy?.close();
    await database?.drop();
  });

  it('answers 503 at once while it is away, and recovers by itself', async () => {
    const article = await createArticle(app.services);
    assert.equal((await fetch(`${app.url}/readyz`)).status, 200);
    assert.equal((await fetch(`${app.url}/api/v1/articles/${article.id}`)).status, 200);

    await proxy.cut();
    const started = Date.now();
    const api = await fetch(`${app.url}/api/v1/articles/${article.id}`);
    assert.equal(api.status, 503);
    assert.equal(((await api.json()) as { error: string }).error, 'unavailable');
    const rating = await fetch(`${app.url}/api/v1/articles/${article.id}/ratings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value: 10 }),
    });
    assert.equal(rating.status, 503);
    const ready = await fetch(`${app.url}/readyz`);
    assert.equal(ready.status, 503);
    assert.ok(Date.now() - started < 2000, `failed fast (${Date.now() - started} ms)`);
    assert.equal((await fetch(`${app.url}/healthz`)).status, 200, 'the process itself is alive');

    await proxy.restore();
    await waitUntil(async () => (await fetch(`${app.url}/readyz`)).status === 200, '/readyz to recover', 10_000);
    assert.equal((await fetch(`${app.url}/api/v1/articles/${article.id}`)).status, 200);
  });
});
