// Site settings: typed, with defaults, stored as JSON per key and cached in memory.
import type { EventBus } from '../../events.ts';
import type { Db } from '../../db/database.ts';
import { randomToken } from '../../lib/crypto.ts';
import { canonicalTimeZone, systemTimeZone } from '../../lib/time-zone.ts';
import { MIN_FORM_SECONDS } from '../spam/form-token.ts';
import { recordAudit, type Actor } from '../audit/audit.service.ts';
import * as repo from './settings.repository.ts';

export type CommentPolicy = 'hold-all' | 'hold-first-time' | 'publish';
export type RatingScale = 'stars' | 'percent';

export interface Settings {
  siteTitle: string;
  siteDescription: string;
  /** IANA name of the zone every date and time is shown in, and scheduling is entered in. */
  timeZone: string;
  commentPolicy: CommentPolicy;
  /** Deepest reply level: 1 means no replies, 4 allows three levels of replies. */
  replyDepth: number;
  ratingScale: RatingScale;
  /** Ratings one address may add to one article in 24 hours. */
  ratingCapPerDay: number;
  /** Days after publication when an article stops taking comments; 0 keeps them open. */
  commentsCloseAfterDays: number;
  /** Minutes after posting during which a comment's author may edit it; 0 turns editing off. */
  commentEditMinutes: number;
  /** Top-level threads (each with its replies) on one page of comments. */
  commentsPerPage: number;
  /** Which threads a comment page starts with; readers may switch with a link. */
  commentOrder: 'oldest' | 'newest';
  /** Comments from these addresses are spam: "someone@example.com", or "@example.com" for a whole domain. */
  blockedEmails: string[];
  /** Comments from these client addresses are spam: "203.0.113.7" or "203.0.113.0/24". */
  blockedIps: string[];
  /** Comments containing these words or phrases (whole words, any case) are spam. */
  blockedWords: string[];
  /** A comment with more links than this is held for a moderator. */
  maxLinks: number;
  /** Seconds a reader must have had the comment form before posting; faster is a script, and spam. */
  minFormSeconds: number;
  /** Origins whose pages may show the embed, besides EMBED_ORIGINS: "https://example.org". */
  embedOrigins: string[];
  /** Days a comment's and a rating's address hash and user agent are kept; then the server deletes them. */
  personalDataRetentionDays: number;
  /**
   * Uploaded images, as featured-image keys ('' for none): the header's logo, the favicon (else made from the logo),
   * and the picture link previews show when a page has none.
   */
  siteLogo: string;
  siteIcon: string;
  shareImage: string;
}

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  siteTitle: 'Broadsheet',
  siteDescription: 'News, rated and discussed by its readers.',
  timeZone: systemTimeZone(),
  commentPolicy: 'hold-first-time',
  replyDepth: 4,
  ratingScale: 'stars',
  ratingCapPerDay: 20,
  commentsCloseAfterDays: 0,
  commentEditMinutes: 15,
  commentsPerPage: 50,
  commentOrder: 'oldest',
  blockedEmails: [],
  blockedIps: [],
  blockedWords: [],
  maxLinks: 2,
  minFormSeconds: MIN_FORM_SECONDS,
  embedOrigins: [],
  personalDataRetentionDays: 90,
  siteLogo: '',
  siteIcon: '',
  shareImage: '',
});

export interface SettingsService {
  get(): Settings;
  /** Stores the changes; with an actor, the changed keys go to the audit log in the same transaction. */
  update(changes: Partial<Settings>, actor?: Actor): Promise<Settings>;
  reload(): Promise<Settings>;
}

/** With an event bus, every update is announced (`settings.changed`), so other instances reload. */
export async function createSettingsService(db: Db, events?: EventBus): Promise<SettingsService> {
  let current: Settings = await load(db);
  return {
    get: () => current,
    async update(changes, actor) {
      await db.transaction().execute(async (trx) => {
        if (actor)
          await recordAudit(trx, actor, 'settings.update', 'settings', {
            changed: Object.keys(changes).filter((k) => changes[k as keyof Settings] !== undefined),
          });
        for (const [key, value] of Object.entries(changes)) {
          if (value === undefined) continue;
          await repo.saveSetting(trx, key, JSON.stringify(value));
        }
      });
      current = await load(db);
      events?.emit('settings.changed', {});
      return current;
    },
    async reload() {
      current = await load(db);
      return current;
    },
  };
}

async function load(db: Db): Promise<Settings> {
  const rows = await repo.listSettingRows(db);
  const settings: Settings = { ...DEFAULT_SETTINGS };
  for (const row of rows) {
    if (row.key in settings) (settings as unknown as Record<string, unknown>)[row.key] = JSON.parse(row.value);
  }
  // A zone this machine's Intl does not know (a database moved from a newer one) falls back to the default.
  settings.timeZone = canonicalTimeZone(settings.timeZone) ?? DEFAULT_SETTINGS.timeZone;
  return Object.freeze(settings);
}

/** Returns the named secret, creating it on first use. Every instance sharing the database agrees. */
export async function getOrCreateSecret(db: Db, name: string): Promise<string> {
  return repo.findOrInsertSecret(db, name, randomToken(32));
}
