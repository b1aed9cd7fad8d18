// The connection to Redis, for what instances must share (rate-limit counters, cache
// invalidation, live updates). Redis is a help, never a dependency: commands fail at once while
// it is away (no offline queue, short timeouts), callers fall back to per-instance behaviour, and
// the connection comes back by itself. One warning when it goes, one line when it returns.
import { randomBytes } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { redact } from '../config.ts';

export interface RedisLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface RedisLink {
  /** For commands. Check `isUp()` first, and treat every command as one that may fail. */
  readonly client: Redis;
  /** Put before every key and channel, so several sites (or test runs) can share one Redis. */
  readonly prefix: string;
  /** This process, in relayed messages: an instance ignores its own. */
  readonly instanceId: string;
  isUp(): boolean;
  /** Calls `listener` for every message on the prefixed channel; resubscribes after reconnects. */
  subscribe(channel: string, listener: (message: string) => void): void;
  /** Calls `listener` whenever the subscription comes back after a loss (messages may have been missed). */
  onResubscribed(listener: () => void): void;
  /** Resolves true once connected, or false after `ms` without a connection (start goes on either way). */
  ready(ms: number): Promise<boolean>;
  close(): Promise<void>;
}

const COMMAND_TIMEOUT_MS = 500;
const CONNECT_TIMEOUT_MS = 1_000;

const baseOptions: RedisOptions = {
  connectTimeout: CONNECT_TIMEOUT_MS,
  commandTimeout: COMMAND_TIMEOUT_MS,
  // A request must never wait for Redis: fail now, fall back, and let the client reconnect.
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  // Keep trying, at most every two seconds.
  retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2_000),
  lazyConnect: true,
};

export function connectRedis({ url, prefix, log }: { url: string; prefix: string; log: RedisLog }): RedisLink {
  const where = redact(url);
  const client = new Redis(url, { ...baseOptions, connectionName: 'broadsheet' });
  // The subscriber's SUBSCRIBE may wait for the connection: nothing else runs on it.
  const subscriber = new Redis(url, {
    ...baseOptions,
    enableOfflineQueue: true,
    maxRetriesPerRequest: null,
    commandTimeout: undefined,
    connectionName: 'broadsheet-sub',
  });
  const instanceId = randomBytes(6).toString('hex');
  const listeners = new Map<string, (message: string) => void>();
  const resubscribed: (() => void)[] = [];
  let up = false;
  let reportedDown = false;
  let closing = false;

  client.on('ready', () => {
    up = true;
    if (reportedDown) log.info(`Redis at ${where} is back: limits and live updates are shared again`);
    reportedDown = false;
  });
  const down = (error?: Error) => {
    up = false;
    if (closing || reportedDown) return;
    reportedDown = true;
    const why = error ? ` (${(error as { code?: string }).code ?? error.message})` : '';
    log.warn(
      `Redis at ${where} is unreachable${why}: rate limits are per instance and live updates reach this ` +
        `instance's readers only until it returns`,
    );
  };
  client.on('error', (error: Error) => down(error));
  client.on('close', () => down());
  subscriber.on('error', () => {}); // reported through the command connection

  let subscribedOnce = false;
  subscriber.on('ready', () => {
    if (subscribedOnce) for (const listener of resubscribed) listener();
    subscribedOnce = true;
  });
  subscriber.on('message', (channel: string, message: string) => listeners.get(channel)?.(message));

  client.connect().catch(() => {}); // reported by the 'error' listener; retried by retryStrategy
  subscriber.connect().catch(() => {});

  return {
    client,
    prefix,
    instanceId,
    isUp: () => up,
    subscribe(channel, listener) {
      listeners.set(prefix + channel, listener);
      subscriber.subscribe(prefix + channel).catch(() => {});
    },
    onResubscribed: (listener) => void resubscribed.push(listener),
    ready(ms) {
      if (up) return Promise.resolve(true);
      // Refused or timed out: start without it rather than wait (it reconnects on its own).
      return new Promise((resolve) => {
        const settle = (connected: boolean) => {
          clearTimeout(timer);
          client.off('ready', onReady);
          client.off('error', onError);
          if (!connected) down();
          resolve(connected);
        };
        const onReady = () => settle(true);
        const onError = () => settle(false);
        const timer = setTimeout(() => settle(false), ms);
        client.once('ready', onReady);
        client.once('error', onError);
      });
    },
    async close() {
      closing = true;
      // QUIT lets commands already sent finish; disconnect() when the connection is not up.
      await Promise.all(
        [client, subscriber].map((c) =>
          c.status === 'ready'
            ? c.quit().then(
                () => {},
                () => c.disconnect(),
              )
            : c.disconnect(),
        ),
      );
    },
  };
}
