// SQL for single-use staff links (set-up and password reset), stored by the token's hash.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { StaffTokenRow } from './staff.table.ts';

type Q = Kysely<Database>;

export async function insertToken(
  db: Q,
  row: { tokenHash: string; purpose: 'setup' | 'reset'; userId: number | null; now: string; expiresAt: string | null },
): Promise<void> {
  await db
    .insertInto('staff_tokens')
    .values({
      token_hash: row.tokenHash,
      purpose: row.purpose,
      user_id: row.userId,
      created_at: row.now,
      expires_at: row.expiresAt,
    })
    .execute();
}

export function findToken(db: Q, tokenHash: string, purpose: 'setup' | 'reset'): Promise<StaffTokenRow | undefined> {
  return db
    .selectFrom('staff_tokens')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .executeTakeFirst();
}

/**
 * Deletes the token and returns its row, or undefined when it is gone already: of two uses at
 * once, only one gets the row (PostgreSQL makes the second wait for the first's commit).
 */
export function takeToken(db: Q, tokenHash: string, purpose: 'setup' | 'reset'): Promise<StaffTokenRow | undefined> {
  return db
    .deleteFrom('staff_tokens')
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .returningAll()
    .executeTakeFirst();
}

/** Deletes every set-up link; returns their hashes (the first admin's creation uses them all up). */
export async function takeSetupTokens(db: Q): Promise<string[]> {
  const rows = await db.deleteFrom('staff_tokens').where('purpose', '=', 'setup').returning('token_hash').execute();
  return rows.map((r) => r.token_hash);
}

export async function deleteResetTokens(db: Q, userId: number): Promise<void> {
  await db.deleteFrom('staff_tokens').where('purpose', '=', 'reset').where('user_id', '=', userId).execute();
}

export async function deleteExpiredTokens(db: Q, now: string): Promise<void> {
  await db.deleteFrom('staff_tokens').where('expires_at', 'is not', null).where('expires_at', '<', now).execute();
}

/** Reset links mailed to the account since then (used ones are deleted, so this counts those still open). */
export async function countResetTokensSince(db: Q, userId: number, since: string): Promise<number> {
  const row = await db
    .selectFrom('staff_tokens')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('purpose', '=', 'reset')
    .where('user_id', '=', userId)
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
