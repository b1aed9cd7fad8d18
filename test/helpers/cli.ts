// Runs the `broadsheet` bin as an operator would: a separate process with a clean environment.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestDatabase } from './test-app.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'broadsheet.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment that points the CLI at a test database and its media folder. */
export function cliEnv(database: TestDatabase, extra: Record<string, string> = {}): Record<string, string> {
  return { DATABASE_URL: database.url, MEDIA_DIR: join(database.dir, 'media'), ...extra };
}

export function runCli(args: string[], env: Record<string, string> = {}, { timeoutMs = 120_000 } = {}): Promise<CliRun> {
  const base: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG']) if (process.env[key] !== undefined) base[key] = process.env[key]!;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...base, LOG_LEVEL: 'silent', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
