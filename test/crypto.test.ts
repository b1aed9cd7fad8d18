// Tokens come from a pool of random bytes: each must still be fresh, of the asked size, and URL-safe.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomToken } from '../src/lib/crypto.ts';

describe('randomToken', () => {
  it('never repeats, across many refills of the pool', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) seen.add(randomToken(18));
    assert.equal(seen.size, 20_000);
  });

  it('gives base64url text of the asked number of bytes, larger than the pool too', () => {
    for (const bytes of [1, 9, 12, 18, 32, 4096, 5000]) {
      const token = randomToken(bytes);
      assert.match(token, /^[A-Za-z0-9_-]+$/);
      assert.equal(Buffer.from(token, 'base64url').length, bytes);
    }
  });
});
