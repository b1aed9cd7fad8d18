// Broadsheet as it is deployed: `node bin/broadsheet.js serve` from the compiled dist/, in a
// process of its own, on a database the bench prepared. Its CPU is read from /proc, like the
// bare server's, so neither side carries the orchestration's event loop.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export interface DeployedServer {
  url: string;
  pid: number;
  /** Ends this server (by its pid) and waits for it to exit. */
  stop(): Promise<void>;
}

const CLI = fileURLToPath(new URL('../bin/broadsheet.js', import.meta.url));
const READY_TIMEOUT_MS = 60_000;

/** A port nobody listens on now, for the server to take. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Starts `broadsheet serve` with `env` (its configuration) and waits until /healthz answers. */
export async function startDeployed(env: Record<string, string>): Promise<DeployedServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [CLI, 'serve', '--no-demo'], {
    // Only what a service unit would set: not the bench's own NODE_OPTIONS (tsx).
    env: { PATH: process.env.PATH ?? '', ...env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`broadsheet serve exited with code ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { url, pid: child.pid!, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`broadsheet serve did not answer on ${url} within ${READY_TIMEOUT_MS / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
