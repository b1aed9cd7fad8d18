// Whether an address is proven to belong to whoever uses it: its owner pressed the button in
// the confirmation mail sent to it. Moderation may trust such an address (it cannot be borrowed
// by typing someone else's e-mail into a form).
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';

/** True when the owner of `email` (compared in lower case, as comments store it) confirmed it by mail. */
export async function isAddressConfirmed(db: Kysely<Database>, email: string): Promise<boolean> {
  const row = await db.selectFrom('mail_addresses').select('confirmed_at').where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
  return row?.confirmed_at != null;
}
