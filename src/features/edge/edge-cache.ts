// Edge caches (Varnish, a CDN built on it): what they may keep, under which keys, and telling
// them when it changes. A public response names the keys it depends on in an `xkey` header
// (varnish-modules' xkey); on a change every instance purges the keys it touches, so a copy that
// another instance's edge fetch might have re-cached before that instance heard of the change
// is purged again (deploy/varnish/broadsheet.vcl, docs/DEPLOY.md).
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import type { EventBus } from '../../events.ts';
import { CompressedBody, sendCompressed } from '../../lib/compressed-body.ts';
import { ACTIVITY_LAG_MS } from '../archives/archive.service.ts';

/**
 * Keys: `site` (everything public), `pages` (every article page), `lists` (front page, archives, feeds, sitemaps),
 * `a<id>` (one article).
 */
export const EDGE_KEYS = {
  site: 'site',
  pages: 'pages',
  lists: 'lists',
  article: (id: number) => `a${id}`,
} as const;

/** How long a shared cache keeps a public page when it is told of changes, and when it is not. */
const PURGED_S_MAXAGE = 3600;
const UNPURGED_S_MAXAGE = 10;
/** Lists change without an event when a scheduled article's time comes: kept this long at most. */
const LIST_S_MAXAGE = 60;
const STALE_WHILE_REVALIDATE = 30;
/**
 * Lists show scores and counts, which the instances' list caches take up to ACTIVITY_LAG_MS to
 * show: a rating or comment purges the lists just after that, and a stream of them at most that often.
 */
const LIST_PURGE_DELAY_MS = ACTIVITY_LAG_MS + 100;
const PURGE_TIMEOUT_MS = 2000;

/**
 * Cache-Control for what every reader may share: edge caches keep it, browsers keep it `maxAge`
 * seconds (0: they revalidate with the ETag). A list keeps LIST_S_MAXAGE at most.
 */
export function sharedCacheControl(
  purging: boolean,
  { list = false, maxAge = 0 }: { list?: boolean; maxAge?: number } = {},
): string {
  const sMaxAge = !purging ? UNPURGED_S_MAXAGE : list ? LIST_S_MAXAGE : PURGED_S_MAXAGE;
  return `public, max-age=${maxAge}, s-maxage=${sMaxAge}, stale-while-revalidate=${STALE_WHILE_REVALIDATE}`;
}

/** Marks a response as shared, depending on these keys (`site` is always among them). */
export function markShared(
  reply: FastifyReply,
  { keys, purging, maxAge }: { keys: string[]; purging: boolean; maxAge?: number },
): FastifyReply {
  return reply
    .header('cache-control', sharedCacheControl(purging, { list: keys.includes(EDGE_KEYS.lists), maxAge }))
    .header('xkey', [...keys, EDGE_KEYS.site].join(' '));
}

/**
 * Sends a page rendered for this request that every reader shares (the front page, an archive):
 * marked for edge caches under `keys`, with its ETag (304 when current), compressed once.
 */
export function sendSharedHtml(
  request: FastifyRequest,
  reply: FastifyReply,
  html: string,
  { keys, purging }: { keys: string[]; purging: boolean },
): FastifyReply {
  return sendCompressed(
    request,
    markShared(reply, { keys, purging }).type('text/html; charset=utf-8'),
    new CompressedBody(Buffer.from(html)),
  );
}

export interface EdgePurger {
  /** Sends what is still pending. */
  close(): Promise<void>;
}

/**
 * Purges the keys each change touches at every cache in `urls` (HTTP `PURGE` with an
 * `xkey-purge` header). Keys are gathered and sent together once per turn of the event loop,
 * one request at a time per cache, so a stream of ratings becomes a few purges, not one each.
 * A failed purge is logged; the copy then lives until its s-maxage.
 */
export function createEdgePurger({
  urls,
  events,
  log,
}: {
  urls: readonly string[];
  events: EventBus;
  log: Pick<FastifyBaseLogger, 'warn'>;
}): EdgePurger | undefined {
  if (urls.length === 0) return undefined;
  const pending = new Set<string>();
  let flushing: Promise<void> | undefined;
  let scheduled = false;
  let activity = 0;
  let listsLater: NodeJS.Timeout | undefined;

  const purgeAt = async (url: string, keys: string): Promise<void> => {
    try {
      const response = await fetch(url, {
        method: 'PURGE',
        headers: { 'xkey-purge': keys },
        signal: AbortSignal.timeout(PURGE_TIMEOUT_MS),
      });
      await response.arrayBuffer();
      if (!response.ok) log.warn(`edge purge at ${url} answered ${response.status}`);
    } catch (error) {
      log.warn(`edge purge at ${url} failed: ${(error as Error).message}`);
    }
  };

  const flush = async (): Promise<void> => {
    while (pending.size > 0) {
      const keys = [...pending].join(' ');
      pending.clear();
      await Promise.all(urls.map((url) => purgeAt(url, keys)));
    }
  };

  const add = (...keys: string[]) => {
    for (const key of keys) pending.add(key);
    if (scheduled || flushing) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      flushing = flush().finally(() => (flushing = undefined));
    });
  };
  // Once the lists show this activity; again later if more came while waiting.
  const purgeLists = () => {
    const seen = ++activity;
    if (listsLater) return;
    listsLater = setTimeout(() => {
      listsLater = undefined;
      add(EDGE_KEYS.lists);
      if (activity > seen) purgeLists();
    }, LIST_PURGE_DELAY_MS).unref();
  };

  const countsChanged = ({ articleId }: { articleId: number }) => {
    add(EDGE_KEYS.article(articleId));
    purgeLists();
  };
  events.on('rating.changed', countsChanged);
  events.on('comment.published', countsChanged);
  // An article's change can alter every page's related articles and sections, as in the page cache.
  events.on('article.changed', ({ articleId }) =>
    articleId === null ? add(EDGE_KEYS.site) : add(EDGE_KEYS.article(articleId), EDGE_KEYS.pages, EDGE_KEYS.lists),
  );
  events.on('settings.changed', () => add(EDGE_KEYS.site));

  return {
    async close() {
      if (listsLater) {
        clearTimeout(listsLater);
        listsLater = undefined;
        add(EDGE_KEYS.lists);
      }
      while (scheduled || flushing || pending.size > 0) {
        if (flushing) await flushing;
        else if (scheduled) await new Promise((resolve) => setImmediate(resolve));
        else flushing = flush().finally(() => (flushing = undefined));
      }
    },
  };
}
