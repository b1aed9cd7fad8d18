// The load generator, in its own process: autocannon (programmatically, so request bodies can
// vary per request) and a sequential write-then-read client for the cold-page measurement.
//
// Why a separate process rather than a worker thread or the server's own process: on a 2-core
// machine the server under test needs one core and the client the other. In the server's
// process they would share one event loop (each request's client work would be charged to the
// server's throughput). A worker thread would get its own loop, but would share the process's
// CPU accounting and GC/heap limits with the server, which hides whether the client or the
// server was the bottleneck. A separate process keeps the two apart and lets each report its
// own CPU use, so a run can say "the client was saturated" instead of misreporting it.
import { Agent, request as httpRequest } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import { issueFormToken } from '../src/features/spam/form-token.ts';
import { WRITING_TIME_MS } from './readers.ts';
import { cpuMs, serveCalls } from './rpc.ts';

/** What each request of a run looks like. Functions cannot cross IPC, so runs name a recipe. */
export type Recipe =
  | { kind: 'get'; path: string }
  /** Comments carry a valid form token, as the site's own form does; without one they are held. */
  | { kind: 'comment'; path: string; articleId: number; formTokenKey: string }
  | { kind: 'rating'; path: string };

export interface LoadParams {
  url: string;
  connections: number;
  /** Run for this many seconds... */
  durationS?: number;
  /** ...or until exactly this many responses have arrived (no request is left in flight). */
  amount?: number;
  recipe: Recipe;
  /** The status that counts as success (200 for pages and ratings, 201 for comments). */
  expectStatus: number;
}

export interface LoadResult {
  /** Responses with the expected status. */
  ok: number;
  statusCounts: Record<string, number>;
  errors: number;
  timeouts: number;
  elapsedMs: number;
  /** ok responses per second of wall time, measured here rather than from autocannon's 1 s samples. */
  rps: number;
  /** Latency percentiles of 2xx responses, ms. */
  p50: number;
  p99: number;
  /** ok responses in each whole second of the run: shows whether throughput drifts. */
  perSecond: number[];
  /** CPU this process used during the run, ms: if it is close to elapsedMs, the client was the limit. */
  clientCpuMs: number;
}

// Distinct authors across every run of the process (warm-ups included), so no two comments share one.
let sequence = 0;

/**
 * The address of reader n, as a proxy would forward it: from 198.18.0.0/15, the range set aside
 * for benchmarks (RFC 2544). It is only a header value; nothing is sent there.
 */
function readerAddress(n: number): string {
  return `198.${18 + ((n >> 16) & 1)}.${(n >> 8) & 255}.${n & 255}`;
}

/**
 * A JSON POST from a new reader each time: reader n (counted across runs) sends what `write`
 * makes of n, with its own address and any extra headers.
 */
function postAsNewReader(
  path: string,
  write: (n: number) => { body: unknown; headers?: Record<string, string> },
): autocannon.Request {
  return {
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json' },
    setupRequest: (request) => {
      const n = ++sequence;
      const { body, headers } = write(n);
      return {
        ...request,
        headers: { ...request.headers, ...headers, 'x-forwarded-for': readerAddress(n) },
        body: JSON.stringify(body),
      };
    },
  };
}

function requestsFor(recipe: Recipe): autocannon.Request[] {
  switch (recipe.kind) {
    case 'get':
      return [{ method: 'GET', path: recipe.path }];
    case 'comment':
      return [
        postAsNewReader(recipe.path, (n) => ({
          body: {
            authorName: `Load Reader ${n}`,
            authorEmail: `load-reader-${n}@example.org`,
            body: `Comment ${n} from the load test, with *emphasis* and a [link](https://example.org/${n}).`,
          },
          // Each token is good for one comment (its nonce is recorded), so every request gets its own.
          headers: {
            'broadsheet-form-token': issueFormToken(
              recipe.formTokenKey,
              recipe.articleId,
              Date.now() - WRITING_TIME_MS,
            ),
          },
        })),
      ];
    case 'rating':
      // No cookie: every request is a reader the site has not seen, each from its own address,
      // so each adds a rating (and the per-address daily cap counts a handful of rows, not all).
      return [postAsNewReader(recipe.path, (n) => ({ body: { value: n % 101 } }))];
  }
}

async function runLoad(params: LoadParams): Promise<LoadResult> {
  const statusCounts: Record<string, number> = {};
  const perSecond: number[] = [];
  let ok = 0;
  let lastOkAt = 0;
  const cpuBefore = cpuMs();
  const startedAt = performance.now();
  const instance = autocannon({
    url: params.url,
    connections: params.connections,
    ...(params.amount !== undefined ? { amount: params.amount } : { duration: params.durationS ?? 5 }),
    requests: requestsFor(params.recipe),
  });
  instance.on('response', (_client: unknown, status: number) => {
    statusCounts[status] = (statusCounts[status] ?? 0) + 1;
    if (status !== params.expectStatus) return;
    ok++;
    lastOkAt = performance.now();
    const second = Math.floor((lastOkAt - startedAt) / 1000);
    perSecond[second] = (perSecond[second] ?? 0) + 1;
  });
  const result = await instance;
  // autocannon notices the end of a run only at its next 1 s sampling tick, so its own duration
  // can overshoot by up to a second; the time of the last response is the honest denominator.
  const elapsedMs = (lastOkAt || performance.now()) - startedAt;
  return {
    ok,
    statusCounts,
    errors: result.errors,
    timeouts: result.timeouts,
    elapsedMs,
    rps: ok / (elapsedMs / 1000),
    p50: result.latency.p50,
    p99: result.latency.p99,
    perSecond: Array.from(perSecond, (n) => n ?? 0),
    clientCpuMs: cpuMs() - cpuBefore,
  };
}

