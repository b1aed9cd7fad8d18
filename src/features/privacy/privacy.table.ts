/** A single-use link to see and erase what is stored about an address; the token itself is only in the mail. */
export interface PrivacyLinkTable {
  token_hash: string;
  email: string;
  expires_at: string;
  used_at: string | null;
}
