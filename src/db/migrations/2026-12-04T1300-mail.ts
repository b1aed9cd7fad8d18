// E-mail and privacy: the outbox (every message to another system, written in the transaction
// that caused it), addresses that opted in to reply notifications and their confirmation, the
// comments they follow, moderators' digests of held comments, and single-use privacy links.
import type { Kysely } from 'kysely';
import { withId } from './portable.ts';

export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, db.schema.createTable('outbox'))
    // 'mail', 'webhook', …: which deliverer sends it.
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    // The address a mail goes to, so that erasing an address removes its mail too; null otherwise.
    .addColumn('recipient', 'text')
    // A message that must never be sent twice (one notification per address per reply) names itself here.
    .addColumn('dedupe_key', 'text', (c) => c.unique())
    // queued → sent, or → failed after the last attempt.
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('queued'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    // A claimed message is leased until then; after a crash mid-send it is claimed again.
    .addColumn('locked_until', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .execute();
  await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('outbox_recipient').on('outbox').column('recipient').execute();

  await withId(db, db.schema.createTable('mail_addresses'))
    .addColumn('email', 'text', (c) => c.notNull().unique())
    // Set when the owner pressed the button in the confirmation mail: the address is proven theirs.
    .addColumn('confirmed_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('reply_subscriptions')
    .addColumn('comment_id', 'integer', (c) => c.primaryKey().references('comments.id').onDelete('cascade'))
    .addColumn('address_id', 'integer', (c) => c.notNull().references('mail_addresses.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('reply_subscriptions_address').on('reply_subscriptions').column('address_id').execute();

  await db.schema
    .createTable('held_digests')
    .addColumn('user_id', 'integer', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('interval_minutes', 'integer', (c) => c.notNull())
    // Comments held after this time are news for the next digest.
    .addColumn('last_sent_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('privacy_links')
    // SHA-256 of the token mailed: the table alone opens nothing.
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['privacy_links', 'held_digests', 'reply_subscriptions', 'mail_addresses', 'outbox'])
    await db.schema.dropTable(table).execute();
}
