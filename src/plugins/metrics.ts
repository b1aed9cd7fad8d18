// Prometheus metrics at GET /metrics: requests and their latency by route and status, the
// process (event-loop lag, memory, CPU), database pool use, live streams, Redis, and the
// moderation queue. Readable from this machine (a socket on loopback, with no forwarding header:
// a reverse proxy on the same machine forwards the world's requests from loopback too) or with
// `Authorization: Bearer $METRICS_TOKEN`; otherwise 404, as if there were nothing here.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { Db } from '../db/database.ts';
import { openPools } from '../db/postgres.ts';
import { AppError } from '../errors.ts';
import { countPendingComments } from '../features/dashboard/pending-comments.ts';
import type { LiveFeed } from '../features/live/live-feed.ts';
import type { RedisLink } from '../infra/redis.ts';
import { safeEqual } from '../lib/crypto.ts';
import type { SharedFastPath } from '../features/edge/shared-fast-path.ts';
import { registerRequestMetrics } from './request-metrics.ts';

export interface MetricsOptions {
  db: Db;
  live: LiveFeed;
  redis: RedisLink | undefined;
  token: string | undefined;
  /** The fast paths, whose requests (answered before the framework) are counted here too. */
  fastPaths?: Pick<SharedFastPath, 'onServed'>[];
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const FORWARDING_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'];

export function mayReadMetrics(request: FastifyRequest, token: string | undefined): boolean {
  if (token !== undefined) {
    const given = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    return given !== undefined && safeEqual(given, token);
  }
  return LOOPBACK.has(request.socket.remoteAddress ?? '') && !FORWARDING_HEADERS.some((h) => h in request.headers);
}

export const metricsPlugin = fp(
  async (app: FastifyInstance, { db, live, redis, token, fastPaths = [] }: MetricsOptions) => {
    // One registry per app: tests run several apps in one process.
    const register = new Registry();
    collectDefaultMetrics({ register });

    const requests = registerRequestMetrics(register);
    app.addHook('onResponse', async (request, reply) => {
      // The route pattern, never the raw URL: labels must stay few.
      const labels = {
        method: request.method,
        route: request.routeOptions.url ?? '(unmatched)',
        status: String(reply.statusCode),
      };
      requests.record(labels, reply.elapsedTime / 1000);
    });
    for (const fastPath of fastPaths) fastPath.onServed((labels, seconds) => requests.recordKept(labels, seconds));

    new Gauge({
      name: 'broadsheet_db_pool_connections',
      help: 'PostgreSQL pool connections by state (total, idle, waiting: requests queued for one)',
      labelNames: ['database', 'state'],
      registers: [register],
      collect() {
        this.reset();
        for (const [pool, { database }] of openPools) {
          if (pool.ended) {
            openPools.delete(pool);
            continue;
          }
          this.inc({ database, state: 'total' }, pool.totalCount);
          this.inc({ database, state: 'idle' }, pool.idleCount);
          this.inc({ database, state: 'waiting' }, pool.waitingCount);
        }
      },
    });
    new Gauge({
      name: 'broadsheet_live_connections',
      help: 'Open Server-Sent Events streams (readers with an article open)',
      registers: [register],
      collect() {
        this.set(live.readers());
      },
    });
    new Gauge({
      name: 'broadsheet_comments_pending',
      help: 'Comments waiting in the moderation queue',
      registers: [register],
      async collect() {
        // One COUNT per scrape; when the database is away the last value stays.
        try {
          this.set(await countPendingComments(db));
        } catch {
          // the database is unreachable: /readyz says so
        }
      },
    });
    if (redis) {
      new Gauge({
        name: 'broadsheet_redis_up',
        help: 'Whether Redis is connected (1) or limits and live updates are per instance (0)',
        registers: [register],
        collect() {
          this.set(redis.isUp() ? 1 : 0);
        },
      });
    }

    // GET /metrics — Prometheus text format; loopback or the METRICS_TOKEN bearer only
    app.get('/metrics', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
      if (!mayReadMetrics(request, token)) throw new AppError('not_found');
      reply.header('cache-control', 'no-store').type(register.contentType);
      return register.metrics();
    });
  },
  { name: 'metrics' },
);
