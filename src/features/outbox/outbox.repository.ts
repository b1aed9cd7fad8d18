// The outbox's SQL: enqueue inside the caller's transaction, claim due messages with a lease,
// record the outcome, and list them for the admin page.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { isPostgres } from '../../db/postgres.ts';
import type { OutboxRow, OutboxStatus } from './outbox.table.ts';

export interface NewOutboxMessage {
  channel: string;
  payload: unknown;
  recipient?: string | null;
  /** A message with a key already in the outbox (sent or not) is not written again. */
  dedupeKey?: string | null;
}

/** Writes a message in `db`'s transaction; false when its dedupe key was already there. */
export async function insertMessage(db: Kysely<Database>, message: NewOutboxMessage, now: string): Promise<boolean> {
  const result = await db
    .insertInto('outbox')
    .values({
      channel: message.channel,
      payload: JSON.stringify(message.payload),
      recipient: message.recipient ?? null,
      dedupe_key: message.dedupeKey ?? null,
      next_attempt_at: now,
      created_at: now,
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/**
 * Claims up to `limit` due messages of these channels: each gets a lease until `leaseUntil` and
 * one more attempt counted. On PostgreSQL `for update skip locked` gives every row to exactly one
 * of the instances claiming at once; SQLite runs one writer at a time, so the update is the claim.
 * A message whose lease ran out (its sender died mid-send) is due again.
 */
export async function claimDue(
  db: Kysely<Database>,
  { channels, now, leaseUntil, limit }: { channels: string[]; now: string; leaseUntil: string; limit: number },
): Promise<OutboxRow[]> {
  if (channels.length === 0) return [];
  let due = db
    .selectFrom('outbox')
    .select('id')
    .where('status', '=', 'queued')
    .where('next_attempt_at', '<=', now)
    .where('channel', 'in', channels)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .orderBy('next_attempt_at')
    .limit(limit);
  if (isPostgres(db)) due = due.forUpdate().skipLocked();
  return db
    .updateTable('outbox')
    .set({ locked_until: leaseUntil, attempts: sql`attempts + 1` })
    .where('id', 'in', due)
    .returningAll()
    .execute();
}

/** Only the holder of the lease records an outcome: a sender whose lease ran out lost the message to another. */
export async function markSent(db: Kysely<Database>, id: number, lease: string, now: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ status: 'sent', sent_at: now, locked_until: null, last_error: null })
    .where('id', '=', id)
    .where('locked_until', '=', lease)
    .execute();
}

export async function markFailedAttempt(
  db: Kysely<Database>,
  id: number,
  lease: string,
  outcome: { error: string; retryAt: string | null },
): Promise<void> {
  await db
    .updateTable('outbox')
    .set(
      outcome.retryAt
        ? { locked_until: null, next_attempt_at: outcome.retryAt, last_error: outcome.error }
        : { status: 'failed', locked_until: null, last_error: outcome.error },
    )
    .where('id', '=', id)
    .where('locked_until', '=', lease)
    .execute();
}

export async function listMessages(
  db: Kysely<Database>,
  { status, limit, offset }: { status?: OutboxStatus; limit: number; offset: number },
): Promise<OutboxRow[]> {
  let query = db.selectFrom('outbox').selectAll().orderBy('id', 'desc').limit(limit).offset(offset);
  if (status) query = query.where('status', '=', status);
  return query.execute();
}

export async function countByStatus(db: Kysely<Database>): Promise<Record<OutboxStatus, number>> {
  const rows = await db
    .selectFrom('outbox')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  const counts: Record<OutboxStatus, number> = { queued: 0, sent: 0, failed: 0 };
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}

/** Puts a failed message back in the queue (the admin's "retry"). */
export async function requeue(db: Kysely<Database>, id: number, now: string): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set({ status: 'queued', next_attempt_at: now, locked_until: null })
    .where('id', '=', id)
    .where('status', '=', 'failed')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
