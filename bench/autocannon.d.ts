// The part of autocannon's programmatic API the benchmarks use. autocannon ships no types and
// we may not add @types packages, so this keeps `tsc --noEmit` (which includes bench/) strict.
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
      /** Called before each request is sent; returns the request to send. */
      setupRequest?: (request: Request, context: Record<string, unknown>) => Request | null | undefined;
    }

    interface Options {
      url: string;
      connections?: number;
      /** Seconds; ignored when `amount` is given. */
      duration?: number;
      /** Stop after exactly this many responses (split across connections). */
      amount?: number;
      method?: string;
      headers?: Record<string, string>;
      body?: string;
      requests?: Request[];
      timeout?: number;
    }

    interface Histogram {
      average: number;
      mean: number;
      min: number;
      max: number;
      p50: number;
      p90: number;
      p99: number;
      [percentile: string]: number;
    }

    interface Result {
      errors: number;
      timeouts: number;
      non2xx: number;
      resets: number;
      '2xx': number;
      duration: number;
      statusCodeStats: Record<string, { count: number }>;
      /** Milliseconds; 2xx responses only. */
      latency: Histogram;
      requests: Histogram & { sent: number };
      throughput: Histogram;
    }

    /** Emits 'response' (client, statusCode, bytes, responseTimeMs) and resolves with the result. */
    interface Instance extends EventEmitter, PromiseLike<Result> {
      stop(): void;
    }
  }

  function autocannon(options: autocannon.Options): autocannon.Instance;
  export = autocannon;
}
