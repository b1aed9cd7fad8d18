// The shared article page answered before the framework: once Fastify has sent an address's
// shared page (the same bytes for every reader without anything of their own there), the same
// address asked again by such a reader is answered straight from node:http with the headers that
// response carried, for as long as the page renderer still holds that very body. Routing, hooks
// and reply objects cost about three times what sending the bytes does; a story read by
// thousands of anonymous readers at once (the edge cache's misses included) is mostly this path.
// A reader whose marker cookie says their rating is all they have on the page is answered the same
// way with the copy kept for that rating value (private, as Fastify sent it). A body since replaced
// (a rating, a comment) is made again here, by the same render the route asked for, and sent with
// the same headers: the first read after each write would otherwise pay the framework again.
// Whatever the fast path is not sure of (another method, any other marker or a staff cookie, a
// render that fails, section lists being reloaded) goes through Fastify as before.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
// Imported, not the global: reading the global `performance` is a slow accessor on every request.
import { performance } from 'node:perf_hooks';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ACTED_COOKIE, READER_COOKIE, isReaderId, ratingOfActed } from '../../plugins/reader.ts';
import { STAFF_COOKIE } from '../../plugins/access.ts';
import { encodedFor, matchesEtag, type CompressedBody } from '../../lib/compressed-body.ts';

/** Addresses kept (each holds a reference to a body the renderer keeps anyway). */
const MAX_ADDRESSES = 1000;
/** Accept-Encoding values remembered per address: browsers send a handful; a client inventing more is still answered. */
const MAX_ACCEPT_ENCODINGS = 16;
/** Headers that belong to one response, or that the fast path writes itself. */
const PER_RESPONSE = new Set([
  'content-length',
  'content-encoding',
  'etag',
  'vary',
  'date',
  'connection',
  'keep-alive',
  'transfer-encoding',
]);

/** A response ready to write: its header lines flattened once ([name, value, name, value…]) and its bytes. */
interface Answer {
  headers: string[];
  bytes: Buffer;
}

/** A body the renderer serves at an address, and whether it still does. */
export interface Served {
  body: CompressedBody;
  current: () => boolean;
}

interface Entry extends Served {
  /** The route pattern it was answered by (a metrics label). */
  route: string;
  /** The render that made the body, run again once it is replaced; undefined when it no longer makes one kept here. */
  refresh: () => Promise<Served | undefined>;
  /** The framework's header lines, without those of one body. */
  base: string[];
  /** The lines every answer carries (the framework's headers, the ETag and Vary). */
  headers: string[];
  /** The 200 by encoding ('' for none), each made on first demand (a 304 carries `headers` alone). */
  answers: Map<string, Answer>;
  /** The 200 by the Accept-Encoding header as sent: parsing the header cost more than sending. */
  byAcceptEncoding: Map<string, Answer>;
  /** The metrics labels of a GET answered 200 and 304, made once: not an object per request. */
  labels: { ok: ServedLabels; notModified: ServedLabels };
}

/**
 * The response for this encoding, made once: building a header object per request (spreading a
 * dozen headers into a new object) cost more than the rest of the fast path together.
 */
function answerFor(entry: Entry, acceptEncoding = ''): Answer {
  const known = entry.byAcceptEncoding.get(acceptEncoding);
  if (known !== undefined) return known;
  const { encoding, bytes, lasting } = encodedFor(entry.body, acceptEncoding);
  let answer = entry.answers.get(encoding ?? '');
  if (answer === undefined) {
    const headers = encoding ? [...entry.headers, 'content-encoding', encoding] : [...entry.headers];
    answer = { headers: [...headers, 'content-length', String(bytes.length)], bytes };
    entry.answers.set(encoding ?? '', answer);
  }
  if (lasting && entry.byAcceptEncoding.size < MAX_ACCEPT_ENCODINGS) entry.byAcceptEncoding.set(acceptEncoding, answer);
  return answer;
}

/**
 * A framework answer's header lines as node:http's writeHead takes them (a list header once per
 * value), without those named in `skip` (lower case): what a fast path sends again.
 */
export function headerLines(
  headers: Record<string, string | number | readonly string[] | undefined>,
  skip: ReadonlySet<string>,
): string[] {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || skip.has(name.toLowerCase())) continue;
    for (const one of Array.isArray(value) ? value : [value]) lines.push(name, String(one));
  }
  return lines;
}

type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Puts `serve` in front of the server's request handlers (the framework's): a request it does
 * not answer (false) goes on to them. Returns the handlers, for requests handed on later.
 */
export function inFront(server: Server, serve: (req: IncomingMessage, res: ServerResponse) => boolean): RequestHandler {
  const handlers = server.listeners('request') as RequestHandler[];
  server.removeAllListeners('request');
  const framework: RequestHandler = (req, res) => {
    for (const handler of handlers) handler(req, res);
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!serve(req, res)) framework(req, res);
  });
  return framework;
}

const keyOf = (variant: string, url: string) => (variant === '' ? url : `${variant} ${url}`);

/**
 * Which kept page a request's cookies ask for: '' the shared page (no marker, no staff
 * session), `r<rating>` a rater's kept copy (a reader cookie and a "rating only" marker), or
 * undefined for anything the framework must decide (staff, any other marker, repeated or
 * malformed cookies).
 */
function variantOf(cookie: string | undefined): string | undefined {
  if (cookie === undefined) return '';
  if (cookie.includes(`${STAFF_COOKIE}=`)) return undefined;
  if (!cookie.includes(`${ACTED_COOKIE}=`)) return '';
  let acted: string | undefined;
  let reader: string | undefined;
  for (const pair of cookie.split(';')) {
    const at = pair.indexOf('=');
    const name = pair.slice(0, at).trim();
    const value = pair.slice(at + 1).trim();
    if (name === ACTED_COOKIE) {
      if (acted !== undefined) return undefined;
      acted = value;
    } else if (name === READER_COOKIE) {
      if (reader !== undefined) return undefined;
      reader = value;
    }
  }
  const rating = ratingOfActed(acted);
  return rating !== null && reader !== undefined && isReaderId(reader) ? `r${rating}` : undefined;
}

