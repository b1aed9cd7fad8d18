// Configuration from the environment: defaults, and a clear ConfigError naming the variable.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.ts';

function throwsFor(variable: string, env: Record<string, string>) {
  assert.throws(
    () => loadConfig(env),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError, `a ConfigError, not ${String(error)}`);
      assert.equal(error.variable, variable);
      assert.ok(error.message.startsWith(`${variable}:`), `the message names ${variable}: ${error.message}`);
      assert.ok(!error.message.includes('\n'), 'one line');
      return true;
    },
    `${JSON.stringify(env)} is refused`,
  );
}

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    assert.equal(config.port, 3000);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.databaseUrl, 'sqlite:./data/broadsheet.db');
    assert.deepEqual(config.database, { kind: 'sqlite', path: './data/broadsheet.db' });
    assert.equal(config.redisUrl, undefined);
    assert.equal(config.publicUrl, 'http://127.0.0.1:3000');
    assert.equal(config.trustProxy, false, "nobody's forwarding headers are believed by default");
    assert.equal(config.secureCookies, false);
    assert.ok(Object.isFrozen(config));
  });

  it('treats empty values as unset', () => {
    const config = loadConfig({ PORT: '', HOST: ' ', DATABASE_URL: '', PUBLIC_URL: '', TRUST_PROXY: '' });
    assert.equal(config.port, 3000);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.databaseUrl, 'sqlite:./data/broadsheet.db');
    assert.equal(config.trustProxy, false);
  });

  it('reads valid values', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      DATABASE_URL: 'sqlite:/var/lib/broadsheet/site.db',
      PUBLIC_URL: 'https://news.example.org/',
      REDIS_URL: 'redis://cache:6379',
    });
    assert.equal(config.port, 8080);
    assert.equal(config.host, '0.0.0.0');
    assert.deepEqual(config.database, { kind: 'sqlite', path: '/var/lib/broadsheet/site.db' });
    assert.equal(config.publicUrl, 'https://news.example.org');
    assert.equal(config.secureCookies, true, 'https turns on secure cookies');
    assert.equal(config.redisUrl, 'redis://cache:6379');
    assert.equal(loadConfig({ HOST: '0.0.0.0', PORT: '4000' }).publicUrl, 'http://localhost:4000');
  });

  it('reads PostgreSQL URLs, a read replica and the pool size', () => {
    const url = 'postgres://news:secret@db.example.org:5432/news';
    const config = loadConfig({ DATABASE_URL: url });
    assert.deepEqual(config.database, { kind: 'postgres', url });
    assert.equal(config.readDatabase, undefined, 'reads go to the primary unless a replica is named');
    assert.equal(config.databasePoolSize, 10);
    assert.equal(config.mediaDir, 'data/media');
    assert.deepEqual(loadConfig({ DATABASE_URL: 'postgresql://db/news' }).database, {
      kind: 'postgres',
      url: 'postgresql://db/news',
    });
    const replicated = loadConfig({
      DATABASE_URL: url,
      DATABASE_READ_URL: 'postgres://news@replica.example.org/news',
      DATABASE_POOL_SIZE: '25',
    });
    assert.deepEqual(replicated.readDatabase, { kind: 'postgres', url: 'postgres://news@replica.example.org/news' });
    assert.equal(replicated.databasePoolSize, 25);
  });

  it('refuses a read replica that is not PostgreSQL, or beside a SQLite primary', () => {
    throwsFor('DATABASE_READ_URL', { DATABASE_URL: 'postgres://db/news', DATABASE_READ_URL: 'sqlite:./replica.db' });
    throwsFor('DATABASE_READ_URL', { DATABASE_READ_URL: 'postgres://replica/news' });
    throwsFor('DATABASE_POOL_SIZE', { DATABASE_POOL_SIZE: '0' });
  });

  it('reads TRUST_PROXY as addresses, ranges or a hop count', () => {
    assert.deepEqual(loadConfig({ TRUST_PROXY: '127.0.0.1' }).trustProxy, ['127.0.0.1']);
    assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.0/8, loopback' }).trustProxy, ['10.0.0.0/8', 'loopback']);
    assert.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2);
    assert.equal(loadConfig({ TRUST_PROXY: 'false' }).trustProxy, false);
  });

  it('refuses each wrong value with a ConfigError naming the variable', () => {
    throwsFor('PORT', { PORT: 'abc' });
    throwsFor('PORT', { PORT: '70000' });
    throwsFor('PORT', { PORT: '-1' });
    throwsFor('PORT', { PORT: '80.5' });
    throwsFor('DATABASE_URL', { DATABASE_URL: 'mysql://x' });
    throwsFor('DATABASE_URL', { DATABASE_URL: 'postgres://x' });
    throwsFor('DATABASE_URL', { DATABASE_URL: 'postgresql://x' });
    throwsFor('DATABASE_URL', { DATABASE_URL: 'sqlite:' });
    throwsFor('PUBLIC_URL', { PUBLIC_URL: 'not a url' });
    throwsFor('PUBLIC_URL', { PUBLIC_URL: 'ftp://news.example.org' });
    throwsFor('TRUST_PROXY', { TRUST_PROXY: 'garbage!' });
    throwsFor('REDIS_URL', { REDIS_URL: 'http://cache:6379' });
    throwsFor('LOG_LEVEL', { LOG_LEVEL: 'loud' });
    throwsFor('RATE_LIMIT_POSTS_PER_MINUTE', { RATE_LIMIT_POSTS_PER_MINUTE: '0' });
    throwsFor('EDGE_PURGE_URLS', { EDGE_PURGE_URLS: 'varnish:6081' });
    throwsFor('EDGE_PURGE_URLS', { EDGE_PURGE_URLS: 'http://a:6081, ftp://b' });
  });

  it('reads EDGE_PURGE_URLS as a list of cache addresses, none by default', () => {
    assert.deepEqual(loadConfig({}).edgePurgeUrls, []);
    assert.deepEqual(loadConfig({ EDGE_PURGE_URLS: 'http://10.0.0.5:6081, https://edge.example.org/' }).edgePurgeUrls, [
      'http://10.0.0.5:6081/',
      'https://edge.example.org/',
    ]);
  });

  it('refuses TRUST_PROXY entries that only look like addresses, instead of failing later at start', () => {
    // These pass a character check but are not addresses or ranges; the server would crash building
    // its proxy trust list with a bare TypeError instead of the clear configuration message.
    throwsFor('TRUST_PROXY', { TRUST_PROXY: '999.1.1.1' });
    throwsFor('TRUST_PROXY', { TRUST_PROXY: '10.0.0.0/99' });
    throwsFor('TRUST_PROXY', { TRUST_PROXY: 'cafe' });
    throwsFor('TRUST_PROXY', { TRUST_PROXY: '127.0.0.1, ::1/200' });
    assert.deepEqual(loadConfig({ TRUST_PROXY: '::1, fd00::/8, 192.168.0.0/16' }).trustProxy, [
      '::1',
      'fd00::/8',
      '192.168.0.0/16',
    ]);
  });

  it('does not echo a password from a bad DATABASE_URL', () => {
    assert.throws(
      () => loadConfig({ DATABASE_URL: 'mysql://admin:hunter2@db/news' }),
      (error: unknown) => error instanceof ConfigError && !error.message.includes('hunter2'),
    );
    assert.throws(
      () => loadConfig({ DATABASE_URL: 'postgres://admin:hunter2@db.example.org' }),
      (error: unknown) =>
        error instanceof ConfigError && error.variable === 'DATABASE_URL' && !error.message.includes('hunter2'),
    );
  });
});
