// The shipped Varnish configuration (deploy/varnish/broadsheet.vcl) in front of two Broadsheet
// instances sharing a database and Redis: a real varnishd on an ephemeral port with its own
// working directory. The second anonymous GET is a cache hit; a rating posted through the cache
// purges the page (EDGE_PURGE_URLS), so the next anonymous GET shows it, and then the lists.
// Skipped with a message when varnishd (Debian: varnish, varnish-modules) or Redis is missing,
// except under CI=true, where that fails.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createServices, type Services } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createArticle } from './helpers/factories.ts';
import {
  dropRedisPrefix,
  redisProblem,
  skipUnlessAvailable,
  startInstance,
  TEST_REDIS_URL,
  type Instance,
} from './helpers/instance.ts';
import { spawnChild, type Child } from './helpers/process.ts';
import { Client, createTestDatabase, type TestDatabase } from './helpers/test-app.ts';

const VCL = fileURLToPath(new URL('../deploy/varnish/broadsheet.vcl', import.meta.url));
const varnishMissing = spawnSync('varnishd', ['-V']).error
  ? 'varnishd is not installed (apt-get install varnish varnish-modules)'
  : undefined;
const skip = skipUnlessAvailable(varnishMissing ?? (await redisProblem()));

/** A varnishd of the test's own: its working directory, an ephemeral port, the shipped VCL with these backends. */
class Varnish {
  private constructor(
    private readonly dir: string,
    private readonly child: Child,
    readonly url: string,
  ) {}

