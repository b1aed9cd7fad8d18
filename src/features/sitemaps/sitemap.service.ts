// The sitemap (or, past `urlLimit` addresses, a sitemap index and its parts) and the Google News
// sitemap, written by hand and cached until an article changes.
//
// The addresses run in one order: the front page, public articles by id, then the section, tag
// and author archives. Part n holds positions (n-1)·limit … n·limit-1 of that order; its articles
// are read from the position's id onwards in keyset batches (slug and updated_at only), so no
// part loads more than its own rows.
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import type { EventBus } from '../../events.ts';
import { createDocumentCache, type CachedDocument } from '../../lib/document-cache.ts';
import { nowIso } from '../../lib/text.ts';
import { escapeXml } from '../../lib/xml.ts';
import { archivePath, articlePath } from '../articles/article.model.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import * as repo from './sitemap.repository.ts';

const XML = 'application/xml; charset=utf-8';
const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';
const NEWS_NS = 'http://www.google.com/schemas/sitemap-news/0.9';
/** Google News takes articles of the last two days, at most 1,000 per sitemap. */
const NEWS_WINDOW_MS = 2 * 86_400_000;
const NEWS_LIMIT = 1_000;
const LANGUAGE = 'en';

export interface SitemapService {
  /** /sitemap.xml: every address, or the index of the parts when there are more than the limit. */
  sitemap(): Promise<CachedDocument>;
  /** /sitemaps/<n>.xml, from 1; 404 past the last part, and when there is only /sitemap.xml. */
  part(n: number): Promise<CachedDocument>;
  news(): Promise<CachedDocument>;
}

interface Layout {
  now: string;
  articleCount: number;
  archives: string[];
  total: number;
  /** 0 when everything fits in /sitemap.xml. */
  parts: number;
}

export function createSitemapService(deps: {
  db: Db;
  events: EventBus;
  settings: SettingsService;
  publicUrl: string;
  urlLimit: number;
  /** Articles read per query. */
  batchSize?: number;
}): SitemapService {
  const { db, events, settings, publicUrl, urlLimit, batchSize = 2_000 } = deps;
  // The TTL also lets a scheduled article appear once its time has come (that emits no event).
  const cache = createDocumentCache({ ttlMs: 300_000 });
  events.on('article.changed', () => cache.drop());
  events.on('settings.changed', () => cache.drop());

  async function layout(): Promise<Layout> {
    const now = nowIso();
    const articleCount = await repo.countPublicArticles(db, now);
    const { sections, tags, authors } = await repo.listArchiveSlugs(db, now);
    const archives = [
      ...sections.map((slug) => archivePath('section', slug)),
      ...tags.map((slug) => archivePath('tag', slug)),
      ...authors.map((slug) => archivePath('author', slug)),
    ];
    const total = 1 + articleCount + archives.length;
    return { now, articleCount, archives, total, parts: total <= urlLimit ? 0 : Math.ceil(total / urlLimit) };
  }

  const url = (path: string, lastmod?: string) =>
    `<url><loc>${escapeXml(publicUrl + path)}</loc>` +
    `${lastmod ? `<lastmod>${escapeXml(lastmod)}</lastmod>` : ''}</url>\n`;

  /** The `<url>` lines for positions [start, end) of the order described above. */
  async function urls(at: Layout, start: number, end: number): Promise<string[]> {
    const lines: string[] = [];
    if (start === 0) lines.push(url('/'));
    // Articles are positions 1 … articleCount.
    let from = Math.max(start - 1, 0);
    const articlesEnd = Math.min(end - 1, at.articleCount);
    if (from < articlesEnd) {
      let fromId = await repo.publicArticleIdAt(db, from, at.now);
      while (fromId !== undefined && from < articlesEnd) {
        const rows = await repo.listPublicArticleUrls(db, {
          fromId,
          limit: Math.min(batchSize, articlesEnd - from),
          now: at.now,
        });
        for (const row of rows) lines.push(url(articlePath(row.slug), row.updated_at));
        from += rows.length;
        fromId = rows.length === batchSize ? rows.at(-1)!.id + 1 : undefined;
      }
    }
    const archiveStart = Math.max(start - 1 - at.articleCount, 0);
    const archiveEnd = Math.max(end - 1 - at.articleCount, 0);
    for (const path of at.archives.slice(archiveStart, archiveEnd)) lines.push(url(path));
    return lines;
  }

  const urlset = (lines: string[]) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="${SITEMAP_NS}">\n${lines.join('')}</urlset>\n`;

  return {
    sitemap: () =>
      cache.get('sitemap', async () => {
        const at = await layout();
        if (at.parts === 0) return { body: urlset(await urls(at, 0, at.total)), type: XML, scope: 'articles' };
        const entries = Array.from(
          { length: at.parts },
          (_, i) => `<sitemap><loc>${escapeXml(`${publicUrl}/sitemaps/${i + 1}.xml`)}</loc></sitemap>\n`,
        );
        return {
          body:
            `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="${SITEMAP_NS}">\n` +
            `${entries.join('')}</sitemapindex>\n`,
          type: XML,
          scope: 'articles',
        };
      }),

    part: (n) =>
      cache.get(`part:${n}`, async () => {
        const at = await layout();
        if (n < 1 || n > at.parts) throw new AppError('not_found');
        return {
          body: urlset(await urls(at, (n - 1) * urlLimit, Math.min(n * urlLimit, at.total))),
          type: XML,
          scope: 'articles',
        };
      }),

    news: () =>
      cache.get('news', async () => {
        const now = nowIso();
        const since = new Date(Date.now() - NEWS_WINDOW_MS).toISOString();
        const rows = await repo.listPublishedSince(db, { since, now, limit: NEWS_LIMIT });
        const name = escapeXml(settings.get().siteTitle);
        const entries = rows.map(
          (row) =>
            `<url><loc>${escapeXml(publicUrl + articlePath(row.slug))}</loc><news:news><news:publication>` +
            `<news:name>${name}</news:name>` +
            `<news:language>${LANGUAGE}</news:language></news:publication><news:publication_date>` +
            `${escapeXml(row.published_at ?? now)}</news:publication_date>` +
            `<news:title>${escapeXml(row.title)}</news:title></news:news></url>\n`,
        );
        return {
          body:
            `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="${SITEMAP_NS}" xmlns:news="${NEWS_NS}">\n` +
            `${entries.join('')}</urlset>\n`,
          type: XML,
          scope: 'articles',
        };
      }),
  };
}
