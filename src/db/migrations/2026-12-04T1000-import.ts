// Importing whole sites (WordPress WXR, later Disqus and our own JSON):
// - comments.import_key names a comment's origin (source, post and comment id), so importing the
//   same file again updates it instead of adding a copy; unique, NULL for comments posted here.
// - legacy_paths maps an old address (a WordPress permalink's path, or `/?p=<id>`) to the
//   article or page that replaced it: consulted only when an address is not found.
// - articles.menu_order orders the footer menu of static pages (lowest first).
// - articles.review_rating is the review's own rating (percent) where the article is a review;
//   NULL when it has none.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('comments').addColumn('import_key', 'text').execute();
  await db.schema.createIndex('comments_import_key').on('comments').column('import_key').unique().execute();
  await db.schema
    .alterTable('articles')
    .addColumn('menu_order', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('articles').addColumn('review_rating', 'integer').execute();
  await db.schema
    .createTable('legacy_paths')
    .addColumn('path', 'text', (c) => c.primaryKey())
    .addColumn('article_id', 'integer', (c) => c.notNull().references('articles.id').onDelete('cascade'))
    .execute();
  await db.schema.createIndex('legacy_paths_article').on('legacy_paths').column('article_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('legacy_paths').execute();
  await db.schema.alterTable('articles').dropColumn('review_rating').execute();
  await db.schema.alterTable('articles').dropColumn('menu_order').execute();
  await db.schema.dropIndex('comments_import_key').execute();
  await db.schema.alterTable('comments').dropColumn('import_key').execute();
}
