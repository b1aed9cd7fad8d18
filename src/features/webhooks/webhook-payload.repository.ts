// The public fields a webhook's payload reads, in the transaction of the change.
import type { Db } from '../../db/database.ts';

export function findArticleFields(q: Db, id: number) {
  return q
    .selectFrom('articles')
    .select([
      'id',
      'slug',
      'title',
      'standfirst',
      'kind',
      'external_url',
      'status',
      'published_at',
      'updated_at',
      'rating_sum',
      'rating_count',
      'comment_count',
    ])
    .select(['rating_band_1', 'rating_band_2', 'rating_band_3', 'rating_band_4', 'rating_band_5'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export function findCommentFields(q: Db, id: number) {
  return q
    .selectFrom('comments')
    .select([
      'id',
      'article_id',
      'parent_id',
      'status',
      'author_name',
      'author_url',
      'body_html',
      'created_at',
      'updated_at',
    ])
    .where('id', '=', id)
    .executeTakeFirst();
}
