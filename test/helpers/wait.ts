// Waiting for something that has no event to await: poll a condition until it holds or time runs out.
import { setTimeout as delay } from 'node:timers/promises';

/** Waits until `check` returns true (polling every `intervalMs`), or throws after `timeoutMs`. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 3000,
  intervalMs = 10,
): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(intervalMs);
  }
}
