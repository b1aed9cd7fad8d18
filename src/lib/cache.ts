// The one in-memory cache of built values (rendered page parts, documents, lists). Its promise:
// a value whose build began before an invalidation of what it shows is served to whoever asked
// for it, but not kept, since it may show the state from before the change.
//
// Each value may have a scope (an article's id, 'articles'): invalidating a scope drops its
// values and spoils only the builds of that scope under way, so a stream of ratings on one
// article does not stop other articles' parts from being kept. A build whose scope is known
// only from its value (`scopeOf`) is spoilt by any invalidation.

export interface Cache<K, V, S> {
  /** The value kept under `key` if it has not expired; it becomes the most recently used. */
  get(key: K): V | undefined;
  /** The value kept under `key`, or else `build`'s (see `build`). */
  load(key: K, build: () => Promise<V>, scope?: S): Promise<V>;
  /**
   * Builds the value under `key` anew, kept unless its scope (or everything) was invalidated
   * meanwhile. Callers asking for a key whose build is under way share that build; a failed
   * build is not kept.
   */
  build(key: K, build: () => Promise<V>, scope?: S): Promise<V>;
  /** Keeps a value built synchronously (no invalidation can have happened while it was built). */
  set(key: K, value: V, scope?: S): void;
  /** Drops the values of `scope` and spoils its builds under way; without a scope, everything. */
  invalidate(scope?: S): void;
}

interface Entry<V, S> {
  value: V;
  scope: S | undefined;
  expires: number;
}

interface Flight<V, S> {
  promise: Promise<V>;
  scope: S | undefined;
  spoilt: boolean;
}

/**
 * `maxEntries` bounds the memory (a crawler can ask for every page): the least recently used
 * value goes first. `ttlMs` bounds how long a value is kept when no event says it changed (a
 * scheduled article's time coming emits none).
 */
export function createCache<K, V, S = never>(options: {
  maxEntries: number;
  ttlMs?: number;
  /** The scope of a value built without one given, read from the value once built. */
  scopeOf?: (value: V) => S;
}): Cache<K, V, S> {
  const { maxEntries, ttlMs = Infinity, scopeOf } = options;
  // Map order is the eviction order: a value read or kept moves to the back. The key at the back
  // is remembered: a hot page read thousands of times a second is already there, and moving it
  // (a delete and a set) cost more than the rest of the read.
  const entries = new Map<K, Entry<V, S>>();
  const flights = new Map<K, Flight<V, S>>();
  let newest: { key: K } | undefined;

  function keep(key: K, value: V, scope: S | undefined): void {
    entries.delete(key);
    entries.set(key, { value, scope, expires: Date.now() + ttlMs });
    newest = { key };
    if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
  }

  const cache: Cache<K, V, S> = {
    get(key) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      if (entry.expires !== Infinity && entry.expires <= Date.now()) {
        entries.delete(key);
        return undefined;
      }
      if (newest?.key !== key) {
        entries.delete(key);
        entries.set(key, entry);
        newest = { key };
      }
      return entry.value;
    },

    load(key, build, scope) {
      const value = cache.get(key);
      return value !== undefined ? Promise.resolve(value) : cache.build(key, build, scope);
    },

    build(key, build, scope) {
      const shared = flights.get(key);
      if (shared) return shared.promise;
      const flight = { scope, spoilt: false } as Flight<V, S>;
      // Registered before the build starts, so that a build failing at once leaves no flight behind.
      flights.set(key, flight);
      flight.promise = (async () => {
        try {
          const value = await build();
          if (!flight.spoilt) keep(key, value, scope ?? scopeOf?.(value));
          return value;
        } finally {
          if (flights.get(key) === flight) flights.delete(key);
        }
      })();
      return flight.promise;
    },

    set(key, value, scope) {
      keep(key, value, scope ?? scopeOf?.(value));
    },

    invalidate(scope) {
      for (const [key, flight] of flights) {
        if (scope === undefined || flight.scope === undefined || flight.scope === scope) {
          flight.spoilt = true;
          // Whoever asks from now on starts a build that sees the change.
          flights.delete(key);
        }
      }
      if (scope === undefined) return entries.clear();
      for (const [key, entry] of entries) if (entry.scope === scope) entries.delete(key);
    },
  };
  return cache;
}
