// Server-Sent Events for one article: score changes and newly published comments.
// A reader costs one socket and one entry in the feed's subscriber set: events are serialised
// once for all readers, and one timer sends every stream's keep-alive.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServerResponse } from 'node:http';
import type { AppDeps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { addressKey } from '../../lib/client-address.ts';
import { ArticleRef, errorResponses } from '../api.schemas.ts';
import { parseArticleRef } from '../articles/article-api.routes.ts';
import { compareIds, type LiveEvent } from './live-feed.ts';

const HEARTBEAT_MS = 25_000;
/** A reader this far behind is not reading: drop them rather than buffer for them. */
const MAX_BUFFERED_BYTES = 1 << 20;
/** How soon a reader reconnects after a drop (the browser adds nothing of its own). */
const RETRY_MS = 3_000;
/** When the server shuts down: reconnect soon, most likely to another instance. */
const RETRY_ON_SHUTDOWN_MS = 1_000;

export function liveApi(deps: Pick<AppDeps, 'articles' | 'live' | 'config'>): FastifyPluginAsyncTypebox {
  const { articles, live } = deps;
  const open = new Set<ServerResponse>();
  // Open streams per client address (IPv4, IPv6 /64): each holds a socket for as long as the page is open.
  const perAddress = new Map<string, number>();
  const maxPerAddress = deps.config.maxEventStreamsPerAddress;
  const write = (res: ServerResponse, text: string) => {
    if (res.destroyed || res.writableEnded) return;
    if (res.writableLength > MAX_BUFFERED_BYTES) res.destroy();
    else res.write(text);
  };

  return async (app) => {
    const heartbeat = setInterval(() => {
      for (const res of open) write(res, ': keep-alive\n\n');
    }, HEARTBEAT_MS).unref();
    // Streams never end by themselves: end them so that closing the server does not wait.
    app.addHook('preClose', async () => {
      clearInterval(heartbeat);
      for (const res of open) res.end(`retry: ${RETRY_ON_SHUTDOWN_MS}\n\n`);
      open.clear();
    });

    // GET /api/v1/articles/:id/events — text/event-stream: `rating` {score,count}, `comment` {comment},
    // `reset` (events were lost: reload the sections); Last-Event-ID replays what was missed
    app.get(
      '/articles/:id/events',
      { config: { access: 'public' }, schema: { tags: ['live'], params: ArticleRef, response: errorResponses } },
      async (request, reply) => {
        const article = await articles.findPublishedRef(parseArticleRef(request.params.id));
        const address = addressKey(request.ip);
        const streams = perAddress.get(address) ?? 0;
        if (streams >= maxPerAddress)
          throw new AppError(
            'rate_limited',
            'Too many live updates open from your network. Close a few pages and reload.',
          );
        perAddress.set(address, streams + 1);
        const header = request.headers['last-event-id'];
        const lastEventId = typeof header === 'string' ? header : undefined;

        // Subscribed before anything is sent: events from here on are held until the replay is out.
        let held: LiveEvent[] | null = [];
        const replayed = new Set<string>();
        const res = reply.raw;
        const send = (event: LiveEvent) => {
          // Skip what the replay already sent, and anything the reader had before reconnecting.
          if (replayed.has(event.id) || (lastEventId !== undefined && compareIds(event.id, lastEventId) <= 0)) return;
          write(res, event.frame);
        };
        const unsubscribe = live.subscribe(article.id, (event) => (held ? held.push(event) : send(event)));
        request.raw.on('close', () => {
          unsubscribe();
          open.delete(res);
          const left = (perAddress.get(address) ?? 1) - 1;
          if (left <= 0) perAddress.delete(address);
          else perAddress.set(address, left);
        });

        reply.hijack();
        for (const [name, value] of Object.entries(reply.getHeaders()))
          if (value !== undefined) res.setHeader(name, value);
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          'x-accel-buffering': 'no',
        });
        res.write(`retry: ${RETRY_MS}\n\n`);
        open.add(res);

        try {
          const replay = await live.replay(article.id, lastEventId);
          if (replay.gap) write(res, 'event: reset\ndata: {}\n\n');
          for (const event of replay.events) {
            write(res, event.frame);
            replayed.add(event.id);
          }
          // A new reader still gets a position, so that after a drop they are sent what happened
          // meanwhile. (An event that arrives here later with that same id is still sent.)
          if (lastEventId === undefined && replay.events.length === 0) write(res, `id: ${replay.newest}\n\n`);
        } catch (err) {
          request.log.warn({ err }, 'live replay failed');
        }
        const waiting = held;
        held = null;
        for (const event of waiting) send(event);
      },
    );
  };
}
