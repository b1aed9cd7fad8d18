// Delivers what the outbox holds, one channel deliverer per kind of message, with retries and
// exponential backoff.
//
// What "exactly once" means here. A message is written in the same transaction as what caused
// it, so it exists if and only if that change was committed (nothing lost, nothing sent for a
// change that rolled back). A sender claims it with a lease (PostgreSQL: `for update skip locked`,
// so two instances never claim the same row), delivers it, then marks it sent. A restart or an
// outage before delivery only delays it. The one window left is a crash after the receiving
// server accepted the message and before "sent" was committed: when the lease runs out the
// message is delivered again. That window is a few milliseconds per message; receivers can tell
// the copies apart because every attempt carries the same id (Message-ID for mail, the delivery
// id for webhooks). The lease is far longer than any deliverer's own timeouts, so a live sender
// never loses its message to another.
import type { Logger } from 'pino';
import type { Db } from '../../db/database.ts';
import { nowIso } from '../../lib/text.ts';
import * as repo from './outbox.repository.ts';
import type { OutboxRow } from './outbox.table.ts';

export interface OutboxMessage {
  id: number;
  channel: string;
  payload: unknown;
  /** 1 for the first attempt. */
  attempt: number;
  createdAt: string;
}

/** Delivers one message; throwing means "try again later" (the error's message is kept). */
export type Deliverer = (message: OutboxMessage) => Promise<void>;

export interface OutboxOptions {
  /** Attempts before a message is marked failed. */
  maxAttempts: number;
  /** The first retry waits this long; each further one twice as long, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** How often the queue is looked at when nothing woke the sender. */
  pollMs: number;
  leaseMs: number;
  batchSize: number;
}

export const DEFAULT_OUTBOX_OPTIONS: OutboxOptions = {
  maxAttempts: 10,
  baseDelayMs: 30_000,
  maxDelayMs: 6 * 3_600_000,
  pollMs: 5_000,
  leaseMs: 5 * 60_000,
  batchSize: 20,
};

export interface OutboxSender {
  /**
   * Adds (or replaces) the deliverer of a channel; messages of channels without one wait. `retry` overrides the
   * options' retries for this channel.
   */
  register(
    channel: string,
    deliver: Deliverer,
    retry?: Partial<Pick<OutboxOptions, 'maxAttempts' | 'baseDelayMs' | 'maxDelayMs'>>,
  ): void;
  channels(): string[];
  /** Starts the loop: polls every pollMs, and at once after wake(). */
  start(): void;
  /** Stops the loop and waits for the batch in hand. */
  stop(): Promise<void>;
  /** Asks for a pass soon (after a commit that queued something). */
  wake(): void;
  /** One pass: claims and delivers what is due; returns how many were attempted. */
  runOnce(): Promise<number>;
}

/** Delay before attempt `attempt + 1`, after `attempt` failed: base·2^(attempt−1), capped. */
export function backoffMs(attempt: number, options: Pick<OutboxOptions, 'baseDelayMs' | 'maxDelayMs'>): number {
  return Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 1));
}

export function createOutboxSender(deps: { db: Db; log: Logger; options?: Partial<OutboxOptions> }): OutboxSender {
  const { db, log } = deps;
  const options = { ...DEFAULT_OUTBOX_OPTIONS, ...deps.options };
  const deliverers = new Map<string, Deliverer>();
  const retries = new Map<string, Pick<OutboxOptions, 'maxAttempts' | 'baseDelayMs' | 'maxDelayMs'>>();
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<number> | undefined;
  let again = false;

  async function deliver(row: OutboxRow): Promise<void> {
    const lease = row.locked_until!;
    const deliverer = deliverers.get(row.channel);
    try {
      if (!deliverer) throw new Error(`no deliverer for channel ${row.channel}`);
      await deliverer({
        id: row.id,
        channel: row.channel,
        payload: JSON.parse(row.payload),
        attempt: row.attempts,
        createdAt: row.created_at,
      });
      await repo.markSent(db, row.id, lease, nowIso());
    } catch (error) {
      const message = String((error as Error)?.message ?? error).slice(0, 500);
      const retry = retries.get(row.channel) ?? options;
      const last = row.attempts >= retry.maxAttempts;
      const retryAt = last ? null : new Date(Date.now() + backoffMs(row.attempts, retry)).toISOString();
      log.warn(
        { outboxId: row.id, channel: row.channel, attempt: row.attempts, error: message },
        last ? 'outbox message failed for good' : 'outbox delivery failed; will retry',
      );
      await repo.markFailedAttempt(db, row.id, lease, { error: message, retryAt });
    }
  }

  async function runPass(): Promise<number> {
    let attempted = 0;
    for (;;) {
      const now = new Date();
      const rows = await repo.claimDue(db, {
        channels: [...deliverers.keys()],
        now: now.toISOString(),
        leaseUntil: new Date(now.getTime() + options.leaseMs).toISOString(),
        limit: options.batchSize,
      });
      for (const row of rows) await deliver(row);
      attempted += rows.length;
      if (rows.length < options.batchSize) return attempted;
    }
  }

  function runOnce(): Promise<number> {
    // One pass at a time per process; a wake during a pass asks for another after it.
    if (pass) {
      again = true;
      return pass;
    }
    pass = runPass().finally(() => {
      pass = undefined;
    });
    return pass;
  }

  function schedule(delay: number) {
    if (!running) return;
    clearTimeout(timer);
    timer = setTimeout(tick, delay);
    timer.unref();
  }

  async function tick() {
    try {
      do {
        again = false;
        await runOnce();
      } while (again && running);
    } catch (err) {
      log.warn({ err }, 'outbox pass failed');
    }
    schedule(options.pollMs);
  }

  return {
    register(channel, deliverer, retry) {
      deliverers.set(channel, deliverer);
      if (retry) retries.set(channel, { ...options, ...retry });
      else retries.delete(channel);
    },
    channels: () => [...deliverers.keys()],
    start() {
      if (running) return;
      running = true;
      schedule(0);
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      await pass?.catch(() => {});
    },
    wake() {
      if (!running) return;
      if (pass) again = true;
      else schedule(0);
    },
    runOnce,
  };
}
