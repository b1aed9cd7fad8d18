// One client, one count: the rating cap and the post rate limit see an IPv4 address however it
// is written, and an IPv6 client by its /64.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressKey, unmapIPv4 } from '../src/lib/client-address.ts';
import { Client, startTestApp } from './helpers/test-app.ts';
import { createArticle } from './helpers/factories.ts';
import { expectJsonError, postJson } from './helpers/broadsheet.ts';

describe('addressKey', () => {
  it('reads an IPv4-mapped IPv6 address as IPv4, in either notation', () => {
    assert.equal(addressKey('::ffff:192.0.2.9'), '192.0.2.9');
    assert.equal(addressKey('::FFFF:c000:209'), '192.0.2.9');
    assert.equal(addressKey('192.0.2.9'), '192.0.2.9');
    assert.equal(unmapIPv4('::ffff:192.0.2.9'), '192.0.2.9');
    assert.equal(unmapIPv4('2001:db8::1'), '2001:db8::1');
  });

  it('counts IPv6 by its /64, however the address is written', () => {
    const key = addressKey('2001:db8:0:1::1');
    assert.equal(key, '2001:db8:0:1::/64');
    for (const ip of [
      '2001:DB8:0:1:ffff:ffff:ffff:ffff',
      '2001:0db8:0000:0001::abcd',
      '2001:db8:0:1:0:0:1.2.3.4',
      '2001:db8:0:1::1%eth0',
    ])
      assert.equal(addressKey(ip), key, ip);
    assert.notEqual(addressKey('2001:db8:0:2::1'), key);
    assert.equal(addressKey('::1'), '0:0:0:0::/64');
  });
});

describe('limits count a client once', () => {
  const rate = (app: { url: string }, ip: string, articleId: number) =>
    postJson(new Client(app.url, { 'x-forwarded-for': ip }), `/api/v1/articles/${articleId}/ratings`, { value: 80 });

  it('the rating cap: one IPv6 /64 is one address, and a mapped IPv4 address is the IPv4 address', async () => {
    const app = await startTestApp({ env: { TRUST_PROXY: 'loopback' } });
    try {
      await app.services.settings.update({ ratingCapPerDay: 2 });
      const article = await createArticle(app.services);
      assert.equal((await rate(app, '2001:db8:0:1::1', article.id)).status, 200);
      assert.equal((await rate(app, '2001:db8:0:1::2', article.id)).status, 200);
      await expectJsonError(await rate(app, '2001:db8:0:1:aaaa::3', article.id), 429, 'rating_cap_reached');
      // Another /64 is another client.
      assert.equal((await rate(app, '2001:db8:0:2::1', article.id)).status, 200);

      assert.equal((await rate(app, '192.0.2.9', article.id)).status, 200);
      assert.equal((await rate(app, '::ffff:192.0.2.9', article.id)).status, 200);
      await expectJsonError(await rate(app, '::ffff:c000:209', article.id), 429, 'rating_cap_reached');
    } finally {
      await app.close();
    }
  });

  it('the post rate limit: one IPv6 /64 shares one allowance', async () => {
    const app = await startTestApp({ env: { TRUST_PROXY: 'loopback', RATE_LIMIT_POSTS_PER_MINUTE: '2' } });
    try {
      const article = await createArticle(app.services);
      assert.equal((await rate(app, '2001:db8:5:6::1', article.id)).status, 200);
      assert.equal((await rate(app, '2001:db8:5:6::2', article.id)).status, 200);
      await expectJsonError(await rate(app, '2001:db8:5:6::3', article.id), 429, 'rate_limited');
      assert.equal((await rate(app, '198.51.100.1', article.id)).status, 200);
      assert.equal((await rate(app, '::ffff:198.51.100.1', article.id)).status, 200);
      await expectJsonError(await rate(app, '198.51.100.1', article.id), 429, 'rate_limited');
    } finally {
      await app.close();
    }
  });
});
