// Webhooks against real HTTP receivers, on both engines: signed deliveries from the outbox,
// retried after failures and delivered once; payloads without e-mail addresses; the admin page,
// the CLI, secret rotation, pausing an endpoint that keeps failing, and SSRF and hanging receivers.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { postJson, signatureHeader } from '../src/features/webhooks/webhook-deliverer.ts';
import { refusedAddress, webhookUrlProblem } from '../src/features/webhooks/webhook-address.ts';
import { commentInput, createArticle } from './helpers/factories.ts';
import { runBroadsheet } from './helpers/process.ts';
import { loginAs } from './helpers/staff.ts';
import { Client, createTestDatabase, startTestApp, textOf, type TestApp } from './helpers/test-app.ts';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver on 127.0.0.1 that records each request and answers with `answer(n)` (n from 1); null never answers. */
async function receiver(answer: (n: number) => number | null) {
  const requests: Received[] = [];
  const events = new EventEmitter();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      requests.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      events.emit('request', requests.length);
      const status = answer(requests.length);
      if (status !== null) response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    requests,
    /** Resolves once `n` requests have arrived; fails after 10 s. */
    async waitFor(n: number) {
      const signal = AbortSignal.timeout(10_000);
      while (requests.length < n) {
        await once(events, 'request', { signal }).catch(() => {
          throw new Error(`the receiver got ${requests.length} of ${n} requests within 10 s`);
        });
      }
    },
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** Checks a Broadsheet-Signature header against the raw body, as a receiver would; returns which secrets matched. */
function verify(header: string, body: string, secrets: string[]): boolean[] {
  const parts = header.split(',');
  const t = parts.find((p) => p.startsWith('t='))!.slice(2);
  const signatures = parts.filter((p) => p.startsWith('v1=')).map((p) => p.slice(3));
  assert.ok(Math.abs(Date.now() / 1000 - Number(t)) < 300, 'a recent timestamp');
  return secrets.map((secret) =>
    signatures.includes(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')),
  );
}

const FAST = {
  outboxTiming: { baseDelayMs: 20, maxDelayMs: 100, pollMs: 50, maxAttempts: 10 },
  webhookDelivery: { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 100, timeoutMs: 1_000 },
};

describe('webhook addresses', () => {
  it('refuses private, loopback, link-local and reserved addresses unless the host is allowed', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '0.0.0.0',
      '::1',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '100.64.0.1',
    ]) {
      assert.ok(refusedAddress(address), address);
    }
    for (const address of ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'])
      assert.equal(refusedAddress(address), null, address);
    assert.match(webhookUrlProblem('http://127.0.0.1:9/hook', [])!, /WEBHOOK_ALLOWED_HOSTS/);
    assert.match(webhookUrlProblem('http://169.254.169.254/latest/meta-data/', [])!, /link-local/);
    assert.match(webhookUrlProblem('http://localhost:9/', [])!, /localhost/);
    assert.equal(webhookUrlProblem('http://127.0.0.1:9/hook', ['127.0.0.1']), null);
    assert.equal(webhookUrlProblem('https://hooks.example.org/x', []), null);
    assert.ok(webhookUrlProblem('ftp://example.org/', []));
    assert.ok(webhookUrlProblem('https://user:pw@example.org/', []));
  });

  it('checks the address actually connected to, after DNS, and gives up on a receiver that hangs', async () => {
    const hook = await receiver(() => 200);
    const hanging = await receiver(() => null);
    try {
      // "localhost" resolves to a loopback address: refused, and nothing reaches the receiver.
      const viaName = await postJson(
        `http://localhost:${hook.port}/hook`,
        '{}',
        {},
        { allowedHosts: [], timeoutMs: 1_000 },
      );
      assert.match(viaName.error ?? '', /refused: localhost resolves to .*loopback/);
      const literal = await postJson(hook.url, '{}', {}, { allowedHosts: [], timeoutMs: 1_000 });
      assert.match(literal.error ?? '', /^refused/);
      assert.equal(hook.requests.length, 0);
      assert.deepEqual(
        await postJson(
          `http://localhost:${hook.port}/hook`,
          '{}',
          {},
          { allowedHosts: ['localhost'], timeoutMs: 1_000 },
        ),
        { status: 200, error: null },
      );
      const hung = await postJson(hanging.url, '{}', {}, { allowedHosts: ['127.0.0.1'], timeoutMs: 300 });
      assert.deepEqual(hung, { status: null, error: 'no answer within 300 ms' });
    } finally {
      hook.close();
      hanging.close();
    }
  });

  it('signs "<t>.<body>" with each secret', () => {
    assert.equal(
      signatureHeader('{"a":1}', ['s1', 's2'], 1700000000),
      `t=1700000000,v1=${createHmac('sha256', 's1').update('1700000000.{"a":1}').digest('hex')},v1=` +
        `${createHmac('sha256', 's2').update('1700000000.{"a":1}').digest('hex')}`,
    );
  });
});

