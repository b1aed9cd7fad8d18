// Who a commenter is, as far as moderation may rely on it. An e-mail address is something anyone
// can type, so it earns trust only together with something an impostor does not have: the reader
// cookie under which a comment with that address was approved, or proof that the reader owns the
// address (a confirmation link). A reader writing as a staff member is recognised too.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { anyRows, type Lookup } from '../../db/prepared.ts';
import { addressConfirmedLookup, isAddressConfirmed } from '../notifications/notification-addresses.ts';
import { listStaffIdentities } from '../staff/staff-identities.ts';
import { approvedCommentFrom, approvedCommentFromReader } from './comment.repository.ts';

export interface AuthorTrust {
  /** This reader's cookie earned an approval under this address. */
  trustedReader: boolean;
  /** The reader proved they own the address. */
  addressConfirmed: boolean;
  /** The address has approved comments, trusted or not (someone may be borrowing a regular's address). */
  addressHasApprovedComments: boolean;
  /** The e-mail or the name is a staff member's. */
  staffIdentity: 'email' | 'name' | null;
}

/**
 * Whether the owner of this address has proved it, from this reader's browser: they pressed the
 * button behind the link in the confirmation mail of reply notifications
 * (features/notifications/notification-addresses.ts).
 */
export { isAddressConfirmed };

/** Names compared as a person reads them: compatibility forms, invisible characters and case ignored. */
export function nameKey(name: string): string {
  return name
    .normalize('NFKC')
    .replace(/[\p{Cf}\p{Cc}]/gu, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

export async function gatherAuthorTrust(
  db: Kysely<Database>,
  author: { email: string; name: string; readerId: string | null },
): Promise<AuthorTrust> {
  const { email, readerId } = author;
  // Asked in one statement (a round trip each on PostgreSQL). A null reader is never trusted or proven.
  const lookups: Record<string, Lookup> = { approved: approvedCommentFrom(email) };
  if (readerId !== null) {
    lookups.trusted = approvedCommentFromReader(email, readerId);
    lookups.confirmed = addressConfirmedLookup(email, readerId);
  }
  const found = await anyRows(db, lookups);
  const trustedReader = found.trusted === true;
  const addressConfirmed = found.confirmed === true;
  const addressHasApprovedComments = found.approved === true;
  const name = nameKey(author.name);
  let staffIdentity: AuthorTrust['staffIdentity'] = null;
  for (const staff of await listStaffIdentities(db)) {
    if (staff.email.toLowerCase() === email) staffIdentity = 'email';
    else if (staffIdentity === null && nameKey(staff.display_name) === name) staffIdentity = 'name';
    if (staffIdentity === 'email') break;
  }
  return { trustedReader, addressConfirmed, addressHasApprovedComments, staffIdentity };
}
