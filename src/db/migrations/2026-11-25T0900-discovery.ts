// Archive addresses and reviews. Sections, tags and authors are free text typed in the editor;
// their archives live at /sections/<slug>, /tags/<slug> and /authors/<slug>, so each name's
// slug is stored beside it (indexed) and written with it. An article may also be marked as a
// review of a thing (a book, a film…): its schema.org type and name, empty when it is not.
import type { Kysely } from 'kysely';

/** The slug rule as it was when this migration was written (lib/text.ts archiveSlug). */
function archiveSlug(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’‘]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
}

export async function up(db: Kysely<any>): Promise<void> {
  // One column per statement: SQLite adds a single column per ALTER TABLE.
  await db.schema
    .alterTable('articles')
    .addColumn('section_slug', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema
    .alterTable('articles')
    .addColumn('author_slug', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema
    .alterTable('articles')
    .addColumn('review_type', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema
    .alterTable('articles')
    .addColumn('review_name', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema
    .alterTable('article_tags')
    .addColumn('slug', 'text', (c) => c.notNull().defaultTo(''))
    .execute();

  const articles = await db.selectFrom('articles').select(['id', 'section', 'author_name']).execute();
  for (const row of articles) {
    await db
      .updateTable('articles')
      .set({ section_slug: archiveSlug(row.section), author_slug: archiveSlug(row.author_name) })
      .where('id', '=', row.id)
      .execute();
  }
  const tags = await db.selectFrom('article_tags').select('tag').distinct().execute();
  for (const { tag } of tags)
    await db
      .updateTable('article_tags')
      .set({ slug: archiveSlug(tag) })
      .where('tag', '=', tag)
      .execute();

  await db.schema
    .createIndex('articles_section_slug')
    .on('articles')
    .columns(['section_slug', 'published_at'])
    .execute();
  await db.schema.createIndex('articles_author_slug').on('articles').columns(['author_slug', 'published_at']).execute();
  await db.schema.createIndex('article_tags_slug').on('article_tags').columns(['slug', 'article_id']).execute();
  // The home page's "top rated" and "most discussed" lists.
  await db.schema.createIndex('articles_comment_count').on('articles').columns(['comment_count']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of ['articles_comment_count', 'article_tags_slug', 'articles_author_slug', 'articles_section_slug'])
    await db.schema.dropIndex(index).execute();
  await db.schema.alterTable('article_tags').dropColumn('slug').execute();
  for (const column of ['review_name', 'review_type', 'author_slug', 'section_slug'])
    await db.schema.alterTable('articles').dropColumn(column).execute();
}
