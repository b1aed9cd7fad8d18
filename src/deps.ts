// What the composition root (app.ts) builds, as types: the services, and what route plugins
// receive besides them. Plugins and services name the members they use
// (`Pick<AppDeps, 'articles' | 'layout'>`), so a reader sees each one's dependencies in its
// signature, and no feature imports the composition root.
import type { FastifyReply, onRequestHookHandler } from 'fastify';
import type { Config } from './config.ts';
import type { Db } from './db/database.ts';
import type { EventBus } from './events.ts';
import type { ArchiveDirectory } from './features/archives/archive-directory.ts';
import type { ArchiveService } from './features/archives/archive.service.ts';
import type { ArticleEditorService } from './features/article-editor/article-editor.service.ts';
import type { ArticlePageRenderer } from './features/article-page/article-page-renderer.tsx';
import type { ArticleService } from './features/articles/article.service.ts';
import type { BanService } from './features/bans/ban.service.ts';
import type { CommentService } from './features/comments/comment.service.ts';
import type { SharedFastPath } from './features/edge/shared-fast-path.ts';
import type { FastPost, JsonPostFastPath } from './features/edge/json-post-fast-path.ts';
import type { NewComment, PostedComment } from './features/comments/comment-post.ts';
import type { ExternalThreadService } from './features/embed/external-thread.service.ts';
import type { LiveFeed } from './features/live/live-feed.ts';
import type { Maintenance } from './features/maintenance/maintenance.ts';
import type { DigestService } from './features/notifications/digest.service.ts';
import type { NotificationService } from './features/notifications/notification.service.ts';
import type { OutboxSender } from './features/outbox/outbox-sender.ts';
import type { StaticPageService } from './features/static-pages/static-page.service.ts';
import type { PrivacyService } from './features/privacy/privacy.service.ts';
import type { RateResult, RatingService } from './features/ratings/rating.service.ts';
import type { SearchService } from './features/search/search.service.ts';
import type { SettingsService } from './features/settings/settings.service.ts';
import type { SiteImages } from './features/settings/site-images.ts';
import type { StaffLinkService } from './features/staff/staff-links.service.ts';
import type { StaffService } from './features/staff/staff.service.ts';
import type { WebhookService } from './features/webhooks/webhook.service.ts';
import type { RedisLink } from './infra/redis.ts';
import type { StaffCsrf } from './plugins/access.ts';
import type { ReaderTools } from './plugins/reader.ts';
import type { Assets } from './views/assets.ts';
import type { LayoutContext } from './views/layout.tsx';

export interface Services {
  config: Config;
  /** The primary: every write, and every read that must see one just made. */
  db: Db;
  /** Public reads that may lag a moment (API, home page): a replica when DATABASE_READ_URL is set, else `db`. */
  readDb: Db;
  events: EventBus;
  /** REDIS_URL's connection, shared by the instances; undefined runs everything in memory. */
  redis: RedisLink | undefined;
  /** Live updates for article pages (Server-Sent Events), with ids and a replay buffer. */
  live: LiveFeed;
  settings: SettingsService;
  articles: ArticleService;
  articleEditor: ArticleEditorService;
  ratings: RatingService;
  comments: CommentService;
  search: SearchService;
  /** External threads: the embed's pages of other sites, and which origins may show it. */
  threads: ExternalThreadService;
  staticPages: StaticPageService;
  staff: StaffService;
  /** The first admin's set-up link and password-reset links. */
  staffLinks: StaffLinkService;
  bans: BanService;
  /** Section, tag and author archives, the front page's lists, related articles. */
  archives: ArchiveService;
  /** The logo, favicon and default share image (uploaded in the settings). */
  siteImages: SiteImages;
  /** The sections and latest articles every page's header and the 404 page show, kept in memory. */
  directory: ArchiveDirectory;
  /**
   * The same read services on the primary, for the article page's in-process cache: a page built
   * from a replica that has not yet caught up with a write would stay cached after it (and the
   * reader who just commented would not find their comment). Cached pages are rebuilt only after
   * a change, so they gain little from a replica anyway.
   */
  primaryReads: Pick<Services, 'articles' | 'ratings' | 'comments' | 'archives'>;
  /**
   * Messages to other systems (mail, webhooks), written in the transactions that cause them and
   * delivered in the background; `start()` runs its sender (the server does; the CLI only queues).
   */
  outbox: OutboxSender;
  /** Reply notifications (double opt-in, one-click unsubscribe); `enabled` only with SMTP_URL. */
  notifications: NotificationService;
  /** The reader's own data: a link by mail, then download or erase. */
  privacy: PrivacyService;
  /** Moderators' digests of held comments. */
  digests: DigestService;
  /** Periodic jobs (digests, the retention sweep); `start()` runs them (the server does). */
  maintenance: Maintenance;
  /** Webhook endpoints, and the events services report to them (delivered through the outbox). */
  webhooks: WebhookService;
  /** Closes the database connections (the replica's too) and Redis, once pending live updates are out. */
  close(): Promise<void>;
}

/** What route plugins receive: the services plus the web-only helpers. */
export interface AppDeps extends Services {
  readers: ReaderTools;
  staffCsrf: StaffCsrf;
  /** One per-address limit shared by every reader POST (ratings and comments, form and API). */
  postLimit: onRequestHookHandler;
  pages: ArticlePageRenderer;
  assets: Assets;
  layout: () => LayoutContext;
  /** Lets the embed's frame be framed by the allowed origins (every other page forbids framing). */
  embedFrameHeaders(reply: FastifyReply): void;
  /** Answers a shared article page again before the framework (features/edge/shared-fast-path.ts). */
  sharedFastPath: SharedFastPath;
  /** A reader's rating and comment through the JSON API, as their routes and the fast path both write them. */
  readerPosts: { rating: FastPost<number, RateResult>; comment: FastPost<NewComment, PostedComment> };
  /** Answers those posts before the framework, once it has learnt their headers (features/edge/json-post-fast-path.ts). */
  postFastPath: Pick<JsonPostFastPath, 'learn'>;
}
