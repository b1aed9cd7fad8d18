// A store for @fastify/rate-limit that counts in Redis, shared by every instance, and in this
// instance's memory while Redis is away. The plugin's own `skipOnError` would let every request
// through during an outage; counting per instance keeps a limit (at most one limit per
// instance), which is what a single instance does anyway.
import { createRequire } from 'node:module';
import type { FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Redis } from 'ioredis';
import type { RedisLink } from './redis.ts';

type Callback = (error: Error | null, result: { current: number; ttl: number } | null) => void;

interface Store {
  incr(key: string, callback: Callback, timeWindow: number, max: number): void;
  read(key: string, callback: Callback, timeWindow: number, max: number): void;
  child(routeOptions: StoreParams): Store;
}

interface StoreParams {
  continueExceeding: boolean;
  exponentialBackoff: boolean;
  cache?: number;
  routeInfo?: { method?: string; url?: string };
}

// The plugin's two stores, reused rather than copied (it publishes no types for them).
const require = createRequire(import.meta.url);
const LocalStore = require('@fastify/rate-limit/store/LocalStore.js') as new (
  continueExceeding: boolean,
  exponentialBackoff: boolean,
  cache?: number,
) => Store;
const RedisStore = require('@fastify/rate-limit/store/RedisStore.js') as new (
  continueExceeding: boolean,
  exponentialBackoff: boolean,
  redis: Redis,
  key: string,
) => Store;

/** The `store` option of @fastify/rate-limit: a class the plugin instantiates with its settings. */
export function sharedRateLimitStore(redis: RedisLink): FastifyRateLimitStoreCtor {
  const nameSpace = `${redis.prefix}rate-limit:`;

  class SharedStore implements Store {
    private readonly shared: Store;
    private readonly local: Store;

    constructor(params: StoreParams, stores?: { shared: Store; local: Store }) {
      this.shared =
        stores?.shared ?? new RedisStore(params.continueExceeding, params.exponentialBackoff, redis.client, nameSpace);
      this.local = stores?.local ?? new LocalStore(params.continueExceeding, params.exponentialBackoff, params.cache);
    }

    incr(key: string, callback: Callback, timeWindow: number, max: number): void {
      this.either('incr', key, callback, timeWindow, max);
    }

    read(key: string, callback: Callback, timeWindow: number, max: number): void {
      this.either('read', key, callback, timeWindow, max);
    }

    child(routeOptions: StoreParams): Store {
      return new SharedStore(routeOptions, {
        shared: this.shared.child(routeOptions),
        local: this.local.child(routeOptions),
      });
    }

    private either(method: 'incr' | 'read', key: string, callback: Callback, timeWindow: number, max: number): void {
      if (!redis.isUp()) {
        this.local[method](key, callback, timeWindow, max);
        return;
      }
      this.shared[method](
        key,
        (error, result) => (error ? this.local[method](key, callback, timeWindow, max) : callback(null, result)),
        timeWindow,
        max,
      );
    }
  }
  return SharedStore as unknown as FastifyRateLimitStoreCtor;
}
