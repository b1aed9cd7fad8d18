// Runs `broadsheet serve` as a separate process, as production does, for tests of what only a
// real process shows: several instances, signals, logs.
import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import pg from 'pg';
import { BIN, runBroadsheet, spawnChild, type Finished } from './process.ts';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';

export interface Instance {
  url: string;
  process: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code once it has exited. */
  exited: Promise<number | null>;
  /** Sends the signal and waits for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts an instance on a free port with these variables (PORT, HOST and LOG_LEVEL have test
 * defaults). One that does not listen within `timeoutMs` is killed, and so is any still running
 * when the test file ends (see process.ts): an orphaned server would outlive the test run.
 */
export async function startInstance(
  env: Record<string, string>,
  { timeoutMs = 20_000, demo = false } = {},
): Promise<Instance> {
  const child = spawnChild(process.execPath, [BIN, 'serve', ...(demo ? [] : ['--no-demo'])], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ...env,
    },
  });
  const [, url] = await child.waitFor(
    /Server listening at (http:\/\/127\.0\.0\.1:\d+)/,
    'the instance to listen',
    timeoutMs,
  );
  return {
    url: url!,
    process: child.process,
    output: child.output,
    exited: child.exited,
    // A server that ignores the signal is killed once its own shutdown deadline (10 s) has long passed.
    stop: (signal = 'SIGTERM') => child.stop(signal, 30_000),
  };
}

/** Runs a `broadsheet` command to completion; resolves with its exit code and output. */
export function runCli(args: string[], env: Record<string, string>): Promise<Finished> {
  return runBroadsheet(args, { LOG_LEVEL: 'warn', ...env });
}

/** Why Redis cannot be used for a test (undefined when it can). */
export async function redisProblem(url = TEST_REDIS_URL): Promise<string | undefined> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (error) {
    return `Redis at ${url} is unreachable (${(error as Error).message})`;
  } finally {
    client.disconnect();
  }
}

/** Why PostgreSQL cannot be used for a test (undefined when it can). */
export async function postgresProblem(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return `PostgreSQL at ${url} is unreachable (${(error as Error).message})`;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * A test that needs services this machine may not run: skipped with the reason, except under
 * CI=true, where a missing service is a failure (the reason is thrown then).
 */
export function skipUnlessAvailable(problem: string | undefined): string | false {
  if (!problem) return false;
  if (process.env.CI === 'true') throw new Error(`${problem}; CI=true requires it`);
  return problem;
}

/** Deletes every key under a test's prefix (never anything else: other things may use this Redis). */
export async function dropRedisPrefix(prefix: string, url = TEST_REDIS_URL): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}
