// Comment editing and bans. An edited comment keeps each earlier text in `comment_edits` (the
// moderator sees them) and the time of its last edit in `comments.edited_at` (the page shows
// "edited"). A ban names one e-mail address, one address hash or one reader cookie, never an
// IP; `expires_at` null means forever, and a lifted ban keeps its row for the record.
import type { Kysely } from 'kysely';
import { withId } from './portable.ts';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('comments').addColumn('edited_at', 'text').execute();
  await withId(db, db.schema.createTable('comment_edits'))
    .addColumn('comment_id', 'integer', (c) => c.notNull().references('comments.id').onDelete('cascade'))
    .addColumn('body_markdown', 'text', (c) => c.notNull())
    .addColumn('body_html', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('comment_edits_comment').on('comment_edits').columns(['comment_id', 'id']).execute();

  await withId(db, db.schema.createTable('bans'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('subject_name', 'text', (c) => c.notNull())
    .addColumn('comment_id', 'integer')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('lifted_by', 'text')
    .addColumn('lifted_at', 'text')
    .execute();
  await db.schema.createIndex('bans_kind_value').on('bans').columns(['kind', 'value']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('bans').execute();
  await db.schema.dropTable('comment_edits').execute();
  await db.schema.alterTable('comments').dropColumn('edited_at').execute();
}
