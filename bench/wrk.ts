// wrk, the C load generator (Debian package `wrk`): unlike autocannon it is not the bottleneck
// against a fast server. Run through bash so that `times` reports the CPU wrk used.
import { spawn } from 'node:child_process';

export interface WrkResult {
  rps: number;
  requests: number;
  /** Responses other than 2xx/3xx. */
  errors: number;
  /** Socket errors (connect, read, write) and requests wrk gave up on after 2 s. */
  socketErrors: number;
  elapsedMs: number;
  /** CPU wrk used (user + system), ms. */
  clientCpuMs: number;
  /** With `latency`: the 99th percentile, ms. */
  p99Ms?: number;
  /** What wrk printed (a script's done() adds its own lines). */
  output: string;
}

const MS_PER_UNIT: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

export function wrkAvailable(): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('wrk', ['--version'], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('exit', () => resolve(true));
  });
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function runWrk({
  url,
  connections,
  durationS,
  headers = {},
  script,
  latency = false,
}: {
  url: string;
  connections: number;
  durationS: number;
  headers?: Record<string, string>;
  /** A Lua script (its path) and the arguments it is given. */
  script?: { path: string; args: string[] };
  /** Also print the latency distribution (p99Ms). */
  latency?: boolean;
}): Promise<WrkResult> {
  const args = [
    '-t',
    '1',
    '-c',
    String(connections),
    '-d',
    `${durationS}s`,
    ...(latency ? ['--latency'] : []),
    ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]),
    ...(script ? ['-s', script.path, url, '--', ...script.args] : [url]),
  ];
  const command = `wrk ${args.map(quote).join(' ')}; times`;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('bash', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      const elapsedMs = performance.now() - started;
      const requests = Number(/(\d+) requests in/.exec(out)?.[1]);
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
      if (code !== 0 || !Number.isFinite(rps) || !Number.isFinite(requests))
        return reject(new Error(`wrk failed (${code}): ${out}`));
      const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
      const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
      const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
      // `times` prints the shell's times, then its children's: "0m1.234s 0m0.567s".
      const lines = out.trim().split('\n');
      const children = lines[lines.length - 1]!.match(/(\d+)m([\d.]+)s/g) ?? [];
      const clientCpuMs = children.reduce((sum, t) => {
        const [, m, s] = /(\d+)m([\d.]+)s/.exec(t)!;
        return sum + (Number(m) * 60 + Number(s)) * 1000;
      }, 0);
      const p99 = /\n\s*99%\s+([\d.]+)(us|ms|s|m)\b/.exec(out);
      const p99Ms = p99 ? Number(p99[1]) * MS_PER_UNIT[p99[2]!]! : undefined;
      resolve({ rps, requests, errors: non2xx, socketErrors, elapsedMs, clientCpuMs, p99Ms, output: out });
    });
  });
}
