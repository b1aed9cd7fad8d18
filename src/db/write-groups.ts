// Writes that arrive together, committed together (PostgreSQL's ratings and comments, SQLite's
// ratings). Every commit waits for its WAL flush and costs the server a transaction;
// under load, many writes wait at once. A group takes what has queued while the previous groups
// were running and sends it in one call, so the flush and the transaction are shared. Nothing is
// acknowledged before its group commits. Under light load a write finds no group running and goes
// at once, alone: grouping adds no wait.
import { isDatabaseUnavailable } from './postgres.ts';

export interface WriteGroups<I, O> {
  /** Resolves once `item`'s group has committed, with its outcome; rejects if it failed. */
  add(item: I): Promise<O>;
}

interface Waiting<I, O> {
  item: I;
  resolve(outcome: O): void;
  reject(error: unknown): void;
}

/**
 * `write` commits a group and returns one outcome per item, in order. When a group fails for
 * another reason than the database being away, its items are written again one by one, so one
 * bad item fails alone. `running` groups at most run at once (each holds a connection).
 */
export function writeGroups<I, O>(
  write: (items: I[]) => Promise<O[]>,
  { running = 2, largest = 100 }: { running?: number; largest?: number } = {},
): WriteGroups<I, O> {
  const queue: Waiting<I, O>[] = [];
  let busy = 0;
  let scheduled = false;

  const settle = async (group: Waiting<I, O>[]) => {
    try {
      const outcomes = await write(group.map((w) => w.item));
      for (const [i, w] of group.entries()) w.resolve(outcomes[i]!);
    } catch (error) {
      if (group.length === 1 || isDatabaseUnavailable(error)) {
        for (const w of group) w.reject(error);
        return;
      }
      for (const w of group) await settle([w]);
    }
  };

  const next = () => {
    scheduled = false;
    while (busy < running && queue.length > 0) {
      busy++;
      void settle(queue.splice(0, largest)).finally(() => {
        busy--;
        schedule();
      });
    }
  };
  // Writes that arrive in the same turn of the event loop go in one group.
  const schedule = () => {
    if (scheduled || busy >= running || queue.length === 0) return;
    scheduled = true;
    setImmediate(next);
  };

  return {
    add(item) {
      return new Promise<O>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        schedule();
      });
    },
  };
}
