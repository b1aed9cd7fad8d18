// Articles: reading what is published, and writing articles for the importer and demo content.
import type { Db } from '../../db/database.ts';
import type { EventBus } from '../../events.ts';
import { AppError } from '../../errors.ts';
import { createCache } from '../../lib/cache.ts';
import { renderArticleMarkdown } from '../../lib/markdown.ts';
import { nowIso, slugify } from '../../lib/text.ts';
import type { WebhookNotifier } from '../webhooks/webhook-notifier.ts';
import * as repo from './article.repository.ts';
import { ratingSummaryOf, toArticle, type Article, type ReviewedThing } from './article.model.ts';
import type { ArticleRow } from './article.table.ts';
import { isPublicRow } from './article-visibility.ts';

export interface ArticleInput {
  title: string;
  standfirst?: string;
  bodyMarkdown: string;
  authorName?: string;
  section?: string;
  tags?: string[];
  publishedAt?: string;
  /** Identifies the source of an imported article, so that importing it again updates it. */
  importKey?: string;
  /** An existing score carried over from elsewhere: new ratings add to it. */
  ratingBaseline?: { sum: number; count: number };
  /** Marks the article as a review of this thing; left as it is when absent. */
  review?: ReviewedThing | null;
  /** A stored image's key (media-store.ts) and its alternative text; left as it is when absent. */
  featuredImage?: { key: string; alt: string };
}

export interface ArticleService {
  getPublished(idOrSlug: number | string): Promise<Article>;
  /** Just which published article is meant (no tags, no body): what a rating or comment needs. */
  findPublishedRef(idOrSlug: number | string): Promise<{ id: number; slug: string }>;
  /** The figures readers change (score, count, comments) as stored now, without the rest of the article. */
  liveFigures(id: number): Promise<Pick<Article, 'rating' | 'commentCount'>>;
  listPublished(page?: { limit: number; offset: number }): Promise<Article[]>;
  /** Creates the article, or updates the one with the same import key. */
  upsert(input: ArticleInput): Promise<{ article: Article; created: boolean }>;
  count(): Promise<number>;
}

/**
 * Public reads go to `readDb` (a replica, or the primary itself); writes go to `db`. With an
 * event bus, an upsert (import, demo content) announces `article.changed` like an editor's save.
 */
/** Articles from their rows, with their tags read in one query. */
export async function articlesWithTags(q: Db, rows: ArticleRow[]): Promise<Article[]> {
  const tags = await repo.findTags(
    q,
    rows.map((r) => r.id),
  );
  return rows.map((row) => toArticle(row, tags.get(row.id) ?? []));
}

