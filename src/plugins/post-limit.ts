// The limit on what readers post (ratings, comments, requests sent by mail link), counted per
// client address (requestAddressKey). One counter, taken from by the framework's routes (`hook`)
// and by the fast path of readers' JSON posts (`take`), so that neither way round it buys more
// posts. The headers are @fastify/rate-limit's, whose store (in memory, or shared through Redis)
// does the counting.
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
import { AppError } from '../errors.ts';
import { requestAddressKey } from '../lib/client-address.ts';

/** What the counter reads of a request: its client address, and the route's own settings (none here). */
export type Limited = Pick<FastifyRequest, 'ip' | 'routeOptions'>;

export interface Taken {
  /** The headers the answer carries. */
  headers: [string, string][];
  exceeded: boolean;
}

export interface PostLimit {
  /**
   * A route's onRequest hook: counts the post, adds the headers, refuses it (429) over the limit.
   * A request counted already (see `counted`) is not counted again.
   */
  hook: onRequestHookHandler;
  /** Counts a post from this client: the headers its answer carries, and whether it is over the limit. */
  take(request: Limited): Promise<Taken>;
  /** Says that this raw request (one handed on to the framework) was counted already, with this result. */
  counted(raw: IncomingMessage, taken: Taken): void;
}

/** For a request that is not a framework's: the counter looks for a route's own group, which it has none of. */
export const NO_ROUTE = { config: {} } as unknown as FastifyRequest['routeOptions'];

export function createPostLimit(app: FastifyInstance, limit: { max: number; timeWindow: number }): PostLimit {
  const check = app.createRateLimit({ ...limit, keyGenerator: requestAddressKey });
  const take: PostLimit['take'] = async (request) => {
    const counted = await check(request as FastifyRequest);
    if (counted.isAllowed) return { headers: [], exceeded: false };
    const { max, remaining, ttlInSeconds, isExceeded } = counted;
    const reset = String(ttlInSeconds);
    const headers: [string, string][] = [
      ['x-ratelimit-limit', String(max)],
      ['x-ratelimit-remaining', String(isExceeded ? 0 : remaining)],
      ['x-ratelimit-reset', reset],
    ];
    if (isExceeded) headers.push(['retry-after', reset]);
    return { headers, exceeded: isExceeded };
  };
  const already = new WeakMap<IncomingMessage, Taken>();
  return {
    take,
    counted: (raw, taken) => already.set(raw, taken),
    hook: async (request, reply) => {
      const { headers, exceeded } = already.get(request.raw) ?? (await take(request));
      for (const [name, value] of headers) reply.header(name, value);
      if (exceeded) throw new AppError('rate_limited');
    },
  };
}
