// Block lists: e-mail (exact or domain), IP (exact or CIDR) and words (whole words, any case).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  containsWord,
  emailMatches,
  findBlockListHit,
  ipMatches,
  type BlockLists,
} from '../src/features/spam/block-lists.ts';

describe('e-mail entries', () => {
  it('an address matches itself, in any case', () => {
    assert.ok(emailMatches('spammer@example.com', 'spammer@example.com'));
    assert.ok(emailMatches('Spammer@Example.com', 'spammer@EXAMPLE.COM'));
    assert.ok(!emailMatches('spammer@example.com', 'other@example.com'));
    assert.ok(!emailMatches('spammer@example.com', 'xspammer@example.com'));
  });

  it('"@domain" (or a bare domain) matches every address there and in its subdomains', () => {
    for (const entry of ['@example.com', 'example.com', ' @EXAMPLE.com ']) {
      assert.ok(emailMatches(entry, 'anyone@example.com'), entry);
      assert.ok(emailMatches(entry, 'anyone@mail.example.com'), entry);
      assert.ok(!emailMatches(entry, 'anyone@notexample.com'), `${entry} is not a suffix match`);
      assert.ok(!emailMatches(entry, 'example.com@elsewhere.org'), entry);
    }
  });

  it('an empty entry matches nothing', () => {
    assert.ok(!emailMatches('', 'anyone@example.com'));
    assert.ok(!emailMatches('@', 'anyone@example.com'));
  });
});

describe('IP entries', () => {
  it('an exact address, IPv4 or IPv6', () => {
    assert.ok(ipMatches('203.0.113.7', '203.0.113.7'));
    assert.ok(!ipMatches('203.0.113.7', '203.0.113.8'));
    assert.ok(ipMatches('2001:db8::1', '2001:0db8:0000::1'));
  });

  it('a CIDR range', () => {
    assert.ok(ipMatches('203.0.113.0/24', '203.0.113.200'));
    assert.ok(!ipMatches('203.0.113.0/24', '203.0.114.1'));
    assert.ok(ipMatches('2001:db8::/32', '2001:db8:1234::9'));
    assert.ok(!ipMatches('2001:db8::/32', '2001:db9::1'));
    assert.ok(ipMatches('0.0.0.0/0', '192.0.2.1'));
  });

  it('an IPv4 client seen through a dual-stack socket (::ffff:a.b.c.d) still matches', () => {
    assert.ok(ipMatches('203.0.113.0/24', '::ffff:203.0.113.9'));
    assert.ok(ipMatches('203.0.113.9', '::ffff:203.0.113.9'));
  });

  it('entries that are not addresses are skipped, never an error', () => {
    for (const entry of ['999.1.1.1', '10.0.0.0/33', 'not-an-ip', '10.0.0.0/x', '10.0.0.0/8/8', '', '2001:db8::/129']) {
      assert.equal(ipMatches(entry, '10.1.2.3'), false, entry);
    }
    assert.equal(ipMatches('10.0.0.0/8', 'garbage'), false);
  });
});

describe('word entries', () => {
  it('match whole words, case-insensitively', () => {
    assert.ok(containsWord('Best CASINO bonus', 'casino'));
    assert.ok(containsWord('casino!', 'Casino'));
    assert.ok(!containsWord('the casinos are closed', 'casino'), 'a longer word is another word');
    assert.ok(!containsWord('a classic pass', 'ass'));
  });

  it('match phrases across any spacing, and entries with regex characters literally', () => {
    assert.ok(containsWord('cheap\n  pills here', 'cheap pills'));
    assert.ok(containsWord('I write C++ daily', 'c++'));
    assert.ok(!containsWord('I write C daily', 'c++'));
    assert.ok(containsWord('price: $$$ now', '$$$'));
  });

  it('work on letters beyond ASCII', () => {
    assert.ok(containsWord('Très bon café', 'café'));
    assert.ok(!containsWord('cafés', 'café'));
  });

  it('an empty entry matches nothing', () => {
    assert.ok(!containsWord('anything', ''));
    assert.ok(!containsWord('anything', '   '));
  });
});

describe('findBlockListHit', () => {
  const lists: BlockLists = { emails: ['@spam.example'], ips: ['198.51.100.0/24'], words: ['viagra', 'free money'] };
  const clean = { email: 'reader@example.org', ip: '192.0.2.1', texts: ['A fair point about the bridge.', 'Ann', ''] };

  it('names the list and the entry, as the moderator wrote it', () => {
    assert.deepEqual(findBlockListHit(lists, { ...clean, email: 'bot@spam.example' }), {
      list: 'email',
      entry: '@spam.example',
    });
    assert.deepEqual(findBlockListHit(lists, { ...clean, ip: '198.51.100.23' }), {
      list: 'ip',
      entry: '198.51.100.0/24',
    });
    assert.deepEqual(findBlockListHit(lists, { ...clean, texts: ['Get FREE money now'] }), {
      list: 'word',
      entry: 'free money',
    });
  });

  it('looks at everything the author wrote: body, name and website', () => {
    assert.equal(findBlockListHit(lists, { ...clean, texts: ['Hello', 'Viagra Seller', ''] })?.list, 'word');
    assert.equal(
      findBlockListHit(lists, { ...clean, texts: ['Hello', 'Ann', 'https://viagra.example/shop'] })?.list,
      'word',
    );
  });

  it('is null when nothing matches, or when there is no address to check', () => {
    assert.equal(findBlockListHit(lists, clean), null);
    assert.equal(findBlockListHit(lists, { ...clean, ip: null }), null);
    assert.equal(findBlockListHit({ emails: [], ips: [], words: [] }, { ...clean, email: 'bot@spam.example' }), null);
  });
});
