// The shared article page answered before the framework: once Fastify has sent an address's
// shared page (the same bytes for every reader without anything of their own there), the same
// address asked again by such a reader is answered straight from node:http with the headers that
// response carried, for as long as the page renderer still holds that very body. Routing, hooks
// and reply objects cost about three times what sending the bytes does; a story read by
// thousands of anonymous readers at once (the edge cache's misses included) is mostly this path.
// Whatever the fast path is not sure of (another method, a personal cookie, a body since
// replaced, section lists being reloaded) goes through Fastify as before.
import type { IncomingMessage, OutgoingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ACTED_COOKIE } from '../../plugins/reader.ts';
import { STAFF_COOKIE } from '../../plugins/access.ts';
import { encodedFor, matchesEtag, type CompressedBody } from '../../lib/compressed-body.ts';

/** Addresses kept (each holds a reference to a body the renderer keeps anyway). */
const MAX_ADDRESSES = 1000;
/** Headers that belong to one response, or that the fast path writes itself. */
const PER_RESPONSE = new Set(['content-length', 'content-encoding', 'etag', 'vary', 'date', 'connection', 'keep-alive', 'transfer-encoding']);

/** A response ready to write: its header lines flattened once ([name, value, name, value…]) and its bytes. */
interface Answer {
  headers: string[];
  bytes: Buffer;
}

interface Entry {
  /** The route pattern it was answered by (a metrics label). */
  route: string;
  body: CompressedBody;
  /** Whether the renderer still serves this body at this address. */
  current: () => boolean;
  /** The lines every answer carries (the framework's headers, the ETag and Vary). */
  headers: string[];
  /** The 200 by encoding ('' for none), each made on first demand; the 304. */
  answers: Map<string, Answer>;
  notModified: string[];
}

/**
 * The response for this encoding, made once: building a header object per request (spreading a
 * dozen headers into a new object) cost more than the rest of the fast path together.
 */
function answerFor(entry: Entry, acceptEncoding: string | undefined): Answer {
  const { encoding, bytes } = encodedFor(entry.body, acceptEncoding);
  let answer = entry.answers.get(encoding ?? '');
  if (answer === undefined) {
    const headers = encoding ? [...entry.headers, 'content-encoding', encoding] : [...entry.headers];
    answer = { headers: [...headers, 'content-length', String(bytes.length)], bytes };
    entry.answers.set(encoding ?? '', answer);
  }
  return answer;
}

/** Header lines as node:http's writeHead takes them, a list header once per value. */
function flatten(headers: OutgoingHttpHeaders): string[] {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) lines.push(name, String(one));
  }
  return lines;
}

export interface SharedFastPath {
  /** Marks a request whose answer is the shared page `body`; its headers are taken as it is sent. */
  offer(request: FastifyRequest, body: CompressedBody, current: () => boolean): void;
  /** Fastify's onSend hook: keeps an offered 200 with the headers every other hook gave it. */
  onSend(request: FastifyRequest, reply: FastifyReply): void;
  /** Puts the fast path in front of the server's request handler (Fastify's). */
  install(server: Server): void;
  /** Called for each request the fast path answers (the server's request metrics). */
  onServed(listener: ServedListener): void;
}

export type ServedListener = (labels: { method: string; route: string; status: string }, seconds: number) => void;

/** `ready()` false makes every request take the framework's path (e.g. while section lists reload). */
export function createSharedFastPath({ ready }: { ready: () => boolean }): SharedFastPath {
  const entries = new Map<string, Entry>();
  const offered = new WeakMap<FastifyRequest, Pick<Entry, 'route' | 'body' | 'current'>>();
  const listeners: ServedListener[] = [];
  const served = (req: IncomingMessage, entry: Entry, status: number, started: number) => {
    const labels = { method: req.method!, route: entry.route, status: String(status) };
    for (const listener of listeners) listener(labels, (performance.now() - started) / 1000);
  };

  function personal(cookie: string | undefined): boolean {
    return cookie !== undefined && (cookie.includes(`${ACTED_COOKIE}=`) || cookie.includes(`${STAFF_COOKIE}=`));
  }

  function serve(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const started = performance.now();
    const url = req.url ?? '';
    const entry = entries.get(url);
    if (entry === undefined || personal(req.headers.cookie) || !ready()) return false;
    if (!entry.current()) {
      entries.delete(url);
      return false;
    }
    if (matchesEtag(req.headers['if-none-match'], entry.body.etag)) {
      res.writeHead(304, entry.notModified).end();
      served(req, entry, 304, started);
      return true;
    }
    const { headers, bytes } = answerFor(entry, req.headers['accept-encoding']);
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : bytes);
    served(req, entry, 200, started);
    return true;
  }

  return {
    offer(request, body, current) {
      if (request.method === 'GET' && !personal(request.headers.cookie)) offered.set(request, { route: request.routeOptions.url ?? '', body, current });
    },
    onSend(request, reply) {
      const offer = offered.get(request);
      if (offer === undefined || reply.statusCode !== 200) return;
      const headers: OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(reply.getHeaders())) {
        if (!PER_RESPONSE.has(name.toLowerCase()) && value !== undefined) headers[name] = value;
      }
      // A response that sets a cookie is somebody's: never repeated to others.
      if ('set-cookie' in headers) return;
      if (entries.size >= MAX_ADDRESSES) entries.delete(entries.keys().next().value!);
      const lines = [...flatten(headers), 'etag', offer.body.etag, 'vary', 'Accept-Encoding'];
      entries.set(request.raw.url ?? request.url, { ...offer, headers: lines, answers: new Map(), notModified: lines });
    },
    install(server) {
      const handlers = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
      server.removeAllListeners('request');
      server.on('request', (req: IncomingMessage, res: ServerResponse) => {
        if (serve(req, res)) return;
        for (const handler of handlers) handler(req, res);
      });
    },
    onServed(listener) {
      listeners.push(listener);
    },
  };
}
