// Rules about what a comment says: how many links it carries, and whether the same text was
// posted before (a bot repeating itself, or pasting one message across the site).
import { createHash } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import { listCommentsWithBody } from './spam.repository.ts';

/** The same text from anyone within this many hours is held. */
export const DUPLICATE_WINDOW_HOURS = 24;
/** Shorter texts ("Agreed.", "Thank you!") are said often, by many people; only longer ones count as copies. */
export const DUPLICATE_MIN_LENGTH = 20;

/** Lower case, compatibility-normalised, punctuation and Markdown dropped, spaces collapsed. */
export function normaliseBody(body: string): string {
  return body
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** A comment's text as copies are compared: normalised, and the hash stored in comments.body_hash. */
export interface CommentText {
  normalised: string;
  hash: string;
}

/** The text normalised and hashed once, for the duplicate check and the stored hash alike. */
export function commentText(body: string): CommentText {
  const normalised = normaliseBody(body);
  return { normalised, hash: createHash('sha256').update(normalised).digest('base64url') };
}

/** What is stored in comments.body_hash and compared to find copies. */
export function bodyHash(body: string): string {
  return commentText(body).hash;
}

/** Links as readers see them: the rendered body's anchors (bare addresses are linkified too). */
export function countLinks(bodyHtml: string): number {
  return bodyHtml.match(/<a\s/gi)?.length ?? 0;
}

export interface DuplicateMatch {
  /** 'same-author': this address posted this text before (any time); 'recent': anyone did, lately. */
  kind: 'same-author' | 'recent';
  commentId: number;
}

export async function findDuplicate(
  db: Db,
  comment: { text: CommentText; authorEmail: string; now: Date },
): Promise<DuplicateMatch | null> {
  if (comment.text.normalised.length < DUPLICATE_MIN_LENGTH) return null;
  const copies = await listCommentsWithBody(db, comment.text.hash);
  const byAuthor = copies.find((copy) => copy.author_email === comment.authorEmail);
  if (byAuthor) return { kind: 'same-author', commentId: byAuthor.id };
  const since = new Date(comment.now.getTime() - DUPLICATE_WINDOW_HOURS * 3600_000).toISOString();
  const recent = copies.find((copy) => copy.created_at >= since);
  return recent ? { kind: 'recent', commentId: recent.id } : null;
}
