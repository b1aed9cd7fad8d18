// Connections, with real sockets: a dribbled body is timed out (408), one address cannot hold
// every socket or every event stream, and a body too large always gets its 413 read by the client.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from './helpers/test-app.ts';
import { createArticle } from './helpers/factories.ts';
import { openEvents } from './helpers/sse.ts';

function open(url: string): Promise<Socket> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Everything the server sends until it closes the connection (a reset after data still returns the data). */
function readAll(socket: Socket): Promise<{ data: string; reset: boolean }> {
  return new Promise((resolve) => {
    let data = '';
    let reset = false;
    socket.setEncoding('utf8').on('data', (chunk: string) => (data += chunk));
    socket.on('error', () => (reset = true));
    socket.on('close', () => resolve({ data, reset }));
  });
}

function bodyOf(response: string): { error: string; message: string } {
  return JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4)) as { error: string; message: string };
}

describe('connections', () => {
  let app: TestApp;
  let article: { id: number };

  before(async () => {
    app = await startTestApp({
      env: { REQUEST_TIMEOUT_MS: '1000', MAX_CONNECTIONS_PER_ADDRESS: '4', MAX_EVENT_STREAMS_PER_ADDRESS: '2' },
    });
    article = await createArticle(app.services);
  });
  after(() => app.close());

  it('a body dribbled one byte at a time is answered 408, in our shape, and the connection closed', async () => {
    const socket = await open(app.url);
    const result = readAll(socket);
    const body = JSON.stringify({ authorName: 'Slow', authorEmail: 'slow@example.org', body: 'one byte at a time' });
    socket.write(
      `POST /api/v1/articles/${article.id}/comments HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${body.length}\r\n\r\n`,
    );
    // One byte each time the previous one has been written, until the server answers (or closes).
    let sent = 0;
    let answered = false;
    socket.once('data', () => (answered = true));
    socket.once('close', () => (answered = true));
    while (!answered && sent < body.length - 1) {
      await new Promise<void>((resolve) => socket.write(body[sent++]!, () => setTimeout(resolve, 50)));
    }
    const { data } = await result;
    assert.ok(sent < body.length, 'the body was never finished');
    assert.match(data, /^HTTP\/1\.1 408 /);
    assert.match(data, /content-security-policy: default-src 'self'/i);
    assert.equal(bodyOf(data).error, 'request_timeout');
  });

  it('one address holds at most MAX_CONNECTIONS_PER_ADDRESS connections; a closed one frees its place', async () => {
    const held: Socket[] = [];
    // Each connection answers a request first, so that the server has counted it.
    for (let i = 0; i < 4; i++) {
      const socket = await open(app.url);
      const answer = new Promise<string>((resolve) => socket.setEncoding('utf8').once('data', resolve));
      socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      assert.match(await answer, /^HTTP\/1\.1 200 /);
      held.push(socket);
    }
    const extra = await open(app.url);
    const refused = readAll(extra);
    extra.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.equal((await refused).data, '', 'the fifth connection is closed unanswered');

    const closed = new Promise((resolve) => held[0]!.once('close', resolve));
    held[0]!.destroy();
    await closed;
    // The server sees the close a moment later: try a bounded number of times.
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = await fetch(`${app.url}/healthz`, { headers: { connection: 'close' } }).then(
        (r) => r.status,
        () => 0,
      );
    }
    assert.equal(status, 200);
    for (const socket of held) socket.destroy();
  });

  it('one address holds at most MAX_EVENT_STREAMS_PER_ADDRESS event streams', async () => {
    const url = `${app.url}/api/v1/articles/${article.id}/events`;
    const streams = [await openEvents(url), await openEvents(url)];
    assert.deepEqual(
      streams.map((s) => s.status),
      [200, 200],
    );
    const third = await fetch(url);
    assert.equal(third.status, 429);
    assert.equal(((await third.json()) as { error: string }).error, 'rate_limited');
    await streams[0]!.close();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      const again = await fetch(url, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
      status = again?.status ?? 0;
      await again?.body?.cancel();
    }
    assert.equal(status, 200, 'a closed stream frees its place');
    await streams[1]!.close();
  });
});

describe('a body too large', () => {
  let app: TestApp;
  let article: { id: number };
  before(async () => {
    app = await startTestApp();
    article = await createArticle(app.services);
  });
  after(() => app.close());

  it('a 6 MB comment gets its 413 read by the client every time, while it is still sending', async () => {
    const body = JSON.stringify({ authorName: 'Big', authorEmail: 'big@example.org', body: 'x'.repeat(6_000_000) });
    for (let i = 0; i < 10; i++) {
      const socket = await open(app.url);
      const result = readAll(socket);
      socket.write(
        `POST /api/v1/articles/${article.id}/comments HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${body.length}\r\n\r\n`,
      );
      // Sent in pieces, as fast as the socket takes them, as a client does.
      for (let offset = 0; offset < body.length && !socket.destroyed; offset += 64 * 1024) {
        const more = socket.write(body.slice(offset, offset + 64 * 1024));
        if (!more)
          await new Promise((resolve) => {
            socket.once('drain', resolve);
            socket.once('close', resolve);
          });
      }
      const { data } = await result;
      assert.match(data, /^HTTP\/1\.1 413 /, `upload ${i + 1}: ${data.slice(0, 80) || '(no answer)'}`);
      assert.equal(bodyOf(data).error, 'payload_too_large');
    }
  });

  it('fetch uploads see the 413 too', async () => {
    const body = JSON.stringify({ authorName: 'Big', authorEmail: 'big@example.org', body: 'x'.repeat(6_000_000) });
    for (let i = 0; i < 10; i++) {
      const response = await fetch(`${app.url}/api/v1/articles/${article.id}/comments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      assert.equal(response.status, 413);
      assert.equal(((await response.json()) as { error: string }).error, 'payload_too_large');
    }
  });
});
