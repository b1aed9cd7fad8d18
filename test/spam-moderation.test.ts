// The spam steps of moderation, each alone; their order among the policy steps; and the
// explanation a moderator reads for a held comment.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  COMMENT_STEPS,
  DEFAULT_STEPS,
  explainDecision,
  moderate,
  moderateExplained,
} from '../src/features/comments/moderation.steps.ts';
import type { ModerationContext, ModerationStep, SpamFacts } from '../src/features/comments/moderation-types.ts';
import type { FormTokenVerdict } from '../src/features/spam/form-token.ts';
import {
  blockListStep,
  classifierHoldStep,
  classifierSpamStep,
  duplicateOnSiteStep,
  formTokenHoldStep,
  formTokenSpamStep,
  honeypotStep,
  repeatedByAuthorStep,
  SPAM_STEPS,
  tooManyLinksStep,
} from '../src/features/spam/spam.steps.ts';

const CLEAN: SpamFacts = {
  blockListHit: null,
  honeypotFilled: false,
  formToken: 'valid',
  duplicate: null,
  linkCount: 0,
  maxLinks: 2,
  spamScore: null,
};
const context = (
  facts: Partial<SpamFacts> = {},
  policy: ModerationContext['policy'] = 'publish',
): ModerationContext => ({
  policy,
  knownAuthor: false,
  spam: { ...CLEAN, ...facts },
});
const status = (step: ModerationStep, facts: Partial<SpamFacts>) => step.decide(context(facts))?.status;

describe('each spam step alone', () => {
  it('block list: any hit is spam, naming the entry', () => {
    const decision = blockListStep.decide(context({ blockListHit: { list: 'email', entry: '@spam.example' } }));
    assert.equal(decision?.status, 'spam');
    assert.match(decision.reason, /@spam\.example/);
    assert.equal(status(blockListStep, { blockListHit: { list: 'ip', entry: '198.51.100.0/24' } }), 'spam');
    assert.equal(status(blockListStep, { blockListHit: null }), undefined);
  });

  it('honeypot: filled is spam', () => {
    assert.equal(status(honeypotStep, { honeypotFilled: true }), 'spam');
    assert.equal(status(honeypotStep, { honeypotFilled: false }), undefined);
  });

  it('form token: too fast or replayed is spam; missing, malformed, expired or for another article is held', () => {
    const table = (
      [
        'valid',
        'missing',
        'malformed',
        'too-fast',
        'expired',
        'replayed',
        'wrong-article',
        null,
      ] as (FormTokenVerdict | null)[]
    ).map((formToken) => [
      formToken,
      status(formTokenSpamStep, { formToken }) ?? status(formTokenHoldStep, { formToken }) ?? 'no opinion',
    ]);
    assert.deepEqual(table, [
      ['valid', 'no opinion'],
      ['missing', 'pending'],
      ['malformed', 'pending'],
      ['too-fast', 'spam'],
      ['expired', 'pending'],
      ['replayed', 'spam'],
      ['wrong-article', 'pending'],
      [null, 'no opinion'], // not from a request: nothing to check
    ]);
    for (const formToken of ['too-fast', 'replayed'] as const)
      assert.equal(status(formTokenHoldStep, { formToken }), undefined, `${formToken} is not also held`);
  });

  it('duplicate: the same author repeating is spam; the same text from someone else, lately, is held', () => {
    assert.equal(status(repeatedByAuthorStep, { duplicate: { kind: 'same-author', commentId: 4 } }), 'spam');
    assert.equal(status(duplicateOnSiteStep, { duplicate: { kind: 'same-author', commentId: 4 } }), undefined);
    assert.equal(status(duplicateOnSiteStep, { duplicate: { kind: 'recent', commentId: 4 } }), 'pending');
    assert.equal(status(repeatedByAuthorStep, { duplicate: { kind: 'recent', commentId: 4 } }), undefined);
    assert.match(
      repeatedByAuthorStep.decide(context({ duplicate: { kind: 'same-author', commentId: 4 } }))!.reason,
      /#4/,
    );
  });

  it('links: more than the limit is held; the limit itself is fine', () => {
    assert.equal(status(tooManyLinksStep, { linkCount: 2, maxLinks: 2 }), undefined);
    assert.equal(status(tooManyLinksStep, { linkCount: 3, maxLinks: 2 }), 'pending');
    assert.equal(status(tooManyLinksStep, { linkCount: 1, maxLinks: 0 }), 'pending');
    assert.equal(tooManyLinksStep.decide(context({ linkCount: 4, maxLinks: 2 }))?.reason, '4 links (limit 2)');
  });

  it('classifier: 0.95 and above is spam, 0.6 and above held, below that or untrained no opinion', () => {
    const verdict = (spamScore: number | null) =>
      status(classifierSpamStep, { spamScore }) ?? status(classifierHoldStep, { spamScore }) ?? 'no opinion';
    assert.deepEqual([0.99, 0.95, 0.949, 0.6, 0.599, 0, null].map(verdict), [
      'spam',
      'spam',
      'pending',
      'pending',
      'no opinion',
      'no opinion',
      'no opinion',
    ]);
    assert.equal(classifierHoldStep.decide(context({ spamScore: 0.72 }))?.reason, 'spam score 0.72');
  });

  it('without spam facts (imports, other callers) no spam step has an opinion', () => {
    for (const step of SPAM_STEPS)
      assert.equal(step.decide({ policy: 'publish', knownAuthor: false }), undefined, step.name);
  });
});

