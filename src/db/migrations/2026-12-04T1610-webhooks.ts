// Webhooks: the endpoints admins register, and one delivery per event and endpoint (the unique
// key is what makes "at most one successful delivery per event and endpoint" hold). Deliveries
// are sent through the outbox (channel 'webhook').
import type { Kysely } from 'kysely';
import { withId } from './portable.ts';

export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, db.schema.createTable('webhook_endpoints'))
    .addColumn('url', 'text', (c) => c.notNull())
    // JSON array of event names.
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    // During a rotation the old secret signs too (a second v1=), until previous_secret_until.
    .addColumn('previous_secret', 'text')
    .addColumn('previous_secret_until', 'text')
    // Set when the endpoint kept failing; no deliveries until an admin resumes it.
    .addColumn('paused_at', 'text')
    .addColumn('pause_reason', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await withId(db, db.schema.createTable('webhook_deliveries'))
    // The Broadsheet-Delivery header: the same on every attempt, so a receiver can drop copies.
    .addColumn('delivery_id', 'text', (c) => c.notNull().unique())
    .addColumn('endpoint_id', 'integer', (c) => c.notNull().references('webhook_endpoints.id').onDelete('cascade'))
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    // The exact bytes sent (and signed), fixed when the event happened.
    .addColumn('body', 'text', (c) => c.notNull())
    // pending → delivered, or failed (retries used up), or skipped (the endpoint was paused or removed).
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('response_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('delivered_at', 'text')
    .addUniqueConstraint('webhook_deliveries_event_endpoint', ['event_id', 'endpoint_id'])
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_endpoint')
    .on('webhook_deliveries')
    .columns(['endpoint_id', 'id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('webhook_deliveries').execute();
  await db.schema.dropTable('webhook_endpoints').execute();
}
