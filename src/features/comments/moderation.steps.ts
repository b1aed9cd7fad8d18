// Moderation as an ordered list of small pure steps. The first step that decides wins;
// its name is recorded as the reason a comment was held, so moderators can see why.
import { CLASSIFIER_STEP_NAME, formatScore, SPAM_STEPS } from '../spam/spam.steps.ts';
import type { ModerationContext, ModerationDecision, ModerationStep } from './moderation-types.ts';

export const holdAll: ModerationStep = {
  name: 'policy-hold-all',
  decide: ({ policy }) =>
    policy === 'hold-all' ? { status: 'pending', reason: 'The site holds every comment for review.' } : undefined,
};

// Under every policy: only the admin's reply form posts as staff.
export const holdStaffIdentity: ModerationStep = {
  name: 'staff-identity',
  decide: ({ staffIdentity }) =>
    staffIdentity
      ? {
          status: 'pending',
          reason:
            `Uses a staff member's ${staffIdentity === 'email' ? 'e-mail address' : 'name'}, but staff comment ` +
            `from the admin: held so that nobody passes for staff.`,
        }
      : undefined,
};

export const holdBorrowedAddress: ModerationStep = {
  name: 'unproven-address',
  decide: ({ policy, knownAuthor, borrowedAddress }) =>
    policy === 'hold-first-time' && !knownAuthor && borrowedAddress
      ? {
          status: 'pending',
          reason:
            'This address has approved comments, but this one came from another browser and the address is not ' +
            "confirmed: held in case someone is using a regular's address.",
        }
      : undefined,
};

export const holdFirstTime: ModerationStep = {
  name: 'policy-first-time',
  decide: ({ policy, knownAuthor, borrowedAddress }) =>
    policy === 'hold-first-time' && !knownAuthor && !borrowedAddress
      ? { status: 'pending', reason: 'First comment from this address: held until a moderator approves one.' }
      : undefined,
};

export const DEFAULT_STEPS: readonly ModerationStep[] = [
  holdStaffIdentity,
  holdAll,
  holdBorrowedAddress,
  holdFirstTime,
];

export function moderate(
  context: ModerationContext,
  steps: readonly ModerationStep[] = DEFAULT_STEPS,
): ModerationDecision {
  for (const step of steps) {
    const decision = step.decide(context);
    if (decision) return { ...decision, step: step.name };
  }
  return { status: 'approved', step: 'default', reason: 'Passed every check.' };
}

/** Every step a new comment goes through: the spam rules, then the site's policy. */
export const COMMENT_STEPS: readonly ModerationStep[] = [...SPAM_STEPS, ...DEFAULT_STEPS];

/** Decides as moderate() does, but asks every step, so that the explanation can name each rule that fired. */
export function moderateExplained(
  context: ModerationContext,
  steps: readonly ModerationStep[] = COMMENT_STEPS,
): ModerationDecision & { fired: ModerationDecision[] } {
  const fired = steps.flatMap((step) => {
    const decision = step.decide(context);
    return decision ? [{ ...decision, step: step.name }] : [];
  });
  return { ...(fired[0] ?? moderate(context, [])), fired };
}

/** What a moderator reads: the deciding rule, then every other rule that fired, then the spam score. */
export function explainDecision(fired: readonly ModerationDecision[], spamScore: number | null): string {
  const parts = fired.map((decision) => `${decision.step}: ${decision.reason}`);
  if (spamScore !== null && !fired.some((decision) => decision.step === CLASSIFIER_STEP_NAME))
    parts.push(formatScore(spamScore));
  return parts.join('; ');
}
