import type { Generated, Insertable, Selectable } from 'kysely';

/** What a ban names: an e-mail address, an address (its keyed hash) or a reader cookie. */
export type BanKind = 'email' | 'ip' | 'reader';

export interface BanTable {
  id: Generated<number>;
  kind: BanKind;
  /** The lower-cased e-mail, the address hash or the reader id. */
  value: string;
  reason: string;
  /** The name on the comment the ban was made from, to show whom it bans. */
  subject_name: string;
  comment_id: number | null;
  /** The staff member's name as the audit log shows it. */
  created_by: string;
  created_at: string;
  /** Null: forever. */
  expires_at: string | null;
  lifted_by: string | null;
  lifted_at: string | null;
}

export type BanRow = Selectable<BanTable>;
export type NewBanRow = Insertable<BanTable>;
