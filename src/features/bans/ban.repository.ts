import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { prepared } from '../../db/prepared.ts';
import type { BanKind, BanRow, NewBanRow } from './ban.table.ts';

type Q = Kysely<Database>;

// Every comment posted runs this: prepared once (db/prepared.ts). Unsorted: an ORDER BY here
// made SQLite build a temporary b-tree on every post, costing more than the rest of the query;
// the rows (almost always none, rarely more than one) are compared in findActiveBan instead.
const activeBans = prepared((db, v: { email: string; ipHash: string; readerId: string; now: string }) =>
  db
    .selectFrom('bans')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([eb('kind', '=', 'email'), eb('value', '=', v.email)]),
        eb.and([eb('kind', '=', 'ip'), eb('value', '=', v.ipHash)]),
        eb.and([eb('kind', '=', 'reader'), eb('value', '=', v.readerId)]),
      ]),
    )
    .where('lifted_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', v.now)])),
);

/** Whether `a` lasts longer than `b` (a ban without an end outlasts every other). */
const outlasts = (a: BanRow, b: BanRow) =>
  b.expires_at !== null && (a.expires_at === null || a.expires_at > b.expires_at);

/** The ban in force on any of these (an absent reader id matches nothing), or undefined. */
export async function findActiveBan(
  db: Q,
  who: { email: string; ipHash: string; readerId: string | null; now: string },
): Promise<BanRow | undefined> {
  const { rows } = await activeBans.execute(db, {
    email: who.email.toLowerCase(),
    ipHash: who.ipHash,
    readerId: who.readerId ?? '',
    now: who.now,
  });
  // The longest ban is the one to tell the reader about.
  return rows.reduce<BanRow | undefined>(
    (longest, row) => (longest && !outlasts(row, longest) ? longest : row),
    undefined,
  );
}

export async function insertBan(db: Q, row: Omit<NewBanRow, 'id'>): Promise<number> {
  return (await db.insertInto('bans').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export function findBan(db: Q, id: number): Promise<BanRow | undefined> {
  return db.selectFrom('bans').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function liftBan(db: Q, id: number, by: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('bans')
    .set({ lifted_by: by, lifted_at: now })
    .where('id', '=', id)
    .where('lifted_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Newest first. */
export function listBans(db: Q, { limit, offset }: { limit: number; offset: number }): Promise<BanRow[]> {
  return db.selectFrom('bans').selectAll().orderBy('id', 'desc').limit(limit).offset(offset).execute();
}

export async function countBans(db: Q): Promise<number> {
  const row = await db
    .selectFrom('bans')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Whether a staff account uses this e-mail address. */
export async function isStaffEmail(db: Q, email: string): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').where('email', '=', email.toLowerCase()).executeTakeFirst();
  return row !== undefined;
}

export type { BanKind };
