// The queue's "held because" in words: every moderation step's stored finding becomes a
// sentence without the step's internal name.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_STEPS } from '../src/features/comments/moderation.steps.ts';
import { describeHeldReason } from '../src/features/moderation/held-reason.ts';
import { SPAM_STEPS } from '../src/features/spam/spam.steps.ts';

describe('hold reasons in words', () => {
  it('has a sentence for every moderation step, naming none of them', () => {
    for (const step of [...SPAM_STEPS, ...DEFAULT_STEPS]) {
      const [sentence] = describeHeldReason(`${step.name}: some finding`);
      assert.ok(sentence, step.name);
      assert.ok(!sentence.includes(`${step.name}:`), `${step.name} is not shown as a code: ${sentence}`);
      assert.match(sentence, /^[A-Z].*[.)]$/, `${step.name} reads as a sentence: ${sentence}`);
    }
  });

  it('turns each finding of a stored reason into its own sentence', () => {
    assert.deepEqual(
      describeHeldReason(
        'duplicate: same text as comment #9, posted lately; links: 3 links (limit 2); policy-first-time: ' +
          'First comment from this address: held until a moderator approves one.',
      ),
      [
        'It has the same text as comment #9, posted lately.',
        'It has 3 links; comments with more than 2 wait for a moderator.',
        'It is the first comment from this person: the site holds a newcomer until a moderator approves one ' +
          'of their comments.',
      ],
    );
    assert.deepEqual(describeHeldReason('block-list: blocked word "cheap; pills"; spam score 0.91'), [
      'It matches the site\'s block list (word "cheap; pills").',
      'The spam filter judged it 91 % likely to be spam, from the words of comments moderators marked before.',
    ]);
    assert.deepEqual(describeHeldReason('an-older-step: kept for a while'), ['Kept for a while.']);
  });
});