describe('webhooks', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ env: { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' }, config: FAST });
    app.services.outbox.start();
  });
  after(() => app.close());

  it('delivers a signed event, retried after two 500s, exactly once, with no e-mail in it', async () => {
    const hook = await receiver((n) => (n <= 2 ? 500 : 200));
    try {
      const { endpoint, secret } = await app.services.webhooks.addEndpoint({
        url: hook.url,
        events: ['rating.changed', 'comment.published'],
      });
      const article = await createArticle(app.services, { title: 'Signed and delivered' });
      const reader = new Client(app.url);
      const rated = await reader.request(`/api/v1/articles/${article.id}/ratings`, {
        method: 'POST',
        json: { value: 80 },
      });
      assert.equal(rated.status, 200);
      await hook.waitFor(3);

      const ids = new Set(hook.requests.map((r) => r.headers['broadsheet-delivery']));
      assert.equal(ids.size, 1, 'every attempt carries the same delivery id');
      for (const r of hook.requests) {
        assert.equal(r.headers['broadsheet-event'], 'rating.changed');
        assert.deepEqual(verify(String(r.headers['broadsheet-signature']), r.body, [secret]), [true]);
      }
      const event = JSON.parse(hook.requests[2]!.body) as {
        type: string;
        data: { article: { id: number; url: string }; rating: { score: number; count: number } };
      };
      assert.equal(event.type, 'rating.changed');
      assert.equal(event.data.article.id, article.id);
      assert.deepEqual([event.data.rating.score, event.data.rating.count], [80, 1]);

      // Delivered: once the pass that sent it is over, the row says so, and a further pass sends nothing again.
      await app.services.outbox.runOnce();
      const [delivery] = await app.services.webhooks.deliveries({ endpointId: endpoint.id });
      assert.deepEqual([delivery!.status, delivery!.responseCode, delivery!.attempts], ['delivered', 200, 3]);
      await app.services.outbox.runOnce();
      assert.equal(hook.requests.length, 3);

      // A comment, held (no form token through the API), then approved by a moderator: public fields only.
      const input = commentInput({ authorEmail: 'private.person@example.org' });
      const posted = await reader.request(`/api/v1/articles/${article.id}/comments`, { method: 'POST', json: input });
      assert.equal(posted.status, 201);
      const { id: commentId, status } = (await posted.json()) as { id: number; status: string };
      assert.equal(status, 'pending');
      await app.services.comments.setStatus([commentId], 'approved');
      await hook.waitFor(4);
      const comment = hook.requests[3]!;
      assert.equal(comment.headers['broadsheet-event'], 'comment.published');
      assert.ok(!comment.body.includes('private.person'), 'no e-mail address');
      assert.ok(!/ip_?hash|ipHash|reader_?id|email/i.test(comment.body), 'no address hash, reader id or e-mail field');
      const data = (
        JSON.parse(comment.body) as { data: { comment: { authorName: string; status: string; url: string } } }
      ).data.comment;
      assert.equal(data.authorName, input.authorName);
      assert.equal(data.status, 'approved');
    } finally {
      hook.close();
    }
  });

  it('pauses an endpoint that keeps failing, and the admin page says so; new events skip it', async () => {
    const hook = await receiver(() => 503);
    try {
      const { endpoint } = await app.services.webhooks.addEndpoint({ url: hook.url, events: ['article.published'] });
      await createArticle(app.services, { title: 'Nobody listens' });
      await hook.waitFor(FAST.webhookDelivery.maxAttempts);
      const paused = async () => (await app.services.webhooks.endpoints()).find((e) => e.id === endpoint.id)!;
      while ((await paused()).pausedAt === null) await app.services.outbox.runOnce();
      const [delivery] = await app.services.webhooks.deliveries({ endpointId: endpoint.id });
      assert.deepEqual(
        [delivery!.status, delivery!.responseCode, delivery!.attempts],
        ['failed', 503, FAST.webhookDelivery.maxAttempts],
      );

      const { client } = await loginAs(app, 'admin');
      const page = textOf((await client.page('/admin/webhooks')).html);
      assert.match(
        page,
        new RegExp(`${hook.url.replace(/[.]/g, '\\.')} — article\\.published Paused since .*failed 4 times`),
      );
      assert.match(page, /Failed 503 4/);
    } finally {
      hook.close();
    }
  });

  it('signs with both secrets during a rotation', async () => {
    const hook = await receiver(() => 204);
    try {
      const { endpoint, secret: old } = await app.services.webhooks.addEndpoint({
        url: hook.url,
        events: ['article.updated'],
      });
      const fresh = await app.services.webhooks.rotateSecret(endpoint.id);
      await app.services.articles.upsert({ title: 'Rotated', bodyMarkdown: 'One.', importKey: 'rotation-test' });
      await app.services.articles.upsert({ title: 'Rotated', bodyMarkdown: 'Two.', importKey: 'rotation-test' });
      await hook.waitFor(1);
      const r = hook.requests[0]!;
      assert.equal(r.headers['broadsheet-event'], 'article.updated');
      assert.deepEqual(verify(String(r.headers['broadsheet-signature']), r.body, [fresh, old]), [true, true]);
    } finally {
      hook.close();
    }
  });

  it('a receiver that hangs blocks no request', async () => {
    const hook = await receiver(() => null);
    try {
      await app.services.webhooks.addEndpoint({ url: hook.url, events: ['rating.changed'] });
      const article = await createArticle(app.services);
      const reader = new Client(app.url);
      assert.equal(
        (await reader.request(`/api/v1/articles/${article.id}/ratings`, { method: 'POST', json: { value: 40 } }))
          .status,
        200,
      );
      await hook.waitFor(1);
      // The receiver holds the delivery open; readers are answered all the same.
      assert.equal(
        (await reader.request(`/api/v1/articles/${article.id}/ratings`, { method: 'POST', json: { value: 60 } }))
          .status,
        200,
      );
      assert.equal((await reader.request(`/articles/${article.slug}`)).status, 200);
    } finally {
      hook.close();
    }
  });

  it('the admin adds an endpoint (secret shown once) and gets the form back with errors for bad input', async () => {
    const { client, csrf } = await loginAs(app, 'admin');
    const added = await client.request('/admin/webhooks', {
      method: 'POST',
      body: new URLSearchParams([
        ['_csrf', csrf],
        ['url', 'https://hooks.example.org/in'],
        ['events', 'comment.created'],
        ['events', 'comment.removed'],
      ]),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(added.status, 200);
    const html = await added.text();
    assert.match(html, /data-webhook-secret="true">whsec_[A-Za-z0-9_-]+</);
    assert.doesNotMatch((await client.page('/admin/webhooks')).html, /whsec_/, 'never shown again');

    for (const [url, events, field] of [
      ['http://127.0.0.2/x', 'comment.created', /private, loopback/],
      ['http://169.254.169.254/latest/meta-data/', 'comment.created', /link-local/],
      ['not a url', 'comment.created', /http:\/\/ or https:\/\//],
      ['https://hooks.example.org/in', 'comment.exploded', /Unknown event/],
    ] as const) {
      const bad = await client.request('/admin/webhooks', { method: 'POST', form: { _csrf: csrf, url, events } });
      assert.equal(bad.status, 400, url);
      const page = await bad.text();
      assert.match(textOf(page), field);
      assert.ok(page.includes(url.replace(/&/g, '&amp;')), 'the URL typed comes back');
    }
    const forged = await client.request('/admin/webhooks', {
      method: 'POST',
      form: { url: 'https://hooks.example.org/x', events: 'comment.created' },
    });
    assert.equal(forged.status, 403, 'CSRF token required');
  });
});

describe('broadsheet webhook add', () => {
  it('registers an endpoint and prints its secret once; refuses a loopback URL', async () => {
    const database = await createTestDatabase();
    const run = (args: string[]) => runBroadsheet(args, { DATABASE_URL: database.url });
    try {
      const ok = await run([
        'webhook',
        'add',
        'https://hooks.example.org/in',
        '--events',
        'comment.published,rating.changed',
      ]);
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(
        ok.stdout,
        /Added webhook 1: https:\/\/hooks\.example\.org\/in \(comment\.published, rating\.changed\)/,
      );
      assert.match(ok.stdout, /Signing secret \(shown only this once\): whsec_/);
      const bad = await run(['webhook', 'add', 'http://127.0.0.1/x', '--events', 'rating.changed']);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /url: .*WEBHOOK_ALLOWED_HOSTS/);
      const list = await run(['webhook', 'list']);
      assert.match(list.stdout, /^1\thttps:\/\/hooks\.example\.org\/in\tcomment\.published,rating\.changed\tactive$/m);
    } finally {
      await database.drop();
    }
  });
});
