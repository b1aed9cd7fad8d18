// Bans: a moderator stops one commenter — by e-mail address, by network address (its keyed
// hash: nobody sees an IP) or by reader cookie — for a day, a week or for good, always from one
// of their comments. The comment service refuses a banned commenter's posts and edits.
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import { nowIso } from '../../lib/text.ts';
import { recordAudit, type Actor } from '../audit/audit.service.ts';
import { findCommentRow } from '../comments/comment-lookup.ts';
import * as repo from './ban.repository.ts';
import type { BanKind, BanRow } from './ban.table.ts';

export type BanDuration = 'day' | 'week' | 'forever';

export const BAN_KINDS: readonly { kind: BanKind; label: string }[] = [
  { kind: 'email', label: 'E-mail address' },
  { kind: 'ip', label: 'Network address' },
  { kind: 'reader', label: 'Browser (reader cookie)' },
];

export const BAN_DURATIONS: readonly { duration: BanDuration; label: string; ms: number | null }[] = [
  { duration: 'day', label: '1 day', ms: 86_400_000 },
  { duration: 'week', label: '1 week', ms: 7 * 86_400_000 },
  { duration: 'forever', label: 'Forever', ms: null },
];

export const BAN_REASON_MAX = 300;

export interface Ban {
  id: number;
  kind: BanKind;
  /** Whom it bans, in words: the name on the comment, and the e-mail for an e-mail ban (never an address or cookie). */
  subject: string;
  commentId: number | null;
  reason: string;
  createdBy: string;
  createdAt: string;
  /** Null: forever. */
  expiresAt: string | null;
  liftedBy: string | null;
  liftedAt: string | null;
  active: boolean;
}

export interface BanList {
  items: Ban[];
  total: number;
  page: number;
  perPage: number;
}

export interface BanService {
  /** Bans the author of a comment; staff cannot be banned. Audited in the same transaction. */
  banFromComment(
    input: { commentId: number; kind: BanKind; reason: string; duration: BanDuration },
    actor: Actor,
  ): Promise<Ban>;
  /** Ends a ban before its time; audited. */
  lift(id: number, actor: Actor): Promise<void>;
  list(page: number, perPage?: number): Promise<BanList>;
}

// Address hashes are 27 characters of base64url (plugins/reader.ts); demo, staff and imported
// comments carry a word instead, and a hash erased with age is empty.
const ADDRESS_HASH = /^[A-Za-z0-9_-]{20,}$/;

function toBan(row: BanRow, now = nowIso()): Ban {
  return {
    id: row.id,
    kind: row.kind,
    subject: row.kind === 'email' ? `${row.subject_name} <${row.value}>` : row.subject_name,
    commentId: row.comment_id,
    reason: row.reason,
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    liftedBy: row.lifted_by,
    liftedAt: row.lifted_at,
    active: row.lifted_at === null && (row.expires_at === null || row.expires_at > now),
  };
}

export function createBanService({ db }: { db: Db }): BanService {
  return {
    async banFromComment({ commentId, kind, reason, duration }, actor) {
      const why = reason.replace(/\s+/g, ' ').trim();
      if (!why)
        throw new AppError('validation_failed', undefined, {
          reason: 'Say why, for the ban list and the other moderators.',
        });
      if (why.length > BAN_REASON_MAX)
        throw new AppError('validation_failed', undefined, {
          reason: `Keep the reason under ${BAN_REASON_MAX} characters.`,
        });
      const length = BAN_DURATIONS.find((d) => d.duration === duration);
      if (!length) throw new AppError('validation_failed', undefined, { duration: 'Choose how long the ban lasts.' });
      const now = nowIso();
      return db.transaction().execute(async (trx) => {
        const comment = await findCommentRow(trx, commentId);
        if (!comment) throw new AppError('comment_not_found');
        if (
          comment.staff_role !== null ||
          comment.ip_hash === 'staff' ||
          (await repo.isStaffEmail(trx, comment.author_email))
        )
          throw new AppError('ban_staff');
        let value: string;
        if (kind === 'email') value = comment.author_email.toLowerCase();
        else if (kind === 'ip') {
          if (!ADDRESS_HASH.test(comment.ip_hash))
            throw new AppError(
              'ban_not_possible',
              'The network address of this comment is not kept (it was imported, or is too old); ban by ' +
                'e-mail instead.',
            );
          value = comment.ip_hash;
        } else {
          if (!comment.reader_id)
            throw new AppError(
              'ban_not_possible',
              'This comment was not written from a browser we know again; ban by e-mail or address instead.',
            );
          value = comment.reader_id;
        }
        const row = {
          kind,
          value,
          reason: why,
          subject_name: comment.author_name,
          comment_id: comment.id,
          created_by: actor.name,
          created_at: now,
          expires_at: length.ms === null ? null : new Date(Date.parse(now) + length.ms).toISOString(),
          lifted_by: null,
          lifted_at: null,
        };
        const id = await repo.insertBan(trx, row);
        await recordAudit(trx, actor, 'ban.create', `ban:${id}`, {
          kind,
          comment: comment.id,
          name: comment.author_name,
          reason: why,
          until: row.expires_at ?? 'forever',
        });
        return toBan({ id, ...row }, now);
      });
    },

    async lift(id, actor) {
      await db.transaction().execute(async (trx) => {
        const ban = await repo.findBan(trx, id);
        if (!ban) throw new AppError('not_found', 'There is no such ban.');
        if (!(await repo.liftBan(trx, id, actor.name, nowIso()))) return;
        await recordAudit(trx, actor, 'ban.lift', `ban:${id}`, { kind: ban.kind, name: ban.subject_name });
      });
    },

    async list(page, perPage = 50) {
      const [rows, total] = await Promise.all([
        repo.listBans(db, { limit: perPage, offset: (page - 1) * perPage }),
        repo.countBans(db),
      ]);
      const now = nowIso();
      return { items: rows.map((row) => toBan(row, now)), total, page, perPage };
    },
  };
}
