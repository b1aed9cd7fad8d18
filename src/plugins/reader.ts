// Who the reader is: a long-lived random cookie (no account, no tracking beyond this site), set
// when they first rate or comment, never on a page view; a marker cookie scoped to each article
// they acted on, so that only those pages are rendered for them; the cross-origin check that
// protects reader forms, applied here to every route that declares `config.readerForm`, so that
// no handler can forget; the CSRF token bound to the cookie (the staff login form's); and the
// client address, kept only as a keyed hash.
import type { FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors.ts';
import { requestAddressKey } from '../lib/client-address.ts';
import { hmac, randomToken, safeEqual } from '../lib/crypto.ts';

export const READER_COOKIE = 'bs_reader';
/**
 * Set with `Path=/articles/<slug>` when a reader rates or comments there: the browser sends it
 * only to that article's pages, so its presence alone says "render this page for this reader"
 * (their rating, their held comments), and its absence says "the shared page" without a
 * database query. Edge caches pass requests that carry it (deploy/varnish/broadsheet.vcl).
 * Its value is `r<rating>` while their rating is all they have there (the page is then the copy
 * kept for that value, found without a query), `1` once they have anything else (a comment).
 * A forged value changes only what that reader is shown about themselves.
 */
export const ACTED_COOKIE = 'bs_acted';
/** The acted cookie of a reader whose only part of the page is their rating, 0 to 100. */
const RATED_ONLY = /^r(100|[1-9]?[0-9])$/;

/** The rating an acted cookie's value carries, when the rating is all the reader has on the page. */
export function ratingOfActed(value: string | undefined): number | null {
  const match = value === undefined ? null : RATED_ONLY.exec(value);
  return match === null ? null : Number(match[1]);
}
const READER_ID = /^[A-Za-z0-9_-]{24}$/;
/** Whether a reader cookie's value is one this site hands out. */
export const isReaderId = (value: string) => READER_ID.test(value);
/** The reader's id from their cookies, or null when they have none (or one this site did not hand out). */
export function readerIdOf(cookies: Record<string, string | undefined>): string | null {
  const id = cookies[READER_COOKIE];
  return id !== undefined && isReaderId(id) ? id : null;
}
const ONE_YEAR_S = 365 * 24 * 60 * 60;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A form readers post (rating, comment, privacy request): refused when a page on another site sent it. */
    readerForm?: boolean;
  }
  interface FastifyRequest {
    /** The reader's id from their cookie, or null before they first rate or comment. */
    readerId: string | null;
  }
}

/** What ReaderTools reads of a request and writes to a reply: a framework's, or a fast path's stand-ins. */
type ReaderRequest = Pick<FastifyRequest, 'readerId'>;
type CookieReply = Pick<FastifyReply, 'setCookie'> & { request: Pick<FastifyRequest, 'url' | 'cookies'> };

export interface ReaderTools {
  /**
   * Returns the reader's id, setting the cookie when they have none yet. In the embed's frame
   * (a third-party iframe) the cookie must be SameSite=None to be sent at all, which browsers
   * allow only with Secure, so only over HTTPS; it is also Partitioned (one per host site).
   */
  ensureReader(
    request: ReaderRequest,
    reply: Pick<FastifyReply, 'setCookie'>,
    options?: { embedded?: boolean },
  ): string;
  /**
   * Marks the article (by its path) as one this reader has something of their own on; `embedded`
   * as for ensureReader. `rating`: what they just rated, kept in the marker while it is all
   * they have there.
   */
  markActed(reply: CookieReply, articlePath: string, options?: { embedded?: boolean; rating?: number }): void;
  /** Whether this request carries the marker of the article page it is for (see ACTED_COOKIE). */
  hasActed(request: FastifyRequest): boolean;
  /** With hasActed: the reader's rating, when their marker says it is all they have on this page; null otherwise. */
  ratingOnly(request: FastifyRequest): number | null;
  csrfToken(readerId: string): string;
  /** Throws csrf_invalid unless the token belongs to this reader. */
  checkCsrf(request: FastifyRequest, token: unknown): void;
  ipHash(request: Pick<FastifyRequest, 'ip'>): string;
}

