// What an `articles` row is: a news article ('article', the default), a static page ('page':
// About, Corrections… at /pages/<slug>, never listed) or an external thread ('external': the
// ratings and comments of a page Broadsheet does not render, named by its URL). Pages and threads
// share the article's machinery (slug, body, status, ratings, comments, moderation); only
// articles appear in the public lists, feeds, sitemaps and search (isPublicArticle).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('articles')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('article'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('articles').dropColumn('kind').execute();
}
