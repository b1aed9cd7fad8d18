// Who a commenter is, as far as moderation may rely on it. An e-mail address is something anyone
// can type, so it earns trust only together with something an impostor does not have: the reader
// cookie under which a comment with that address was approved, or proof that the reader owns the
// address (a confirmation link). A reader writing as a staff member is recognised too.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { anyRows, type Lookup } from '../../db/prepared.ts';
import { addressConfirmedLookup } from '../notifications/notification-addresses.ts';
import type { CommentPolicy } from '../settings/settings.service.ts';
import { listStaffIdentities } from '../staff/staff-identities.ts';
import { approvedCommentFrom, approvedCommentFromReader } from './comment.repository.ts';

/** What the moderation steps know of the author (features/comments/moderation-types.ts). */
export interface AuthorTrust {
  /** This reader's cookie earned an approval under this address, or the reader proved they own it. */
  knownAuthor: boolean;
  /** The address has approved comments, but the author is not known: someone may be borrowing a regular's address. */
  borrowedAddress: boolean;
  /** The e-mail or the name is a staff member's. */
  staffIdentity: 'email' | 'name' | null;
}

/** Names compared as a person reads them: compatibility forms, invisible characters and case ignored. */
export function nameKey(name: string): string {
  return name
    .normalize('NFKC')
    .replace(/[\p{Cf}\p{Cc}]/gu, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/**
 * The author's standing, as far as `policy` asks for it: only the first-time policy reads whether the author is known
 * (moderation.steps.ts), so under the others their history is not looked up and both are false. Whether they write as
 * staff counts under every policy.
 */
export async function gatherAuthorTrust(
  db: Kysely<Database>,
  author: { email: string; name: string; readerId: string | null },
  policy: CommentPolicy,
): Promise<AuthorTrust> {
  const { email, readerId } = author;
  let knownAuthor = false;
  let borrowedAddress = false;
  // Asked in one statement (a round trip each on PostgreSQL). A null reader is never trusted or proven.
  const lookups: Record<string, Lookup> = {};
  if (policy === 'hold-first-time') {
    lookups.approved = approvedCommentFrom(email);
    if (readerId !== null) {
      lookups.trusted = approvedCommentFromReader(email, readerId);
      lookups.confirmed = addressConfirmedLookup(email, readerId);
    }
  }
  // Both started before either is awaited: on a `together` transaction (db/prepared.ts) they go as one statement.
  const [found, staffList] = await Promise.all([
    policy === 'hold-first-time' ? anyRows(db, lookups) : undefined,
    listStaffIdentities(db),
  ]);
  if (found) {
    knownAuthor = found.trusted === true || found.confirmed === true;
    borrowedAddress = !knownAuthor && found.approved === true;
  }
  const name = nameKey(author.name);
  let staffIdentity: AuthorTrust['staffIdentity'] = null;
  for (const staff of staffList) {
    if (staff.email.toLowerCase() === email) staffIdentity = 'email';
    else if (staffIdentity === null && nameKey(staff.display_name) === name) staffIdentity = 'name';
    if (staffIdentity === 'email') break;
  }
  return { knownAuthor, borrowedAddress, staffIdentity };
}
