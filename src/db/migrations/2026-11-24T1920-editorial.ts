// Writing in the admin area: who wrote an article, the public "Updated" note, a featured image,
// submission for review, and a revision kept for every save.
// A scheduled article is status 'scheduled' with its publication time in `published_at`
// (one source of truth: public queries show it once that time has passed).
import type { Kysely } from 'kysely';
import { withId } from './portable.ts';

export async function up(db: Kysely<any>): Promise<void> {
  // One column per statement: SQLite adds a single column per ALTER TABLE.
  await db.schema
    .alterTable('articles')
    .addColumn('author_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .execute();
  await db.schema
    .alterTable('articles')
    .addColumn('update_note', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  // Key of the stored image variants (see features/articles/featured-image.ts), or null.
  await db.schema.alterTable('articles').addColumn('featured_image', 'text').execute();
  await db.schema
    .alterTable('articles')
    .addColumn('featured_image_alt', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  // Set when an author submits a draft for an editor to publish; cleared on publication.
  await db.schema.alterTable('articles').addColumn('submitted_at', 'text').execute();
  await db.schema.createIndex('articles_author').on('articles').column('author_id').execute();

  await withId(db, db.schema.createTable('article_revisions'))
    .addColumn('article_id', 'integer', (c) => c.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('standfirst', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('body_markdown', 'text', (c) => c.notNull())
    .addColumn('section', 'text', (c) => c.notNull().defaultTo(''))
    // A JSON array of strings.
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('saved_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('saved_at', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema
    .createIndex('article_revisions_article')
    .on('article_revisions')
    .columns(['article_id', 'id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('article_revisions').execute();
  await db.schema.dropIndex('articles_author').execute();
  for (const column of ['submitted_at', 'featured_image_alt', 'featured_image', 'update_note', 'author_id']) {
    await db.schema.alterTable('articles').dropColumn(column).execute();
  }
}
