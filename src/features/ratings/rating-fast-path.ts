// A reader's rating through the JSON API, answered before the framework. A rating is the smallest
// write readers make and the most frequent (a story rated by thousands at once), and routing,
// hooks, validation and the reply objects cost the framework as much as the rating itself. Only
// the HTTP is done here: the rating service rates (its rules, events and webhooks), the post
// limit counts (plugins/post-limit.ts), ReaderTools sets the reader's cookies, and the headers are
// those the framework's own last answer to a rating carried.
//
// Taken here: a POST to /api/v1/articles/<id>/ratings whose JSON body is one whole `value` from 0
// to 100, with no Origin but the site's own, from a client under the limit, once the framework
// has answered a rating (its headers learnt). What is not decided on the headers goes to the
// framework untouched; what is found out once the body is read (bad JSON, another shape, no such
// article, a refusal, a failure) is handed to it as a replay of the same request, counted once by
// the limit, so it answers exactly as it would have (nothing was written: the service writes all
// or nothing).
import { IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { fastifyCookie, type CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyError, FastifyReply, onSendHookHandler } from 'fastify';
import proxyAddr from '@fastify/proxy-addr';
import type { ArticleService } from '../articles/article.service.ts';
import { articlePath } from '../articles/article.model.ts';
import { headerLines, inFront, type ServedListener } from '../edge/shared-fast-path.ts';
import { AppError, errorBody } from '../../errors.ts';
import { toAppError } from '../../plugins/error-handler.ts';
import { NO_ROUTE, type PostLimit, type Taken } from '../../plugins/post-limit.ts';
import { readerIdOf, type ReaderTools } from '../../plugins/reader.ts';
import type { RatingService } from './rating.service.ts';

const ROUTE = '/api/v1/articles/:id/ratings';
const PATH = /^\/api\/v1\/articles\/(\d{1,15})\/ratings$/;
const JSON_TYPE = /^application\/json(?:;\s*charset=utf-8)?$/i;
/** `{"value":100}` with room for whitespace; anything longer is the framework's to judge. */
const MAX_BODY_BYTES = 256;
/** Headers that belong to one answer, or that the fast path writes itself. */
const PER_RESPONSE = new Set([
  'content-length',
  'set-cookie',
  'date',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-encoding',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'retry-after',
]);
const OK = { method: 'POST', route: ROUTE, status: '200' } as const;

export interface RatingFastPath {
  /** The rating route's onSend hook: learns the headers of the framework's first answer to a rating. */
  learn: onSendHookHandler;
  /** Puts the fast path in front of the server's request handlers. */
  install(server: Server): void;
  /** Called for each rating answered here (the server's request metrics). */
  onServed(listener: ServedListener): void;
}

export function createRatingFastPath({
  articles,
  ratings,
  readers,
  postLimit,
  trustProxy,
  plainOrigin,
  ready,
  logFailure,
}: {
  articles: Pick<ArticleService, 'findPublishedRef'>;
  ratings: Pick<RatingService, 'rate'>;
  readers: Pick<ReaderTools, 'ensureReader' | 'markActed' | 'ipHash'>;
  postLimit: Pick<PostLimit, 'take' | 'counted'>;
  /** The framework's trust in proxies, for the client's address (as `request.ip` has it). */
  trustProxy: (address: string, hop: number) => boolean;
  /** Whether a request with this Origin header (or none) gets no CORS headers from the API. */
  plainOrigin: (origin: string | undefined) => boolean;
  /** False while the framework must answer everything (section lists reloading). */
  ready: () => boolean;
  /** Logs a rating that failed (the framework's error log). */
  logFailure: (error: unknown) => void;
}): RatingFastPath {
  const listeners: ServedListener[] = [];
  // The framework's answer to a rating: its header lines, none of them one answer's own.
  let learnt: string[] | undefined;
  let framework: (req: IncomingMessage, res: ServerResponse) => void = () => {};

  /** The request handed to the framework as it came, its body given again, counted already by the limit. */
  function replay(req: IncomingMessage, res: ServerResponse, body: Buffer, taken: Taken): void {
    const again = new IncomingMessage(req.socket);
    again.method = req.method;
    again.url = req.url;
    again.headers = req.headers;
    again.rawHeaders = req.rawHeaders;
    again.httpVersion = req.httpVersion;
    again.httpVersionMajor = req.httpVersionMajor;
    again.httpVersionMinor = req.httpVersionMinor;
    again.push(body);
    again.push(null);
    // Read in full: otherwise, once read to its end, it would take itself for an aborted request
    // and close the connection.
    again.complete = true;
    postLimit.counted(again, taken);
    framework(again, res);
  }

  /** The request's body, read to its end (its length is bounded by serve()). */
  function bodyOf(req: IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
      req.once('error', reject);
    });
  }

  /** The whole value of `{"value": n}`, or undefined for any other body. */
  function ratingValueOf(body: Buffer): number | undefined {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    const keys = Object.keys(parsed);
    const { value } = parsed as { value?: unknown };
    return keys.length === 1 &&
      keys[0] === 'value' &&
      Number.isInteger(value) &&
      (value as number) >= 0 &&
      (value as number) <= 100
      ? (value as number)
      : undefined;
  }

  async function rate(req: IncomingMessage, res: ServerResponse, articleId: number, started: number): Promise<void> {
    const cookies = req.headers.cookie === undefined ? {} : fastifyCookie.parse(req.headers.cookie);
    const request = {
      ip: proxyAddr(req, trustProxy),
      routeOptions: NO_ROUTE,
      url: req.url!,
      cookies,
      readerId: readerIdOf(cookies),
    };
    let taken: Taken;
    try {
      taken = await postLimit.take(request);
    } catch {
      return framework(req, res); // its body still unread: the framework counts and answers it
    }
    const body = await bodyOf(req);
    const value = taken.exceeded ? undefined : ratingValueOf(body);
    if (value === undefined) return replay(req, res, body, taken);
    const setCookies: string[] = [];
    const reply = {
      request,
      setCookie(name: string, cookieValue: string, options: CookieSerializeOptions = {}) {
        // As @fastify/cookie's setCookie, whose default SameSite this is.
        // ReaderTools says Secure outright, never 'auto' (which would ask the request's protocol).
        const { secure, ...rest } = options;
        setCookies.push(
          fastifyCookie.serialize(name, cookieValue, { sameSite: 'lax', ...rest, secure: secure === true }),
        );
        return reply as unknown as FastifyReply;
      },
    };
    let status = 200;
    let answer: string;
    try {
      const article = await articles.findPublishedRef(articleId);
      const readerId = readers.ensureReader(request, reply);
      const result = await ratings.rate({ articleId: article.id, readerId, ipHash: readers.ipHash(request), value });
      readers.markActed(reply, articlePath(article.slug), { rating: result.yourRating });
      answer = JSON.stringify({ score: result.score, count: result.count, yourRating: result.yourRating });
    } catch (error) {
      if (error instanceof AppError) {
        // Refused before anything was written: the framework refuses it again, in its own words.
        return replay(req, res, body, taken);
      }
      // Failed (the database away…): answered as the framework's error handler would, not tried again.
      const failure = toAppError(error as FastifyError);
      logFailure(error);
      status = failure.status;
      answer = JSON.stringify(errorBody(failure));
      setCookies.length = 0;
    }
    const headers = [...learnt!];
    for (const [name, headerValue] of taken.headers) headers.push(name, headerValue);
    for (const cookie of setCookies) headers.push('set-cookie', cookie);
    headers.push('content-length', String(Buffer.byteLength(answer)));
    res.writeHead(status, headers);
    res.end(answer);
    const labels = status === 200 ? OK : { ...OK, status: String(status) };
    for (const listener of listeners) listener(labels, (performance.now() - started) / 1000);
  }

  /** True when the request is answered here, false when the framework must (its body unread). */
  function serve(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'POST' || learnt === undefined) return false;
    const match = PATH.exec(req.url ?? '');
    if (match === null || !ready()) return false;
    const { headers } = req;
    const length = Number(headers['content-length']);
    if (
      !JSON_TYPE.test(headers['content-type'] ?? '') ||
      headers['transfer-encoding'] !== undefined ||
      !(length > 0 && length <= MAX_BODY_BYTES) ||
      !plainOrigin(headers.origin)
    )
      return false;
    rate(req, res, Number(match[1]), performance.now()).catch((error: Error) => {
      if (!res.headersSent) res.writeHead(500).end();
      res.destroy(error);
    });
    return true;
  }

  return {
    learn(request, reply, payload, done) {
      if (learnt === undefined && reply.statusCode === 200 && plainOrigin(request.headers.origin))
        learnt = headerLines(reply.getHeaders(), PER_RESPONSE);
      done(null, payload);
    },
    install(server) {
      framework = inFront(server, serve);
    },
    onServed(listener) {
      listeners.push(listener);
    },
  };
}
