// Moderation as an ordered list of small pure steps. The first step that decides wins;
// its name is recorded as the reason a comment was held, so moderators can see why.
import type { CommentPolicy } from '../settings/settings.service.ts';
import { CLASSIFIER_STEP_NAME, formatScore, SPAM_STEPS, type SpamFacts } from '../spam/spam.steps.ts';
import type { CommentStatus } from './comment.table.ts';

export interface ModerationContext {
  policy: CommentPolicy;
  /** The author's address already has an approved comment. */
  knownAuthor: boolean;
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

export const holdAll: ModerationStep = {
  name: 'policy-hold-all',
  decide: ({ policy }) => (policy === 'hold-all' ? { status: 'pending', reason: 'The site holds every comment for review.' } : undefined),
};

export const holdFirstTime: ModerationStep = {
  name: 'policy-first-time',
  decide: ({ policy, knownAuthor }) =>
    policy === 'hold-first-time' && !knownAuthor
      ? { status: 'pending', reason: 'First comment from this address: held until a moderator approves one.' }
      : undefined,
};

export const DEFAULT_STEPS: readonly ModerationStep[] = [holdAll, holdFirstTime];

export function moderate(context: ModerationContext, steps: readonly ModerationStep[] = DEFAULT_STEPS): ModerationDecision {
  for (const step of steps) {
    const decision = step.decide(context);
    if (decision) return { ...decision, step: step.name };
  }
  return { status: 'approved', step: 'default', reason: 'Passed every check.' };
}

/** Every step a new comment goes through: the spam rules, then the site's policy. */
export const COMMENT_STEPS: readonly ModerationStep[] = [...SPAM_STEPS, ...DEFAULT_STEPS];

/** Decides as moderate() does, but asks every step, so that the explanation can name each rule that fired. */
export function moderateExplained(context: ModerationContext, steps: readonly ModerationStep[] = COMMENT_STEPS): ModerationDecision & { fired: ModerationDecision[] } {
  const fired = steps.flatMap((step) => {
    const decision = step.decide(context);
    return decision ? [{ ...decision, step: step.name }] : [];
  });
  return { ...(fired[0] ?? moderate(context, [])), fired };
}

/** What a moderator reads: the deciding rule, then every other rule that fired, then the spam score. */
export function explainDecision(fired: readonly ModerationDecision[], spamScore: number | null): string {
  const parts = fired.map((decision) => `${decision.step}: ${decision.reason}`);
  if (spamScore !== null && !fired.some((decision) => decision.step === CLASSIFIER_STEP_NAME)) parts.push(formatScore(spamScore));
  return parts.join('; ');
}
