// Rating and comment totals moved by one write, kept beside the article until they are folded
// into its row (article-counters.ts). On PostgreSQL every rating and approved comment appends
// one row here instead of updating the article's row, whose lock would be held until the WAL
// flush and make the writes on one hot article take turns.
import type { Kysely } from 'kysely';
import { withId } from './portable.ts';

export async function up(db: Kysely<any>): Promise<void> {
  let table = withId(db, db.schema.createTable('article_counter_deltas')).addColumn('article_id', 'integer', (c) =>
    c.notNull().references('articles.id').onDelete('cascade'),
  );
  for (const column of [
    'rating_sum',
    'rating_count',
    'rating_band_1',
    'rating_band_2',
    'rating_band_3',
    'rating_band_4',
    'rating_band_5',
    'comment_count',
  ]) {
    table = table.addColumn(column, 'integer', (c) => c.notNull().defaultTo(0));
  }
  await table.execute();
  await db.schema
    .createIndex('article_counter_deltas_article')
    .on('article_counter_deltas')
    .column('article_id')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('article_counter_deltas').execute();
}
