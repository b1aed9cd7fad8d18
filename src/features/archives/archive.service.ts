// Archives of a section, tag or author, the front page's lists, and related articles.
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import type { EventBus } from '../../events.ts';
import { createCache } from '../../lib/cache.ts';
import { archiveSlug, nowIso } from '../../lib/text.ts';
import { articleLists } from '../articles/article-lists.ts';
import { articlesWithTags } from '../articles/article.service.ts';
import { toArticle, type ArchiveKind, type Article } from '../articles/article.model.ts';
import type { ArticleRow } from '../articles/article.table.ts';
import * as repo from './archive.repository.ts';

export const PAGE_SIZE = 20;
/** Front-page lists: how many, how recent, and how many ratings make a score worth ranking. */
const HIGHLIGHTS = 5;
const RECENT_DAYS = 30;
const MIN_RATINGS = 3;
const RELATED = 4;
/**
 * Front page and archive pages are read again after an article changes, when a scheduled
 * article's time has come (it raises no event: each request looks, one index probe), and at
 * least this often (an import run by another process on a single instance raises none either).
 * Counting and ranking a large archive costs milliseconds; the front page is the most visited
 * page of a site.
 */
const LIST_TTL_MS = 30_000;
/**
 * After a rating or a comment, a list older than this is read again. Its scores and counts are
 * then at most this late, and a stream of ratings rebuilds each list at most this often.
 */
export const ACTIVITY_LAG_MS = 3_000;
const LIST_CACHE_LIMIT = 500;

export interface Paged {
  page: number;
  /** At least 1, so an empty site still has its first page. */
  pages: number;
  articles: Article[];
}

export interface ArchivePage extends Paged {
  kind: ArchiveKind;
  slug: string;
  /** As written on the newest article filed there ("World", "Café culture", the author's name). */
  name: string;
  count: number;
}

export interface FrontPage extends Paged {
  /** Only on the first page (empty on the others), and without the lead story (the newest article). */
  topRated: Article[];
  mostDiscussed: Article[];
}

export interface ArchiveService {
  /** A page (from 1) of the archive; not_found for an unknown slug or a page past the last. */
  archive(kind: ArchiveKind, slug: string, page: number): Promise<ArchivePage>;
  frontPage(page: number): Promise<FrontPage>;
  related(article: Article): Promise<Article[]>;
}

const NOT_FOUND: Record<ArchiveKind, string> = {
  section: 'There is no such section.',
  tag: 'Nothing is tagged like that.',
  author: 'There is no author by that name.',
};

export function createArchiveService({ readDb, events }: { readDb: Db; events?: EventBus }): ArchiveService {
  const withTags = (rows: ArticleRow[]) => articlesWithTags(readDb, rows);

  // A list read while an article changed may show the old state: it is served, not kept.
  const lists = createCache<string, { at: number; value: unknown }>({
    maxEntries: LIST_CACHE_LIMIT,
    ttlMs: LIST_TTL_MS,
  });
  events?.on('article.changed', () => lists.invalidate());
  let activityAt = 0;
  events?.on('rating.changed', () => (activityAt = Date.now()));
  events?.on('comment.published', () => (activityAt = Date.now()));
  const isFresh = (entry: { at: number }) => activityAt < entry.at || Date.now() - entry.at < ACTIVITY_LAG_MS;

  async function remembered<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = lists.get(key);
    if (hit && isFresh(hit) && !(await articleLists.hasDueScheduled(readDb, nowIso()))) return hit.value as T;
    const entry = await lists.build(key, async () => {
      const at = Date.now();
      return { at, value: await load() };
    });
    return entry.value as T;
  }

  /** The lists prefer the last month's articles, and fall back to all time when it has none. */
  async function recentOrEver(list: (since: string | null) => Promise<ArticleRow[]>, now: string): Promise<Article[]> {
    const since = new Date(Date.parse(now) - RECENT_DAYS * 86_400_000).toISOString();
    const recent = await list(since);
    return withTags(recent.length > 0 ? recent : await list(null));
  }

  const pagesOf = (count: number) => Math.max(1, Math.ceil(count / PAGE_SIZE));
  const window = (page: number) => ({ limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });

  return {
    archive(kind, slug, page) {
      return remembered(`archive:${kind}:${slug}:${page}`, () => loadArchive(kind, slug, page));
    },

    frontPage(page) {
      return remembered(`front:${page}`, () => loadFrontPage(page));
    },

    async related(article) {
      const tagSlugs = [...new Set(article.tags.map(archiveSlug).filter(Boolean))];
      const rows = await repo.listRelated(
        readDb,
        { id: article.id, sectionSlug: archiveSlug(article.section), tagSlugs },
        RELATED,
        nowIso(),
      );
      return rows.map((row) => toArticle(row));
    },
  };

  async function loadArchive(kind: ArchiveKind, slug: string, page: number): Promise<ArchivePage> {
    const now = nowIso();
    const name = slug === '' || slug.length > 80 ? undefined : await repo.findArchiveName(readDb, kind, slug, now);
    if (name === undefined) throw new AppError('not_found', NOT_FOUND[kind]);
    const count = await repo.countArchive(readDb, kind, slug, now);
    const pages = pagesOf(count);
    if (page > pages)
      throw new AppError('not_found', `This archive has ${pages === 1 ? 'one page' : `${pages} pages`}.`);
    const articles = await withTags(await repo.listArchive(readDb, kind, slug, window(page), now));
    return { kind, slug, name, count, page, pages, articles };
  }

  async function loadFrontPage(page: number): Promise<FrontPage> {
    const now = nowIso();
    const pages = pagesOf(await repo.countPublished(readDb, now));
    if (page > pages)
      throw new AppError('not_found', `There ${pages === 1 ? 'is one page' : `are ${pages} pages`} of articles.`);
    const first = page === 1;
    // One more than shown, so that the lists still have enough once the lead story is left out.
    const [articles, topRated, mostDiscussed] = await Promise.all([
      articleLists.published(readDb, window(page)).then(withTags),
      first
        ? recentOrEver(
            (since) => repo.listTopRated(readDb, { minRatings: MIN_RATINGS, since, limit: HIGHLIGHTS + 1 }, now),
            now,
          )
        : [],
      first ? recentOrEver((since) => repo.listMostDiscussed(readDb, { since, limit: HIGHLIGHTS + 1 }, now), now) : [],
    ]);
    const lead = first ? articles[0]?.id : undefined;
    const withoutLead = (list: Article[]) => list.filter((article) => article.id !== lead).slice(0, HIGHLIGHTS);
    return { page, pages, articles, topRated: withoutLead(topRated), mostDiscussed: withoutLead(mostDiscussed) };
  }
}
