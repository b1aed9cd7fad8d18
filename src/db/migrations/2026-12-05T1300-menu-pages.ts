// The footer menu of static pages (archive.repository.ts listMenuPages) sorted every article to
// find the few pages: 26 ms on a site of 100,000 articles, paid by every page built after an
// article changed. A partial index holds the pages alone, by status and then in menu order (with
// the status first, SQLite prefers it to the status index of all articles). The query names the
// kind as a literal, which is how either engine knows the index covers it; the other queries on
// articles bind their kind as a value, so they cannot take it up by mistake.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('articles_menu_pages')
    .on('articles')
    .columns(['status', 'menu_order', 'title'])
    .where(sql.ref('kind'), '=', sql.lit('page'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('articles_menu_pages').execute();
}
