// Rendered documents (feeds, sitemaps) kept in memory until what they show changes, and sent
// with validators so that readers polling them are answered 304 without a body.
import type { FastifyReply, FastifyRequest } from 'fastify';
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
  expires: number;
}

export interface DocumentCache {
  /** The cached document under `key`, or `build`'s, kept when nothing was dropped meanwhile. */
  get(key: string, build: () => Promise<Document>): Promise<CachedDocument>;
  /** Drops the documents whose scope matches; all of them without a predicate. */
  drop(matches?: (scope: string | number) => boolean): void;
}

/**
 * `ttlMs` bounds how long a document is kept even without an event: a scheduled article whose
 * time comes, or an import from another process on a single instance, emits none. `maxEntries`
 * bounds the memory (a crawler can ask for every article's comment feed): the least recently
 * used document goes first.
 */
export function createDocumentCache({ ttlMs = 300_000, maxEntries = 1_000 }: { ttlMs?: number; maxEntries?: number } = {}): DocumentCache {
  const entries = new Map<string, CachedDocument>();
  // Requests that miss together share one build, unless something was dropped since it began.
  const building = new Map<string, Promise<CachedDocument>>();
  // A document built while something was dropped may show the old state: it is served, not kept.
  let generation = 0;

  async function buildEntry(key: string, build: () => Promise<Document>): Promise<CachedDocument> {
    const started = generation;
    const document = await build();
    const compressed = new CompressedBody(Buffer.from(document.body));
    const entry: CachedDocument = {
      ...document,
      compressed,
      etag: compressed.etag,
      lastModified: new Date().toUTCString(),
      expires: Date.now() + ttlMs,
    };
    if (started === generation) {
      entries.delete(key);
      entries.set(key, entry);
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    }
    return entry;
  }

  return {
    get(key, build) {
      const cached = entries.get(key);
      if (cached && cached.expires > Date.now()) {
        // Map order is the eviction order: a document read moves to the back.
        entries.delete(key);
        entries.set(key, cached);
        return Promise.resolve(cached);
      }
      const pending = building.get(key);
      if (pending) return pending;
      const promise = buildEntry(key, build).finally(() => {
        if (building.get(key) === promise) building.delete(key);
      });
      building.set(key, promise);
      return promise;
    },
    drop(matches) {
      generation++;
      building.clear();
      if (!matches) return entries.clear();
      for (const [key, entry] of entries) if (matches(entry.scope)) entries.delete(key);
    },
  };
}

/**
 * Sends a cached document, or 304 when the client's copy is current (If-None-Match first, as RFC
 * 9110 says). A Cache-Control the caller set (for edge caches) stays.
 */
export function sendDocument(request: FastifyRequest, reply: FastifyReply, document: CachedDocument, maxAge = 300): FastifyReply {
  if (!reply.hasHeader('cache-control')) reply.header('cache-control', `public, max-age=${maxAge}`);
  reply.header('last-modified', document.lastModified);
  const ifModifiedSince = request.headers['if-modified-since'];
  if (request.headers['if-none-match'] === undefined && ifModifiedSince !== undefined && Date.parse(ifModifiedSince) >= Date.parse(document.lastModified)) {
    return reply.header('etag', document.etag).code(304).send();
  }
  return sendCompressed(request, reply.type(document.type), document.compressed);
}
