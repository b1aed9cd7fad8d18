// The audit log: who did what to which thing, and when. Written inside the action's transaction.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { nowIso } from '../../lib/text.ts';
import * as repo from './audit.repository.ts';

export interface Actor {
  userId: number | null;
  /** How the actor is shown: a staff member's e-mail, or "cli". */
  name: string;
}

export const CLI_ACTOR: Actor = { userId: null, name: 'cli' };

export interface AuditEntry {
  id: number;
  /** The staff member who acted, when one did. */
  userId: number | null;
  actor: string;
  action: string;
  subject: string;
  details: Record<string, unknown>;
  createdAt: string;
}

export async function recordAudit(
  db: Kysely<Database>,
  actor: Actor,
  action: string,
  subject = '',
  details: Record<string, unknown> = {},
): Promise<void> {
  await repo.insertAuditEntry(db, {
    user_id: actor.userId,
    actor: actor.name,
    action,
    subject,
    details: JSON.stringify(details),
    created_at: nowIso(),
  });
}

export async function listAudit(
  db: Kysely<Database>,
  { limit, offset }: { limit: number; offset: number },
): Promise<AuditEntry[]> {
  const rows = await repo.listAuditRows(db, { limit, offset });
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    actor: r.actor,
    action: r.action,
    subject: r.subject,
    details: JSON.parse(r.details),
    createdAt: r.created_at,
  }));
}
