// The composition root: buildApp(config) wires services, plugins and routes together.
import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyInstance, type FastifyReply } from 'fastify';
import proxyAddr from '@fastify/proxy-addr';
import pino from 'pino';
import type { Config } from './config.ts';
import { migrateToLatest, openDatabases, type Databases, type Db } from './db/database.ts';
import { createEventBus } from './events.ts';
import { watchOtherCommits, type CommitWatcher } from './db/sqlite-commits.ts';
import { articleApi } from './features/articles/article-api.routes.ts';
import { createArticlePageRenderer } from './features/article-page/article-page-renderer.tsx';
import { articlePages } from './features/article-page/article-page.routes.tsx';
import { staticPagePages } from './features/static-pages/static-page.routes.tsx';
import { createStaticPageService } from './features/static-pages/static-page.service.ts';
import { createArticleService } from './features/articles/article.service.ts';
import { articleAdminPages } from './features/article-editor/article-admin.routes.tsx';
import { createArticleEditorService } from './features/article-editor/article-editor.service.ts';
import { createMediaStore } from './features/media/media-store.ts';
import { mediaRoutes } from './features/media/media.routes.ts';
import { createSharedFastPath } from './features/edge/shared-fast-path.ts';
import { createPostLimit } from './plugins/post-limit.ts';
import { createJsonPostFastPath } from './features/edge/json-post-fast-path.ts';
import { createRatingPost } from './features/ratings/rating-post.ts';
import { createCommentPost } from './features/comments/comment-post.ts';
import { createArchiveDirectory, type ArchiveDirectory } from './features/archives/archive-directory.ts';
import { archivePages } from './features/archives/archive.routes.tsx';
import { frontPageRoutes } from './features/archives/front-page.routes.tsx';
import { createArchiveService } from './features/archives/archive.service.ts';
import { banAdminPages } from './features/bans/ban-admin.routes.tsx';
import { createBanService } from './features/bans/ban.service.ts';
import { createEdgePurger } from './features/edge/edge-cache.ts';
import { commentApi } from './features/comments/comment-api.routes.ts';
import { commentPages } from './features/comments/comment.routes.tsx';
import { createCommentService } from './features/comments/comment.service.ts';
import { createCounterFolder } from './features/articles/article-counters.ts';
import { apiCors, embedApi } from './features/embed/embed-api.routes.ts';
import { embedPages } from './features/embed/embed.routes.tsx';
import { createExternalThreadService } from './features/embed/external-thread.service.ts';
import { feedRoutes } from './features/feeds/feed.routes.ts';
import { createWebhookDeliverer } from './features/webhooks/webhook-deliverer.ts';
import { webhookAdminPages } from './features/webhooks/webhook-admin.routes.tsx';
import { createWebhookService, webhookChannel } from './features/webhooks/webhook.service.ts';
import { healthRoutes } from './features/health/health.routes.ts';
import { liveApi } from './features/live/live-api.routes.ts';
import { createLiveFeed, type LiveFeed } from './features/live/live-feed.ts';
import { createMailDeliverer } from './features/mail/mail-deliverer.ts';
import { outboxAdminPages } from './features/outbox/outbox-admin.routes.tsx';
import { createOutboxSender } from './features/outbox/outbox-sender.ts';
import { createNotificationService } from './features/notifications/notification.service.ts';
import { notificationPages } from './features/notifications/notification.routes.tsx';
import { privacyPages } from './features/privacy/privacy.routes.tsx';
import { createDigestService } from './features/notifications/digest.service.ts';
import { createMaintenance, type Maintenance } from './features/maintenance/maintenance.ts';
import { digestPages } from './features/notifications/digest.routes.tsx';
import { createPrivacyService } from './features/privacy/privacy.service.ts';
import { searchPages } from './features/search/search.routes.tsx';
import { createSearchService } from './features/search/search.service.ts';
import { ratingApi } from './features/ratings/rating-api.routes.ts';
import { ratingPages } from './features/ratings/rating.routes.ts';
import { createRatingService } from './features/ratings/rating.service.ts';
import { createSettingsService, getOrCreateSecret } from './features/settings/settings.service.ts';
import { dashboardPages } from './features/dashboard/dashboard.routes.tsx';
import { auditAdminPages } from './features/audit/audit-admin.routes.tsx';
import { moderationAdminPages } from './features/moderation/moderation-admin.routes.tsx';
import { settingsAdminPages } from './features/settings/settings-admin.routes.tsx';
import { siteImagePages } from './features/settings/site-images.routes.tsx';
import { createSiteImages } from './features/settings/site-images.ts';
import { toolsAdminPages } from './features/tools/tools-admin.routes.tsx';
import { sitemapRoutes } from './features/sitemaps/sitemap.routes.ts';
import { staffPages } from './features/staff/staff.routes.tsx';
import { createStaffService } from './features/staff/staff.service.ts';
import { createStaffLinkService } from './features/staff/staff-links.service.ts';
import { staffLinkPages } from './features/staff/staff-links.routes.tsx';
import { accessPlugin, createStaffCsrf } from './plugins/access.ts';
import { assetRoutes } from './plugins/assets.ts';
import {
  answerClientError,
  createErrorResponder,
  errorHandlerPlugin,
  frameworkError,
  type HtmlErrorRenderer,
} from './plugins/error-handler.ts';
import { inputHygienePlugin } from './plugins/input-hygiene.ts';
import { capConnections } from './plugins/connections.ts';
import { validatorCompiler } from './plugins/validators.ts';
import { metricsPlugin } from './plugins/metrics.ts';
import { sharedRateLimitStore } from './infra/rate-limit-store.ts';
import { logDestination } from './lib/log-output.ts';
import { connectRedis } from './infra/redis.ts';
import { createRedisEventBus } from './infra/redis-event-bus.ts';
import { createReaderTools, readerPlugin } from './plugins/reader.ts';
import { allowFramingBy, securityHeaders, securityHeadersPlugin } from './plugins/security-headers.ts';
import { buildAssets } from './views/assets.ts';
import type { AppDeps, Services } from './deps.ts';
import { renderErrorPage, type LayoutContext } from './views/layout.tsx';

