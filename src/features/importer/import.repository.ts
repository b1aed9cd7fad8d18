// SQL for site imports: articles by their import keys, comments inserted many rows at a time,
// old addresses. Each function takes the import batch's transaction first.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { prepared } from '../../db/prepared.ts';
import { withDerivedColumns } from '../articles/article-derived-columns.ts';
import type { NewArticleRow } from '../articles/article.table.ts';
import type { NewCommentRow } from '../comments/comment.table.ts';

type Q = Kysely<Database>;

export type ImportedArticleState = {
  id: number;
  import_key: string | null;
  slug: string;
  featured_image: string | null;
  rating_sum: number;
  rating_count: number;
  rating_baseline_sum: number;
  rating_baseline_count: number;
};

export async function findArticlesByImportKeys(db: Q, keys: string[]): Promise<Map<string, ImportedArticleState>> {
  const found = new Map<string, ImportedArticleState>();
  for (let i = 0; i < keys.length; i += 500) {
    const rows = await db
      .selectFrom('articles')
      .select([
        'id',
        'import_key',
        'slug',
        'featured_image',
        'rating_sum',
        'rating_count',
        'rating_baseline_sum',
        'rating_baseline_count',
      ])
      .where('import_key', 'in', keys.slice(i, i + 500))
      .execute();
    for (const row of rows) found.set(row.import_key!, row);
  }
  return found;
}

/** Which of these slugs are taken. */
export async function takenSlugs(db: Q, slugs: string[]): Promise<Set<string>> {
  if (slugs.length === 0) return new Set();
  const rows = await db.selectFrom('articles').select('slug').where('slug', 'in', slugs).execute();
  return new Set(rows.map((r) => r.slug));
}

/** An imported article or page: the columns the import writes (the derived ones are made when absent). */
export type ImportedArticleRow = Pick<NewArticleRow, Exclude<(typeof ARTICLE_COLUMNS)[number], DerivedColumn>> &
  Partial<Pick<NewArticleRow, DerivedColumn>>;

type DerivedColumn = 'body_text' | 'author_slug' | 'section_slug';

/** The table's defaults for the columns an import may leave out. */
const ARTICLE_DEFAULTS = {
  standfirst: '',
  author_name: '',
  section: '',
  kind: 'article',
  import_key: null,
  featured_image: null,
  rating_baseline_sum: 0,
  rating_baseline_count: 0,
  rating_sum: 0,
  rating_count: 0,
  published_at: null,
  menu_order: 0,
  review_type: '',
  review_name: '',
  review_rating: null,
} as const;

const ARTICLE_COLUMNS = [
  'slug',
  'title',
  'standfirst',
  'body_markdown',
  'body_html',
  'body_text',
  'author_name',
  'author_slug',
  'section',
  'section_slug',
  'status',
  'kind',
  'import_key',
  'featured_image',
  'rating_baseline_sum',
  'rating_baseline_count',
  'rating_sum',
  'rating_count',
  'published_at',
  'created_at',
  'updated_at',
  'menu_order',
  'review_type',
  'review_name',
  'review_rating',
] as const;

// Built and compiled once (db/prepared.ts), not once per article: an archive has tens of thousands.
const articleInsert = prepared((db, v: Record<(typeof ARTICLE_COLUMNS)[number], unknown>) =>
  db
    .insertInto('articles')
    .values(Object.fromEntries(ARTICLE_COLUMNS.map((c) => [c, v[c]])) as never)
    .returning('id'),
);

/**
 * Inserts an imported article with its derived columns (archive slugs, search text); its id. The
 * columns it leaves out get the table's defaults, so the statement is always the same.
 */
export async function insertArticle(db: Q, row: ImportedArticleRow): Promise<number> {
  const values = withDerivedColumns({ ...ARTICLE_DEFAULTS, ...row });
  const { rows } = await articleInsert.execute(db, values as Record<(typeof ARTICLE_COLUMNS)[number], unknown>);
  return rows[0]!.id;
}

/** Imported comments already stored for these articles: import key → id. */
export async function findImportedComments(db: Q, articleIds: number[]): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  for (let i = 0; i < articleIds.length; i += 500) {
    const rows = await db
      .selectFrom('comments')
      .select(['id', 'import_key'])
      .where('article_id', 'in', articleIds.slice(i, i + 500))
      .where('import_key', 'is not', null)
      .execute();
    for (const row of rows) found.set(row.import_key!, row.id);
  }
  return found;
}

/** Comments already imported under these keys: import key → id. */
export async function findCommentsByImportKeys(db: Q, keys: string[]): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  for (let i = 0; i < keys.length; i += 500) {
    const rows = await db
      .selectFrom('comments')
      .select(['id', 'import_key'])
      .where('import_key', 'in', keys.slice(i, i + 500))
      .execute();
    for (const row of rows) found.set(row.import_key!, row.id);
  }
  return found;
}

