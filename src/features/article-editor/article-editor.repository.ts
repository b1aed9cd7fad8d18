// SQL for the admin area's view of articles: the filtered list, revisions and guarded saves.
import {
  sql,
  type Expression,
  type ExpressionBuilder,
  type Kysely,
  type SelectQueryBuilder,
  type SqlBool,
} from 'kysely';
import type { Database } from '../../db/database.ts';
import type { EditorialStatus } from './article-editor.model.ts';
import type { ReviewedThing } from '../articles/article.model.ts';
import { withDerivedColumns } from '../articles/article-derived-columns.ts';
import type { ArticleRevisionRow, ArticleRow, ArticleRowUpdate } from '../articles/article.table.ts';

type Q = Kysely<Database>;

/** The admin list's orders, each highest or newest first. */
export const ADMIN_LIST_SORTS = ['saved', 'published', 'score', 'comments'] as const;
export type AdminListSort = (typeof ADMIN_LIST_SORTS)[number];

export interface AdminListFilters {
  status?: EditorialStatus;
  section?: string;
  authorId?: number;
  /** Words in the title. */
  q?: string;
  /** Only this writer's own articles, and what is published anyway (an author's view). */
  ownOrPublishedFor?: number;
  /** Last saved first unless told. */
  sort?: AdminListSort;
  limit: number;
  offset: number;
}

/** `%` and `_` typed by a person are searched for, not used as wildcards. */
function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function listFilter(filters: AdminListFilters, now: string) {
  return (eb: ExpressionBuilder<Database, 'articles'>) => {
    const conditions: Expression<SqlBool>[] = [];
    const due = eb.and([eb('status', '=', 'scheduled'), eb('published_at', '<=', now)]);
    if (filters.status === 'draft')
      conditions.push(eb.and([eb('status', '=', 'draft'), eb('submitted_at', 'is', null)]));
    if (filters.status === 'review')
      conditions.push(eb.and([eb('status', '=', 'draft'), eb('submitted_at', 'is not', null)]));
    if (filters.status === 'scheduled')
      conditions.push(eb.and([eb('status', '=', 'scheduled'), eb('published_at', '>', now)]));
    if (filters.status === 'published') conditions.push(eb.or([eb('status', '=', 'published'), due]));
    if (filters.section) conditions.push(eb('section', '=', filters.section));
    if (filters.authorId !== undefined) conditions.push(eb('author_id', '=', filters.authorId));
    if (filters.ownOrPublishedFor !== undefined)
      conditions.push(eb.or([eb('author_id', '=', filters.ownOrPublishedFor), eb('status', '=', 'published'), due]));
    if (filters.q) conditions.push(sql<SqlBool>`lower(${eb.ref('title')}) like ${likePattern(filters.q)} escape '\\'`);
    return eb.and(conditions);
  };
}

// Articles without the figure (never published, never rated) come last: `x is null` and
// `rating_count = 0` sort false before true on both engines, whose nulls otherwise sort apart.
type ListQuery = SelectQueryBuilder<Database, 'articles', ArticleRow>;

function sorted(query: ListQuery, sort: AdminListSort): ListQuery {
  switch (sort) {
    case 'published':
      return query.orderBy(sql`published_at is null`).orderBy('published_at', 'desc');
    case 'score':
      return query
        .orderBy(sql`rating_count = 0`)
        .orderBy(sql`rating_sum * 1.0 / nullif(rating_count, 0)`, 'desc')
        .orderBy('rating_count', 'desc');
    case 'comments':
      return query.orderBy('comment_count', 'desc');
    default:
      return query.orderBy('updated_at', 'desc');
  }
}

export async function listArticlesForAdmin(
  db: Q,
  filters: AdminListFilters,
  now: string,
): Promise<{ rows: ArticleRow[]; total: number }> {
  const where = listFilter(filters, now);
  const [rows, count] = await Promise.all([
    sorted(db.selectFrom('articles').selectAll().where(where), filters.sort ?? 'saved')
      .orderBy('id', 'desc')
      .limit(filters.limit)
      .offset(filters.offset)
      .execute(),
    db
      .selectFrom('articles')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(where)
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export async function listSections(db: Q): Promise<string[]> {
  const rows = await db
    .selectFrom('articles')
    .select('section')
    .distinct()
    .where('section', '!=', '')
    .orderBy('section')
    .execute();
  return rows.map((r) => r.section);
}

/** Applies the changes only if nobody saved since `expectedUpdatedAt`; false when someone did. */
export async function updateArticleIfUnchanged(
  db: Q,
  id: number,
  expectedUpdatedAt: string,
  changes: ArticleRowUpdate,
): Promise<boolean> {
  const result = await db
    .updateTable('articles')
    .set(withDerivedColumns(changes))
    .where('id', '=', id)
    .where('updated_at', '=', expectedUpdatedAt)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertRevision(
  db: Q,
  row: {
    articleId: number;
    title: string;
    standfirst: string;
    bodyMarkdown: string;
    section: string;
    tags: string[];
    review: ReviewedThing | null;
    /** The review's own rating, 0–100; null when none. */
    reviewRating: number | null;
    savedBy: number | null;
    savedAt: string;
    note: string;
  },
): Promise<number> {
  const inserted = await db
    .insertInto('article_revisions')
    .values({
      article_id: row.articleId,
      title: row.title,
      standfirst: row.standfirst,
      body_markdown: row.bodyMarkdown,
      section: row.section,
      tags: JSON.stringify(row.tags),
      review_type: row.review?.type ?? '',
      review_name: row.review?.name ?? '',
      review_rating: row.reviewRating,
      review_rating_recorded: 1,
      saved_by: row.savedBy,
      saved_at: row.savedAt,
      note: row.note,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return inserted.id;
}

type RevisionWithName = ArticleRevisionRow & { saved_by_name: string | null };

function revisions(db: Q) {
  return db
    .selectFrom('article_revisions')
    .leftJoin('users', 'users.id', 'article_revisions.saved_by')
    .selectAll('article_revisions')
    .select('users.display_name as saved_by_name');
}

/** Newest first. */
export function listRevisions(db: Q, articleId: number): Promise<RevisionWithName[]> {
  return revisions(db)
    .where('article_revisions.article_id', '=', articleId)
    .orderBy('article_revisions.id', 'desc')
    .execute();
}

export function findRevision(db: Q, articleId: number, revisionId: number): Promise<RevisionWithName | undefined> {
  return revisions(db)
    .where('article_revisions.article_id', '=', articleId)
    .where('article_revisions.id', '=', revisionId)
    .executeTakeFirst();
}

export function latestRevision(db: Q, articleId: number): Promise<RevisionWithName | undefined> {
  return revisions(db)
    .where('article_revisions.article_id', '=', articleId)
    .orderBy('article_revisions.id', 'desc')
    .limit(1)
    .executeTakeFirst();
}
