// Edge caches (Varnish, a CDN built on it): what they may keep, under which keys, and telling
// them when it changes. A public response names the keys it depends on in an `xkey` header
// (varnish-modules' xkey); on a change every instance purges the keys it touches, so a copy that
// another instance's edge fetch might have re-cached before that instance heard of the change
// is purged again (deploy/varnish/broadsheet.vcl, docs/DEPLOY.md).
import type { FastifyBaseLogger, FastifyReply } from 'fastify';
import type { EventBus } from '../../events.ts';

/** Keys: `site` (everything public), `pages` (every article page), `lists` (front page, archives, feeds, sitemaps), `a<id>` (one article). */
export const EDGE_KEYS = {
  site: 'site',
  pages: 'pages',
  lists: 'lists',
  article: (id: number) => `a${id}`,
} as const;

/** How long a shared cache keeps a public page when it is told of changes, and when it is not. */
const PURGED_S_MAXAGE = 3600;
const UNPURGED_S_MAXAGE = 10;
const STALE_WHILE_REVALIDATE = 30;
/** Lists show scores and counts: a rating or comment purges them at most this often. */
const LIST_PURGE_INTERVAL_MS = 3000;
const PURGE_TIMEOUT_MS = 2000;

/** Cache-Control for what every reader may share: browsers revalidate (ETag), edge caches keep it. */
export function sharedCacheControl(purging: boolean): string {
  return `public, max-age=0, s-maxage=${purging ? PURGED_S_MAXAGE : UNPURGED_S_MAXAGE}, stale-while-revalidate=${STALE_WHILE_REVALIDATE}`;
}

/** Marks a response as shared, depending on these keys (`site` is always among them). */
export function markShared(reply: FastifyReply, { keys, purging }: { keys: string[]; purging: boolean }): FastifyReply {
  return reply.header('cache-control', sharedCacheControl(purging)).header('xkey', [...keys, EDGE_KEYS.site].join(' '));
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
export function createEdgePurger({ urls, events, log }: { urls: readonly string[]; events: EventBus; log: Pick<FastifyBaseLogger, 'warn'> }): EdgePurger | undefined {
  if (urls.length === 0) return undefined;
  const pending = new Set<string>();
  let flushing: Promise<void> | undefined;
  let scheduled = false;
  let listsPurgedAt = 0;

  const purgeAt = async (url: string, keys: string): Promise<void> => {
    try {
      const response = await fetch(url, { method: 'PURGE', headers: { 'xkey-purge': keys }, signal: AbortSignal.timeout(PURGE_TIMEOUT_MS) });
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
  const listsNowAndThen = (): string[] => {
    const now = Date.now();
    if (now - listsPurgedAt < LIST_PURGE_INTERVAL_MS) return [];
    listsPurgedAt = now;
    return [EDGE_KEYS.lists];
  };

  events.on('rating.changed', ({ articleId }) => add(EDGE_KEYS.article(articleId), ...listsNowAndThen()));
  events.on('comment.published', ({ articleId }) => add(EDGE_KEYS.article(articleId), ...listsNowAndThen()));
  // An article's change can alter every page's related articles and sections, as in the page cache.
  events.on('article.changed', ({ articleId }) => (articleId === null ? add(EDGE_KEYS.site) : add(EDGE_KEYS.article(articleId), EDGE_KEYS.pages, EDGE_KEYS.lists)));
  events.on('settings.changed', () => add(EDGE_KEYS.site));

  return {
    async close() {
      while (scheduled || flushing || pending.size > 0) {
        if (flushing) await flushing;
        else if (scheduled) await new Promise((resolve) => setImmediate(resolve));
        else flushing = flush().finally(() => (flushing = undefined));
      }
    },
  };
}
