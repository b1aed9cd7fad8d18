// Moderators' digests of newly held comments: each chooses an interval on their account page
// and receives at most one mail per interval, only when something new is held, linking to the queue.
import type { Kysely } from 'kysely';
import type { Config } from '../../config.ts';
import type { Database, Db } from '../../db/database.ts';
import { nowIso } from '../../lib/text.ts';
import { ADMITS } from '../../plugins/access.ts';
import type { OutboxSender } from '../outbox/outbox-sender.ts';
import { queueMessage } from '../outbox/outbox.service.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import { heldDigestMail } from './notification-mail.views.tsx';

/** The intervals offered, in minutes. */
export const DIGEST_INTERVALS = [
  { minutes: 60, label: 'At most hourly' },
  { minutes: 360, label: 'At most every 6 hours' },
  { minutes: 1440, label: 'At most daily' },
  { minutes: 10080, label: 'At most weekly' },
] as const;

export interface DigestService {
  intervalOf(userId: number): Promise<number | null>;
  /** null stops the digest. */
  choose(userId: number, minutes: number | null): Promise<void>;
  /** Queues the digests that are due; returns how many. */
  run(now?: Date): Promise<number>;
}

export function createDigestService(deps: {
  db: Db;
  config: Pick<Config, 'publicUrl' | 'smtp'>;
  settings: SettingsService;
  outbox: OutboxSender;
}): DigestService {
  const { db, config, settings, outbox } = deps;

  async function sendOne(
    trx: Kysely<Database>,
    digest: { user_id: number; email: string; last_sent_at: string },
    now: string,
  ): Promise<boolean> {
    const held = await trx
      .selectFrom('comments as c')
      .innerJoin('articles as a', 'a.id', 'c.article_id')
      .select(['c.author_name', 'c.body_markdown', 'a.title'])
      .where('c.status', '=', 'pending')
      .where('c.created_at', '>', digest.last_sent_at)
      .orderBy('c.created_at', 'desc')
      .limit(5)
      .execute();
    if (held.length === 0) return false;
    const { n } = await trx
      .selectFrom('comments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'pending')
      .where('created_at', '>', digest.last_sent_at)
      .executeTakeFirstOrThrow();
    // The conditional update claims this digest: another instance running at once updates nothing.
    const claimed = await trx
      .updateTable('held_digests')
      .set({ last_sent_at: now })
      .where('user_id', '=', digest.user_id)
      .where('last_sent_at', '=', digest.last_sent_at)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) return false;
    const mail = heldDigestMail({ title: settings.get().siteTitle, publicUrl: config.publicUrl }, digest.email, {
      count: Number(n),
      queueUrl: `${config.publicUrl}/admin/comments?status=pending`,
      accountUrl: `${config.publicUrl}/admin/account/notifications`,
      samples: held.map((h) => ({
        authorName: h.author_name,
        articleTitle: h.title,
        excerpt: h.body_markdown.replace(/\s+/g, ' ').slice(0, 140),
      })),
    });
    await queueMessage(trx, { channel: 'mail', recipient: digest.email, payload: mail });
    return true;
  }

  return {
    async intervalOf(userId) {
      const row = await db
        .selectFrom('held_digests')
        .select('interval_minutes')
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row?.interval_minutes ?? null;
    },

    async choose(userId, minutes) {
      if (minutes === null) {
        await db.deleteFrom('held_digests').where('user_id', '=', userId).execute();
        return;
      }
      // Counting starts now: what was held before is already in the queue they are looking at.
      await db
        .insertInto('held_digests')
        .values({ user_id: userId, interval_minutes: minutes, last_sent_at: nowIso() })
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ interval_minutes: minutes }))
        .execute();
    },

    async run(now = new Date()) {
      if (!config.smtp) return 0;
      const due = await db
        .selectFrom('held_digests as d')
        .innerJoin('users as u', 'u.id', 'd.user_id')
        .select(['d.user_id', 'd.interval_minutes', 'd.last_sent_at', 'u.email', 'u.role'])
        .where('u.disabled', '=', 0)
        .execute();
      let sent = 0;
      for (const digest of due) {
        if (!ADMITS.moderator.includes(digest.role)) continue;
        if (Date.parse(digest.last_sent_at) + digest.interval_minutes * 60_000 > now.getTime()) continue;
        if (await db.transaction().execute((trx) => sendOne(trx, digest, now.toISOString()))) sent++;
      }
      if (sent > 0) outbox.wake();
      return sent;
    },
  };
}
