// The spam rules as moderation steps: small and pure, deciding from facts the comment service
// gathered (spam.service.ts). A rule that can mark spam or hold is two steps of one name, the
// spam half placed with the other spam verdicts: the first step that fires decides, and a
// clear spam signal must not be outranked by a mere reason to hold.
import type { ModerationStep } from '../comments/moderation-types.ts';
import { SPAM_THRESHOLDS } from './classifier.ts';
import type { FormTokenVerdict } from './form-token.ts';

export const CLASSIFIER_STEP_NAME = 'classifier';

const BLOCK_LIST_NAMES = { email: 'e-mail address', ip: 'network address', word: 'word' } as const;

export const blockListStep: ModerationStep = {
  name: 'block-list',
  decide: ({ spam }) => {
    const hit = spam?.blockListHit;
    return hit ? { status: 'spam', reason: `blocked ${BLOCK_LIST_NAMES[hit.list]} "${hit.entry}"` } : undefined;
  },
};

export const honeypotStep: ModerationStep = {
  name: 'honeypot',
  decide: ({ spam }) =>
    spam?.honeypotFilled ? { status: 'spam', reason: 'filled in the hidden field people leave empty' } : undefined,
};

const FORM_TOKEN_SPAM: Partial<Record<FormTokenVerdict, string>> = {
  'too-fast': 'posted faster than a person can write',
  replayed: 'form already used for another comment',
};

const FORM_TOKEN_HOLD: Partial<Record<FormTokenVerdict, string>> = {
  missing: 'sent without a form token (through the API or a script)',
  malformed: 'form token is not one this site issued',
  expired: 'form token expired (the page was open more than a day)',
  'wrong-article': 'form token belongs to another article',
};

export const formTokenSpamStep: ModerationStep = {
  name: 'form-token',
  decide: ({ spam }) => {
    const reason = spam?.formToken ? FORM_TOKEN_SPAM[spam.formToken] : undefined;
    return reason ? { status: 'spam', reason } : undefined;
  },
};

export const formTokenHoldStep: ModerationStep = {
  name: 'form-token',
  decide: ({ spam }) => {
    const reason = spam?.formToken ? FORM_TOKEN_HOLD[spam.formToken] : undefined;
    return reason ? { status: 'pending', reason } : undefined;
  },
};

export const repeatedByAuthorStep: ModerationStep = {
  name: 'duplicate',
  decide: ({ spam }) =>
    spam?.duplicate?.kind === 'same-author'
      ? { status: 'spam', reason: `same text as this author's comment #${spam.duplicate.commentId}` }
      : undefined,
};

export const duplicateOnSiteStep: ModerationStep = {
  name: 'duplicate',
  decide: ({ spam }) =>
    spam?.duplicate?.kind === 'recent'
      ? { status: 'pending', reason: `same text as comment #${spam.duplicate.commentId}, posted lately` }
      : undefined,
};

export const tooManyLinksStep: ModerationStep = {
  name: 'links',
  decide: ({ spam }) =>
    spam && spam.linkCount > spam.maxLinks
      ? { status: 'pending', reason: `${spam.linkCount} links (limit ${spam.maxLinks})` }
      : undefined,
};

export function formatScore(score: number): string {
  return `spam score ${score.toFixed(2)}`;
}

export const classifierSpamStep: ModerationStep = {
  name: CLASSIFIER_STEP_NAME,
  decide: ({ spam }) =>
    spam?.spamScore != null && spam.spamScore >= SPAM_THRESHOLDS.spam
      ? { status: 'spam', reason: formatScore(spam.spamScore) }
      : undefined,
};

export const classifierHoldStep: ModerationStep = {
  name: CLASSIFIER_STEP_NAME,
  decide: ({ spam }) =>
    spam?.spamScore != null && spam.spamScore >= SPAM_THRESHOLDS.hold && spam.spamScore < SPAM_THRESHOLDS.spam
      ? { status: 'pending', reason: formatScore(spam.spamScore) }
      : undefined,
};

/** Spam verdicts first (block list, honeypot, token abuse, repeats, sure classifier), then reasons to hold. */
export const SPAM_STEPS: readonly ModerationStep[] = [
  blockListStep,
  honeypotStep,
  formTokenSpamStep,
  repeatedByAuthorStep,
  classifierSpamStep,
  formTokenHoldStep,
  duplicateOnSiteStep,
  tooManyLinksStep,
  classifierHoldStep,
];
