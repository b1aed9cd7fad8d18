// Initial schema. Migrations import no application code and are never edited once on main.
// Times are ISO-8601 UTC strings (they sort as text on every engine).
import { sql, type Kysely } from 'kysely';
import { withId } from './portable.ts';

export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, db.schema.createTable('articles'))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('standfirst', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('body_markdown', 'text', (c) => c.notNull())
    .addColumn('body_html', 'text', (c) => c.notNull())
    .addColumn('author_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('section', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('draft'))
    .addColumn('import_key', 'text', (c) => c.unique())
    .addColumn('rating_baseline_sum', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rating_baseline_count', 'integer', (c) => c.notNull().defaultTo(0))
    // Totals including the baseline, kept in step with `ratings` inside each rating's transaction.
    .addColumn('rating_sum', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rating_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('comment_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('comments_open', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('published_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('articles_status_published').on('articles').columns(['status', 'published_at']).execute();

  await db.schema
    .createTable('article_tags')
    .addColumn('article_id', 'integer', (c) => c.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('tag', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('article_tags_pk', ['article_id', 'tag'])
    .execute();
  await db.schema.createIndex('article_tags_tag').on('article_tags').column('tag').execute();

  await withId(db, db.schema.createTable('ratings'))
    .addColumn('article_id', 'integer', (c) => c.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('reader_id', 'text', (c) => c.notNull())
    .addColumn('value', 'integer', (c) => c.notNull().check(sql`value between 0 and 100`))
    .addColumn('ip_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('ratings_article_reader', ['article_id', 'reader_id'])
    .execute();
  await db.schema.createIndex('ratings_cap').on('ratings').columns(['article_id', 'ip_hash', 'created_at']).execute();

  await withId(db, db.schema.createTable('comments'))
    .addColumn('article_id', 'integer', (c) => c.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('parent_id', 'integer', (c) => c.references('comments.id').onDelete('set null'))
    .addColumn('depth', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reader_id', 'text')
    .addColumn('author_name', 'text', (c) => c.notNull())
    .addColumn('author_email', 'text', (c) => c.notNull())
    .addColumn('author_url', 'text')
    .addColumn('body_markdown', 'text', (c) => c.notNull())
    .addColumn('body_html', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'approved', 'spam', 'trash')`))
    .addColumn('held_reason', 'text')
    .addColumn('ip_hash', 'text', (c) => c.notNull())
    .addColumn('user_agent', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('comments_article_status')
    .on('comments')
    .columns(['article_id', 'status', 'created_at'])
    .execute();
  await db.schema.createIndex('comments_status_created').on('comments').columns(['status', 'created_at']).execute();
  await db.schema.createIndex('comments_email_status').on('comments').columns(['author_email', 'status']).execute();
  await db.schema.createIndex('comments_reader').on('comments').columns(['reader_id', 'article_id']).execute();

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();

  // Server-side secrets (HMAC keys) live in the database so that every instance shares them
  // and none is ever in the repository or the environment.
  await db.schema
    .createTable('secrets')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['secrets', 'settings', 'comments', 'ratings', 'article_tags', 'articles']) {
    await db.schema.dropTable(table).execute();
  }
}
