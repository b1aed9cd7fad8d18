// SQL for an article's totals and the deltas waiting to be folded into them (see
// article-counters.ts for why PostgreSQL appends deltas and SQLite adds to the row).
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { isPostgres } from '../../db/postgres.ts';
import { prepared } from '../../db/prepared.ts';

export interface ArticleTotals {
  rating_sum: number;
  rating_count: number;
  rating_band_1: number;
  rating_band_2: number;
  rating_band_3: number;
  rating_band_4: number;
  rating_band_5: number;
  comment_count: number;
}

const commentDelta = prepared((db, v: { id: number }) =>
  db.insertInto('article_counter_deltas').values({ article_id: v.id, comment_count: 1 }),
);

export async function insertCommentDelta(db: Db, articleId: number): Promise<void> {
  await commentDelta.execute(db, { id: articleId });
}

/**
 * Sets the comment count to the approved comments. On PostgreSQL the comment deltas go in the
 * same statement, so they and the count see the same committed comments: one committed later is
 * neither counted nor deleted, and its delta adds it afterwards.
 */
export async function recountComments(trx: Db, articleId: number): Promise<void> {
  const approved = sql`(select count(*) from comments where article_id = ${articleId} and status = 'approved')`;
  if (!isPostgres(trx)) {
    await sql`update articles set comment_count = ${approved} where id = ${articleId}`.execute(trx);
    return;
  }
  await sql`with gone as (delete from article_counter_deltas where article_id = ${articleId} and comment_count <> 0)
            update articles set comment_count = ${approved} where id = ${articleId}`.execute(trx);
}

const DELTA_SUMS = sql`count(*) as n, coalesce(sum(rating_sum), 0) as rating_sum,
  coalesce(sum(rating_count), 0) as rating_count,
  coalesce(sum(rating_band_1), 0) as b1, coalesce(sum(rating_band_2), 0) as b2, coalesce(sum(rating_band_3), 0) as b3,
  coalesce(sum(rating_band_4), 0) as b4, coalesce(sum(rating_band_5), 0) as b5,
  coalesce(sum(comment_count), 0) as comment_count`;

/** Folds the article's deltas into its row; its totals when there were any. */
export async function foldDeltas(db: Db, articleId: number): Promise<ArticleTotals | undefined> {
  if (isPostgres(db)) {
    // The fold commits without waiting for its WAL flush (synchronous_commit off for this one
    // transaction; `t` is always read, so the setting is always made). It only moves what is
    // already durable: lost in a crash, the deltas come back with the row's old totals, and the
    // next fold adds them. Waiting for the flush held the hot row's lock, and every writer
    // waiting on the fold, for a disk flush.
    const { rows } = await sql<ArticleTotals>`
      with folded as (delete from article_counter_deltas where article_id = ${articleId} returning *),
           t as (select ${DELTA_SUMS}, set_config('synchronous_commit', 'off', true) as commit_mode from folded)
      update articles a set rating_sum = a.rating_sum + t.rating_sum,
      rating_count = a.rating_count + t.rating_count,
        rating_band_1 = a.rating_band_1 + t.b1, rating_band_2 = a.rating_band_2 + t.b2,
        rating_band_3 = a.rating_band_3 + t.b3,
        rating_band_4 = a.rating_band_4 + t.b4, rating_band_5 = a.rating_band_5 + t.b5,
        comment_count = a.comment_count + t.comment_count
      from t where a.id = ${articleId} and t.n > 0
      returning a.rating_sum, a.rating_count, a.rating_band_1, a.rating_band_2, a.rating_band_3, a.rating_band_4,
        a.rating_band_5, a.comment_count`.execute(db);
    return rows[0];
  }
  // SQLite only holds deltas copied from PostgreSQL (migrate-data, restore): one writer, one transaction.
  return db.transaction().execute(async (trx) => {
    const t = (
      await sql<
        Record<string, number>
      >`select ${DELTA_SUMS} from article_counter_deltas where article_id = ${articleId}`.execute(trx)
    ).rows[0]!;
    if (Number(t.n) === 0) return undefined;
    await sql`update articles set rating_sum = rating_sum + ${t.rating_sum},
      rating_count = rating_count + ${t.rating_count},
      rating_band_1 = rating_band_1 + ${t.b1}, rating_band_2 = rating_band_2 + ${t.b2},
      rating_band_3 = rating_band_3 + ${t.b3},
      rating_band_4 = rating_band_4 + ${t.b4}, rating_band_5 = rating_band_5 + ${t.b5},
      comment_count = comment_count + ${t.comment_count}
      where id = ${articleId}`.execute(trx);
    await sql`delete from article_counter_deltas where article_id = ${articleId}`.execute(trx);
    return (
      await sql<ArticleTotals>`select rating_sum, rating_count, rating_band_1, rating_band_2, rating_band_3,
        rating_band_4, rating_band_5, comment_count from articles where id = ${articleId}`.execute(trx)
    ).rows[0];
  });
}

export interface PendingDeltas {
  rating_sum: number;
  rating_count: number;
  bands: [number, number, number, number, number];
  comment_count: number;
}

/** What the article's unfolded deltas add up to, as this transaction sees them (its own included). */
export async function pendingDeltas(db: Db, articleId: number): Promise<PendingDeltas> {
  const t = (
    await sql<
      Record<string, number>
    >`select ${DELTA_SUMS} from article_counter_deltas where article_id = ${articleId}`.execute(db)
  ).rows[0]!;
  const n = (key: string) => Number(t[key] ?? 0);
  return {
    rating_sum: n('rating_sum'),
    rating_count: n('rating_count'),
    bands: [n('b1'), n('b2'), n('b3'), n('b4'), n('b5')],
    comment_count: n('comment_count'),
  };
}

/** The articles that have deltas waiting. */
export async function articlesWithDeltas(db: Db): Promise<number[]> {
  const rows = await db.selectFrom('article_counter_deltas').select('article_id').distinct().execute();
  return rows.map((r) => r.article_id);
}
