// What article pages receive live: score changes and newly published comments, each with an id
// so that a reader who reconnects (EventSource sends Last-Event-ID) gets what they missed.
//
// The instance where a change happens builds its event once — for a comment, the public shape,
// read once however many readers wait — gives it an id and records it in a short per-article
// buffer. With Redis, one script appends it to the article's stream (Redis assigns the id, so
// ids grow per article across instances) and publishes it, in that order, to every instance.
// Without Redis, or while it is away, ids and buffers are this instance's own. Each instance
// fans events out to its readers from one subscription; a reader costs a set entry, not a
// Redis subscription.
import type { EventBus } from '../../events.ts';
import type { RedisLink } from '../../infra/redis.ts';
import type { PublicComment } from '../comments/comment.model.ts';

export type LiveEventType = 'rating' | 'comment';

export interface LiveEvent {
  /** `<ms>-<seq>`: increasing per article. */
  id: string;
  type: LiveEventType;
  /** The whole Server-Sent Events block, serialised once for every reader. */
  frame: string;
}

export interface Replay {
  /** Events after the reader's last id, oldest first. */
  events: LiveEvent[];
  /** Events may have been lost between the reader's last id and the oldest one kept. */
  gap: boolean;
  /** The newest id known for the article (`0-0` when none): where a new reader's stream starts. */
  newest: string;
}

export interface LiveFeed {
  subscribe(articleId: number, listener: (event: LiveEvent) => void): () => void;
  /** What a reader whose last event was `lastEventId` missed (nothing when it is undefined). */
  replay(articleId: number, lastEventId: string | undefined): Promise<Replay>;
  /** Readers subscribed on this instance. */
  readers(): number;
  /** Waits for events still being built or sent (the CLI exits right after approving). */
  close(): Promise<void>;
}

/** Events kept per article for replays. */
export const BUFFER_SIZE = 64;
/** An article's stream in Redis is dropped after this long without events. */
const STREAM_TTL_MS = 24 * 60 * 60 * 1000;
/** Articles whose events this instance keeps in memory. */
const LOCAL_ARTICLES = 1_000;
const CHANNEL = 'live';

// One round trip, atomically: append (Redis assigns the id), trim, refresh the expiry, and
// publish with the id, so every instance sees events in id order.
const PUBLISH_SCRIPT = `
local id = redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[1], '*', 'e', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('SET', KEYS[2], ARGV[5], 'NX')
redis.call('PUBLISH', ARGV[3], id .. ' ' .. ARGV[4])
return id`;

interface Wire {
  /** The sending instance. */
  o: string;
  a: number;
  t: LiveEventType;
  d: unknown;
}

type PublishCommand = (
  stream: string,
  since: string,
  max: number,
  ttl: number,
  channel: string,
  message: string,
  now: number,
) => Promise<string>;

