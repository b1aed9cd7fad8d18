// Security headers, computed once. The CSP allows no inline script and no third-party origin.
import type { FastifyReply } from 'fastify';
import fp from 'fastify-plugin';

const POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
];
const CSP = [...POLICY, "frame-ancestors 'none'"].join('; ');

/**
 * The embed's frame may be framed, but only by the allowed origins (and this site): every other
 * page keeps `frame-ancestors 'none'` and X-Frame-Options DENY.
 */
export function allowFramingBy(reply: FastifyReply, origins: Iterable<string>): void {
  reply.header(
    'content-security-policy',
    [...POLICY, `frame-ancestors 'self' ${[...origins].join(' ')}`.trim()].join('; '),
  );
  reply.removeHeader('x-frame-options');
}

/** The headers every answer carries, errors included (see plugins/error-handler.ts). */
export function securityHeaders({ hsts }: { hsts: boolean }): Record<string, string> {
  const headers: Record<string, string> = {
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
  };
  if (hsts) headers['strict-transport-security'] = 'max-age=31536000; includeSubDomains';
  return headers;
}

export const securityHeadersPlugin = fp(
  async (app, { hsts }: { hsts: boolean }) => {
    const headers = securityHeaders({ hsts });
    app.addHook('onRequest', async (_request, reply) => {
      reply.headers(headers);
    });
  },
  { name: 'security-headers' },
);
