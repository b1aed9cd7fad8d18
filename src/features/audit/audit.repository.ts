// SQL for the audit log, and for the names its entries show (staff, comments, articles).
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { AuditLogTable } from '../staff/staff.table.ts';

type Q = Kysely<Database>;

export async function insertAuditEntry(db: Q, row: Insertable<AuditLogTable>): Promise<void> {
  await db.insertInto('audit_log').values(row).execute();
}

/** Newest first. */
export function listAuditRows(
  db: Q,
  { limit, offset }: { limit: number; offset: number },
): Promise<Selectable<AuditLogTable>[]> {
  return db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(limit).offset(offset).execute();
}

export async function findCommentAuthors(
  db: Q,
  ids: number[],
): Promise<{ id: number; author_name: string; article_id: number }[]> {
  return ids.length
    ? db.selectFrom('comments').select(['id', 'author_name', 'article_id']).where('id', 'in', ids).execute()
    : [];
}

export async function findArticleTitles(db: Q, ids: number[]): Promise<{ id: number; title: string; slug: string }[]> {
  return ids.length ? db.selectFrom('articles').select(['id', 'title', 'slug']).where('id', 'in', ids).execute() : [];
}

/** Staff members by id or by e-mail (an entry's actor is the e-mail they had then). */
export async function findStaffNames(
  db: Q,
  { ids, emails }: { ids: number[]; emails: string[] },
): Promise<{ id: number; display_name: string; email: string }[]> {
  if (!ids.length && !emails.length) return [];
  return db
    .selectFrom('users')
    .select(['id', 'display_name', 'email'])
    .where((eb) =>
      eb.or([...(ids.length ? [eb('id', 'in', ids)] : []), ...(emails.length ? [eb('email', 'in', emails)] : [])]),
    )
    .execute();
}
