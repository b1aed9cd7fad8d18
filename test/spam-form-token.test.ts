// Form tokens: what each verdict means, and that a nonce is used up once, across instances.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_SETTINGS } from '../src/features/settings/settings.service.ts';
import {
  checkFormToken,
  FORM_TOKEN_LIFETIME_MS,
  issueFormToken,
  MIN_FORM_SECONDS,
  renewFormToken,
} from '../src/features/spam/form-token.ts';
import { pruneFormTokenNonces, recordFormTokenNonce } from '../src/features/spam/spam.repository.ts';
import { openTestDb } from './helpers/test-app.ts';

const KEY = 'test-key-0123456789';
const T0 = Date.parse('2026-11-24T12:00:00Z');
const seconds = (n: number) => n * 1000;

function check(
  token: string | null | undefined,
  overrides: Partial<{ articleId: number; now: number; minSeconds: number; key: string }> = {},
) {
  return checkFormToken(overrides.key ?? KEY, token, {
    articleId: overrides.articleId ?? 7,
    now: overrides.now ?? T0 + seconds(30),
    minSeconds: overrides.minSeconds ?? 3,
  });
}

describe('form tokens', () => {
  it('a token used on its article after a human pause is valid, and names its nonce', () => {
    const result = check(issueFormToken(KEY, 7, T0));
    assert.equal(result.verdict, 'valid');
    assert.match(result.nonce ?? '', /^[A-Za-z0-9_-]{16}$/);
  });

  it('every token is different, even for the same article at the same moment', () => {
    const tokens = new Set(Array.from({ length: 20 }, () => issueFormToken(KEY, 7, T0)));
    assert.equal(tokens.size, 20);
  });

  it('no token at all is "missing"', () => {
    for (const token of [null, undefined, '']) assert.equal(check(token).verdict, 'missing');
  });

  it('anything this site did not sign is "malformed"', () => {
    const token = issueFormToken(KEY, 7, T0);
    const [issuedAt, nonce, articleId, signature] = token.split('.') as [string, string, string, string];
    const flip = (text: string) => (text[0] === 'A' ? 'B' : 'A') + text.slice(1);
    for (const bad of [
      'garbage',
      `${issuedAt}.${nonce}.${articleId}`,
      `${issuedAt}.${nonce}.${articleId}.${flip(signature)}`,
      `${Number(issuedAt) - 60_000}.${nonce}.${articleId}.${signature}`, // back-dated to look slower
      `${issuedAt}.${flip(nonce)}.${articleId}.${signature}`,
      `${token}.extra`,
    ]) {
      assert.equal(check(bad).verdict, 'malformed', bad);
    }
    assert.equal(check(token, { key: 'another-site-key' }).verdict, 'malformed', 'signed with another key');
  });

  it('a token issued for another article is "wrong-article"', () => {
    assert.equal(check(issueFormToken(KEY, 8, T0), { articleId: 7 }).verdict, 'wrong-article');
  });

  it('posting sooner than the minimum after the form was served is "too-fast"', () => {
    const token = issueFormToken(KEY, 7, T0);
    assert.equal(check(token, { now: T0 + seconds(1) }).verdict, 'too-fast');
    assert.equal(check(token, { now: T0 + seconds(2.999) }).verdict, 'too-fast');
    assert.equal(check(token, { now: T0 + seconds(3) }).verdict, 'valid');
    assert.equal(check(token, { now: T0, minSeconds: 0 }).verdict, 'valid', 'a minimum of 0 lets tests post at once');
  });

  it('the minimum defaults to 3 seconds, through the minFormSeconds setting', () => {
    assert.equal(MIN_FORM_SECONDS, 3);
    assert.equal(DEFAULT_SETTINGS.minFormSeconds, MIN_FORM_SECONDS);
  });

  it('a form sent back with errors keeps the time it was first served, with a new nonce', () => {
    const first = issueFormToken(KEY, 7, T0);
    const renewed = renewFormToken(KEY, first, 7, T0 + seconds(20));
    assert.equal(renewed.split('.')[0], String(T0));
    assert.notEqual(check(renewed).nonce, check(first).nonce, 'a new nonce: the first token may have been used');
    assert.equal(
      check(renewed, { now: T0 + seconds(21) }).verdict,
      'valid',
      'correcting a field quickly is not too fast',
    );
  });

  it('only a genuine, current token for the article carries its time over', () => {
    const now = T0 + seconds(20);
    const fresh = (token: string | undefined, articleId = 7) =>
      renewFormToken(KEY, token, articleId, now).split('.')[0];
    assert.equal(fresh(undefined), String(now));
    assert.equal(fresh('garbage'), String(now));
    assert.equal(fresh(issueFormToken('another-key', 7, T0)), String(now), 'forged');
    assert.equal(fresh(issueFormToken(KEY, 8, T0)), String(now), 'for another article');
    assert.equal(fresh(issueFormToken(KEY, 7, now - FORM_TOKEN_LIFETIME_MS - 1)), String(now), 'expired');
    assert.equal(fresh(issueFormToken(KEY, 7, now + seconds(5))), String(now), 'from the future');
  });

  it('a form older than a day is "expired"', () => {
    const token = issueFormToken(KEY, 7, T0);
    assert.equal(FORM_TOKEN_LIFETIME_MS, 24 * 3600_000);
    assert.equal(check(token, { now: T0 + FORM_TOKEN_LIFETIME_MS }).verdict, 'valid');
    assert.equal(check(token, { now: T0 + FORM_TOKEN_LIFETIME_MS + 1 }).verdict, 'expired');
  });
});

describe('used nonces', () => {
  it('a nonce is accepted once; a second use is refused, for every instance sharing the database', async () => {
    const { db, close } = await openTestDb();
    try {
      assert.equal(await recordFormTokenNonce(db, 'nonce-aaaaaaaaaaa', '2026-11-24T12:00:00.000Z'), true);
      assert.equal(await recordFormTokenNonce(db, 'nonce-aaaaaaaaaaa', '2026-11-24T12:00:05.000Z'), false);
      assert.equal(await recordFormTokenNonce(db, 'nonce-bbbbbbbbbbb', '2026-11-24T12:00:05.000Z'), true);
    } finally {
      await close();
    }
  });

  it('inside a transaction that rolls back, the nonce is not used up', async () => {
    const { db, close } = await openTestDb();
    try {
      await assert.rejects(
        db.transaction().execute(async (trx) => {
          assert.equal(await recordFormTokenNonce(trx, 'nonce-rolledback', '2026-11-24T12:00:00.000Z'), true);
          throw new Error('the comment was refused');
        }),
      );
      assert.equal(await recordFormTokenNonce(db, 'nonce-rolledback', '2026-11-24T12:00:01.000Z'), true);
    } finally {
      await close();
    }
  });

  it('pruning forgets nonces used before the cut-off, and only those', async () => {
    const { db, close } = await openTestDb();
    try {
      await recordFormTokenNonce(db, 'nonce-old', '2026-11-22T12:00:00.000Z');
      await recordFormTokenNonce(db, 'nonce-new', '2026-11-24T11:00:00.000Z');
      assert.equal(await pruneFormTokenNonces(db, '2026-11-23T12:00:00.000Z'), 1);
      const left = await db.selectFrom('used_form_tokens').select('nonce').execute();
      assert.deepEqual(
        left.map((row) => row.nonce),
        ['nonce-new'],
      );
    } finally {
      await close();
    }
  });
});
