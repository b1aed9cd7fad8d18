// Runs the `broadsheet` bin as an operator would: a separate process with a clean environment.
import { join } from 'node:path';
import { runBroadsheet, type Finished } from './process.ts';
import type { TestDatabase } from './test-app.ts';

export type CliRun = Finished;

/** The environment that points the CLI at a test database and its media folder. */
export function cliEnv(database: TestDatabase, extra: Record<string, string> = {}): Record<string, string> {
  return { DATABASE_URL: database.url, MEDIA_DIR: join(database.dir, 'media'), ...extra };
}

/** Runs the `broadsheet` bin to its end (killed after `timeoutMs`), with a clean environment plus `env`. */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
  { timeoutMs = 120_000 } = {},
): Promise<CliRun> {
  return runBroadsheet(args, env, { timeoutMs });
}
