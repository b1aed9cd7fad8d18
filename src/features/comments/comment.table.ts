import type { Generated, Insertable, Selectable } from 'kysely';

export type CommentStatus = 'pending' | 'approved' | 'spam' | 'trash';

export interface CommentTable {
  id: Generated<number>;
  article_id: number;
  parent_id: number | null;
  depth: Generated<number>;
  reader_id: string | null;
  author_name: string;
  author_email: string;
  author_url: string | null;
  body_markdown: string;
  body_html: string;
  status: CommentStatus;
  held_reason: string | null;
  /** The classifier's P(spam) when posted; null while it was untrained (or before spam defence). */
  spam_score: number | null;
  /** The label the classifier learnt from this comment, so a moderator changing their mind untrains it. */
  trained_as: 'spam' | 'ham' | null;
  /** Hash of the normalised body, for finding copies (features/spam/content-rules.ts). */
  body_hash: string | null;
  /** The role of the staff member who posted it from the admin (shown as a "Staff" mark); null for readers. */
  staff_role: string | null;
  ip_hash: string;
  user_agent: Generated<string>;
  created_at: string;
  updated_at: string;
  /** When its author last edited it; null if never. */
  edited_at: Generated<string | null>;
  /** Where an imported comment came from (source, post and comment id); null for comments posted here. */
  import_key: Generated<string | null>;
}

export type CommentRow = Selectable<CommentTable>;
export type NewCommentRow = Insertable<CommentTable>;

/** An earlier text of an edited comment, kept for moderators. */
export interface CommentEditTable {
  id: Generated<number>;
  comment_id: number;
  body_markdown: string;
  body_html: string;
  /** When this text was replaced. */
  created_at: string;
}

export type CommentEditRow = Selectable<CommentEditTable>;
