// Readers' posts through the JSON API (a rating, a comment), answered before the framework. They
// are the writes readers make most (a story rated and discussed by thousands at once), and
// routing, hooks, validation and the reply objects cost the framework as much as a rating itself.
// Only the HTTP is done here: each post's service writes (its rules, events and webhooks), the
// post limit counts (plugins/post-limit.ts), ReaderTools sets the reader's cookies, and the
// headers are those the framework's own last answer to the same route carried.
//
// Taken here: a POST to one of the posts' paths with a JSON body the post accepts as it is (its
// `inputOf`), with no Origin but the site's own, from a client under the limit, once the
// framework has answered that route (its headers learnt). What is not decided on the headers goes
// to the framework untouched; what is found out once the body is read (bad JSON, another shape,
// no such article, a refusal) is handed to it as a replay of the same request, counted once by
// the limit, so it answers exactly as it would have. A refusal is an AppError, which the services
// throw before anything is written (or inside a transaction that is then rolled back).
import { IncomingMessage, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { fastifyCookie, type CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyError, FastifyReply, FastifyRequest, onSendHookHandler } from 'fastify';
import proxyAddr from '@fastify/proxy-addr';
import { headerLines, inFront, type ServedListener } from './shared-fast-path.ts';
import { AppError, errorBody } from '../../errors.ts';
import { toAppError } from '../../plugins/error-handler.ts';
import { NO_ROUTE, type PostLimit, type Taken } from '../../plugins/post-limit.ts';
import { readerIdOf } from '../../plugins/reader.ts';

const JSON_TYPE = /^application\/json(?:;\s*charset=utf-8)?$/i;
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

/** What a post's handler may ask of the request, as the framework's request has it. */
export type FastRequest = Pick<FastifyRequest, 'ip' | 'routeOptions' | 'url' | 'cookies' | 'readerId' | 'headers'>;
/** The cookies a handler sets, as on the framework's reply. */
export type FastReply = Pick<FastifyReply, 'setCookie'> & { request: FastRequest };

/** One route taken here: its input I, the answer O. */
export interface FastPost<I, O = unknown> {
  /** The path, its one group the article's id. */
  path: RegExp;
  /** Bodies longer than this are the framework's to judge. */
  maxBodyBytes: number;
  /** The status of a success. */
  status: number;
  /** The parsed body as the handler's input, or undefined for anything the framework must judge. */
  inputOf(body: unknown, headers: IncomingHttpHeaders): I | undefined;
  /**
   * Writes the post and returns the answer's body; an AppError hands the request to the framework.
   * The framework's route calls it too (with the article's id or slug), so both answer alike.
   */
  handle(input: I, articleRef: number | string, request: FastRequest, reply: FastReply): Promise<O>;
}

export interface JsonPostFastPath {
  /** The onSend hook of the post's route: learns the headers (and route) of the framework's first answer to it. */
  learn(post: FastPost<any>): onSendHookHandler;
  /** Puts the fast path in front of the server's request handlers. */
  install(server: Server): void;
  /** Called for each post answered here (the server's request metrics). */
  onServed(listener: ServedListener): void;
}

interface Learnt {
  headers: string[];
  ok: { method: string; route: string; status: string };
}

export function createJsonPostFastPath(
  posts: FastPost<any>[],
  {
    postLimit,
    trustProxy,
    plainOrigin,
    ready,
    logFailure,
  }: {
    postLimit: Pick<PostLimit, 'take' | 'counted'>;
    /** The framework's trust in proxies, for the client's address (as `request.ip` has it). */
    trustProxy: (address: string, hop: number) => boolean;
    /** Whether a request with this Origin header (or none) gets no CORS headers from the API. */
    plainOrigin: (origin: string | undefined) => boolean;
    /** False while the framework must answer everything (section lists reloading). */
    ready: () => boolean;
    /** Logs a post that failed (the framework's error log). */
    logFailure: (error: unknown) => void;
  },
): JsonPostFastPath {
  const listeners: ServedListener[] = [];
  // The framework's first answer to each post: its header lines (none of them one answer's own)
  // and the metrics' labels of a success, made once (the metrics keep a series per labels object).
  const learnt = new Map<FastPost<any>, Learnt>();
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

  function inputOf<I>(post: FastPost<I>, body: Buffer, headers: IncomingHttpHeaders): I | undefined {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    return post.inputOf(parsed, headers);
  }

  async function answer<I>(
    post: FastPost<I>,
    first: Learnt,
    req: IncomingMessage,
    res: ServerResponse,
    articleId: number,
    started: number,
  ): Promise<void> {
    const cookies = req.headers.cookie === undefined ? {} : fastifyCookie.parse(req.headers.cookie);
    const request: FastRequest = {
      ip: proxyAddr(req, trustProxy),
      routeOptions: NO_ROUTE,
      url: req.url!,
      cookies,
      readerId: readerIdOf(cookies),
      headers: req.headers,
    };
    let taken: Taken;
    try {
      taken = await postLimit.take(request);
    } catch {
      return framework(req, res); // its body still unread: the framework counts and answers it
    }
    const body = await bodyOf(req);
    const input = taken.exceeded ? undefined : inputOf(post, body, req.headers);
    if (input === undefined) return replay(req, res, body, taken);
    const setCookies: string[] = [];
    const reply: FastReply = {
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
    let status = post.status;
    let text: string;
    try {
      text = JSON.stringify(await post.handle(input, articleId, request, reply));
    } catch (error) {
      // Refused before anything was written: the framework refuses it again, in its own words.
      if (error instanceof AppError) return replay(req, res, body, taken);
      // Failed (the database away…): answered as the framework's error handler would, not tried again.
      const failure = toAppError(error as FastifyError);
      logFailure(error);
      status = failure.status;
      text = JSON.stringify(errorBody(failure));
      setCookies.length = 0;
    }
    const headers = [...first.headers];
    for (const [name, headerValue] of taken.headers) headers.push(name, headerValue);
    for (const cookie of setCookies) headers.push('set-cookie', cookie);
    headers.push('content-length', String(Buffer.byteLength(text)));
    res.writeHead(status, headers);
    res.end(text);
    const labels = status === post.status ? first.ok : { ...first.ok, status: String(status) };
    for (const listener of listeners) listener(labels, (performance.now() - started) / 1000);
  }

  /** True when the request is answered here, false when the framework must (its body unread). */
  function serve(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'POST' || learnt.size === 0) return false;
    for (const post of posts) {
      const match = post.path.exec(req.url ?? '');
      if (match !== null) return servePost(post, Number(match[1]), req, res);
    }
    return false;
  }

  function servePost<I>(post: FastPost<I>, articleId: number, req: IncomingMessage, res: ServerResponse): boolean {
    const first = learnt.get(post);
    if (first === undefined || !ready()) return false;
    const { headers } = req;
    const length = Number(headers['content-length']);
    if (
      !JSON_TYPE.test(headers['content-type'] ?? '') ||
      headers['transfer-encoding'] !== undefined ||
      !(length > 0 && length <= post.maxBodyBytes) ||
      !plainOrigin(headers.origin)
    )
      return false;
    answer(post, first, req, res, articleId, performance.now()).catch((error: Error) => {
      if (!res.headersSent) res.writeHead(500).end();
      res.destroy(error);
    });
    return true;
  }

  return {
    learn: (post) => (request, reply, payload, done) => {
      if (!learnt.has(post) && reply.statusCode === post.status && plainOrigin(request.headers.origin)) {
        const ok = { method: 'POST', route: request.routeOptions.url ?? '(unmatched)', status: String(post.status) };
        learnt.set(post, { headers: headerLines(reply.getHeaders(), PER_RESPONSE), ok });
      }
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
