// A comment posted by a staff member from the admin carries their role, shown as a "Staff" mark
// beside their name. Only the admin's reply form sets it: no reader's input can.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('comments').addColumn('staff_role', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('comments').dropColumn('staff_role').execute();
}