export function parseEventId(id: string | undefined): [number, number] | undefined {
  const match = id === undefined ? null : /^(\d{1,16})-(\d{1,16})$/.exec(id.trim());
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

export function compareIds(a: string, b: string): number {
  const [am, as] = parseEventId(a) ?? [0, 0];
  const [bm, bs] = parseEventId(b) ?? [0, 0];
  return am - bm || as - bs;
}

function toEvent(id: string, type: LiveEventType, data: unknown): LiveEvent {
  return { id, type, frame: `id: ${id}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n` };
}

export function createLiveFeed(deps: {
  events: EventBus;
  comments: { findPublished(id: number): Promise<PublicComment | undefined> };
  redis?: RedisLink;
  log: { warn(obj: object, message: string): void };
}): LiveFeed {
  const { events, comments, redis, log } = deps;
  const subscribers = new Map<number, Set<(event: LiveEvent) => void>>();
  const buffers = new Map<number, LiveEvent[]>();
  // Replays from memory are complete only for ids after this: when this process started, or
  // when it last forgot an article's buffer.
  let localHorizon = Date.now();
  const pending = new Set<Promise<void>>();
  let count = 0;

  const deliver = (articleId: number, event: LiveEvent) => {
    remember(articleId, event);
    for (const listener of subscribers.get(articleId) ?? []) listener(event);
  };

  function remember(articleId: number, event: LiveEvent) {
    let buffer = buffers.get(articleId);
    if (buffer)
      buffers.delete(articleId); // re-inserted below: most recently used last
    else buffer = [];
    buffers.set(articleId, buffer);
    // Usually the newest; events relayed from elsewhere may arrive a little out of order.
    let at = buffer.length;
    while (at > 0 && compareIds(buffer[at - 1]!.id, event.id) > 0) at--;
    if (buffer[at - 1]?.id !== event.id) buffer.splice(at, 0, event);
    if (buffer.length > BUFFER_SIZE) buffer.shift();
    if (buffers.size > LOCAL_ARTICLES) {
      const [oldestArticle, dropped] = buffers.entries().next().value!;
      buffers.delete(oldestArticle);
      const last = parseEventId(dropped.at(-1)?.id);
      if (last) localHorizon = Math.max(localHorizon, last[0] + 1);
    }
  }

  let lastMs = 0;
  let lastSeq = 0;
  /** A local id after every id this instance has seen for the article. */
  function localId(articleId: number): string {
    const newest = parseEventId(buffers.get(articleId)?.at(-1)?.id) ?? [0, 0];
    let [ms, seq] = [Date.now(), 0];
    if (ms < lastMs || (ms === lastMs && seq <= lastSeq)) [ms, seq] = [lastMs, lastSeq + 1];
    if (ms < newest[0] || (ms === newest[0] && seq <= newest[1])) [ms, seq] = [newest[0], newest[1] + 1];
    [lastMs, lastSeq] = [ms, seq];
    return `${ms}-${seq}`;
  }

  const streamKey = (articleId: number) => `${redis!.prefix}live:${articleId}`;
  const sinceKey = () => `${redis!.prefix}live:since`;
  let publishCommand: PublishCommand | undefined;
  if (redis) {
    redis.client.defineCommand('broadsheetLivePublish', { numberOfKeys: 2, lua: PUBLISH_SCRIPT });
    publishCommand = (redis.client as unknown as { broadsheetLivePublish: PublishCommand }).broadsheetLivePublish.bind(
      redis.client,
    );
    redis.subscribe(CHANNEL, (text) => {
      const space = text.indexOf(' ');
      try {
        const wire = JSON.parse(text.slice(space + 1)) as Wire;
        if (wire.o !== redis.instanceId) deliver(wire.a, toEvent(text.slice(0, space), wire.t, wire.d));
      } catch {
        // not ours
      }
    });
  }

  async function publish(articleId: number, type: LiveEventType, data: unknown): Promise<void> {
    if (redis && publishCommand && redis.isUp()) {
      const wire: Wire = { o: redis.instanceId, a: articleId, t: type, d: data };
      try {
        const id = await publishCommand(
          streamKey(articleId),
          sinceKey(),
          BUFFER_SIZE,
          STREAM_TTL_MS,
          redis.prefix + CHANNEL,
          JSON.stringify(wire),
          Date.now(),
        );
        return deliver(articleId, toEvent(id, type, data));
      } catch {
        // Redis went away just now: this instance's readers still get the event.
      }
    }
    deliver(articleId, toEvent(localId(articleId), type, data));
  }

  const track = (work: Promise<void>) => {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  };
  // A story rated by many at once moves its score many times in one turn of the event loop:
  // readers get the last of them, once a turn. Each event is the whole score, so the ones
  // skipped hold nothing the last does not (and with Redis each was a round trip).
  const scores = new Map<number, { score: number | null; count: number }>();
  const sendScores = () => {
    for (const [articleId, score] of scores) track(publish(articleId, 'rating', score));
    scores.clear();
  };
  // Only changes made here: those from other instances arrive ready-made on the live channel.
  events.on('rating.changed', ({ articleId, score, count }, { remote }) => {
    if (remote) return;
    if (scores.size === 0) setImmediate(sendScores);
    scores.set(articleId, { score, count });
  });
  events.on('comment.published', ({ articleId, commentId }, { remote }) => {
    if (remote) return;
    track(
      comments
        .findPublished(commentId)
        .then((comment) => (comment ? publish(articleId, 'comment', comment) : undefined))
        .catch((err: unknown) => log.warn({ err, commentId }, 'live update for a published comment failed')),
    );
  });

  async function stored(articleId: number): Promise<{ events: LiveEvent[]; horizon: number }> {
    if (redis?.isUp()) {
      try {
        const now = Date.now();
        const results = (await redis.client
          .multi()
          .set(sinceKey(), now, 'NX')
          .get(sinceKey())
          .xrange(streamKey(articleId), '-', '+')
          .exec()) as [Error | null, unknown][];
        const since = results[1]?.[1] as string | null;
        const entries = (results[2]?.[1] ?? []) as [string, string[]][];
        const events = entries.flatMap(([id, fields]) => {
          const wire = JSON.parse(fields[1] ?? '{}') as Wire;
          return wire.t ? [toEvent(id, wire.t, wire.d)] : [];
        });
        return { events, horizon: Math.max(Number(since ?? now), now - STREAM_TTL_MS) };
      } catch {
        // fall through to this instance's memory
      }
    }
    return { events: buffers.get(articleId) ?? [], horizon: localHorizon };
  }

  return {
    subscribe(articleId, listener) {
      let set = subscribers.get(articleId);
      if (!set) subscribers.set(articleId, (set = new Set()));
      set.add(listener);
      count++;
      return () => {
        if (!set.delete(listener)) return;
        count--;
        if (set.size === 0) subscribers.delete(articleId);
      };
    },

    async replay(articleId, lastEventId) {
      const { events: kept, horizon } = await stored(articleId);
      const newest = kept.at(-1)?.id ?? '0-0';
      const last = parseEventId(lastEventId);
      if (!last || !lastEventId) return { events: [], gap: false, newest };
      const events = kept.filter((e) => compareIds(e.id, lastEventId) > 0);
      const lastIsZero = last[0] === 0 && last[1] === 0;
      // Lost: the buffer no longer reaches back to the reader's last event, or the reader's
      // last event is older than what the buffer has been recording since.
      const trimmed = kept.length >= BUFFER_SIZE && events.length === kept.length;
      const gap = trimmed || (!lastIsZero && last[0] < horizon);
      return { events, gap, newest: events.at(-1)?.id ?? (compareIds(newest, lastEventId) > 0 ? newest : lastEventId) };
    },

    readers: () => count,

    async close() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}
