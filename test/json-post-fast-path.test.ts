// A rating or a comment through the JSON API is answered before the framework once the framework
// has answered one (features/edge/json-post-fast-path.ts). Readers and integrators must not be
// able to tell: the same headers, cookies and body; whatever the fast path does not take goes to
// the framework with its body intact, counted once by the post limit.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import cookie from '@fastify/cookie';
import proxyAddr from '@fastify/proxy-addr';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import { createJsonPostFastPath } from '../src/features/edge/json-post-fast-path.ts';
import { createRatingPost } from '../src/features/ratings/rating-post.ts';
import { createPostLimit } from '../src/plugins/post-limit.ts';
import { createReaderTools } from '../src/plugins/reader.ts';
import { createArticle } from './helpers/factories.ts';
import { startTestApp, type TestApp } from './helpers/test-app.ts';

const postTo =
  (what: 'ratings' | 'comments') =>
  (url: string, articleId: number, body: string, headers: Record<string, string> = {}) =>
    fetch(`${url}/api/v1/articles/${articleId}/${what}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
const rate = postTo('ratings');
const comment = postTo('comments');
const aComment = (n: number, more: Record<string, unknown> = {}) =>
  JSON.stringify({ authorName: `Reader ${n}`, authorEmail: `reader-${n}@example.org`, body: `Comment ${n}.`, ...more });

/** Header lines that are the same for every answer to a post: not the date, the cookies' ids or the count left. */
function sameFor(response: Response): [string, string][] {
  return [...response.headers.entries()]
    .filter(([name]) => !['date', 'keep-alive', 'connection', 'content-length', 'x-ratelimit-remaining'].includes(name))
    .map(([name, value]): [string, string] => [name, value.replace(/bs_reader=[\w-]{24}/g, 'bs_reader=…')])
    .sort();
}

describe('a rating answered before the framework, in the app', () => {
  let app: TestApp;
  let articleId: number;

  before(async () => {
    app = await startTestApp();
    articleId = (await createArticle(app.services)).id;
  });
  after(() => app.close());

  it('gives a new reader the same headers, cookies and body as the framework did', async () => {
    const first = await rate(app.url, articleId, '{"value":60}');
    const second = await rate(app.url, articleId, '{"value":80}');
    assert.equal(first.status, 200);
    assert.equal(second.status, 200);
    assert.deepEqual(sameFor(second), sameFor(first));
    assert.deepEqual(await first.json(), { score: 60, count: 1, yourRating: 60 });
    assert.deepEqual(await second.json(), { score: 70, count: 2, yourRating: 80 });
    assert.equal(
      Number(second.headers.get('x-ratelimit-remaining')),
      Number(first.headers.get('x-ratelimit-remaining')) - 1,
    );
  });

  it('keeps a returning reader’s rating theirs: rating again replaces it', async () => {
    const rated = await rate(app.url, articleId, '{"value":20}');
    const reader = /bs_reader=[\w-]{24}/.exec(rated.headers.get('set-cookie') ?? '')![0];
    const again = await rate(app.url, articleId, '{"value":40}', { cookie: reader });
    assert.equal(again.status, 200);
    // A reader known already gets no new id, only the marker for the article.
    assert.doesNotMatch(again.headers.get('set-cookie') ?? '', /bs_reader=/);
    const { count, yourRating } = (await again.json()) as { count: number; yourRating: number };
    assert.deepEqual({ count, yourRating }, { count: 3, yourRating: 40 });
  });

  it('answers what it does not take as the framework does', async () => {
    const cases: [body: string, status: number, code: string][] = [
      ['{"value":101}', 400, 'validation_failed'],
      ['{"value":"50"}', 400, 'validation_failed'],
      ['{"value":', 400, 'bad_request'],
    ];
    for (const [body, status, code] of cases) {
      const response = await rate(app.url, articleId, body);
      assert.equal(response.status, status, body);
      assert.equal(((await response.json()) as { error: string }).error, code, body);
    }
    // Properties the API does not know are dropped, as the framework drops them.
    const extra = await rate(app.url, articleId, '{"value":50,"extra":1}');
    assert.equal(extra.status, 200);
    assert.equal(((await extra.json()) as { yourRating: number }).yourRating, 50);
    const missing = await rate(app.url, 999_999, '{"value":50}');
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error: string }).error, 'article_not_found');
  });

  it('counts the ratings it answers in the request metrics, under the route', async () => {
    const requests = async () => {
      const text = await (await fetch(`${app.url}/metrics`)).text();
      const line = text
        .split('\n')
        .find(
          (l) =>
            l.startsWith('http_requests_total{') &&
            l.includes('route="/api/v1/articles/:id/ratings"') &&
            l.includes('status="200"'),
        );
      return line === undefined ? 0 : Number(line.split(' ').at(-1));
    };
    const before = await requests();
    for (const value of [10, 20, 30]) assert.equal((await rate(app.url, articleId, `{"value":${value}}`)).status, 200);
    assert.equal(await requests(), before + 3);
  });
});

describe('a comment answered before the framework, in the app', () => {
  let app: TestApp;
  let articleId: number;

  before(async () => {
    app = await startTestApp();
    articleId = (await createArticle(app.services)).id;
  });
  after(() => app.close());

  it('gives a new reader the same headers, cookies and body as the framework did, and stores the comment', async () => {
    const first = await comment(app.url, articleId, aComment(1));
    const second = await comment(app.url, articleId, aComment(2));
    assert.equal(first.status, 201);
    assert.equal(second.status, 201);
    assert.deepEqual(sameFor(second), sameFor(first));
    const [one, two] = [(await first.json()) as { id: number }, (await second.json()) as { id: number }];
    // Without a form token a comment is held for a moderator, whichever path took it.
    assert.deepEqual(one, { id: one.id, status: 'pending' });
    assert.deepEqual(two, { id: two.id, status: 'pending' });
    const stored = await app.services.db
      .selectFrom('comments')
      .select(['author_name', 'body_html', 'reader_id'])
      .where('id', '=', two.id)
      .executeTakeFirstOrThrow();
    assert.equal(stored.author_name, 'Reader 2');
    assert.equal(stored.body_html, '<p>Comment 2.</p>');
    assert.match(second.headers.get('set-cookie') ?? '', new RegExp(`bs_reader=${stored.reader_id}`));
  });

  it('takes the form token from its header, as the framework does', async () => {
    await comment(app.url, articleId, aComment(3));
    const { formToken } = (await (await fetch(`${app.url}/api/v1/articles/${articleId}/form-token`)).json()) as {
      formToken: string;
    };
    const tampered = await comment(app.url, articleId, aComment(4), { 'broadsheet-form-token': `${formToken}x` });
    const { id } = (await tampered.json()) as { id: number };
    const row = await app.services.db
      .selectFrom('comments')
      .select('held_reason')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.match(row.held_reason ?? '', /^form-token: form token is not one this site issued/);
  });

  it('answers what it does not take as the framework does', async () => {
    await comment(app.url, articleId, aComment(5));
    const cases: [body: string, status: number, code: string][] = [
      [JSON.stringify({ authorName: 'No address', body: 'Hello.' }), 400, 'validation_failed'],
      [aComment(6, { authorEmail: 'not an address' }), 400, 'validation_failed'],
      [aComment(7, { parentId: 'one' }), 400, 'validation_failed'],
      [aComment(8, { parentId: 999_999 }), 422, 'invalid_parent'],
      ['{"authorName":', 400, 'bad_request'],
    ];
    for (const [body, status, code] of cases) {
      const response = await comment(app.url, articleId, body);
      assert.equal(response.status, status, body);
      assert.equal(((await response.json()) as { error: string }).error, code, body);
    }
    const longToken = await comment(app.url, articleId, aComment(9), { 'broadsheet-form-token': 'x'.repeat(201) });
    assert.equal(longToken.status, 400);
    // Properties the API does not know are dropped, as the framework drops them.
    const extra = await comment(app.url, articleId, aComment(10, { extra: 1 }));
    assert.equal(extra.status, 201);
    const missing = await comment(app.url, 999_999, aComment(11));
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error: string }).error, 'article_not_found');
    const refused = await app.services.db
      .selectFrom('comments')
      .select('id')
      .where('author_name', 'in', ['Reader 6', 'Reader 7', 'Reader 8', 'Reader 9', 'Reader 11'])
      .execute();
    assert.deepEqual(refused, [], 'a refused comment leaves nothing');
  });
});

describe('what the fast path takes and what it hands on', () => {
  let server: FastifyInstance;
  let url: string;
  let testApp: TestApp;
  let articleId: number;
  /** The bodies the framework's route was given, in order. */
  const handedOn: string[] = [];

  before(async () => {
    testApp = await startTestApp();
    articleId = (await createArticle(testApp.services)).id;
    server = Fastify({ trustProxy: 'loopback' });
    await server.register(cookie);
    await server.register(rateLimit, { global: false });
    const postLimit = createPostLimit(server, { max: 3, timeWindow: 60_000 });
    const readers = createReaderTools({ secret: 'a secret for this test only', secureCookies: false });
    const ratingPost = createRatingPost({ ...testApp.services, readers });
    const fastPath = createJsonPostFastPath([ratingPost], {
      postLimit,
      trustProxy: proxyAddr.compile('loopback'),
      plainOrigin: (origin) => origin === undefined,
      ready: () => true,
      logFailure: () => {},
    });
    fastPath.install(server.server);
    // The framework's route, as far as this test needs it: it counts, and says what it was given.
    const route = { onRequest: postLimit.hook, onSend: fastPath.learn(ratingPost) };
    server.post('/api/v1/articles/:id/ratings', route, async (request) => {
      handedOn.push(JSON.stringify(request.body));
      return { score: null, count: 0, yourRating: 0 };
    });
    url = await server.listen({ port: 0, host: '127.0.0.1' });
  });
  after(async () => {
    await server.close();
    await testApp.close();
  });

  it('learns from the framework’s first answer, then rates itself; hands on the rest with its body; counts each once', async () => {
    const from = (n: number) => ({ 'x-forwarded-for': `192.0.2.${n}` });
    // Nothing learnt yet: the framework answers.
    assert.equal((await rate(url, articleId, '{"value":10}', from(1))).status, 200);
    assert.deepEqual(handedOn, ['{"value":10}']);
    // Now taken here, by the rating service itself.
    const taken = await rate(url, articleId, '{"value":30}', from(1));
    assert.deepEqual(await taken.json(), { score: 30, count: 1, yourRating: 30 });
    assert.equal(handedOn.length, 1);
    // A body of another shape is read, then handed on intact.
    assert.equal((await rate(url, articleId, '{"value":30,"note":"hi"}', from(1))).status, 200);
    assert.deepEqual(handedOn.at(-1), '{"value":30,"note":"hi"}');
    // Another site's page, or another type: handed on before its body is read.
    await rate(url, articleId, '{"value":40}', { ...from(2), origin: 'https://elsewhere.example' });
    assert.deepEqual(handedOn.at(-1), '{"value":40}');
    await fetch(`${url}/api/v1/articles/${articleId}/ratings`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', ...from(2) },
      body: '{"value":45}',
    });
    assert.deepEqual(handedOn.at(-1), JSON.stringify('{"value":45}'));
    // Three posts from 192.0.2.1 so far, one of them handed on after it was counted: the fourth is over the limit.
    const over = await rate(url, articleId, '{"value":50}', from(1));
    assert.equal(over.status, 429);
    assert.equal(over.headers.get('x-ratelimit-remaining'), '0');
    assert.ok(Number(over.headers.get('retry-after')) > 0);
  });
});
