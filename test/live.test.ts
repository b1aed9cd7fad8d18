// Live updates (Server-Sent Events): every event has an id, a reconnect with Last-Event-ID is
// sent exactly what it missed, and the same holds in memory and with Redis keeping the buffer.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { commentInput, createArticle } from './helpers/factories.ts';
import { dropRedisPrefix, redisProblem, skipUnlessAvailable, TEST_REDIS_URL } from './helpers/instance.ts';
import { openEvents, type SseStream } from './helpers/sse.ts';
import { waitUntil } from './helpers/wait.ts';
import { Client, startTestApp, type TestApp } from './helpers/test-app.ts';
import { postJson } from './helpers/broadsheet.ts';
import { BUFFER_SIZE, compareIds } from '../src/features/live/live-feed.ts';

const ID = /^\d+-\d+$/;
const PUBLIC_COMMENT_KEYS = [
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
  'status',
];
const redisSkip = skipUnlessAvailable(await redisProblem());

for (const mode of ['in memory', 'with Redis'] as const) {
  describe(`live updates ${mode}`, { skip: mode === 'with Redis' && redisSkip }, () => {
    let app: TestApp;
    const prefix = `broadsheet-test-${randomBytes(6).toString('hex')}:`;

    before(async () => {
      const env: Record<string, string> =
        mode === 'with Redis' ? { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix } : {};
      app = await startTestApp({ env, settings: { commentPolicy: 'hold-first-time', ratingCapPerDay: 1000 } });
      if (mode === 'with Redis') assert.ok(app.services.redis?.isUp(), 'connected to Redis');
    });
    after(async () => {
      await app.close();
      if (mode === 'with Redis') await dropRedisPrefix(prefix);
    });

    const events = (articleId: number) => `${app.url}/api/v1/articles/${articleId}/events`;
    const rate = async (articleId: number, value: number) => {
      const response = await postJson(new Client(app.url), `/api/v1/articles/${articleId}/ratings`, { value });
      assert.equal(response.status, 200);
    };
    const publishComment = async (articleId: number, body: string) => {
      const ctx = { articleId, readerId: null, ipHash: 'live-test', userAgent: 'test' };
      const { id } = await app.services.comments.post(
        commentInput({ body, authorEmail: 'private.reader@example.org' }),
        ctx,
      );
      await app.services.comments.setStatus([id], 'approved');
      return id;
    };

    it('sends every event with an id, ids increase, and a comment event carries only its public shape', async () => {
      const article = await createArticle(app.services);
      const stream = await openEvents(events(article.id));
      try {
        assert.equal(stream.status, 200);
        await rate(article.id, 60);
        const first = await stream.next('rating');
        assert.match(first.id ?? '', ID);
        assert.deepEqual(first.data, { score: 60, count: 1 });

        const commentId = await publishComment(article.id, 'Seen live');
        const comment = await stream.next('comment');
        assert.match(comment.id ?? '', ID);
        assert.ok(compareIds(comment.id!, first.id!) > 0, `${comment.id} comes after ${first.id}`);
        const data = comment.data as Record<string, unknown>;
        assert.equal(data.id, commentId);
        assert.deepEqual(Object.keys(data).sort(), PUBLIC_COMMENT_KEYS);
        assert.ok(!JSON.stringify(data).includes('private.reader@example.org'), 'no e-mail');
      } finally {
        await stream.close();
      }
    });

    it('ratings that land in one turn reach readers as one event, the last score', async () => {
      const article = await createArticle(app.services);
      const stream = await openEvents(events(article.id));
      try {
        await rate(article.id, 10);
        assert.deepEqual((await stream.next('rating')).data, { score: 10, count: 1 });
        // A burst of ratings, as a hot story gets them: readers need only where the score ended.
        const burst: [score: number, count: number][] = [
          [20, 2],
          [30, 3],
          [40, 4],
        ];
        for (const [score, count] of burst)
          app.services.events.emit('rating.changed', { articleId: article.id, score, count });
        await rate(article.id, 90);
        assert.deepEqual((await stream.next('rating')).data, { score: 40, count: 4 });
        assert.deepEqual((await stream.next('rating')).data, { score: 50, count: 2 });
      } finally {
        await stream.close();
      }
    });

    it('a reconnect with Last-Event-ID is sent exactly the events it missed, in order', async () => {
      const article = await createArticle(app.services);
      const first = await openEvents(events(article.id));
      await rate(article.id, 100);
      await first.next('rating');
      const lastSeen = first.lastEventId()!;
      await first.close();
      await waitUntil(() => app.services.live.readers() === 0, 'the reader to leave');

      // While the reader is away: two ratings and a comment.
      await rate(article.id, 0);
      await rate(article.id, 50);
      const commentId = await publishComment(article.id, 'Posted while you were away');

      const again = await openEvents(events(article.id), { lastEventId: lastSeen });
      try {
        await waitUntil(() => again.seen.length >= 3, 'the replay');
        assert.deepEqual(
          again.seen.map((e) => [e.event, e.event === 'rating' ? e.data : (e.data as { id: number }).id]),
          [
            ['rating', { score: 50, count: 2 }],
            ['rating', { score: 50, count: 3 }],
            ['comment', commentId],
          ],
        );
        const ids = again.seen.map((e) => e.id!);
        assert.deepEqual([...ids].sort(compareIds), ids, 'in id order');
        assert.ok(
          ids.every((id) => compareIds(id, lastSeen) > 0),
          'nothing the reader had already',
        );

        // And the stream goes on live after the replay.
        await rate(article.id, 100);
        await waitUntil(() => again.seen.length === 4, 'the live event after the replay');
        assert.deepEqual(again.seen[3]!.data, { score: 63, count: 4 });
      } finally {
        await again.close();
      }
    });

    it(
      'a new stream is given a position, so a reader who saw no event still gets what happened ' + 'while away',
      async () => {
        const article = await createArticle(app.services);
        // An event from before the reader came: never sent to them. Seen by another stream first,
        // so that it is surely published (the feed records events after the response is sent).
        const probe = await openEvents(events(article.id));
        await rate(article.id, 20);
        await probe.next('rating');
        await probe.close();
        const first = await openEvents(events(article.id));
        await waitUntil(() => first.lastEventId() !== undefined, 'a position');
        assert.equal(first.seen.length, 0, 'no replay for a new reader');
        const position = first.lastEventId()!;
        await first.close();

        await rate(article.id, 40);
        const again = await openEvents(events(article.id), { lastEventId: position });
        try {
          const missed = await again.next('rating');
          assert.deepEqual(missed.data, { score: 30, count: 2 });
          await new Promise((resolve) => setTimeout(resolve, 50));
          assert.equal(again.seen.length, 0, 'only the missed event');
        } finally {
          await again.close();
        }
      },
    );

    it(
      'a Last-Event-ID from before what is kept gets a `reset` (reload the sections), then the ' + 'events kept',
      async () => {
        const article = await createArticle(app.services);
        await rate(article.id, 80);
        const stream = await openEvents(events(article.id), { lastEventId: '1-0' });
        try {
          await stream.next('reset');
          assert.deepEqual((await stream.next('rating')).data, { score: 80, count: 1 });
        } finally {
          await stream.close();
        }
      },
    );

    it(`keeps the last ${BUFFER_SIZE} events of an article: a reader further behind gets a reset`, async () => {
      const article = await createArticle(app.services);
      const stream = await openEvents(events(article.id));
      await rate(article.id, 10);
      await stream.next('rating');
      const lastSeen = stream.lastEventId()!;
      await stream.close();
      for (let i = 0; i < BUFFER_SIZE; i++) await rate(article.id, 50);
      const again = await openEvents(events(article.id), { lastEventId: lastSeen });
      try {
        await again.next('reset');
        await waitUntil(() => again.seen.length === BUFFER_SIZE, `${BUFFER_SIZE} replayed events`);
      } finally {
        await again.close();
      }
    });

    it('counts its readers and forgets them when they leave', async () => {
      const article = await createArticle(app.services);
      const streams: SseStream[] = await Promise.all([1, 2, 3].map(() => openEvents(events(article.id))));
      await waitUntil(() => app.services.live.readers() === 3, 'three readers');
      await Promise.all(streams.map((s) => s.close()));
      await waitUntil(() => app.services.live.readers() === 0, 'no readers');
    });
  });
}