export function createArticleService({
  db,
  readDb = db,
  events,
  webhooks,
}: {
  db: Db;
  readDb?: Db;
  events?: EventBus;
  webhooks?: WebhookNotifier;
}): ArticleService {
  // The id and slug of articles found public, for the writes that name one (every rating and
  // comment asks): kept until any article changes, or a minute at most. Writes check the
  // stored status again in their own transaction. Without events no change would be heard.
  const refs =
    events && createCache<number | string, { id: number; slug: string }>({ maxEntries: 1000, ttlMs: 60_000 });
  events?.on('article.changed', () => refs!.invalidate());

  /**
   * The published (or due) article as `find` reads it (the whole row, or only its state), looked
   * up on the replica, and on the primary before a 404.
   */
  async function findVisible<R extends Pick<ArticleRow, 'id' | 'status' | 'published_at'>>(
    find: (q: Db) => Promise<R | undefined>,
  ): Promise<{ row: R; q: Db }> {
    const now = nowIso();
    const visible = (row: R | undefined): row is R => row !== undefined && isPublicRow(row, now);
    let q = readDb;
    let row = await find(q);
    // A replica that has not caught up does not show an article just published: the primary
    // decides before the answer is 404 (a form posted to a new article must not be refused).
    if (!visible(row) && readDb !== db) row = await find((q = db));
    if (!visible(row)) throw new AppError('article_not_found');
    const due = row.status === 'scheduled'; // and visible: its time has come
    // Ratings and comments check the stored status, so a scheduled article whose time has come
    // is marked published on its first public read (idempotent; any instance may do it).
    if (due) await repo.publishIfDue(db, row.id, now);
    return { row: due ? { ...row, status: 'published' as const } : row, q };
  }

  return {
    async getPublished(idOrSlug) {
      const { row, q } = await findVisible((q) =>
        typeof idOrSlug === 'number' ? repo.findArticleById(q, idOrSlug) : repo.findArticleBySlug(q, idOrSlug),
      );
      const [article] = await articlesWithTags(q, [row]);
      return article!;
    },

    findPublishedRef(idOrSlug) {
      const find = async () => {
        const { row } = await findVisible((q) =>
          repo.findArticleState(q, typeof idOrSlug === 'number' ? { id: idOrSlug } : { slug: idOrSlug }),
        );
        return { id: row.id, slug: row.slug };
      };
      return refs ? refs.load(idOrSlug, find) : find();
    },

    async liveFigures(id) {
      const { row } = await findVisible((q) => repo.findArticleState(q, { id }));
      return { rating: ratingSummaryOf(row), commentCount: row.comment_count };
    },

    async listPublished(page = { limit: 20, offset: 0 }) {
      return articlesWithTags(readDb, await repo.listPublishedArticles(readDb, page));
    },

    async upsert(input) {
      const now = nowIso();
      const baseline = input.ratingBaseline ?? { sum: 0, count: 0 };
      const result = await db.transaction().execute(async (trx) => {
        const existing = input.importKey ? await repo.findArticleByImportKey(trx, input.importKey) : undefined;
        const fields = {
          title: input.title,
          standfirst: input.standfirst ?? '',
          body_markdown: input.bodyMarkdown,
          body_html: renderArticleMarkdown(input.bodyMarkdown),
          author_name: input.authorName ?? '',
          section: input.section ?? '',
          ...(input.review !== undefined
            ? { review_type: input.review?.type ?? '', review_name: input.review?.name ?? '' }
            : {}),
          ...(input.featuredImage
            ? { featured_image: input.featuredImage.key, featured_image_alt: input.featuredImage.alt }
            : {}),
          updated_at: now,
        };
        let id: number;
        if (existing) {
          id = existing.id;
          // Replace the old baseline with the new one; ratings made here stay counted.
          await repo.updateArticle(trx, id, {
            ...fields,
            ...(input.publishedAt !== undefined ? { published_at: input.publishedAt } : {}),
            rating_baseline_sum: baseline.sum,
            rating_baseline_count: baseline.count,
            rating_sum: existing.rating_sum - existing.rating_baseline_sum + baseline.sum,
            rating_count: existing.rating_count - existing.rating_baseline_count + baseline.count,
          });
        } else {
          id = await repo.insertArticle(trx, {
            ...fields,
            slug: await uniqueSlug(trx, slugify(input.title)),
            status: 'published',
            import_key: input.importKey ?? null,
            rating_baseline_sum: baseline.sum,
            rating_baseline_count: baseline.count,
            rating_sum: baseline.sum,
            rating_count: baseline.count,
            published_at: input.publishedAt ?? now,
            created_at: now,
          });
        }
        if (input.tags) await repo.replaceTags(trx, id, [...new Set(input.tags.map((t) => t.trim()).filter(Boolean))]);
        await webhooks?.notify(trx, { event: existing ? 'article.updated' : 'article.published', articleId: id });
        const row = (await repo.findArticleById(trx, id))!;
        const tags = await repo.findTags(trx, [id]);
        return { article: toArticle(row, tags.get(id) ?? []), created: !existing };
      });
      events?.emit('article.changed', { articleId: result.article.id });
      return result;
    },

    count: () => repo.countArticles(db),
  };
}

async function uniqueSlug(db: Db, base: string): Promise<string> {
  let slug = base;
  for (let n = 2; await repo.slugExists(db, slug); n++) slug = `${base}-${n}`;
  return slug;
}
