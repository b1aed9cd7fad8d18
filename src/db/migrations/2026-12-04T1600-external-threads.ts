// An external thread (articles.kind = 'external') is named by the URL of the page it belongs to:
// one row per normalised URL, found again by the unique index when the page is viewed again
// (and by imports that attach comments to the same page).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('articles').addColumn('external_url', 'text').execute();
  await db.schema.createIndex('articles_external_url').unique().on('articles').column('external_url').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('articles_external_url').execute();
  await db.schema.alterTable('articles').dropColumn('external_url').execute();
}
