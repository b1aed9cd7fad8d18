// Privacy self-service: a reader asks at /privacy, receives a single-use link (24 h) by mail,
// and behind it downloads everything stored about the address or erases it.
//
// The request page answers the same whatever the address: whether anything is stored about it
// is told only to its mailbox. The token is random and only its SHA-256 is stored. Downloading
// does not use the link up; erasing does (and deletes every link of the address).
import { createHash } from 'node:crypto';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import type { EventBus } from '../../events.ts';
import { randomToken } from '../../lib/crypto.ts';
import { nowIso } from '../../lib/text.ts';
import { recountComments } from '../articles/article-counters.ts';
import { articleStates } from '../articles/article-state.ts';
import { articlePath } from '../articles/article.model.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { privacyLinkMail } from '../notifications/notification-mail.views.tsx';
import { readerSubscriptions } from '../notifications/reader-subscriptions.ts';
import type { OutboxSender } from '../outbox/outbox-sender.ts';
import { queueMessage } from '../outbox/outbox.service.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import * as repo from './privacy.repository.ts';

export const PRIVACY_LINK_HOURS = 24;

export interface PersonalData {
  email: string;
  exportedAt: string;
  comments: {
    id: number;
    article: { title: string; url: string };
    url: string;
    replyTo: number | null;
    name: string;
    website: string | null;
    text: string;
    status: string;
    postedAt: string;
    editedAt: string | null;
    earlierTexts: { text: string; replacedAt: string }[];
  }[];
  replyNotifications: { commentId: number; articleUrl: string; since: string; addressConfirmedAt: string | null }[];
}

export interface ErasureSummary {
  deleted: number;
  /** Kept as "[removed]" because replies hang from them. */
  blanked: number;
  subscriptions: number;
}

export interface PrivacyService {
  /** Mails a link when anything is stored about the address; says nothing either way. */
  request(email: string): Promise<void>;
  /** The address a valid, unused, unexpired link is for; AppError otherwise. */
  open(token: string): Promise<{ email: string; expiresAt: string; comments: number; subscriptions: number }>;
  export(token: string): Promise<PersonalData>;
  erase(token: string): Promise<ErasureSummary>;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export function createPrivacyService(deps: {
  db: Db;
  config: Pick<Config, 'publicUrl' | 'smtp'>;
  settings: SettingsService;
  events: EventBus;
  outbox: OutboxSender;
}): PrivacyService {
  const { db, config, settings, events, outbox } = deps;
  const absolute = (path: string) => `${config.publicUrl}${path}`;
  const articleUrl = (row: { article_slug: string; article_kind: string; article_external_url: string | null }) =>
    row.article_kind === 'external' && row.article_external_url
      ? row.article_external_url
      : absolute(
          row.article_kind === 'page'
            ? `/pages/${encodeURIComponent(row.article_slug)}`
            : articlePath(row.article_slug),
        );

  async function linkFor(token: string) {
    if (!/^[A-Za-z0-9_-]{32,64}$/.test(token)) throw new AppError('link_invalid');
    const link = await repo.findLink(db, hashToken(token));
    if (!link || link.used_at !== null || link.expires_at < nowIso()) throw new AppError('link_expired');
    return link;
  }

  return {
    async request(email) {
      if (!config.smtp)
        throw new AppError(
          'mail_disabled',
          'This site does not send e-mail at the moment, so it cannot send you a link. Write to its editors instead.',
        );
      const now = new Date();
      const queued = await db.transaction().execute(async (trx) => {
        await repo.deleteExpiredLinks(trx, now.toISOString());
        if (!(await repo.isKnown(trx, email))) return false;
        const token = randomToken(32);
        await repo.insertLink(trx, {
          token_hash: hashToken(token),
          email,
          expires_at: new Date(now.getTime() + PRIVACY_LINK_HOURS * 3_600_000).toISOString(),
        });
        await queueMessage(trx, {
          channel: 'mail',
          recipient: email,
          payload: privacyLinkMail(
            { title: settings.get().siteTitle, publicUrl: config.publicUrl },
            email,
            absolute(`/privacy/${token}`),
          ),
        });
        return true;
      });
      if (queued) outbox.wake();
    },

    async open(token) {
      const link = await linkFor(token);
      const [comments, subscriptions] = await Promise.all([
        repo.commentsOf(db, link.email),
        readerSubscriptions.of(db, link.email),
      ]);
      return {
        email: link.email,
        expiresAt: link.expires_at,
        comments: comments.length,
        subscriptions: subscriptions.length,
      };
    },

    async export(token) {
      const link = await linkFor(token);
      const comments = await repo.commentsOf(db, link.email);
      const earlier = await repo.earlierTextsOf(
        db,
        comments.map((c) => c.id),
      );
      const subscriptions = await readerSubscriptions.of(db, link.email);
      return {
        email: link.email,
        exportedAt: nowIso(),
        comments: comments.map((c) => ({
          id: c.id,
          article: { title: c.article_title, url: articleUrl(c) },
          url: `${articleUrl(c)}#comment-${c.id}`,
          replyTo: c.parent_id,
          name: c.author_name,
          website: c.author_url,
          text: c.body_markdown,
          status: c.status,
          postedAt: c.created_at,
          editedAt: c.edited_at,
          earlierTexts: earlier
            .filter((e) => e.comment_id === c.id)
            .map((e) => ({ text: e.body_markdown, replacedAt: e.created_at })),
        })),
        replyNotifications: subscriptions.map((s) => ({
          commentId: s.comment_id,
          articleUrl: absolute(articlePath(s.article_slug)),
          since: s.created_at,
          addressConfirmedAt: s.confirmed_at,
        })),
      };
    },

    async erase(token) {
      const tokenHash = hashToken(token);
      await linkFor(token);
      const now = nowIso();
      const result = await db.transaction().execute(async (trx) => {
        // Checked again under the lock: the link is single-use even when pressed twice at once.
        const link = await repo.lockLink(trx, tokenHash);
        if (!link || link.used_at !== null || link.expires_at < now) throw new AppError('link_expired');
        const subscriptions = (await readerSubscriptions.of(trx, link.email)).length;
        // Deepest first: a reply of theirs is gone before we ask whether their parent has replies.
        const rows = await repo.lockCommentsOf(trx, link.email);
        let deleted = 0;
        let blanked = 0;
        for (const row of rows) {
          if (await repo.hasReplies(trx, row.id)) {
            await repo.blankComment(trx, row.id, now);
            blanked++;
          } else {
            await repo.deleteComment(trx, row.id);
            deleted++;
          }
        }
        const articleIds = [...new Set(rows.map((r) => r.article_id))].sort((a, b) => a - b);
        await articleStates.lockAll(trx, articleIds);
        for (const articleId of articleIds) await recountComments(trx, articleId);
        await readerSubscriptions.forget(trx, link.email);
        await repo.deleteMailTo(trx, link.email);
        await repo.deleteLinks(trx, link.email);
        // Written without the address: the log records that an erasure happened, not whose.
        await recordAudit(trx, { userId: null, name: 'reader' }, 'privacy.erased', '', {
          comments_deleted: deleted,
          comments_blanked: blanked,
          subscriptions,
        });
        return { summary: { deleted, blanked, subscriptions }, articleIds };
      });
      for (const articleId of result.articleIds) events.emit('article.changed', { articleId });
      return result.summary;
    },
  };
}
