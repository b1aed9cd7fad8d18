// What a moderation step is, and what it decides from: shared by the policy steps
// (moderation.steps.ts) and the spam rules (spam/spam.steps.ts), which do not import each other.
import type { CommentPolicy } from '../settings/settings.service.ts';
import type { BlockListHit } from '../spam/block-lists.ts';
import type { DuplicateMatch } from '../spam/content-rules.ts';
import type { FormTokenVerdict } from '../spam/form-token.ts';
import type { CommentStatus } from './comment.table.ts';

export interface ModerationContext {
  policy: CommentPolicy;
  /**
   * The author is trusted: this reader's cookie earned an approval under this address, or the
   * reader proved they own it (features/comments/comment-trust.ts). An address alone is not enough.
   */
  knownAuthor: boolean;
  /** The address has approved comments, but `knownAuthor` is false: someone else may be using a regular's address. */
  borrowedAddress?: boolean;
  /** The reader typed a staff member's e-mail or name. */
  staffIdentity?: 'email' | 'name' | null;
  /** What the spam defence found out about the comment; absent, the spam steps have no opinion. */
  spam?: SpamFacts;
}

export interface ModerationDecision {
  status: CommentStatus;
  step: string;
  reason: string;
}

export interface ModerationStep {
  name: string;
  decide(context: ModerationContext): Omit<ModerationDecision, 'step'> | undefined;
}

/** What the spam defence (spam/spam.service.ts) found out about a comment, for the spam steps. */
export interface SpamFacts {
  blockListHit: BlockListHit | null;
  /** The hidden "leave this field empty" input had something in it. */
  honeypotFilled: boolean;
  /** null when the comment did not come from a request (imports, seed data): nothing to check. */
  formToken: FormTokenVerdict | null;
  duplicate: DuplicateMatch | null;
  linkCount: number;
  /** The maxLinks setting. */
  maxLinks: number;
  /** The classifier's P(spam), or null while it is untrained. */
  spamScore: number | null;
}
