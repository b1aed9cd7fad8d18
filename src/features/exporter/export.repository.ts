// The reads behind `broadsheet export`: the site a batch of articles at a time, each with its
// tags, comments and ratings, in id order (keyset pages, never OFFSET).
import type { Selectable } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { ArticleRow } from '../articles/article.table.ts';
import type { CommentRow } from '../comments/comment.table.ts';
import type { RatingRow } from '../ratings/rating.table.ts';
import { DEFAULT_SETTINGS } from '../settings/settings.service.ts';
import type { UserTable } from '../staff/staff.table.ts';

export interface ArticleBundle {
  article: ArticleRow;
  tags: string[];
  comments: CommentRow[];
  ratings: RatingRow[];
  /** Old addresses (WordPress permalinks, `/?p=<id>`) that answer 301 to it. */
  legacyPaths: string[];
}

type Q = Kysely<Database>;

const BATCH = 200;

export async function* articleBundles(db: Q): AsyncGenerator<ArticleBundle[]> {
  let after = 0;
  for (;;) {
    const articles = await db
      .selectFrom('articles')
      .selectAll()
      .where('id', '>', after)
      .orderBy('id')
      .limit(BATCH)
      .execute();
    if (articles.length === 0) return;
    const ids = articles.map((a) => a.id);
    const [tags, comments, ratings, paths] = await Promise.all([
      db
        .selectFrom('article_tags')
        .select(['article_id', 'tag'])
        .where('article_id', 'in', ids)
        .orderBy('article_id')
        .orderBy('tag')
        .execute(),
      db
        .selectFrom('comments')
        .selectAll()
        .where('article_id', 'in', ids)
        .orderBy('article_id')
        .orderBy('id')
        .execute(),
      db.selectFrom('ratings').selectAll().where('article_id', 'in', ids).orderBy('article_id').orderBy('id').execute(),
      db
        .selectFrom('legacy_paths')
        .select(['article_id', 'path'])
        .where('article_id', 'in', ids)
        .orderBy('path')
        .execute(),
    ]);
    const bundles = new Map<number, ArticleBundle>(
      articles.map((article) => [article.id, { article, tags: [], comments: [], ratings: [], legacyPaths: [] }]),
    );
    for (const t of tags) bundles.get(t.article_id)!.tags.push(t.tag);
    for (const c of comments) bundles.get(c.article_id)!.comments.push(c);
    for (const r of ratings) bundles.get(r.article_id)!.ratings.push(r);
    for (const p of paths) bundles.get(p.article_id)!.legacyPaths.push(p.path);
    yield [...bundles.values()];
    after = ids[ids.length - 1]!;
    if (articles.length < BATCH) return;
  }
}

export type StaffRow = Pick<
  Selectable<UserTable>,
  'id' | 'email' | 'display_name' | 'role' | 'disabled' | 'created_at'
>;

/** Staff accounts without their password hashes (and no sessions). */
export function listStaff(db: Q): Promise<StaffRow[]> {
  return db
    .selectFrom('users')
    .select(['id', 'email', 'display_name', 'role', 'disabled', 'created_at'])
    .orderBy('id')
    .execute();
}

/** The site's settings as they apply: the defaults, overridden by what is stored. */
export async function readSettings(db: Q): Promise<Record<string, unknown>> {
  const rows = await db.selectFrom('settings').select(['key', 'value']).orderBy('key').execute();
  return { ...DEFAULT_SETTINGS, ...Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value) as unknown])) };
}

/** The distinct bylines of articles and pages (external threads are not exported to WXR). */
export function listBylines(db: Q) {
  return db
    .selectFrom('articles')
    .select('author_name')
    .distinct()
    .where('kind', 'in', ['article', 'page'])
    .orderBy('author_name')
    .execute();
}

/** The distinct sections of articles, without the empty one. */
export function listSections(db: Q) {
  return db
    .selectFrom('articles')
    .select('section')
    .distinct()
    .where('kind', '=', 'article')
    .where('section', '!=', '')
    .orderBy('section')
    .execute();
}

export function listTags(db: Q) {
  return db.selectFrom('article_tags').select('tag').distinct().orderBy('tag').execute();
}