export interface SharedFastPath {
  /**
   * Marks a request whose answer is the shared page `body`, or (with `rating`) the copy kept for
   * every reader whose marker says that rating is all they have here; its headers are taken as
   * it is sent.
   */
  offer(request: FastifyRequest, served: Served & Pick<Entry, 'refresh'>, kept?: { rating: number }): void;
  /** Fastify's onSend hook: keeps an offered 200 with the headers every other hook gave it. */
  onSend(request: FastifyRequest, reply: FastifyReply): void;
  /** Puts the fast path in front of the server's request handler (Fastify's). */
  install(server: Server): void;
  /** Called for each request the fast path answers (the server's request metrics). */
  onServed(listener: ServedListener): void;
}

export interface ServedLabels {
  readonly method: string;
  readonly route: string;
  readonly status: string;
}

/** `labels` may be the same object for many requests: kept, never changed. */
export type ServedListener = (labels: ServedLabels, seconds: number) => void;

/** `ready()` false makes every request take the framework's path (e.g. while section lists reload). */
export function createSharedFastPath({ ready }: { ready: () => boolean }): SharedFastPath {
  const entries = new Map<string, Entry>();
  const offered = new WeakMap<
    FastifyRequest,
    Pick<Entry, 'route' | 'body' | 'current' | 'refresh'> & { variant: string }
  >();
  const listeners: ServedListener[] = [];
  // The server's own request handlers (Fastify's), set by install().
  let framework: (req: IncomingMessage, res: ServerResponse) => void = () => {};
  const served = (req: IncomingMessage, entry: Entry, status: number, started: number) => {
    const labels =
      req.method === 'GET'
        ? status === 200
          ? entry.labels.ok
          : entry.labels.notModified
        : { method: req.method!, route: entry.route, status: String(status) };
    for (const listener of listeners) listener(labels, (performance.now() - started) / 1000);
  };

  /** Takes a body for the entry: its header lines and answers are made anew. */
  function replace(entry: Entry, { body, current }: Served): void {
    entry.body = body;
    entry.current = current;
    entry.headers = [...entry.base, 'etag', body.etag, 'vary', 'Accept-Encoding'];
    entry.answers = new Map();
    entry.byAcceptEncoding = new Map();
  }

  /**
   * Answers from the entry's render made again; the framework answers when the render fails or
   * no longer gives a body kept at this address (the article withdrawn, a comment page gone).
   */
  async function serveRefreshed(req: IncomingMessage, res: ServerResponse, key: string, entry: Entry): Promise<void> {
    const started = performance.now();
    let served: Served | undefined;
    try {
      served = await entry.refresh();
    } catch {
      served = undefined;
    }
    if (served === undefined || !ready()) {
      if (entries.get(key) === entry) entries.delete(key);
      return framework(req, res);
    }
    // A request for the same address may have replaced the body meanwhile: the newer is kept.
    if (entry.body !== served.body && !entry.current()) replace(entry, served);
    answer(req, res, entry, started);
  }

  function answer(req: IncomingMessage, res: ServerResponse, entry: Entry, started: number): void {
    if (matchesEtag(req.headers['if-none-match'], entry.body.etag)) {
      res.writeHead(304, entry.headers).end();
      served(req, entry, 304, started);
      return;
    }
    const { headers, bytes } = answerFor(entry, req.headers['accept-encoding']);
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : bytes);
    served(req, entry, 200, started);
  }

  /** True when the request is answered here (perhaps after a render), false when the framework must. */
  function serve(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const started = performance.now();
    const variant = variantOf(req.headers.cookie);
    if (variant === undefined || !ready()) return false;
    const key = keyOf(variant, req.url ?? '');
    const entry = entries.get(key);
    if (entry === undefined) return false;
    if (!entry.current()) {
      serveRefreshed(req, res, key, entry).catch((error: Error) =>
        res.headersSent ? res.destroy(error) : framework(req, res),
      );
      return true;
    }
    answer(req, res, entry, started);
    return true;
  }

  return {
    offer(request, { body, current, refresh }, kept) {
      // Kept only when the raw cookie says what the framework decided, so that serve() tells it the same way.
      const variant = kept === undefined ? '' : `r${kept.rating}`;
      if (request.method === 'GET' && variantOf(request.headers.cookie) === variant)
        offered.set(request, { route: request.routeOptions.url ?? '', body, current, refresh, variant });
    },
    onSend(request, reply) {
      const offer = offered.get(request);
      if (offer === undefined || reply.statusCode !== 200) return;
      const headers = reply.getHeaders();
      // A response that sets a cookie is somebody's: never repeated to others.
      if (headers['set-cookie'] !== undefined) return;
      if (entries.size >= MAX_ADDRESSES) entries.delete(entries.keys().next().value!);
      const entry: Entry = {
        ...offer,
        base: headerLines(headers, PER_RESPONSE),
        headers: [],
        answers: new Map(),
        byAcceptEncoding: new Map(),
        labels: {
          ok: { method: 'GET', route: offer.route, status: '200' },
          notModified: { method: 'GET', route: offer.route, status: '304' },
        },
      };
      replace(entry, offer);
      entries.set(keyOf(offer.variant, request.raw.url ?? request.url), entry);
    },
    install(server) {
      framework = inFront(server, serve);
    },
    onServed(listener) {
      listeners.push(listener);
    },
  };
}
