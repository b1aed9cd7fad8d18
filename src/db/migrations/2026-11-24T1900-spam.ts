// Spam defence: used form-token nonces, the classifier's model, and what moderation learnt
// about each comment. Imports no application code; portable schema-builder calls only.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // A form token's nonce is recorded when a comment uses it, in the comment's transaction, so
  // every instance sharing the database refuses a second use. Rows older than a token's
  // lifetime are pruned; `used_at` is indexed for that.
  await db.schema
    .createTable('used_form_tokens')
    .addColumn('nonce', 'text', (c) => c.primaryKey())
    .addColumn('used_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('used_form_tokens_used_at').on('used_form_tokens').column('used_at').execute();

  // Naive Bayes model: in how many spam and ham comments each token appeared...
  await db.schema
    .createTable('spam_tokens')
    .addColumn('token', 'text', (c) => c.primaryKey())
    .addColumn('spam', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('ham', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // ...and the totals, in a single row (id 1), updated in the same transaction as the tokens.
  await db.schema
    .createTable('spam_totals')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('spam_documents', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('ham_documents', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('spam_token_total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('ham_token_total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('vocabulary', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.insertInto('spam_totals').values({ id: 1 }).execute();

  // One column per statement: SQLite's ALTER TABLE adds one column at a time.
  // The classifier's score when the comment was posted (null while it was still untrained).
  await db.schema.alterTable('comments').addColumn('spam_score', 'real').execute();
  // The label ('spam' or 'ham') the classifier learnt from this comment, so a changed mind untrains it.
  await db.schema.alterTable('comments').addColumn('trained_as', 'text').execute();
  // Hash of the normalised body, for finding the same text posted again.
  await db.schema.alterTable('comments').addColumn('body_hash', 'text').execute();
  await db.schema.createIndex('comments_body_hash').on('comments').columns(['body_hash', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('comments_body_hash').execute();
  for (const column of ['body_hash', 'trained_as', 'spam_score'])
    await db.schema.alterTable('comments').dropColumn(column).execute();
  for (const table of ['spam_totals', 'spam_tokens', 'used_form_tokens']) await db.schema.dropTable(table).execute();
}