export type { AppDeps, Services } from './deps.ts';

/**
 * Opens the database (checking it answers: a wrong URL or password is one ConfigError line),
 * migrates it and builds the services; used by the server and the CLI.
 */
export async function createServices(config: Config, databases?: Databases): Promise<Services> {
  const { db, readDb } = databases ?? (await openDatabases(config));
  const log = pino({ name: 'broadsheet', level: config.logLevel }, logDestination(2));
  // Start goes on without Redis (limits and live updates then stay on this instance).
  const redis = config.redisUrl ? connectRedis({ url: config.redisUrl, prefix: config.redisPrefix, log }) : undefined;
  let live: LiveFeed | undefined;
  let directory: ArchiveDirectory | undefined;
  let settingsTitle = () => 'Broadsheet';
  const outbox = createOutboxSender({ db, log, options: config.outboxTiming });
  const mail = config.smtp
    ? createMailDeliverer({ smtp: config.smtp, mailFrom: config.mailFrom, siteTitle: () => settingsTitle() })
    : undefined;
  if (mail) outbox.register('mail', mail.deliver);
  let edge: ReturnType<typeof createEdgePurger>;
  let commits: CommitWatcher | undefined;
  let maintenance: Maintenance | undefined;
  const { maxAttempts, baseDelayMs, maxDelayMs, timeoutMs } = config.webhookDelivery;
  outbox.register(
    webhookChannel,
    createWebhookDeliverer({ db, allowedHosts: config.webhookAllowedHosts, timeoutMs, maxAttempts }),
    { maxAttempts, baseDelayMs, maxDelayMs },
  );
  const webhooks = createWebhookService({
    db,
    outbox,
    publicUrl: config.publicUrl,
    allowedHosts: config.webhookAllowedHosts,
  });
  const close = async () => {
    await maintenance?.stop();
    await commits?.close();
    await edge?.close();
    await outbox.stop();
    mail?.close();
    await directory?.close();
    await live?.close();
    await redis?.close();
    if (readDb !== db) await readDb.destroy();
    await db.destroy();
  };
  try {
    await redis?.ready(1_000);
    await migrateToLatest(db);
    const local = redis ? undefined : createEventBus();
    const events = redis ? createRedisEventBus(redis) : local!;
    // Without Redis, another process's writes to the SQLite file (the CLI) are noticed by
    // polling: every cache is dropped and the settings reloaded, as Redis's resubscription does.
    if (local && config.database.kind === 'sqlite') {
      commits = watchOtherCommits(
        db,
        () => {
          local.deliver('settings.changed', {}, { remote: true });
          local.deliver('article.changed', { articleId: null }, { remote: true });
        },
        { onError: (err) => log.warn({ err }, 'checking the database for other processes’ changes failed') },
      );
    }
    edge = createEdgePurger({ urls: config.edgePurgeUrls, events, log });
    const settings = await createSettingsService(db, events);
    settingsTitle = () => settings.get().siteTitle;
    // Settings saved on another instance: read them again (the page caches notice the new object).
    events.on('settings.changed', (_, { remote }) => {
      if (remote) settings.reload().catch((err: unknown) => log.warn({ err }, 'reloading settings failed'));
    });
    directory = await createArchiveDirectory({ db, events, log });
    const avatarKey = await getOrCreateSecret(db, 'avatar');
    const formTokenKey = await getOrCreateSecret(db, 'form-token');
    const notifications = createNotificationService({
      db,
      config,
      settings,
      linkKey: await getOrCreateSecret(db, 'mail-links'),
      outbox,
    });
    const counters = createCounterFolder(db);
    await counters.foldAll();
    const readers = (reads: Db) => ({
      articles: createArticleService({ db, readDb: reads, events, webhooks }),
      ratings: createRatingService({ db, readDb: reads, events, settings, webhooks, counters }),
      comments: createCommentService({
        db,
        readDb: reads,
        events,
        settings,
        avatarKey,
        formTokenKey,
        notifier: notifications,
        webhooks,
        counters,
      }),
      archives: createArchiveService({ readDb: reads, events }),
    });
    const publicReads = readers(readDb);
    const media = createMediaStore(config.mediaDir);
    const digests = createDigestService({ db, config, settings, outbox });
    maintenance = createMaintenance({ db, settings, digests, counters, log, intervalMs: config.maintenanceIntervalMs });
    live = createLiveFeed({ events, comments: publicReads.comments, redis, log });
    return {
      config,
      db,
      readDb,
      events,
      redis,
      live,
      settings,
      ...publicReads,
      search: createSearchService({ readDb }),
      threads: createExternalThreadService({ db, readDb, events, settings, embedOrigins: config.embedOrigins }),
      staticPages: createStaticPageService({ db, readDb }),
      articleEditor: createArticleEditorService({
        db,
        events,
        media,
        webhooks,
        timeZone: () => settings.get().timeZone,
      }),
      siteImages: createSiteImages({ settings, media }),
      webhooks,
      staff: createStaffService({ db }),
      staffLinks: createStaffLinkService({ db, config, settings, outbox }),
      bans: createBanService({ db }),
      directory,
      primaryReads: readDb === db ? publicReads : readers(db),
      outbox,
      notifications,
      privacy: createPrivacyService({ db, config, settings, events, outbox }),
      digests,
      maintenance,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

function hopCount(hops: number) {
  return (_address: string, hop: number) => hop < hops;
}

/** Whether an address is a proxy whose forwarding headers we believe, as Fastify decides it. */
function trustedProxy(trust: Config['trustProxy']): (address: string, hop: number) => boolean {
  if (trust === false) return () => false;
  if (trust === true) return () => true;
  if (typeof trust === 'number') return hopCount(trust);
  return proxyAddr.compile(trust);
}

export async function buildApp(services: Services): Promise<FastifyInstance> {
  const { config, db } = services;
  const assets = await buildAssets();
  const layout = (): LayoutContext => ({
    settings: services.settings.get(),
    publicUrl: config.publicUrl,
    stylesheet: assets.stylesheet.path,
    sections: services.directory.sections(),
    pages: services.directory.pages(),
  });
  const headers = securityHeaders({ hsts: config.secureCookies });
  const renderHtml: HtmlErrorRenderer = (_request, error) =>
    renderErrorPage(error.status, error.message, layout(), services.directory.latest());
  const errors = { renderHtml, headers };
  const respond = createErrorResponder(errors);
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
      stream: logDestination(1),
    },
    // A hop count trusts that many proxies nearest to us (proxy-addr counts from the socket).
    trustProxy: typeof config.trustProxy === 'number' ? hopCount(config.trustProxy) : config.trustProxy,
    bodyLimit: 64 * 1024,
    // A log line per request costs throughput; it is there when debugging.
    logController: new LogController({
      disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace',
    }),
    // Archive slugs may be 80 letters of any script: up to 720 characters percent-encoded.
    routerOptions: { maxParamLength: 800, ignoreTrailingSlash: true },
    // Addresses the router refuses itself, and requests Node cannot parse, answer as every error does.
    frameworkErrors: (error, request, reply) => respond(request, reply, frameworkError(error)),
    clientErrorHandler: (error, socket) => answerClientError(error, socket, headers),
    // A body dribbled in byte by byte is cut off: 408 once the request has taken this long.
    // Node checks every connection's time at this interval.
    requestTimeout: config.requestTimeoutMs,
    http: {
      headersTimeout: Math.min(config.requestTimeoutMs, 60_000),
      connectionsCheckingInterval: Math.min(1_000, config.requestTimeoutMs),
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
  const trusted = trustedProxy(config.trustProxy);
  capConnections(app.server, { max: config.maxConnectionsPerAddress, isProxy: (address) => trusted(address, 0) });
  app.setValidatorCompiler(validatorCompiler({ exactBodies: false }));

  const readers = createReaderTools({
    secret: await getOrCreateSecret(db, 'reader'),
    secureCookies: config.secureCookies,
  });
  const pages = createArticlePageRenderer({
    ...services,
    ...services.primaryReads,
    layout,
    scriptPath: assets.articleScript.path,
    embedScriptPath: assets.embedFrameScript.path,
  });
  const staffCsrf = createStaffCsrf(await getOrCreateSecret(db, 'staff-csrf'));

  // Not while the section lists reload after a write: the onRequest hook below waits for that.
  const sharedFastPath = createSharedFastPath({ ready: () => services.directory.settled() === undefined });
  sharedFastPath.install(app.server);
  app.addHook('onSend', async (request, reply, payload) => {
    sharedFastPath.onSend(request, reply);
    return payload;
  });

  await app.register(cookie);
  // Whatever is made per request (HTML, feeds, JSON) is compressed when the client accepts it;
  // cached documents arrive already compressed (lib/compressed-body.ts) and pass through.
  await app.register(compress, { encodings: ['br', 'gzip'] });
  await app.register(accessPlugin, { staff: services.staff, csrf: staffCsrf });
  await app.register(errorHandlerPlugin, {
    ...errors,
    // An imported site's old addresses are looked up only for what would otherwise be a 404.
    redirect: (url) => services.staticPages.redirectFor(url),
  });
  await app.register(inputHygienePlugin);
  // A page asked for after a write's response shows the section list that write changed.
  app.addHook('onRequest', (_request, _reply, done) => {
    const reloading = services.directory.settled();
    if (reloading) void reloading.then(() => done());
    else done();
  });
  await app.register(securityHeadersPlugin, { hsts: config.secureCookies });
  await app.register(readerPlugin, { publicUrl: config.publicUrl });
  // With Redis the counters are shared by every instance (per instance again while it is away).
  await app.register(rateLimit, {
    global: false,
    ...(services.redis && { store: sharedRateLimitStore(services.redis) }),
  });
  const postLimit = createPostLimit(app, config.rateLimit);
  const ownOrigin = new URL(config.publicUrl).origin;
  const readerPosts = {
    rating: createRatingPost({ ...services, readers }),
    comment: createCommentPost({ ...services, readers }),
  };
  const postFastPath = createJsonPostFastPath([readerPosts.rating, readerPosts.comment], {
    postLimit,
    trustProxy: trusted,
    plainOrigin: (origin) =>
      origin === undefined || (origin === ownOrigin && !services.threads.allowedOrigins().has(origin)),
    ready: () => services.directory.settled() === undefined,
    logFailure: (error) => app.log.error({ err: error }, 'request failed'),
  });
  postFastPath.install(app.server);
  await app.register(metricsPlugin, {
    db,
    live: services.live,
    redis: services.redis,
    token: config.metricsToken,
    fastPaths: [sharedFastPath, postFastPath],
  });
  const embedFrameHeaders = (reply: FastifyReply) => allowFramingBy(reply, services.threads.allowedOrigins());
  const deps: AppDeps = {
    ...services,
    readers,
    staffCsrf,
    postLimit: postLimit.hook,
    readerPosts,
    postFastPath,
    pages,
    assets,
    layout,
    embedFrameHeaders,
    sharedFastPath,
  };
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Broadsheet API',
        version: '1',
        description: 'Articles, reader ratings and comments. E-mail addresses are never returned.',
      },
      servers: [{ url: config.publicUrl }],
    },
  });

  await app.register(healthRoutes(deps));
  await app.register(assetRoutes(assets));
  // HTML forms: urlencoded bodies are accepted only here, never by the JSON API.
  await app.register(async (site) => {
    await site.register(formbody);
    await site.register(frontPageRoutes(deps));
    await site.register(articlePages(deps));
    await site.register(staticPagePages(deps));
    await site.register(searchPages(deps));
    await site.register(archivePages(deps));
    await site.register(feedRoutes(deps));
    await site.register(sitemapRoutes(deps));
    await site.register(ratingPages(deps));
    await site.register(commentPages(deps));
    await site.register(notificationPages(deps));
    await site.register(privacyPages(deps));
    await site.register(digestPages(deps));
    await site.register(embedPages(deps));
    await site.register(staffPages(deps));
    await site.register(staffLinkPages(deps));
    await site.register(dashboardPages(deps));
    await site.register(articleAdminPages(deps));
    await site.register(mediaRoutes(config));
    await site.register(moderationAdminPages(deps));
    await site.register(banAdminPages(deps));
    await site.register(settingsAdminPages(deps));
    await site.register(siteImagePages(deps));
    await site.register(toolsAdminPages(deps));
    await site.register(auditAdminPages(deps));
    await site.register(outboxAdminPages(deps));
    await site.register(webhookAdminPages(deps));
  });
  await app.register(
    async (api) => {
      // JSON only, taken as sent: no text bodies, and no turning null or true into a number.
      api.removeContentTypeParser('text/plain');
      api.setValidatorCompiler(validatorCompiler({ exactBodies: true }));
      await api.register(apiCors(deps));
      await api.register(embedApi(deps));
      await api.register(articleApi(deps));
      await api.register(ratingApi(deps));
      await api.register(commentApi(deps));
      await api.register(liveApi(deps));
      // GET /api/v1/openapi.json — the OpenAPI description, generated from the route schemas
      api.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());
    },
    { prefix: '/api/v1' },
  );
  return app as unknown as FastifyInstance;
}
