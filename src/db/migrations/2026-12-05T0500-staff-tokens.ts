// Single-use staff links: the set-up link that creates the first admin (printed by the server
// while no admin exists) and password-reset links (mailed). Only the token's SHA-256 is stored.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('staff_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    // 'setup' or 'reset'.
    .addColumn('purpose', 'text', (c) => c.notNull())
    // The account a reset link is for; null for the set-up link.
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    // Null: valid until used (the set-up link, which also stops working once an admin exists).
    .addColumn('expires_at', 'text')
    .execute();
  await db.schema.createIndex('staff_tokens_user').on('staff_tokens').columns(['user_id', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('staff_tokens').execute();
}
