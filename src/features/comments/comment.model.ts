// Public shape of a comment: no e-mail, no address, ever.
import { hmac } from '../../lib/crypto.ts';
import type { CommentRow, CommentStatus } from './comment.table.ts';

export interface PublicComment {
  id: number;
  parentId: number | null;
  authorName: string;
  authorUrl: string | null;
  /** The role of the staff member who wrote it from the admin (shown as a "Staff" mark), or null for a reader. */
  staffRole: string | null;
  /** Key of the locally drawn avatar, derived from a keyed hash of the e-mail. */
  avatar: string;
  bodyHtml: string;
  status: CommentStatus;
  createdAt: string;
  /** When its author last edited it; null if never. */
  editedAt: string | null;
  replies: PublicComment[];
}

// Avatars are recomputed on every render of a thread: remember the recent ones.
const avatars = new Map<string, string>();
const AVATAR_MEMO_LIMIT = 10_000;

function avatarOf(email: string, avatarKey: string): string {
  const key = `${avatarKey}\0${email}`;
  let avatar = avatars.get(key);
  if (avatar === undefined) {
    avatar = hmac(avatarKey, email.toLowerCase()).slice(0, 16);
    if (avatars.size >= AVATAR_MEMO_LIMIT) avatars.delete(avatars.keys().next().value!);
    avatars.set(key, avatar);
  }
  return avatar;
}

export function toPublicComment(row: CommentRow, avatarKey: string): PublicComment {
  return {
    id: row.id,
    parentId: row.parent_id,
    authorName: row.author_name,
    authorUrl: row.author_url,
    staffRole: row.staff_role,
    avatar: avatarOf(row.author_email, avatarKey),
    bodyHtml: row.body_html,
    status: row.status,
    createdAt: row.created_at,
    editedAt: row.edited_at,
    replies: [],
  };
}

/** Builds the reply tree. Replies whose parent is not in the list become top-level. */
export function threadComments(comments: PublicComment[], order: 'oldest' | 'newest'): PublicComment[] {
  const byId = new Map(comments.map((c) => [c.id, c]));
  const roots: PublicComment[] = [];
  for (const comment of comments) {
    const parent = comment.parentId === null ? undefined : byId.get(comment.parentId);
    (parent ? parent.replies : roots).push(comment);
  }
  // Top-level threads follow the reader's chosen order; replies always read oldest first.
  if (order === 'newest') roots.reverse();
  return roots;
}
