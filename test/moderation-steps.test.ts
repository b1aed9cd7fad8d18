// Unit tests of the moderation steps: each step alone, and how their order decides.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  COMMENT_STEPS,
  DEFAULT_STEPS,
  holdAll,
  holdFirstTime,
  moderate,
} from '../src/features/comments/moderation.steps.ts';
import type { ModerationContext, ModerationStep } from '../src/features/comments/moderation-types.ts';
import type { CommentPolicy } from '../src/features/settings/settings.service.ts';

const POLICIES: CommentPolicy[] = ['hold-all', 'hold-first-time', 'publish'];
const contexts: ModerationContext[] = POLICIES.flatMap((policy) => [
  { policy, knownAuthor: false },
  { policy, knownAuthor: true },
]);

describe('holdAll', () => {
  it('holds every comment under "hold-all", known author or not', () => {
    for (const knownAuthor of [false, true]) {
      const decision = holdAll.decide({ policy: 'hold-all', knownAuthor });
      assert.equal(decision?.status, 'pending');
      assert.ok(decision.reason.length > 0, 'says why');
    }
  });

  it('has no opinion under the other policies', () => {
    for (const context of contexts.filter((c) => c.policy !== 'hold-all'))
      assert.equal(holdAll.decide(context), undefined);
  });
});

describe('holdFirstTime', () => {
  it('holds a first-time author under "hold-first-time"', () => {
    const decision = holdFirstTime.decide({ policy: 'hold-first-time', knownAuthor: false });
    assert.equal(decision?.status, 'pending');
    assert.match(decision.reason, /first/i);
  });

  it('lets a known author through under "hold-first-time"', () => {
    assert.equal(holdFirstTime.decide({ policy: 'hold-first-time', knownAuthor: true }), undefined);
  });

  it('has no opinion under the other policies', () => {
    for (const context of contexts.filter((c) => c.policy !== 'hold-first-time'))
      assert.equal(holdFirstTime.decide(context), undefined);
  });
});

describe('moderate', () => {
  it('applies the site policy with the default steps', () => {
    const table = contexts.map((context) => [context.policy, context.knownAuthor, moderate(context).status]);
    assert.deepEqual(table, [
      ['hold-all', false, 'pending'],
      ['hold-all', true, 'pending'],
      ['hold-first-time', false, 'pending'],
      ['hold-first-time', true, 'approved'],
      ['publish', false, 'approved'],
      ['publish', true, 'approved'],
    ]);
  });

  it('names the step that decided, so moderators can see why a comment was held', () => {
    assert.equal(moderate({ policy: 'hold-all', knownAuthor: false }).step, holdAll.name);
    assert.equal(moderate({ policy: 'hold-first-time', knownAuthor: false }).step, holdFirstTime.name);
    const passed = moderate({ policy: 'publish', knownAuthor: false });
    assert.deepEqual(passed, { status: 'approved', step: 'default', reason: passed.reason });
    assert.ok(passed.reason.length > 0);
  });

  it('the default steps are staff identity, hold-all, a borrowed address, then first-time', () => {
    assert.deepEqual(
      DEFAULT_STEPS.map((s) => s.name),
      ['staff-identity', holdAll.name, 'unproven-address', holdFirstTime.name],
    );
  });

  it('the first step that decides wins, and later steps are not asked', () => {
    const asked: string[] = [];
    const step = (name: string, status?: 'spam' | 'pending' | 'approved'): ModerationStep => ({
      name,
      decide: () => {
        asked.push(name);
        return status ? { status, reason: `${name} decided` } : undefined;
      },
    });
    const decision = moderate({ policy: 'publish', knownAuthor: true }, [
      step('a'),
      step('b', 'spam'),
      step('c', 'pending'),
    ]);
    assert.deepEqual(decision, { status: 'spam', step: 'b', reason: 'b decided' });
    assert.deepEqual(asked, ['a', 'b']);
  });

  it('order matters: the same steps in another order decide differently', () => {
    const spam: ModerationStep = { name: 'spam-words', decide: () => ({ status: 'spam', reason: 'spam words' }) };
    const context: ModerationContext = { policy: 'hold-all', knownAuthor: false };
    assert.equal(moderate(context, [holdAll, spam]).step, 'policy-hold-all');
    assert.equal(moderate(context, [spam, holdAll]).step, 'spam-words');
  });

  it('the full comment steps end with the policy steps and, with no spam facts, decide as the policy alone', () => {
    assert.deepEqual(
      COMMENT_STEPS.slice(-DEFAULT_STEPS.length).map((s) => s.name),
      DEFAULT_STEPS.map((s) => s.name),
    );
    for (const context of contexts)
      assert.deepEqual(moderate(context, COMMENT_STEPS), moderate(context), JSON.stringify(context));
  });

  it('with no steps everything is approved', () => {
    for (const context of contexts) assert.equal(moderate(context, []).status, 'approved');
  });
});
