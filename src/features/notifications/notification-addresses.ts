// Whether an address is proven to belong to whoever uses it: its owner pressed the button in
// the confirmation mail sent to it. Moderation may trust a proven reader; the proof is tied to
// the reader cookie that asked for the confirmation (ticked "E-mail me when someone replies" on a
// comment under that address), so typing someone else's confirmed address into a form earns nothing.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { prepared } from '../../db/prepared.ts';

// Every comment from a reader runs the second: prepared once (db/prepared.ts).
const confirmedAt = prepared((db, v: { address: string }) =>
  db.selectFrom('mail_addresses').select('confirmed_at').where('email', '=', v.address),
);
const confirmedForReader = prepared((db, v: { address: string; readerId: string }) =>
  db
    .selectFrom('mail_addresses as a')
    .innerJoin('reply_subscriptions as s', 's.address_id', 'a.id')
    .innerJoin('comments as c', 'c.id', 's.comment_id')
    .select('c.id')
    .where('a.email', '=', v.address)
    .where('a.confirmed_at', 'is not', null)
    .where('c.reader_id', '=', v.readerId)
    .limit(1),
);

/**
 * True when the owner of `email` (compared in lower case, as comments store it) confirmed it by
 * mail. With `readerId`, only when that reader is the one who asked for the confirmation (a comment
 * of theirs under this address follows replies); a null reader is never proven.
 */
export async function isAddressConfirmed(
  db: Kysely<Database>,
  email: string,
  readerId?: string | null,
): Promise<boolean> {
  const address = email.trim().toLowerCase();
  if (readerId === undefined) return (await confirmedAt.execute(db, { address })).rows[0]?.confirmed_at != null;
  if (readerId === null) return false;
  return (await confirmedForReader.execute(db, { address, readerId })).rows.length > 0;
}