// ---- Sequential write-then-read: the page right after a write --------------------------------

export interface SequentialParams {
  url: string;
  articleId: number;
  slug: string;
  /** Cookie of the one reader who re-rates before each read (an update, so the data set stays the same size). */
  readerCookie: string;
  /** Post a rating before each read (cold cache) or not (warm cache, the baseline). */
  writeFirst: boolean;
  warmupReads: number;
  durationMs: number;
}

export interface SequentialResult {
  reads: number;
  /** Reads per second of time spent reading: 1 / mean read latency. */
  rps: number;
  p50: number;
  p99: number;
  /** Reads whose rating breakdown did not change after a write: served from a stale cache. */
  stale: number;
  /** rps over the first and last quarter of the reads, to show drift. */
  firstQuarterRps: number;
  lastQuarterRps: number;
  /** Wall time of the timed part (writes included) and this process's CPU meanwhile, ms. */
  elapsedMs: number;
  clientCpuMs: number;
}

interface Reply {
  status: number;
  /** The body as sent (compressed when it says so). */
  bytes: Buffer;
  encoding: string | undefined;
}

/** A reply's body as text, decompressed by its Content-Encoding. */
function textOf({ bytes, encoding }: Reply): string {
  const plain = encoding === 'br' ? brotliDecompressSync(bytes) : encoding === 'gzip' ? gunzipSync(bytes) : bytes;
  return plain.toString('utf8');
}

function send(
  agent: Agent,
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          bytes: Buffer.concat(chunks),
          encoding: res.headers['content-encoding'],
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The five band counts of the Reviews widget, which every re-rating between 0 and 100 changes. */
function bandsOf(html: string): string {
  return [...html.matchAll(/<td class="band-count">(\d+)<\/td>/g)].map((m) => m[1]).join(',');
}

async function runSequential(params: SequentialParams): Promise<SequentialResult> {
  // One connection, kept open: each cycle waits for the last, as one reader would.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const pageUrl = `${params.url}/articles/${encodeURIComponent(params.slug)}`;
  const rateUrl = `${params.url}/api/v1/articles/${params.articleId}/ratings`;
  const rateHeaders = { 'content-type': 'application/json', cookie: params.readerCookie };
  const latencies: number[] = [];
  let stale = 0;
  let previousBands = '';
  let flip = 0;

  const cycle = async (timed: boolean) => {
    if (params.writeFirst) {
      // Alternate between the lowest and highest band so every write visibly changes the page.
      flip ^= 1;
      const rated = await send(agent, rateUrl, 'POST', rateHeaders, JSON.stringify({ value: flip ? 100 : 0 }));
      if (rated.status !== 200) throw new Error(`rating returned ${rated.status}: ${textOf(rated).slice(0, 200)}`);
    }
    // As a browser asks (every current one accepts brotli and gzip): the page read is the
    // compressed one a reader gets. The client decompresses it, after the timed part, to check it.
    const t0 = performance.now();
    const page = await send(agent, pageUrl, 'GET', { 'accept-encoding': 'br, gzip' });
    const t1 = performance.now();
    if (page.status !== 200) throw new Error(`page returned ${page.status}`);
    const bands = bandsOf(textOf(page));
    if (params.writeFirst && timed && bands === previousBands) stale++;
    previousBands = bands;
    if (timed) latencies.push(t1 - t0);
  };

  for (let i = 0; i < params.warmupReads; i++) await cycle(false);
  const cpuBefore = cpuMs();
  const startedAt = performance.now();
  const until = startedAt + params.durationMs;
  while (performance.now() < until) await cycle(true);
  const elapsedMs = performance.now() - startedAt;
  agent.destroy();

  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const rpsOf = (list: number[]) => list.length / (list.reduce((a, b) => a + b, 0) / 1000);
  const quarter = Math.max(1, Math.floor(latencies.length / 4));
  return {
    reads: latencies.length,
    rps: rpsOf(latencies),
    p50: at(0.5),
    p99: at(0.99),
    stale,
    firstQuarterRps: rpsOf(latencies.slice(0, quarter)),
    lastQuarterRps: rpsOf(latencies.slice(-quarter)),
    elapsedMs,
    clientCpuMs: cpuMs() - cpuBefore,
  };
}

export interface ParallelResult {
  loops: number;
  reads: number;
  /** Reads per second of wall time, all loops together: the server's throughput. */
  throughput: number;
  p50: number;
  p99: number;
  stale: number;
  elapsedMs: number;
  clientCpuMs: number;
}

/**
 * Several write-then-read loops at once, each on its own article: every read still follows its
 * own article's write (nobody else's read can have rebuilt that page), and together they keep
 * the server busy, so reads per second of wall time measure its throughput, not one client's latency.
 */
async function runSequentialParallel({ loops }: { loops: SequentialParams[] }): Promise<ParallelResult> {
  const cpuBefore = cpuMs();
  const startedAt = performance.now();
  const results = await Promise.all(loops.map((params) => runSequential(params)));
  // The warm-ups overlap the start; count each loop's timed part, which all run in the same window.
  const elapsedMs = Math.max(...results.map((r) => r.elapsedMs));
  const reads = results.reduce((sum, r) => sum + r.reads, 0);
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  return {
    loops: loops.length,
    reads,
    throughput: reads / (elapsedMs / 1000),
    p50: median(results.map((r) => r.p50)),
    p99: Math.max(...results.map((r) => r.p99)),
    stale: results.reduce((sum, r) => sum + r.stale, 0),
    elapsedMs: performance.now() - startedAt,
    clientCpuMs: cpuMs() - cpuBefore,
  };
}

serveCalls({ runLoad, runSequential, runSequentialParallel });