describe('the order of the steps', () => {
  it('spam verdicts, then reasons to hold, then the site policy', () => {
    assert.deepEqual(
      COMMENT_STEPS.map((step) => step.name),
      [
        'block-list',
        'honeypot',
        'form-token',
        'duplicate',
        'classifier',
        'form-token',
        'duplicate',
        'links',
        'classifier',
        ...DEFAULT_STEPS.map((s) => s.name),
      ],
    );
    const spamFirst = [blockListStep, honeypotStep, formTokenSpamStep, repeatedByAuthorStep, classifierSpamStep];
    const thenHold = [formTokenHoldStep, duplicateOnSiteStep, tooManyLinksStep, classifierHoldStep];
    const expected = [...spamFirst, ...thenHold, ...DEFAULT_STEPS];
    for (const [i, step] of COMMENT_STEPS.entries()) assert.equal(step, expected[i]);
  });

  it('a clear spam signal is not outranked by a reason to hold: an API post the classifier is sure of is spam', () => {
    const decision = moderateExplained(context({ formToken: 'missing', spamScore: 0.99 }));
    assert.equal(decision.status, 'spam');
    assert.equal(decision.step, 'classifier');
  });

  it('an API post without a token is held even when the policy publishes, and even from a known author', () => {
    const decision = moderateExplained({ ...context({ formToken: 'missing' }), knownAuthor: true });
    assert.equal(decision.status, 'pending');
    assert.equal(decision.step, 'form-token');
  });

  it('a clean comment falls through to the site policy', () => {
    assert.equal(moderateExplained(context({}, 'publish')).status, 'approved');
    assert.equal(moderateExplained(context({}, 'hold-all')).step, 'policy-hold-all');
    assert.equal(moderateExplained(context({}, 'hold-first-time')).step, 'policy-first-time');
    assert.deepEqual(moderateExplained(context({}, 'publish')).fired, []);
  });
});

describe('moderateExplained', () => {
  it('decides exactly as moderate() does, and lists every step that fired in order', () => {
    const contexts = [
      context({ honeypotFilled: true, linkCount: 5, spamScore: 0.7 }, 'hold-all'),
      context({ formToken: 'expired', duplicate: { kind: 'recent', commentId: 2 } }, 'hold-first-time'),
      context({ blockListHit: { list: 'word', entry: 'casino' }, formToken: 'replayed' }),
      context({ spamScore: 0.1 }, 'publish'),
    ];
    for (const c of contexts) {
      const explained = moderateExplained(c);
      const { status, step, reason } = moderate(c, COMMENT_STEPS);
      assert.deepEqual(
        { status: explained.status, step: explained.step, reason: explained.reason },
        { status, step, reason },
      );
      if (status !== 'approved')
        assert.deepEqual(explained.fired[0], { status, step, reason }, 'the decision is the first that fired');
    }
    assert.deepEqual(
      moderateExplained(contexts[0]!).fired.map((d) => d.step),
      ['honeypot', 'links', 'classifier', 'policy-hold-all'],
    );
  });
});

describe('explainDecision: why a comment was held', () => {
  it('the deciding rule first, then every other rule that fired', () => {
    const decision = moderateExplained(context({ linkCount: 4, spamScore: 0.72 }));
    assert.equal(explainDecision(decision.fired, 0.72), 'links: 4 links (limit 2); classifier: spam score 0.72');
  });

  it('adds the spam score when the classifier did not fire, and leaves it out while untrained', () => {
    const held = moderateExplained(context({ formToken: 'missing', spamScore: 0.12 }));
    assert.equal(
      explainDecision(held.fired, 0.12),
      'form-token: sent without a form token (through the API or a script); spam score 0.12',
    );
    const untrained = moderateExplained(context({ formToken: 'missing', spamScore: null }));
    assert.equal(
      explainDecision(untrained.fired, null),
      'form-token: sent without a form token (through the API or a script)',
    );
  });

  it('includes the policy step when it also fired', () => {
    const decision = moderateExplained(context({ duplicate: { kind: 'recent', commentId: 9 } }, 'hold-first-time'));
    assert.match(
      explainDecision(decision.fired, null),
      /^duplicate: same text as comment #9, posted lately; policy-first-time: First comment/,
    );
  });
});
