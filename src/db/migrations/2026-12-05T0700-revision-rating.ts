// A revision keeps the review's own rating too, so restoring a revision restores the rating and the
// revisions page shows when it changed. Revisions saved before this migration recorded no rating:
// `review_rating_recorded` tells them (0) from a revision that recorded "no rating" (1, rating null),
// so restoring an older one keeps the article's current rating instead of clearing it.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // One column per statement: SQLite adds a single column per ALTER TABLE.
  await db.schema.alterTable('article_revisions').addColumn('review_rating', 'integer').execute();
  await db.schema
    .alterTable('article_revisions')
    .addColumn('review_rating_recorded', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of ['review_rating_recorded', 'review_rating'])
    await db.schema.alterTable('article_revisions').dropColumn(column).execute();
}
