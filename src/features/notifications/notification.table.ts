import type { Generated } from 'kysely';

/** An address that opted in to reply notifications; confirmed_at once its owner proved it. */
export interface MailAddressTable {
  id: Generated<number>;
  email: string;
  confirmed_at: string | null;
  created_at: string;
}

/** A comment whose author wants mail when someone replies to it. */
export interface ReplySubscriptionTable {
  comment_id: number;
  address_id: number;
  created_at: string;
}

/** A staff member's digest of newly held comments: at most one mail per interval. */
export interface HeldDigestTable {
  user_id: number;
  interval_minutes: number;
  last_sent_at: string;
}
