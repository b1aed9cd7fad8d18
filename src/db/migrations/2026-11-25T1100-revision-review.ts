// A revision keeps what the article reviewed (its schema.org type and name), as it keeps the
// section and tags, so restoring a revision restores that too. Empty when it was no review.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // One column per statement: SQLite adds a single column per ALTER TABLE.
  await db.schema
    .alterTable('article_revisions')
    .addColumn('review_type', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema
    .alterTable('article_revisions')
    .addColumn('review_name', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of ['review_name', 'review_type'])
    await db.schema.alterTable('article_revisions').dropColumn(column).execute();
}
