import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { prepared } from '../../db/prepared.ts';
import type { Role, SessionRow, UserRow } from './staff.table.ts';

type Q = Kysely<Database>;

export function findUserByEmail(db: Q, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

export function findUserById(db: Q, id: number): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function countUsers(db: Q, role?: Role): Promise<number> {
  let query = db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n'));
  if (role) query = query.where('role', '=', role).where('disabled', '=', 0);
  return Number((await query.executeTakeFirstOrThrow()).n);
}

export function listUsers(db: Q): Promise<UserRow[]> {
  return db.selectFrom('users').selectAll().orderBy('role').orderBy('display_name').execute();
}

export async function insertUser(
  db: Q,
  row: {
    email: string;
    displayName: string;
    role: Role;
    passwordHash: string;
    mustChangePassword: boolean;
    now: string;
  },
): Promise<number> {
  const inserted = await db
    .insertInto('users')
    .values({
      email: row.email,
      display_name: row.displayName,
      role: row.role,
      password_hash: row.passwordHash,
      must_change_password: row.mustChangePassword ? 1 : 0,
      created_at: row.now,
      updated_at: row.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return inserted.id;
}

export async function updateUser(
  db: Q,
  id: number,
  changes: Partial<{
    password_hash: string;
    must_change_password: number;
    role: Role;
    disabled: number;
    display_name: string;
    last_login_at: string;
    updated_at: string;
  }>,
): Promise<void> {
  await db.updateTable('users').set(changes).where('id', '=', id).execute();
}

export async function insertSession(
  db: Q,
  row: { idHash: string; userId: number; now: string; expiresAt: string; userAgent: string },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id_hash: row.idHash,
      user_id: row.userId,
      created_at: row.now,
      last_seen_at: row.now,
      expires_at: row.expiresAt,
      user_agent: row.userAgent,
    })
    .execute();
}

export function findSession(db: Q, idHash: string): Promise<SessionRow | undefined> {
  return db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
}

export async function touchSession(db: Q, idHash: string, now: string, expiresAt: string): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ last_seen_at: now, expires_at: expiresAt })
    .where('id_hash', '=', idHash)
    .execute();
}

export async function deleteSession(db: Q, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}

/** Ends every session of a user, except optionally one. */
export async function deleteUserSessions(db: Q, userId: number, exceptIdHash?: string): Promise<void> {
  let query = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (exceptIdHash) query = query.where('id_hash', '!=', exceptIdHash);
  await query.execute();
}

export async function deleteExpiredSessions(db: Q, now: string): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<', now).execute();
}

/** Records a failed (or not yet checked) login under each key; returns the rows' ids. */
export async function recordLoginFailure(db: Q, keys: string[], now: string): Promise<number[]> {
  const rows = await db
    .insertInto('login_failures')
    .values(keys.map((key) => ({ key, created_at: now })))
    .returning('id')
    .execute();
  return rows.map((row) => row.id);
}

export async function deleteLoginFailures(db: Q, ids: number[]): Promise<void> {
  if (ids.length > 0) await db.deleteFrom('login_failures').where('id', 'in', ids).execute();
}

/** Failures under the key since then; with `upToId`, only those recorded no later than that row. */
export async function countLoginFailures(db: Q, key: string, since: string, upToId?: number): Promise<number> {
  let query = db
    .selectFrom('login_failures')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('key', '=', key)
    .where('created_at', '>=', since);
  if (upToId !== undefined) query = query.where('id', '<=', upToId);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function clearLoginFailures(db: Q, key: string): Promise<void> {
  await db.deleteFrom('login_failures').where('key', '=', key).execute();
}

/** Every account's e-mail and display name, for recognising a reader who writes as staff (the table is small). */
// Every comment is compared with the staff's identities: prepared once (db/prepared.ts).
const staffIdentities = prepared((db) => db.selectFrom('users').select(['email', 'display_name']));

export async function listStaffIdentities(db: Q): Promise<{ email: string; display_name: string }[]> {
  return (await staffIdentities.execute(db, {})).rows;
}
