// Unit tests of the cache primitive (lib/cache.ts): what is kept, what an invalidation during a
// build does, the bound on entries and the expiry.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCache } from '../src/lib/cache.ts';

/** A build that ends when the test says so, counting how often it ran. */
function controlledBuild<V>() {
  let finish!: (value: V) => void;
  let fail!: (error: Error) => void;
  let runs = 0;
  const build = () => {
    runs++;
    return new Promise<V>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
  };
  return { build, finish: (value: V) => finish(value), fail: (error: Error) => fail(error), runs: () => runs };
}

describe('createCache', () => {
  it('keeps a built value and serves it without building again', async () => {
    const cache = createCache<string, string>({ maxEntries: 10 });
    let runs = 0;
    const build = async () => `built ${++runs}`;
    assert.equal(await cache.load('a', build), 'built 1');
    assert.equal(await cache.load('a', build), 'built 1');
    assert.equal(cache.get('a'), 'built 1');
    assert.equal(runs, 1);
  });

  it('shares one build between callers asking for the same key meanwhile', async () => {
    const cache = createCache<string, string>({ maxEntries: 10 });
    const { build, finish, runs } = controlledBuild<string>();
    const first = cache.load('a', build);
    const second = cache.load('a', build);
    finish('value');
    assert.deepEqual(await Promise.all([first, second]), ['value', 'value']);
    assert.equal(runs(), 1);
  });

  it('serves but does not keep a value whose build began before an invalidation of everything', async () => {
    const cache = createCache<string, string>({ maxEntries: 10 });
    const { build, finish } = controlledBuild<string>();
    const pending = cache.load('a', build);
    cache.invalidate();
    finish('old state');
    assert.equal(await pending, 'old state', 'the caller still gets its value');
    assert.equal(cache.get('a'), undefined, 'but it is not kept');
    assert.equal(await cache.load('a', async () => 'new state'), 'new state');
    assert.equal(cache.get('a'), 'new state');
  });

  it('starts a new build for callers arriving after an invalidation, and keeps only that one', async () => {
    const cache = createCache<string, string>({ maxEntries: 10 });
    const before = controlledBuild<string>();
    const after = controlledBuild<string>();
    const stale = cache.load('a', before.build);
    cache.invalidate();
    const fresh = cache.load('a', after.build);
    after.finish('new state');
    before.finish('old state');
    assert.deepEqual(await Promise.all([stale, fresh]), ['old state', 'new state']);
    assert.equal(cache.get('a'), 'new state', 'the stale build finishing last does not replace it');
  });

  it('drops and spoils only the invalidated scope', async () => {
    const cache = createCache<string, string, number>({ maxEntries: 10 });
    await cache.load('one:kept', async () => 'one', 1);
    await cache.load('two:kept', async () => 'two', 2);
    const one = controlledBuild<string>();
    const two = controlledBuild<string>();
    const pendingOne = cache.load('one:new', one.build, 1);
    const pendingTwo = cache.load('two:new', two.build, 2);
    cache.invalidate(1);
    one.finish('one, old');
    two.finish('two, new');
    await Promise.all([pendingOne, pendingTwo]);
    assert.equal(cache.get('one:kept'), undefined);
    assert.equal(cache.get('one:new'), undefined, 'built while its scope changed');
    assert.equal(cache.get('two:kept'), 'two');
    assert.equal(cache.get('two:new'), 'two, new', 'another scope changing does not spoil it');
  });

  it('reads the scope from the value when the build could not say it, and then any invalidation spoils the build', async () => {
    const cache = createCache<string, { scope: number }, number>({ maxEntries: 10, scopeOf: (value) => value.scope });
    await cache.load('seven', async () => ({ scope: 7 }));
    cache.invalidate(8);
    assert.deepEqual(cache.get('seven'), { scope: 7 });
    cache.invalidate(7);
    assert.equal(cache.get('seven'), undefined);

    const { build, finish } = controlledBuild<{ scope: number }>();
    const pending = cache.load('nine', build);
    cache.invalidate(8);
    finish({ scope: 9 });
    await pending;
    assert.equal(cache.get('nine'), undefined);
  });

  it('does not keep a failed build, and builds again for the next caller', async () => {
    const cache = createCache<string, string>({ maxEntries: 10 });
    const { build, fail } = controlledBuild<string>();
    const pending = cache.load('a', build);
    fail(new Error('database away'));
    await assert.rejects(pending, /database away/);
    assert.equal(await cache.load('a', async () => 'back'), 'back');
    await assert.rejects(
      cache.load('b', () => {
        throw new Error('at once');
      }),
      /at once/,
    );
    assert.equal(await cache.load('b', async () => 'fine'), 'fine', 'a build failing at once does not block the key');
  });

  it('keeps at most maxEntries, forgetting the least recently used first', async () => {
    const cache = createCache<string, number>({ maxEntries: 3 });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    cache.get('a');
    await cache.load('d', async () => 4);
    assert.equal(cache.get('b'), undefined, 'the least recently used went');
    assert.deepEqual(
      ['a', 'c', 'd'].map((key) => cache.get(key)),
      [1, 3, 4],
    );
    for (let i = 0; i < 100; i++) cache.set(`many ${i}`, i);
    assert.deepEqual(
      ['many 97', 'many 98', 'many 99', 'many 96'].map((key) => cache.get(key)),
      [97, 98, 99, undefined],
    );
  });

  it('forgets a value once its time to live has passed, and builds it again', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
    const cache = createCache<string, string>({ maxEntries: 10, ttlMs: 30_000 });
    let runs = 0;
    const build = async () => `built ${++runs}`;
    await cache.load('a', build);
    t.mock.timers.tick(29_999);
    assert.equal(await cache.load('a', build), 'built 1');
    t.mock.timers.tick(1);
    assert.equal(cache.get('a'), undefined);
    assert.equal(await cache.load('a', build), 'built 2');
  });

  it('build replaces a kept value, which callers use when their own freshness test fails', async () => {
    const cache = createCache<string, string>({ maxEntries: 10 });
    cache.set('a', 'old');
    assert.equal(await cache.build('a', async () => 'new'), 'new');
    assert.equal(cache.get('a'), 'new');
  });
});
