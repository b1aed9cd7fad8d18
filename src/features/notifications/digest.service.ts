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
import * as repo from './digest.repository.ts';
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
    const held = await repo.heldSince(trx, digest.last_sent_at, 5);
    if (held.length === 0) return false;
    const count = await repo.countHeldSince(trx, digest.last_sent_at);
    // The conditional update claims this digest: another instance running at once updates nothing.
    if (!(await repo.claimDigest(trx, digest.user_id, digest.last_sent_at, now))) return false;
    const mail = heldDigestMail({ title: settings.get().siteTitle, publicUrl: config.publicUrl }, digest.email, {
      count,
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
    intervalOf(userId) {
      return repo.findInterval(db, userId);
    },

    async choose(userId, minutes) {
      if (minutes === null) return repo.deleteDigest(db, userId);
      // Counting starts now: what was held before is already in the queue they are looking at.
      await repo.upsertDigest(db, userId, minutes, nowIso());
    },

    async run(now = new Date()) {
      if (!config.smtp) return 0;
      const due = await repo.listDigests(db);
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
