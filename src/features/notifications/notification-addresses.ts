// Whether an address is proven to belong to whoever uses it: its owner pressed the button in
// the confirmation mail sent to it. Moderation may trust a proven reader; the proof is tied to
// the reader cookie that asked for the confirmation (ticked "E-mail me when someone replies" on a
// comment under that address), so typing someone else's confirmed address into a form earns nothing.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { Lookup } from '../../db/prepared.ts';
import { confirmedAt, confirmedForReader, confirmedForReaderLookup } from './subscription.repository.ts';

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
  if (readerId === undefined) return (await confirmedAt(db, address)) != null;
  if (readerId === null) return false;
  return confirmedForReader(db, address, readerId);
}

/** isAddressConfirmed for a reader, as a lookup to ask together with others (db/prepared.ts anyRows). */
export function addressConfirmedLookup(email: string, readerId: string): Lookup {
  return confirmedForReaderLookup(email.trim().toLowerCase(), readerId);
}
