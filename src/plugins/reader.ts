// Who the reader is: a long-lived random cookie (no account, no tracking beyond this site),
// the CSRF token bound to it, and the client address, kept only as a keyed hash.
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors.ts';
import { addressKey } from '../lib/client-address.ts';
import { hmac, randomToken, safeEqual } from '../lib/crypto.ts';

export const READER_COOKIE = 'bs_reader';
const READER_ID = /^[A-Za-z0-9_-]{24}$/;
const ONE_YEAR_S = 365 * 24 * 60 * 60;

declare module 'fastify' {
  interface FastifyRequest {
    /** The reader's id from their cookie, or null on a first visit. */
    readerId: string | null;
  }
}

export interface ReaderTools {
  /**
   * Returns the reader's id, setting the cookie when they have none yet. In the embed's frame
   * (a third-party iframe) the cookie must be SameSite=None to be sent at all, which browsers
   * allow only with Secure, so only over HTTPS; it is also Partitioned (one per host site).
   */
  ensureReader(request: FastifyRequest, reply: FastifyReply, options?: { embedded?: boolean }): string;
  csrfToken(readerId: string): string;
  /** Throws csrf_invalid unless the token belongs to this reader. */
  checkCsrf(request: FastifyRequest, token: unknown): void;
  ipHash(request: FastifyRequest): string;
}

export function createReaderTools({ secret, secureCookies }: { secret: string; secureCookies: boolean }): ReaderTools {
  const csrfToken = (readerId: string) => hmac(secret, 'csrf', readerId);
  return {
    ensureReader(request, reply, { embedded = false } = {}) {
      if (request.readerId) return request.readerId;
      const id = randomToken(18);
      request.readerId = id;
      const thirdParty = embedded && secureCookies ? { sameSite: 'none' as const, partitioned: true } : { sameSite: 'lax' as const };
      reply.setCookie(READER_COOKIE, id, { path: '/', httpOnly: true, secure: secureCookies, maxAge: ONE_YEAR_S, ...thirdParty });
      return id;
    },
    csrfToken,
    checkCsrf(request, token) {
      if (!request.readerId || typeof token !== 'string' || !safeEqual(token, csrfToken(request.readerId))) {
        throw new AppError('csrf_invalid');
      }
    },
    // Counted per client (an IPv4 address, an IPv6 /64), however the address is written.
    ipHash: (request) => hmac(secret, 'ip', addressKey(request.ip)).slice(0, 27),
  };
}

export const readerPlugin = fp(
  async (app) => {
    app.decorateRequest('readerId', null);
    app.addHook('onRequest', async (request) => {
      const id = request.cookies[READER_COOKIE];
      request.readerId = id !== undefined && READER_ID.test(id) ? id : null;
    });
  },
  { name: 'reader', dependencies: ['@fastify/cookie'] },
);