export type ImportedCommentRow = Required<
  Omit<NewCommentRow, 'id' | 'reader_id' | 'held_reason' | 'spam_score' | 'trained_as' | 'staff_role' | 'edited_at'>
> & { import_key: string };

const COMMENT_COLUMNS = [
  'article_id',
  'parent_id',
  'depth',
  'author_name',
  'author_email',
  'author_url',
  'body_markdown',
  'body_html',
  'status',
  'body_hash',
  'ip_hash',
  'user_agent',
  'created_at',
  'updated_at',
  'import_key',
] as const;

/**
 * An insert of `n` comments, prepared once (db/prepared.ts): the same SQL every time, so it is
 * neither rebuilt nor compiled again, and SQLite's statement cache keeps one statement, not one
 * per row count. Its values are one array, row after row, column after column.
 */
function commentInsert(n: number) {
  return prepared((db, v: Record<number, unknown>) =>
    db
      .insertInto('comments')
      .values(
        Array.from(
          { length: n },
          (_, i) => Object.fromEntries(COMMENT_COLUMNS.map((c, j) => [c, v[i * COMMENT_COLUMNS.length + j]])) as never,
        ),
      )
      .returning(['id', 'import_key']),
  );
}

// 15 values a row: 100 rows stay far under both engines' limits on bound parameters.
const ROWS_PER_INSERT = 100;
const insertMany = commentInsert(ROWS_PER_INSERT);
const insertTen = commentInsert(10);
const insertOne = commentInsert(1);

/** Inserts comments, 100 rows a statement (then ten, then one at a time for the rest); returns each one's id by its import key. */
export async function insertComments(db: Q, rows: ImportedCommentRow[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  let i = 0;
  const run = async (statement: typeof insertMany, n: number) => {
    // An array: the stand-ins are named by index (db/prepared.ts looks each name up in it).
    const values: unknown[] = [];
    for (let r = 0; r < n; r++) {
      const row = rows[i + r]!;
      for (const c of COMMENT_COLUMNS) values.push(row[c]);
    }
    const { rows: inserted } = await statement.execute(db, values as Record<number, unknown>);
    for (const row of inserted) ids.set(row.import_key!, row.id);
    i += n;
  };
  while (rows.length - i >= ROWS_PER_INSERT) await run(insertMany, ROWS_PER_INSERT);
  while (rows.length - i >= 10) await run(insertTen, 10);
  while (i < rows.length) await run(insertOne, 1);
  return ids;
}

export async function updateImportedComment(
  db: Q,
  id: number,
  changes: Pick<
    NewCommentRow,
    | 'parent_id'
    | 'depth'
    | 'author_name'
    | 'author_email'
    | 'author_url'
    | 'body_markdown'
    | 'body_html'
    | 'status'
    | 'created_at'
    | 'body_hash'
  >,
): Promise<void> {
  await db.updateTable('comments').set(changes).where('id', '=', id).execute();
}

/** Sets each article's comment_count to its approved comments. */
export async function recountComments(db: Q, articleIds: number[]): Promise<void> {
  for (let i = 0; i < articleIds.length; i += 500) {
    await db
      .updateTable('articles')
      .set({
        comment_count: (eb) =>
          eb
            .selectFrom('comments')
            .select((e) => e.fn.countAll<number>().as('n'))
            .whereRef('comments.article_id', '=', 'articles.id')
            .where('comments.status', '=', 'approved'),
      })
      .where('id', 'in', articleIds.slice(i, i + 500))
      .execute();
  }
}

/** Points these old addresses at the article (an address already pointing elsewhere moves). */
export async function saveLegacyPaths(db: Q, rows: { path: string; article_id: number }[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) {
    await db
      .insertInto('legacy_paths')
      .values(rows.slice(i, i + 1000))
      .onConflict((oc) => oc.column('path').doUpdateSet({ article_id: (eb) => eb.ref('excluded.article_id') }))
      .execute();
  }
}

/** SQLite's page cache while an import runs, in KiB (SQLite's own default is 2 MB). */
const IMPORT_CACHE_KIB = 8 * 1024;

/**
 * Sets SQLite up for an import's large transactions; returns what puts it back. Each batch inserts
 * thousands of rows into indexes kept in no useful order (a comment's address, its text's hash):
 * with SQLite's 2 MB page cache, each insert read its index pages back from the file, and the
 * import's time grew faster than its size. A larger cache holds them while the import runs.
 * PostgreSQL has its own shared buffers.
 */
export async function tuneForImport(db: Q, engine: 'sqlite' | 'postgres'): Promise<() => Promise<void>> {
  if (engine !== 'sqlite') return async () => {};
  const { rows } = await sql<{ cache_size: number }>`pragma cache_size`.execute(db);
  const before = Number(rows[0]?.cache_size) || -2000;
  await sql.raw(`pragma cache_size = ${-IMPORT_CACHE_KIB}`).execute(db);
  return async () => {
    await sql.raw(`pragma cache_size = ${before}`).execute(db);
  };
}
