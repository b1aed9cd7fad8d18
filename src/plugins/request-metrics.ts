// The two metric families every request moves, `http_requests_total` and
// `http_request_duration_seconds`, kept by hand for prom-client's registry to print. prom-client's
// own Counter and Histogram check and hash the label object on every call (about 2 µs for the
// pair, a tenth of what the shared fast path spends on a whole cached page). Here a request's
// series is found by a joined key, or, for labels a caller keeps (the fast path keeps one object
// per cached page and status), by the object itself.
import type { Metric, Registry } from 'prom-client';

export interface RequestLabels {
  method: string;
  route: string;
  status: string;
}

interface Series {
  labels: RequestLabels;
  count: number;
  sum: number;
  /** Observations per bucket, not cumulative; the last is beyond every bound (+Inf). */
  buckets: number[];
}

const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export interface RequestMetrics {
  record(labels: RequestLabels, seconds: number): void;
  /** record() for labels the caller keeps and never changes: found by identity after the first time. */
  recordKept(labels: RequestLabels, seconds: number): void;
}

/** Registers both families in the registry; returns what requests are recorded with. */
export function registerRequestMetrics(register: Registry): RequestMetrics {
  let series = new Map<string, Series>();
  let byLabels = new WeakMap<RequestLabels, Series>();
  const reset = () => {
    series = new Map();
    byLabels = new WeakMap();
  };
  const seriesOf = (labels: RequestLabels): Series => {
    const key = `${labels.method} ${labels.status} ${labels.route}`;
    let found = series.get(key);
    if (found === undefined) {
      found = { labels: { ...labels }, count: 0, sum: 0, buckets: new Array(DURATION_BUCKETS.length + 1).fill(0) };
      series.set(key, found);
    }
    return found;
  };
  const add = (s: Series, seconds: number) => {
    s.count++;
    s.sum += seconds;
    let i = 0;
    while (i < DURATION_BUCKETS.length && seconds > DURATION_BUCKETS[i]!) i++;
    s.buckets[i]!++;
  };
  // prom-client prints any registered object with a name, a type and get() (as it does its own).
  const family = (name: string, help: string, type: 'counter' | 'histogram', values: () => unknown[]) =>
    register.registerMetric({
      name,
      help,
      type,
      aggregator: 'sum',
      get: async () => ({ name, help, type, aggregator: 'sum', values: values() }),
      reset,
    } as unknown as Metric);

  family('http_requests_total', 'HTTP requests answered', 'counter', () =>
    [...series.values()].map((s) => ({ labels: s.labels, value: s.count })),
  );
  family('http_request_duration_seconds', 'Time to answer an HTTP request', 'histogram', () =>
    [...series.values()].flatMap((s) => {
      let cumulative = 0;
      const name = 'http_request_duration_seconds';
      return [
        ...s.buckets.map((n, i) => {
          cumulative += n;
          const le = i < DURATION_BUCKETS.length ? DURATION_BUCKETS[i]! : '+Inf';
          return { metricName: `${name}_bucket`, labels: { ...s.labels, le }, value: cumulative };
        }),
        { metricName: `${name}_sum`, labels: s.labels, value: s.sum },
        { metricName: `${name}_count`, labels: s.labels, value: s.count },
      ];
    }),
  );

  return {
    record: (labels, seconds) => add(seriesOf(labels), seconds),
    recordKept(labels, seconds) {
      let found = byLabels.get(labels);
      if (found === undefined) {
        found = seriesOf(labels);
        byLabels.set(labels, found);
      }
      add(found, seconds);
    },
  };
}
