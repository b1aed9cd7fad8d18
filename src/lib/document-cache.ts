// Rendered documents (feeds, sitemaps) kept in memory until what they show changes, and sent
// with validators so that readers polling them are answered 304 without a body.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createCache } from './cache.ts';
import { CompressedBody, sendCompressed } from './compressed-body.ts';

export interface Document {
  body: string;
  /** Content-Type header. */
  type: string;
  /** What the document depends on, for dropping it: a name ('articles') or an article id. */
  scope: string | number;
}

export interface CachedDocument extends Document {
  /** The body's bytes, ETag and compressed forms, made once. */
  compressed: CompressedBody;
  etag: string;
  lastModified: string;
}

export interface DocumentCache {
  /** The cached document under `key`, or `build`'s, kept when nothing was dropped meanwhile. */
  get(key: string, build: () => Promise<Document>): Promise<CachedDocument>;
  /** Drops the documents of these scopes; all of them without any. */
  drop(...scopes: (string | number)[]): void;
}

/**
 * `ttlMs` bounds how long a document is kept even without an event: a scheduled article whose
 * time comes, or an import from another process on a single instance, emits none. `maxEntries`
 * bounds the memory (a crawler can ask for every article's comment feed).
 */
export function createDocumentCache({
  ttlMs = 300_000,
  maxEntries = 1_000,
}: {
  ttlMs?: number;
  maxEntries?: number;
} = {}): DocumentCache {
  // A document says its scope only once built: any drop spoils the builds under way.
  const cache = createCache<string, CachedDocument, string | number>({
    maxEntries,
    ttlMs,
    scopeOf: (document) => document.scope,
  });

  async function cached(build: () => Promise<Document>): Promise<CachedDocument> {
    const document = await build();
    const compressed = new CompressedBody(Buffer.from(document.body));
    return { ...document, compressed, etag: compressed.etag, lastModified: new Date().toUTCString() };
  }

  return {
    get: (key, build) => cache.load(key, () => cached(build)),
    drop(...scopes) {
      if (scopes.length === 0) return cache.invalidate();
      for (const scope of scopes) cache.invalidate(scope);
    },
  };
}

/**
 * Sends a cached document, or 304 when the client's copy is current (If-None-Match first, as RFC
 * 9110 says). A Cache-Control the caller set (for edge caches) stays.
 */
export function sendDocument(
  request: FastifyRequest,
  reply: FastifyReply,
  document: CachedDocument,
  maxAge = 300,
): FastifyReply {
  if (!reply.hasHeader('cache-control')) reply.header('cache-control', `public, max-age=${maxAge}`);
  reply.header('last-modified', document.lastModified);
  const ifModifiedSince = request.headers['if-modified-since'];
  if (
    request.headers['if-none-match'] === undefined &&
    ifModifiedSince !== undefined &&
    Date.parse(ifModifiedSince) >= Date.parse(document.lastModified)
  ) {
    return reply.header('etag', document.etag).code(304).send();
  }
  return sendCompressed(request, reply.type(document.type), document.compressed);
}
