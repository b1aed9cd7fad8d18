// The one way tests start another program (`broadsheet`, varnishd…). Each child leads a process
// group of its own, so stopping it stops whatever it started too; one that does not get ready in
// time is killed; and every child still running when the test file's process ends (finished,
// failed, timed out or interrupted) is killed with its group, so no server outlives the run.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/broadsheet.js', import.meta.url));

export interface Child {
  readonly process: ChildProcess;
  /** What it wrote so far: stdout, stderr, and both as they came. */
  stdout(): string;
  stderr(): string;
  output(): string;
  /** Resolves once it has exited, with its exit code (null after a signal). */
  readonly exited: Promise<number | null>;
  /**
   * Resolves with the first match of `pattern` in its output; kills it and throws when it exits first or `timeoutMs`
   * passes.
   */
  waitFor(pattern: RegExp, what: string, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Sends `signal` to its process group, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>;
}

const running = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal); // the group is gone already; the leader may not be
  }
}

let cleanupInstalled = false;
function killAllOnExit(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on('exit', () => {
    for (const child of running) killGroup(child, 'SIGKILL');
  });
  // An interrupted run (Ctrl-C, or the runner cancelling the file) must not leave servers behind:
  // the children lead groups of their own, so the terminal's signal does not reach them.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      for (const child of running) killGroup(child, 'SIGKILL');
      process.exit(128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const)[signal]);
    });
  }
}

export interface SpawnOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** Written to its stdin, which is then closed (no stdin at all without it). */
  input?: string;
}

/** The variables a child gets from this process: enough to run, nothing of the developer's settings. */
export function baseEnv(): Record<string, string> {
  const base: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG'])
    if (process.env[key] !== undefined) base[key] = process.env[key]!;
  return base;
}

/** Starts a program in a process group of its own, capturing its output. */
export function spawnChild(command: string, args: string[], { env, cwd = ROOT, input }: SpawnOptions = {}): Child {
  killAllOnExit();
  const child = spawn(command, args, {
    cwd,
    env: env ?? { ...baseEnv() },
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    detached: true,
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  let output = '';
  const listeners = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    output += chunk;
    for (const listener of listeners) listener();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    output += chunk;
    for (const listener of listeners) listener();
  });
  if (input !== undefined) child.stdin!.end(input);
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', (error) => {
      running.delete(child);
      reject(error);
    });
    // 'close' rather than 'exit': by then all of its output has been read.
    child.once('close', (code) => {
      running.delete(child);
      // Whatever it started in its group goes with it.
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // no group left: the usual case
        }
      }
      resolve(code);
    });
  });
  exited.catch(() => {});
  const handle: Child = {
    process: child,
    stdout: () => stdout,
    stderr: () => stderr,
    output: () => output,
    exited,
    waitFor(pattern, what, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        const check = () => {
          const match = pattern.exec(output);
          if (match) {
            done();
            resolve(match);
          }
        };
        const timer = setTimeout(() => {
          done();
          killGroup(child, 'SIGKILL');
          reject(new Error(`${what}: not within ${timeoutMs} ms, so it was killed. Its output:\n${output}`));
        }, timeoutMs);
        listeners.add(check);
        check();
        exited.then(
          (code) => {
            if (!listeners.has(check)) return;
            done();
            reject(new Error(`${what}: it exited with ${code} first. Its output:\n${output}`));
          },
          (error: Error) => {
            done();
            reject(error);
          },
        );
      });
    },
    async stop(signal = 'SIGTERM', graceMs = 10_000) {
      killGroup(child, signal);
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
  return handle;
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program to its end; killed (with its group) when it takes longer than `timeoutMs`. */
export async function runToEnd(
  command: string,
  args: string[],
  options: SpawnOptions & { timeoutMs?: number } = {},
): Promise<Finished> {
  const child = spawnChild(command, args, options);
  const timeoutMs = options.timeoutMs ?? 120_000;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.process, 'SIGKILL');
  }, timeoutMs);
  try {
    const code = await child.exited;
    if (timedOut)
      throw new Error(
        `${command} ${args.join(' ')}: still running after ${timeoutMs} ms, so it was killed. Its output:\n` +
          `${child.output()}`,
      );
    return { code, stdout: child.stdout(), stderr: child.stderr() };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs the `broadsheet` bin as an operator would, with a clean environment plus `env` (quiet log unless set). */
export function runBroadsheet(
  args: string[],
  env: Record<string, string> = {},
  options: { timeoutMs?: number; input?: string; cwd?: string } = {},
): Promise<Finished> {
  return runToEnd(process.execPath, [BIN, ...args], { ...options, env: { ...baseEnv(), LOG_LEVEL: 'silent', ...env } });
}
