// The site's, each section's and each article's comment feeds: read, rendered and cached until
// what they show changes (events.ts), in the three formats of feed-links.ts.
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import type { EventBus } from '../../events.ts';
import { createDocumentCache, type CachedDocument } from '../../lib/document-cache.ts';
import { nowIso } from '../../lib/text.ts';
import { xmlSafe } from '../../lib/xml.ts';
import { articleLists } from '../articles/article-lists.ts';
import { articlePath, sectionPath } from '../articles/article.model.ts';
import { mediaPath, parseImage } from '../media/featured-image.ts';
import type { ArticleService } from '../articles/article.service.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import type { FeedFormat } from './feed-links.ts';
import { renderFeed, type FeedContent, type FeedEntry } from './feed-render.ts';
import * as repo from './feed.repository.ts';

export const SITE_FEED_SIZE = 20;
export const COMMENT_FEED_SIZE = 50;
/** Until an event says otherwise, or a scheduled article's time comes (which emits none). */
const CACHE_TTL_MS = 300_000;
const LANGUAGE = 'en';

export interface FeedService {
  site(format: FeedFormat): Promise<CachedDocument>;
  /** 404 when no public article is filed under the section. */
  section(slug: string, format: FeedFormat): Promise<CachedDocument>;
  /** The latest approved comments, newest first; 404 for an article that is not public. */
  comments(articleSlug: string, format: FeedFormat): Promise<CachedDocument>;
}

/** Site-relative `src`, `href` and `srcset` URLs in HTML made absolute: a feed is read away from the site. */
export function absoluteUrls(html: string, publicUrl: string): string {
  return html
    .replace(/(\s(?:src|href))="(\/(?!\/)[^"]*)"/g, (_, attr: string, path: string) => `${attr}="${publicUrl}${path}"`)
    .replace(
      /(\ssrcset)="([^"]*)"/g,
      (_, attr: string, set: string) => `${attr}="${set.replace(/(^|,\s*)\/(?!\/)/g, `$1${publicUrl}/`)}"`,
    );
}

/** The scope of the site and section feeds; a comment feed's is its article's id. */
const ARTICLES = 'articles';

export function createFeedService(deps: {
  db: Db;
  articles: ArticleService;
  settings: SettingsService;
  events: EventBus;
  publicUrl: string;
}): FeedService {
  const { db, articles, settings, events, publicUrl } = deps;
  const cache = createDocumentCache({ ttlMs: CACHE_TTL_MS });
  // Article feeds depend on every article; a comment feed on its article and its comments.
  events.on('article.changed', ({ articleId }) =>
    articleId === null ? cache.drop() : cache.drop(ARTICLES, articleId),
  );
  events.on('comment.published', ({ articleId }) => cache.drop(articleId));
  events.on('settings.changed', () => cache.drop());

  const frame = (base: string) => {
    const { siteTitle } = settings.get();
    return { siteTitle, language: LANGUAGE, base: publicUrl + base, fallbackUpdated: new Date() };
  };

  async function articleEntries(rows: repo.FeedArticleRow[]): Promise<FeedEntry[]> {
    const tags = await articleLists.tagsOf(
      db,
      rows.map((r) => r.id),
    );
    return rows.map((row) => {
      const image = parseImage(row.featured_image, '');
      return {
        title: xmlSafe(row.title),
        url: publicUrl + articlePath(row.slug),
        published: new Date(row.published_at ?? row.updated_at),
        updated: new Date(row.updated_at),
        summary: xmlSafe(row.standfirst),
        contentHtml: xmlSafe(absoluteUrls(row.body_html, publicUrl)),
        author: xmlSafe(row.author_name),
        categories: [...new Set([row.section, ...(tags.get(row.id) ?? [])].filter(Boolean).map(xmlSafe))],
        // The width the article page shows by default.
        image: image
          ? publicUrl + mediaPath(image.key, image.widths[Math.min(1, image.widths.length - 1)]!)
          : undefined,
      };
    });
  }

  const render = (content: FeedContent, format: FeedFormat) => ({ ...renderFeed(content, format), scope: ARTICLES });

  return {
    site(format) {
      return cache.get(`site:${format}`, async () => {
        const { siteTitle, siteDescription } = settings.get();
        const rows = await repo.listFeedArticles(db, { limit: SITE_FEED_SIZE, now: nowIso() });
        const content = {
          ...frame(''),
          title: siteTitle,
          description: siteDescription,
          link: `${publicUrl}/`,
          entries: await articleEntries(rows),
        };
        return render(content, format);
      });
    },

    section(slug, format) {
      return cache.get(`section:${slug}:${format}`, async () => {
        const now = nowIso();
        const name = await repo.findSectionName(db, slug, now);
        if (name === undefined) throw new AppError('not_found');
        const rows = await repo.listFeedArticles(db, { sectionSlug: slug, limit: SITE_FEED_SIZE, now });
        const { siteTitle } = settings.get();
        const path = sectionPath(name);
        const content = {
          ...frame(path),
          title: `${name} — ${siteTitle}`,
          description: `The latest articles in ${name}.`,
          link: publicUrl + path,
          entries: await articleEntries(rows),
        };
        return render(content, format);
      });
    },

    comments(articleSlug, format) {
      return cache.get(`comments:${articleSlug}:${format}`, async () => {
        const article = await articles.getPublished(articleSlug);
        const path = articlePath(article.slug);
        const rows = await repo.listLatestApprovedComments(db, article.id, COMMENT_FEED_SIZE);
        const entries: FeedEntry[] = rows.map((row) => ({
          title: xmlSafe(`Comment by ${row.author_name}`),
          url: `${publicUrl}${path}#comment-${row.id}`,
          published: new Date(row.created_at),
          updated: new Date(row.updated_at),
          summary: '',
          contentHtml: xmlSafe(absoluteUrls(row.body_html, publicUrl)),
          author: xmlSafe(row.author_name),
          categories: [],
        }));
        const title = `Comments on “${article.title}”`;
        const content = {
          ...frame(`${path}/comments`),
          title,
          description: `${title}, newest first.`,
          link: `${publicUrl}${path}#comments`,
          entries,
        };
        return { ...renderFeed(content, format), scope: article.id };
      });
    },
  };
}
