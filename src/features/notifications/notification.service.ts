// Reply notifications with double opt-in, and their one-click unsubscribe.
//
// Ticking "E-mail me when someone replies" records the comment's subscription; an address never
// confirmed gets one confirmation mail, ever (the outbox's dedupe key), and nothing else until its
// owner presses the button behind the link. When a reply is published (at once, or later by a
// moderator), each confirmed follower of its parent gets one mail (dedupe key per reply and
// address), unless they wrote the reply. Everything is queued in the transaction that publishes.
import type { Kysely } from 'kysely';
import type { Config } from '../../config.ts';
import type { Database, Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import { nowIso } from '../../lib/text.ts';
import { articlePath } from '../articles/article.model.ts';
import type { OutboxSender } from '../outbox/outbox-sender.ts';
import { queueMessage } from '../outbox/outbox.service.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import { signLink, verifyLink, type LinkPurpose } from './notification-links.ts';
import { confirmationMail, replyMail, type MailSite } from './notification-mail.views.tsx';
import * as repo from './subscription.repository.ts';

/** A comment that has just become public (its fields as stored). */
export interface PublishedComment {
  id: number;
  article_id: number;
  parent_id: number | null;
  author_name: string;
  author_email: string;
  body_markdown: string;
}

/** What the comment service tells the notifications, inside its transactions. */
export interface CommentNotifier {
  /** The comment's author asked for mail on replies (their comment is not spam). */
  subscribe(trx: Kysely<Database>, comment: { id: number; authorEmail: string }): Promise<void>;
  published(trx: Kysely<Database>, comments: PublishedComment[]): Promise<void>;
  /** After the commit: the sender may deliver what was queued. */
  committed(): void;
}

export interface LinkState {
  /** confirm: whether it is already confirmed; unsubscribe: how many comments it follows. */
  confirmed: boolean;
  following: number;
}

export interface NotificationService extends CommentNotifier {
  enabled: boolean;
  /** What a confirm or unsubscribe link is about; AppError for a bad or dead link. */
  inspect(purpose: LinkPurpose, token: string): Promise<LinkState>;
  confirm(token: string): Promise<void>;
  /** Stops every reply notification to the address; returns how many comments it followed. */
  unsubscribe(token: string): Promise<number>;
  /** Signed links, for tests and mails. */
  link(purpose: LinkPurpose, addressId: number): string;
}

export function createNotificationService(deps: {
  db: Db;
  config: Pick<Config, 'publicUrl' | 'smtp'>;
  settings: SettingsService;
  linkKey: string;
  outbox: OutboxSender;
}): NotificationService {
  const { db, config, settings, linkKey, outbox } = deps;
  const enabled = config.smtp !== undefined;
  const site = (): MailSite => ({ title: settings.get().siteTitle, publicUrl: config.publicUrl });
  const link = (purpose: LinkPurpose, id: number) =>
    `${config.publicUrl}/mail/${purpose}/${signLink(linkKey, purpose, id)}`;

  async function addressOf(purpose: LinkPurpose, token: string): Promise<repo.AddressRow> {
    const id = verifyLink(linkKey, purpose, token);
    if (id === undefined) throw new AppError('link_invalid');
    const address = await repo.findAddressById(db, id);
    // Erased (privacy self-service) since the mail was sent.
    if (!address)
      throw new AppError('link_expired', 'This link no longer works: the address it was for is no longer stored here.');
    return address;
  }

  return {
    enabled,
    link,

    async subscribe(trx, comment) {
      if (!enabled) return;
      const now = nowIso();
      const address = await repo.ensureAddress(trx, comment.authorEmail, now);
      await repo.addSubscription(trx, comment.id, address.id, now);
      if (address.confirmed_at === null) {
        await queueMessage(trx, {
          channel: 'mail',
          recipient: address.email,
          dedupeKey: `confirm:${address.id}`,
          payload: confirmationMail(site(), address.email, link('confirm', address.id)),
        });
      }
    },

    async published(trx, comments) {
      if (!enabled) return;
      const replies = comments.filter((c) => c.parent_id !== null);
      if (replies.length === 0) return;
      const followers = await repo.subscribersOf(trx, [...new Set(replies.map((r) => r.parent_id!))]);
      if (followers.length === 0) return;
      const articleIds = [...new Set(replies.map((r) => r.article_id))];
      const articles = new Map((await repo.articleLinks(trx, articleIds)).map((a) => [a.id, a]));
      for (const reply of replies) {
        const article = articles.get(reply.article_id)!;
        for (const follower of followers) {
          if (follower.comment_id !== reply.parent_id || follower.confirmed_at === null) continue;
          if (follower.email === reply.author_email.toLowerCase()) continue;
          const mail = replyMail(
            site(),
            follower.email,
            {
              authorName: reply.author_name,
              bodyText: reply.body_markdown,
              articleTitle: article.title,
              url: `${config.publicUrl}${articlePath(article.slug)}/comments/${reply.id}`,
            },
            link('unsubscribe', follower.address_id),
          );
          await queueMessage(trx, {
            channel: 'mail',
            recipient: follower.email,
            dedupeKey: `reply:${reply.id}:${follower.address_id}`,
            payload: mail,
          });
        }
      }
    },

    committed: () => outbox.wake(),

    async inspect(purpose, token) {
      const address = await addressOf(purpose, token);
      return { confirmed: address.confirmed_at !== null, following: await repo.countSubscriptions(db, address.id) };
    },

    async confirm(token) {
      const address = await addressOf('confirm', token);
      await repo.confirmAddress(db, address.id, nowIso());
    },

    async unsubscribe(token) {
      const address = await addressOf('unsubscribe', token);
      return db.transaction().execute((trx) => repo.deleteSubscriptions(trx, address.id));
    },
  };
}
