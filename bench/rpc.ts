// A minimal request/response channel over Node's IPC, so the orchestrator can drive the helper
// processes (bare server, load generator) without sharing an event loop with them.
import { fork, type ChildProcess } from 'node:child_process';

interface CallMessage {
  id: number;
  method: string;
  params: unknown;
}

type ReplyMessage = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

export type Handlers = Record<string, (params: any) => unknown>;

export interface Child {
  readonly pid: number;
  call<T>(method: string, params?: unknown): Promise<T>;
  /** Ends this child (and only this child, by its pid). */
  stop(): Promise<void>;
}

/** Forks a TypeScript helper under tsx and waits until it is listening for calls. */
export async function startChild(file: URL): Promise<Child> {
  const child = fork(file, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;

  // A child that only just started may not yet listen: messages sent before that are lost,
  // so each helper announces itself first.
  await new Promise<void>((resolve, reject) => {
    const onReady = (message: unknown) => {
      if (message === 'ready') {
        child.off('message', onReady);
        resolve();
      }
    };
    child.on('message', onReady);
    child.once('exit', (code) => reject(new Error(`${file.pathname} exited with code ${code} before it was ready`)));
  });

  child.on('message', (message: ReplyMessage) => {
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message.result);
    else waiter.reject(new Error(`${file.pathname}: ${message.error}`));
  });
  child.on('exit', (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`${file.pathname} exited with code ${code}`));
    pending.clear();
  });

  return {
    pid: child.pid!,
    call<T>(method: string, params?: unknown): Promise<T> {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ id, method, params } satisfies CallMessage);
      });
    },
    stop: () => stopChild(child),
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}

/** Runs in a helper process: answers the orchestrator's calls and exits when it goes away. */
export function serveCalls(handlers: Handlers): void {
  process.on('message', async (message: CallMessage) => {
    const handler = handlers[message.method];
    try {
      if (!handler) throw new Error(`no method ${message.method}`);
      const result = await handler(message.params);
      process.send!({ id: message.id, ok: true, result } satisfies ReplyMessage);
    } catch (error) {
      process.send!({
        id: message.id,
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      } satisfies ReplyMessage);
    }
  });
  // Never outlive the orchestrator, even if it crashes before stopping us.
  process.on('disconnect', () => process.exit(0));
  process.send!('ready');
}

/** CPU time (user + system, all threads) this process has used, in milliseconds. */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