export function createReaderTools({ secret, secureCookies }: { secret: string; secureCookies: boolean }): ReaderTools {
  const csrfToken = (readerId: string) => hmac(secret, 'csrf', readerId);
  // A third-party iframe (the embed's frame) is sent only SameSite=None cookies, which browsers
  // accept only with Secure, so only over HTTPS; they are also Partitioned (one per host site).
  const sameSite = (embedded: boolean) =>
    embedded && secureCookies ? { sameSite: 'none' as const, partitioned: true } : { sameSite: 'lax' as const };
  return {
    ensureReader(request, reply, { embedded = false } = {}) {
      if (request.readerId) return request.readerId;
      const id = randomToken(18);
      request.readerId = id;
      reply.setCookie(READER_COOKIE, id, {
        path: '/',
        httpOnly: true,
        secure: secureCookies,
        maxAge: ONE_YEAR_S,
        ...sameSite(embedded),
      });
      return id;
    },
    markActed(reply, articlePath, { embedded = false, rating } = {}) {
      // A rating keeps the marker "rating only" unless the reader already has more here. The
      // marker is only sent to addresses under the article's path: from elsewhere (the JSON API)
      // what the reader has there cannot be seen, so the marker says "more than a rating".
      const path = reply.request.url.split('?', 1)[0]!;
      const seen = path === articlePath || path.startsWith(`${articlePath}/`);
      const kept = reply.request.cookies[ACTED_COOKIE];
      const ratingOnly = seen && (kept === undefined || ratingOfActed(kept) !== null);
      const value = rating !== undefined && ratingOnly ? `r${rating}` : '1';
      reply.setCookie(ACTED_COOKIE, value, {
        path: articlePath,
        httpOnly: true,
        secure: secureCookies,
        maxAge: ONE_YEAR_S,
        ...sameSite(embedded),
      });
    },
    hasActed: (request) => request.readerId !== null && request.cookies[ACTED_COOKIE] !== undefined,
    ratingOnly: (request) => (request.readerId === null ? null : ratingOfActed(request.cookies[ACTED_COOKIE])),
    csrfToken,
    checkCsrf(request, token) {
      if (!request.readerId || typeof token !== 'string' || !safeEqual(token, csrfToken(request.readerId))) {
        throw new AppError('csrf_invalid');
      }
    },
    // Counted per client (an IPv4 address, an IPv6 /64), however the address is written.
    ipHash: (request) => hmac(secret, 'ip', requestAddressKey(request)).slice(0, 27),
  };
}

/**
 * Cross-origin request protection as Go 1.25's CrossOriginProtection and OWASP describe it.
 * Browsers send `Sec-Fetch-Site` with every request (all current ones): only `same-origin` and
 * `none` (typed into the address bar, a bookmark) may post. Older browsers send `Origin` with
 * every cross-origin POST: it must be this site's (PUBLIC_URL's origin, or the Host it was
 * asked for). A request with neither header did not come from a browser page on another site
 * (curl, a server), which is what CSRF is about; the reader cookie is SameSite=Lax besides.
 */
export function isSameOrigin(request: FastifyRequest, publicOrigin: string): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin' || site === 'none';
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  if (origin === publicOrigin) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false; // "null" (a sandboxed page, a privacy-sensitive redirect) or garbage
  }
}

export const readerPlugin = fp(
  async (app, { publicUrl }: { publicUrl: string }) => {
    app.decorateRequest('readerId', null);
    app.addHook('onRequest', async (request) => {
      request.readerId = readerIdOf(request.cookies);
    });

    // The reader forms' protection, which needs no per-reader token. Checked after the body is
    // read, so that a route's error handler can answer with the form again, the text kept.
    const publicOrigin = new URL(publicUrl).origin;
    const checkSameOrigin: preHandlerHookHandler = async (request) => {
      if (!isSameOrigin(request, publicOrigin)) throw new AppError('csrf_invalid');
    };
    app.addHook('onRoute', (route) => {
      if (route.config?.readerForm) route.preHandler = [checkSameOrigin, ...toArray(route.preHandler)];
    });
  },
  { name: 'reader', dependencies: ['@fastify/cookie'] },
);

function toArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
