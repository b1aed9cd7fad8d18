// The JSON API contract (PRODUCT.md, "Interfaces") and how it answers bad input:
// a 4xx with a JSON { error, message }, never a 5xx, and nothing written.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, startTestApp, type TestApp } from './helpers/test-app.ts';
import { commentInput, createArticle } from './helpers/factories.ts';
import {
  expectJsonError,
  importSample,
  postJson,
  SAMPLE_SLUG,
  SAMPLE_TITLE,
  writtenRows,
} from './helpers/broadsheet.ts';
import { openEvents } from './helpers/sse.ts';
import { waitUntil } from './helpers/wait.ts';

const SUMMARY_FIELDS = ['commentCount', 'id', 'publishedAt', 'rating', 'slug', 'title', 'url'];

interface Summary {
  id: number;
  slug: string;
  title: string;
  url: string;
  publishedAt: string | null;
  rating: { score: number | null; count: number };
  commentCount: number;
}

describe('JSON API contract', () => {
  let app: TestApp;
  let sampleId: number;
  let other: Awaited<ReturnType<typeof createArticle>>;

  before(async () => {
    app = await startTestApp();
    sampleId = (await importSample(app.services)).article.id;
    other = await createArticle(app.services, { title: 'Harbour wall to be rebuilt' });
    // one approved comment on the other article, one held
    const ctx = { articleId: other.id, readerId: null, ipHash: 'x', userAgent: 'test' };
    const approved = await app.services.comments.post(commentInput(), ctx);
    await app.services.comments.setStatus([approved.id], 'approved');
    await app.services.comments.post(commentInput(), ctx);
  });
  after(() => app.close());

  it('GET /api/v1/articles lists items with exactly the documented fields', async () => {
    const response = await fetch(`${app.url}/api/v1/articles`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    const body = (await response.json()) as { items: Summary[] };
    assert.deepEqual(Object.keys(body), ['items']);
    assert.equal(body.items.length, 2);
    for (const item of body.items) {
      assert.deepEqual(Object.keys(item).sort(), SUMMARY_FIELDS);
      assert.deepEqual(Object.keys(item.rating).sort(), ['count', 'score']);
      assert.equal(typeof item.id, 'number');
      const url = new URL(item.url); // absolute, or this throws
      assert.match(url.protocol, /^https?:$/);
      assert.equal(url.pathname, `/articles/${item.slug}`);
      assert.ok(item.publishedAt && !Number.isNaN(Date.parse(item.publishedAt)), 'publishedAt is a date');
    }
    const sample = body.items.find((item) => item.id === sampleId)!;
    assert.equal(sample.slug, SAMPLE_SLUG);
    assert.equal(sample.title, SAMPLE_TITLE);
    assert.deepEqual(sample.rating, { score: 85, count: 3 });
    assert.equal(sample.commentCount, 0);
    const second = body.items.find((item) => item.id === other.id)!;
    assert.deepEqual(second.rating, { score: null, count: 0 });
    assert.equal(second.commentCount, 1, 'only approved comments are counted');
  });

  it('GET /api/v1/articles honours limit and rejects a bad one', async () => {
    const one = (await (await fetch(`${app.url}/api/v1/articles?limit=1`)).json()) as { items: Summary[] };
    assert.equal(one.items.length, 1);
    await expectJsonError(await fetch(`${app.url}/api/v1/articles?limit=abc`), 400, 'validation_failed');
    await expectJsonError(await fetch(`${app.url}/api/v1/articles?limit=100000`), 400, 'validation_failed');
  });

  it('GET /api/v1/articles/{id} adds the HTML body and the rating distribution', async () => {
    const list = (await (await fetch(`${app.url}/api/v1/articles`)).json()) as { items: Summary[] };
    const summary = list.items.find((item) => item.id === sampleId)!;
    for (const ref of [String(sampleId), SAMPLE_SLUG]) {
      const response = await fetch(`${app.url}/api/v1/articles/${ref}`);
      assert.equal(response.status, 200);
      const detail = (await response.json()) as Summary & {
        body: string;
        rating: { distribution: { min: number; max: number; count: number }[] };
      };
      for (const field of SUMMARY_FIELDS.filter((f) => f !== 'rating')) {
        assert.deepEqual(detail[field as keyof Summary], summary[field as keyof Summary], field);
      }
      assert.equal(detail.rating.score, 85);
      assert.equal(detail.rating.count, 3);
      assert.equal(detail.rating.distribution.length, 5);
      assert.equal(typeof detail.body, 'string');
      assert.equal((detail.body.match(/<p>/g) ?? []).length, 9);
      assert.match(detail.body, /^<p>The night ferry between Harbour Town and the island of Kellow/);
      assert.doesNotMatch(detail.body, /User Score|Rate This|Leave your comment/);
    }
  });

  it('an unknown article is a 404 JSON error', async () => {
    for (const ref of ['999999', 'no-such-article']) {
      await expectJsonError(await fetch(`${app.url}/api/v1/articles/${ref}`), 404, 'article_not_found');
      await expectJsonError(await fetch(`${app.url}/api/v1/articles/${ref}/comments`), 404, 'article_not_found');
    }
    await expectJsonError(await fetch(`${app.url}/api/v1/nothing-here`), 404, 'not_found');
  });

  it('GET /api/v1/articles/{id}/comments returns approved comments only', async () => {
    const response = await fetch(`${app.url}/api/v1/articles/${other.id}/comments`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as {
      items: { id: number; authorName: string; bodyHtml: string; replies: unknown[] }[];
    };
    assert.equal(body.items.length, 1);
    assert.deepEqual(Object.keys(body.items[0]!).sort(), [
      'authorName',
      'authorUrl',
      'avatar',
      'bodyHtml',
      'createdAt',
      'editedAt',
      'id',
      'parentId',
      'replies',
      'staffRole',
    ]);
  });

  it('GET /api/v1/openapi.json is an OpenAPI 3 document of the articles API', async () => {
    const response = await fetch(`${app.url}/api/v1/openapi.json`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    const doc = (await response.json()) as {
      openapi: string;
      info: { title: string; version: string };
      paths: Record<
        string,
        Record<
          string,
          {
            requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
            responses: Record<string, unknown>;
          }
        >
      >;
      components?: Record<string, unknown>;
    };
    assert.match(doc.openapi, /^3\.\d+\.\d+$/);
    assert.equal(typeof doc.info.title, 'string');
    assert.equal(typeof doc.info.version, 'string');
    const paths = doc.paths;
    assert.ok(paths['/api/v1/articles']?.get, 'GET /api/v1/articles');
    assert.ok(paths['/api/v1/articles/{id}']?.get, 'GET /api/v1/articles/{id}');
    assert.ok(paths['/api/v1/articles/{id}/comments']?.get, 'GET comments');
    assert.ok(paths['/api/v1/articles/{id}/events']?.get, 'GET events');

    const resolve = (schema: Record<string, unknown>): Record<string, unknown> => {
      const ref = schema.$ref as string | undefined;
      if (!ref) return schema;
      const target = ref
        .replace(/^#\//, '')
        .split('/')
        .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], doc);
      return resolve(target as Record<string, unknown>);
    };
    const rateBody = paths['/api/v1/articles/{id}/ratings']?.post?.requestBody?.content['application/json']?.schema;
    assert.ok(rateBody, 'POST ratings has a JSON request body schema');
    const rate = resolve(rateBody);
    assert.deepEqual(rate.required, ['value']);
    assert.equal((rate.properties as Record<string, { type: string }>).value?.type, 'integer');
    assert.ok(paths['/api/v1/articles/{id}/ratings']!.post!.responses['200']);

    const commentBody = paths['/api/v1/articles/{id}/comments']?.post?.requestBody?.content['application/json']?.schema;
    assert.ok(commentBody, 'POST comments has a JSON request body schema');
    const comment = resolve(commentBody);
    assert.deepEqual(
      new Set(Object.keys(comment.properties as object)),
      new Set(['authorName', 'authorEmail', 'authorUrl', 'body', 'parentId', 'notifyReplies']),
    );
    assert.deepEqual(new Set(comment.required as string[]), new Set(['authorName', 'authorEmail', 'body']));
    assert.ok(paths['/api/v1/articles/{id}/comments']!.post!.responses['201']);

    // Pages and health checks are not part of the API description.
    assert.ok(!Object.keys(paths).some((path) => !path.startsWith('/api/v1/')), Object.keys(paths).join(', '));
    // The description of what comes back never mentions an e-mail field.
    const outward = JSON.stringify({ components: doc.components, get: paths['/api/v1/articles/{id}/comments']!.get });
    assert.doesNotMatch(outward, /"authorEmail"/);
  });

  it('GET /healthz and GET /readyz answer 200', async () => {
    const health = await fetch(`${app.url}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const ready = await fetch(`${app.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ready' });
  });
});

describe('bad input to the API: a clear 4xx and nothing written', () => {
  let app: TestApp;
  let article: Awaited<ReturnType<typeof createArticle>>;
  let otherArticle: Awaited<ReturnType<typeof createArticle>>;
  let approvedHere: number;
  let approvedElsewhere: number;
  let pendingBySomeoneElse: number;

  const commentsPath = () => `/api/v1/articles/${article.id}/comments`;
  const ratingsPath = () => `/api/v1/articles/${article.id}/ratings`;

  /** Sends a request and checks it is refused with a JSON error and that no row appeared. */
  async function refused(send: () => Promise<Response>, status: number, code?: string) {
    const before = await writtenRows(app.services);
    const response = await send();
    assert.ok(response.status < 500, `never a 5xx (got ${response.status})`);
    const body = await expectJsonError(response, status, code);
    assert.deepEqual(await writtenRows(app.services), before, 'nothing was written');
    return body;
  }

  before(async () => {
    app = await startTestApp();
    article = await createArticle(app.services);
    otherArticle = await createArticle(app.services);
    const ctx = (articleId: number, readerId: string | null = null) => ({
      articleId,
      readerId,
      ipHash: 'x',
      userAgent: 'test',
    });
    approvedHere = (await app.services.comments.post(commentInput(), ctx(article.id))).id;
    approvedElsewhere = (await app.services.comments.post(commentInput(), ctx(otherArticle.id))).id;
    await app.services.comments.setStatus([approvedHere, approvedElsewhere], 'approved');
    const someoneElse = new Client(app.url);
    const posted = await postJson(
      someoneElse,
      commentsPath(),
      commentInput({ authorEmail: 'first-timer@example.org' }),
    );
    assert.equal(posted.status, 201);
    pendingBySomeoneElse = ((await posted.json()) as { id: number; status: string }).id;
  });
  after(() => app.close());

  it('a comment with missing fields', async () => {
    const reader = new Client(app.url);
    const all = await refused(() => postJson(reader, commentsPath(), {}), 400, 'validation_failed');
    assert.ok(all.fields && Object.keys(all.fields).length > 0, 'says which field');
    const noEmail = await refused(
      () => postJson(reader, commentsPath(), { authorName: 'Ann', body: 'Hello' }),
      400,
      'validation_failed',
    );
    assert.ok(noEmail.fields?.authorEmail, JSON.stringify(noEmail));
    const noBody = await refused(
      () => postJson(reader, commentsPath(), { authorName: 'Ann', authorEmail: 'ann@example.org' }),
      400,
      'validation_failed',
    );
    assert.ok(noBody.fields?.body, JSON.stringify(noBody));
    const blank = await refused(
      () => postJson(reader, commentsPath(), { authorName: ' ', authorEmail: '', body: '\n' }),
      400,
      'validation_failed',
    );
    assert.deepEqual(Object.keys(blank.fields ?? {}).sort(), ['authorEmail', 'authorName', 'body']);
  });

  it('a comment with a malformed e-mail address or website', async () => {
    const reader = new Client(app.url);
    for (const authorEmail of ['not-an-email', 'ann@localhost', 'ann @example.org', 'ann@example.org<script>']) {
      const body = await refused(
        () => postJson(reader, commentsPath(), commentInput({ authorEmail })),
        400,
        'validation_failed',
      );
      assert.ok(body.fields?.authorEmail, authorEmail);
    }
    for (const authorUrl of ['javascript:alert(1)', 'ftp://example.org/x', 'not a url']) {
      const body = await refused(
        () => postJson(reader, commentsPath(), commentInput({ authorUrl })),
        400,
        'validation_failed',
      );
      assert.ok(body.fields?.authorUrl, authorUrl);
    }
  });

  it('a comment that is too long or of the wrong type', async () => {
    const reader = new Client(app.url);
    await refused(
      () => postJson(reader, commentsPath(), commentInput({ body: 'x'.repeat(10_001) })),
      400,
      'validation_failed',
    );
    await refused(
      () => postJson(reader, commentsPath(), commentInput({ body: { html: '<b>' } })),
      400,
      'validation_failed',
    );
    await refused(() => postJson(reader, commentsPath(), commentInput({ parentId: 'abc' })), 400, 'validation_failed');
    await refused(() => postJson(reader, commentsPath(), [commentInput()]), 400, 'validation_failed');
  });

  it('a rating that is not a whole number from 0 to 100', async () => {
    const reader = new Client(app.url);
    for (const value of [101, -1, 2.5, 'abc', '']) {
      await refused(() => postJson(reader, ratingsPath(), { value }), 400, 'validation_failed');
    }
    await refused(() => postJson(reader, ratingsPath(), {}), 400, 'validation_failed');
  });

  it('a rating whose value is null is refused, not stored as 0', async () => {
    await refused(() => postJson(new Client(app.url), ratingsPath(), { value: null }), 400, 'validation_failed');
  });

  it('a rating whose value is true or false is refused, not stored as 1 or 0', async () => {
    await refused(() => postJson(new Client(app.url), ratingsPath(), { value: true }), 400, 'validation_failed');
    await refused(() => postJson(new Client(app.url), ratingsPath(), { value: false }), 400, 'validation_failed');
  });

  it('an unknown article', async () => {
    const reader = new Client(app.url);
    await refused(() => postJson(reader, '/api/v1/articles/999999/comments', commentInput()), 404, 'article_not_found');
    await refused(
      () => postJson(reader, '/api/v1/articles/no-such-article/ratings', { value: 50 }),
      404,
      'article_not_found',
    );
  });

  it('a 5 MB body', async () => {
    const reader = new Client(app.url);
    const huge = 'x'.repeat(5 * 1024 * 1024);
    await refused(() => postJson(reader, commentsPath(), commentInput({ body: huge })), 413, 'payload_too_large');
    await refused(() => postJson(reader, ratingsPath(), { value: 50, padding: huge }), 413, 'payload_too_large');
  });

  it('a body that is not JSON', async () => {
    const reader = new Client(app.url);
    await refused(
      () =>
        reader.request(commentsPath(), {
          method: 'POST',
          form: { authorName: 'Ann', authorEmail: 'ann@example.org', body: 'Hello' },
        }),
      415,
      'unsupported_media_type',
    );
    await refused(
      () => reader.request(ratingsPath(), { method: 'POST', form: { value: '50' } }),
      415,
      'unsupported_media_type',
    );
    await refused(
      () =>
        reader.request(ratingsPath(), {
          method: 'POST',
          headers: { 'content-type': 'application/xml' },
          body: '<value>50</value>',
        }),
      415,
      'unsupported_media_type',
    );
  });

  it('a text/plain body (what a cross-site form can send) is refused as not JSON', async () => {
    const reader = new Client(app.url);
    await refused(
      () =>
        reader.request(ratingsPath(), {
          method: 'POST',
          headers: { 'content-type': 'text/plain' },
          body: '{"value":50}',
        }),
      415,
      'unsupported_media_type',
    );
  });

  it('malformed JSON', async () => {
    const reader = new Client(app.url);
    const send = (path: string, body: string) => () =>
      reader.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await refused(send(commentsPath(), '{"authorName": "Ann",'), 400, 'bad_request');
    await refused(send(ratingsPath(), '{value: 50}'), 400, 'bad_request');
    await refused(send(ratingsPath(), ''), 400, 'bad_request');
  });

  it('a comment with a script', async () => {
    const reader = new Client(app.url);
    const body = await refused(
      () => postJson(reader, commentsPath(), commentInput({ body: 'Nice <script>alert(1)</script>' })),
      422,
      'unsafe_content',
    );
    assert.ok(body.fields?.body);
    await refused(
      () => postJson(reader, commentsPath(), commentInput({ body: '<SCRIPT src="//evil.example/x.js"></SCRIPT>' })),
      422,
      'unsafe_content',
    );
  });

  it('a reply to a comment on another article', async () => {
    const reader = new Client(app.url);
    await refused(
      () => postJson(reader, commentsPath(), commentInput({ parentId: approvedElsewhere })),
      422,
      'invalid_parent',
    );
  });

  it('a reply to a comment that does not exist', async () => {
    const reader = new Client(app.url);
    await refused(() => postJson(reader, commentsPath(), commentInput({ parentId: 987654 })), 422, 'invalid_parent');
  });

  it("a reply to someone else's comment still awaiting moderation", async () => {
    const reader = new Client(app.url);
    await refused(
      () => postJson(reader, commentsPath(), commentInput({ parentId: pendingBySomeoneElse })),
      422,
      'invalid_parent',
    );
  });

  it('a reply nested deeper than the replyDepth setting', async () => {
    await app.services.settings.update({ replyDepth: 2, commentPolicy: 'publish' });
    try {
      const reader = new Client(app.url);
      const reply = await postJson(reader, commentsPath(), commentInput({ parentId: approvedHere }));
      assert.equal(reply.status, 201, 'one level of replies is allowed');
      const { id: replyId } = (await reply.json()) as { id: number };
      await refused(() => postJson(reader, commentsPath(), commentInput({ parentId: replyId })), 422, 'reply_too_deep');
    } finally {
      await app.services.settings.update({ replyDepth: 4, commentPolicy: 'hold-first-time' });
    }
  });

  it('after all that, the server still answers', async () => {
    assert.equal((await fetch(`${app.url}/healthz`)).status, 200);
    assert.equal((await fetch(`${app.url}/readyz`)).status, 200);
    const ok = await postJson(new Client(app.url), ratingsPath(), { value: 60 });
    assert.equal(ok.status, 200);
  });
});

describe('live updates: GET /api/v1/articles/{id}/events', () => {
  let app: TestApp;
  let article: Awaited<ReturnType<typeof createArticle>>;

  before(async () => {
    app = await startTestApp({ settings: { commentPolicy: 'hold-first-time' } });
    article = await createArticle(app.services);
  });
  after(() => app.close());

  /** Opens the event stream; `next` waits for the next event of a name and gives its data. */
  async function openStream(ref: number | string) {
    const stream = await openEvents(`${app.url}/api/v1/articles/${ref}/events`);
    assert.equal(stream.status, 200);
    return {
      seen: stream.seen,
      next: async (event: string) => (await stream.next(event)).data,
      close: () => stream.close(),
    };
  }

  it('pushes score changes and newly published comments, never an e-mail or a held comment', async () => {
    const stream = await openStream(article.id);
    try {
      await waitUntil(() => app.services.live.readers() === 1, 'the stream to subscribe');
      const rated = await postJson(new Client(app.url), `/api/v1/articles/${article.id}/ratings`, { value: 60 });
      assert.equal(rated.status, 200);
      assert.deepEqual(await stream.next('rating'), { score: 60, count: 1 });

      const email = 'live.reader@example.org';
      const held = await postJson(
        new Client(app.url),
        `/api/v1/articles/${article.id}/comments`,
        commentInput({ authorEmail: email, body: 'Live and held' }),
      );
      const { id, status } = (await held.json()) as { id: number; status: string };
      assert.equal(status, 'pending');
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(stream.seen.filter((e) => e.event === 'comment').length, 0, 'a held comment is not pushed');

      await app.services.comments.setStatus([id], 'approved');
      const pushed = (await stream.next('comment')) as { id: number; bodyHtml: string };
      assert.equal(pushed.id, id);
      assert.match(pushed.bodyHtml, /Live and held/);
      assert.ok(!JSON.stringify(pushed).includes(email), 'no e-mail in the event');
    } finally {
      await stream.close();
    }
  });

  it('an unknown article is a 404 JSON error', async () => {
    await expectJsonError(await fetch(`${app.url}/api/v1/articles/999999/events`), 404, 'article_not_found');
  });
});