  static async start(): Promise<Varnish> {
    const dir = mkdtempSync(join(tmpdir(), 'broadsheet-varnish-'));
    chmodSync(dir, 0o755); // varnishd reads the VCL as its own unprivileged user
    // Until the instances are up (they need this cache's address first) the backend is nobody.
    const placeholder = join(dir, 'placeholder.vcl');
    writeFileSync(placeholder, readFileSync(VCL, 'utf8').replace(/\.port = "3000";/, '.port = "1";'));
    const child = spawnChild(
      'varnishd',
      [
        '-F',
        '-n',
        join(dir, 'n'),
        '-a',
        '127.0.0.1:0',
        '-T',
        '127.0.0.1:0',
        '-f',
        placeholder,
        '-s',
        'malloc,32m',
        '-p',
        'http_gzip_support=off',
      ],
      {
        env: { ...process.env } as Record<string, string>,
      },
    );
    const varnish = new Varnish(dir, child, '');
    // Ready once the management interface answers with the address it listens on.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const answer = varnish.admin('debug.listen_address');
      const port = /127\.0\.0\.1 (\d+)/.exec(answer.stdout)?.[1];
      if (answer.status === 0 && port) return new Varnish(dir, child, `http://127.0.0.1:${port}`);
      if (child.process.exitCode !== null || Date.now() > deadline) {
        await child.stop('SIGKILL');
        throw new Error(`varnishd did not start: ${child.output()}${answer.stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  admin(...args: string[]): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync('varnishadm', ['-n', join(this.dir, 'n'), ...args], { encoding: 'utf8', timeout: 10_000 });
    return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
  }

  /**
   * Loads the shipped VCL (changed by `edit`) as `name`, with its backend replaced by a round robin
   * over these instances, each health-checked by the shipped probe.
   */
  useBackends(urls: string[], name = 'two', edit = (vcl: string) => vcl): void {
    const backends = urls
      .map(
        (url, i) => `backend b${i} {\n  .host = "127.0.0.1";\n  .port = "${new URL(url).port}";\n  .probe = ready;\n}`,
      )
      .join('\n');
    const director =
      `sub vcl_init {\n  new instances = directors.round_robin();\n` +
      `${urls.map((_, i) => `  instances.add_backend(b${i});`).join('\n')}\n}\nsub vcl_recv {\n` +
      `  set req.backend_hint = instances.backend();\n}\n`;
    // Definitions of a VCL subroutine are joined in order: this vcl_recv runs before the shipped one.
    const vcl = readFileSync(VCL, 'utf8')
      .replace('import xkey;', 'import xkey;\nimport directors;')
      .replace(/backend default \{[^}]*\}/, `${backends}\n${director}`);
    const file = join(this.dir, `${name}.vcl`);
    writeFileSync(file, edit(vcl));
    for (const command of [
      ['vcl.load', name, file],
      ['vcl.use', name],
    ]) {
      const answer = this.admin(...command);
      if (answer.status !== 0) throw new Error(`varnishadm ${command.join(' ')}: ${answer.stdout}${answer.stderr}`);
    }
  }

  /** Whether the probe has found every instance sick. */
  allSick(): boolean {
    const lines = this.admin('backend.list')
      .stdout.split('\n')
      .filter((line) => /\bb\d+\b/.test(line));
    return lines.length > 0 && lines.every((line) => /\bsick\b/i.test(line));
  }

  async stop(): Promise<void> {
    await this.child.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

describe('Varnish in front of two instances', { skip, timeout: 240_000 }, () => {
  let varnish: Varnish;
  let database: TestDatabase;
  let setup: Services;
  let instances: Instance[] = [];
  let article: Awaited<ReturnType<typeof createArticle>>;
  const prefix = `broadsheet-test-${randomBytes(6).toString('hex')}:`;

  before(async () => {
    varnish = await Varnish.start();
    database = await createTestDatabase();
    setup = await createServices(loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent' }));
    await setup.settings.update({ minFormSeconds: 0 });
    article = await createArticle(setup, { title: 'One story, many readers' });
    await setup.close();
    const env = {
      DATABASE_URL: database.url,
      MEDIA_DIR: `${database.dir}/media`,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      EDGE_PURGE_URLS: varnish.url,
    };
    // Generous: two servers and varnishd starting at once on a busy machine.
    instances = await Promise.all([
      startInstance(env, { timeoutMs: 90_000 }),
      startInstance(env, { timeoutMs: 90_000 }),
    ]);
    varnish.useBackends(instances.map((i) => i.url));
  });
  after(async () => {
    await Promise.all(instances.map((i) => i.stop()));
    await varnish?.stop();
    await database?.drop();
    await dropRedisPrefix(prefix);
  });

  const page = () => `/articles/${article.slug}`;
  const anonymous = () => fetch(varnish.url + page(), { headers: { 'accept-encoding': 'br' } });

  it('the second anonymous GET is a cache hit, with the same bytes', async () => {
    const first = await anonymous();
    assert.equal(first.status, 200);
    const firstBody = await first.text();
    const second = await anonymous();
    assert.equal(second.headers.get('x-cache'), 'HIT');
    assert.equal(await second.text(), firstBody);
    assert.equal(second.headers.get('xkey'), null, 'the keys stay inside the cache');
    assert.match(second.headers.get('cache-control') ?? '', /^public/);
  });

  it('a rating posted through the cache shows on the next anonymous GET within a second', async () => {
    assert.match(await (await anonymous()).text(), /No ratings yet/);
    assert.equal((await anonymous()).headers.get('x-cache'), 'HIT');

    const reader = new Client(varnish.url);
    const rated = await reader.request(`${page()}/rating`, { method: 'POST', form: { value: '80' } });
    assert.equal(rated.status, 303);
    // The reader's own page passes the cache (bs_acted): it shows their rating at once.
    assert.match(await (await reader.request(page())).text(), /Your rating/);

    const deadline = Date.now() + 1000;
    let text = '';
    do {
      text = await (await anonymous()).text();
      if (/1 rating\b/.test(text)) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    } while (Date.now() < deadline);
    assert.match(text, /1 rating\b/, 'the purge reached the cache within a second');
    assert.doesNotMatch(text, /Your rating/, 'the shared copy holds nothing of the reader');
  });

  it(
    'the front page, section page and feed are cache hits; a rating reaches the front page once the lists show ' + 'it',
    async () => {
      // The previous test's rating purges the lists a little over 3 s after it: let that pass first.
      await new Promise((resolve) => setTimeout(resolve, 3500));
      const lists = ['/', '/sections/local', '/feed.xml'];
      for (const path of lists) {
        const first = await fetch(varnish.url + path, { headers: { 'accept-encoding': 'br' } });
        assert.equal(first.status, 200, path);
        await first.arrayBuffer();
        const second = await fetch(varnish.url + path, { headers: { 'accept-encoding': 'br' } });
        assert.equal(second.headers.get('x-cache'), 'HIT', path);
        assert.match(second.headers.get('cache-control') ?? '', /^public/, path);
        await second.arrayBuffer();
      }
      const front = async () => (await fetch(`${varnish.url}/`, { headers: { 'accept-encoding': 'br' } })).text();
      assert.match(await front(), /User Score 80 %/);
      const rated = await new Client(varnish.url).request(`${page()}/rating`, {
        method: 'POST',
        form: { value: '40' },
      });
      assert.equal(rated.status, 303);
      // Lists take up to 3 s to show a rating (archive.service.ts), and are purged just after.
      const deadline = Date.now() + 6000;
      let text = '';
      do {
        text = await front();
        if (/User Score 60 %/.test(text)) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      } while (Date.now() < deadline);
      assert.match(
        text,
        /User Score 60 %/,
        'the front page was purged once it showed the rating (80 and 40 make 60 %)',
      );
    },
  );

  it('staff pages and posts are passed, never cached', async () => {
    const first = await fetch(`${varnish.url}/admin/login`);
    await first.arrayBuffer();
    const second = await fetch(`${varnish.url}/admin/login`);
    await second.arrayBuffer();
    assert.notEqual(second.headers.get('x-cache'), 'HIT');
  });

  it('only addresses in the purgers list may purge, and a purge names its keys', async () => {
    const missing = await fetch(varnish.url, { method: 'PURGE' });
    assert.equal(missing.status, 400);
    await missing.arrayBuffer();
    const purged = await fetch(varnish.url, { method: 'PURGE', headers: { 'xkey-purge': `a${article.id}` } });
    assert.equal(purged.status, 200);
    await purged.arrayBuffer();
  });

  // Last: it stops the instances.
  it('while no instance answers, the last copy is served rather than an error; a purged one is not', async () => {
    // The shipped VCL with a copy's life cut to a second, and the staleness served while an
    // instance answers (Broadsheet's stale-while-revalidate) to a second: the day it keeps a
    // copy past its life is the shipped one.
    varnish.useBackends(
      instances.map((i) => i.url),
      'short',
      (vcl) =>
        `${vcl.replace('set req.grace = 30s;', 'set req.grace = 1s;')}\n` +
        'sub vcl_backend_response {\n  set beresp.ttl = 1s;\n}\n',
    );
    const purge = () => fetch(varnish.url, { method: 'PURGE', headers: { 'xkey-purge': `a${article.id}` } });
    await (await purge()).arrayBuffer();
    assert.equal((await anonymous()).status, 200);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const again = await anonymous();
    assert.equal(again.headers.get('x-cache'), 'MISS', 'a copy past its grace is fetched again while instances answer');
    // (each instance signs its own shared form token: the copy is compared with the last one fetched)
    const body = await again.text();

    await Promise.all(instances.map((i) => i.stop()));
    instances = [];
    const deadline = Date.now() + 20_000;
    while (!varnish.allSick()) {
      assert.ok(
        Date.now() < deadline,
        `the probe did not find the instances gone: ${varnish.admin('backend.list').stdout}`,
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const stale = await anonymous();
    assert.equal(stale.status, 200, 'the copy past its life is served');
    assert.equal(stale.headers.get('x-cache'), 'HIT');
    assert.equal(await stale.text(), body);

    await (await purge()).arrayBuffer();
    const gone = await anonymous();
    await gone.arrayBuffer();
    assert.equal(gone.status, 503, 'a purged copy (a changed page) is never served stale');
  });
});
