// Without Redis, nothing tells a server that another process (`broadsheet comments approve`, an
// import) wrote to its SQLite file. SQLite does, cheaply: `PRAGMA data_version` changes when
// another connection commits. One small query on the server's own connection, every few hundred
// milliseconds, and the caches are dropped within a second of such a commit.
import { sql } from 'kysely';
import type { Db } from './database.ts';

export const COMMIT_POLL_MS = 300;

export interface CommitWatcher {
  /** Stops polling; waits for a poll under way. */
  close(): Promise<void>;
}

/** Calls `onChange` after another connection commits to this SQLite database. */
export function watchOtherCommits(
  db: Db,
  onChange: () => void,
  { intervalMs = COMMIT_POLL_MS, onError }: { intervalMs?: number; onError?: (error: unknown) => void } = {},
): CommitWatcher {
  let last: number | undefined;
  let running: Promise<void> | undefined;
  let closed = false;
  const poll = async () => {
    try {
      const { rows } = await sql<{ data_version: number }>`pragma data_version`.execute(db);
      const version = Number(rows[0]?.data_version);
      if (last !== undefined && version !== last && !closed) onChange();
      last = version;
    } catch (error) {
      if (!closed) onError?.(error);
    }
  };
  // One poll at a time: a slow one (the connection busy with a long write) is not stacked up.
  const tick = () => {
    running ??= poll().finally(() => (running = undefined));
  };
  tick();
  const timer = setInterval(tick, intervalMs).unref();
  return {
    async close() {
      closed = true;
      clearInterval(timer);
      await running;
    },
  };
}
