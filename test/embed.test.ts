// The embed's server side over HTTP, on both engines: CORS for the allowed origins only, threads
// named by a page's URL (normalised, made on first use, never listed), counters, the frame's
// headers and cookies, and bad input answered with a clear 4xx.
import assert from 'node:assert/strict';
import { brotliCompressSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { loadConfig, ConfigError } from '../src/config.ts';
import { normaliseThreadUrl } from '../src/features/embed/embed-urls.ts';
import { commentInput } from './helpers/factories.ts';
import { Client, startTestApp, textOf, type TestApp } from './helpers/test-app.ts';

const SITE = 'https://example.org';
const OTHER = 'https://elsewhere.example';

describe('thread URLs', () => {
  const allowed = new Set([SITE]);
  it('drop the fragment and tracking parameters, keep the rest', () => {
    assert.deepEqual(normaliseThreadUrl(`${SITE}/a.html?utm_source=x&id=3&fbclid=y#c1`, allowed), {
      ok: true,
      url: `${SITE}/a.html?id=3`,
      origin: SITE,
    });
    assert.deepEqual(normaliseThreadUrl(`${SITE}/a.html?utm_medium=mail`, allowed), {
      ok: true,
      url: `${SITE}/a.html`,
      origin: SITE,
    });
    assert.deepEqual(normaliseThreadUrl('HTTPS://EXAMPLE.org:443/a.html', allowed), {
      ok: true,
      url: `${SITE}/a.html`,
      origin: SITE,
    });
  });
  it('refuse other origins, non-URLs, other schemes, credentials and very long addresses', () => {
    assert.equal(normaliseThreadUrl(`${OTHER}/a.html`, allowed).ok, false);
    for (const bad of [
      'not a url',
      'javascript:alert(1)',
      `ftp://example.org/a`,
      'https://user:pw@example.org/a',
      `${SITE}/${'a'.repeat(10_000)}`,
    ]) {
      assert.equal(normaliseThreadUrl(bad, allowed).ok, false, bad.slice(0, 40));
    }
  });
});

describe('EMBED_ORIGINS', () => {
  it('takes a list of origins, each written as the URL standard does', () => {
    assert.deepEqual(loadConfig({ EMBED_ORIGINS: 'https://Example.org/, http://127.0.0.1:8080' }).embedOrigins, [
      'https://example.org',
      'http://127.0.0.1:8080',
    ]);
    assert.deepEqual(loadConfig({}).embedOrigins, []);
  });
  it('refuses anything but an origin, naming the variable', () => {
    for (const bad of ['example.org', 'https://example.org/news', 'ftp://example.org', 'https://example.org?x=1']) {
      assert.throws(
        () => loadConfig({ EMBED_ORIGINS: bad }),
        (error: unknown) => error instanceof ConfigError && error.message.startsWith('EMBED_ORIGINS:'),
      );
    }
  });
});

describe('embed over HTTP', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ env: { EMBED_ORIGINS: SITE } });
  });
  after(() => app.close());

  const from = (origin: string) => new Client(app.url, { origin });
  const thread = (client: Client, url: string, title?: string) =>
    client.request('/api/v1/embed/threads', { method: 'POST', json: { url, title } });

  it(
    'makes a thread for a page of an allowed origin once, names it after the page, and keeps it off the front ' +
      'page',
    async () => {
      const client = from(SITE);
      const first = await thread(client, `${SITE}/2026/story.html?utm_source=news#comments`, 'Story of the day');
      assert.equal(first.status, 200);
      assert.equal(first.headers.get('access-control-allow-origin'), SITE);
      const made = (await first.json()) as { id: number; slug: string; url: string; title: string; embedPath: string };
      assert.equal(made.url, `${SITE}/2026/story.html`);
      assert.equal(made.title, 'Story of the day');
      const again = (await (await thread(client, `${SITE}/2026/story.html`)).json()) as { id: number };
      assert.equal(again.id, made.id, 'the same page is the same thread');

      const row = await app.services.db
        .selectFrom('articles')
        .select(['kind', 'external_url', 'body_markdown'])
        .where('id', '=', made.id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(row, { kind: 'external', external_url: `${SITE}/2026/story.html`, body_markdown: '' });
      assert.ok(!(await (await client.request('/')).text()).includes('Story of the day'), 'not on the front page');
      const list = (await (await client.request('/api/v1/articles')).json()) as { items: { id: number }[] };
      assert.ok(!list.items.some((a) => a.id === made.id), 'not in the API list');
    },
  );

  it('two first views at once make one thread', async () => {
    const client = from(SITE);
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => thread(client, `${SITE}/2026/race.html`, 'Race')),
    );
    const ids = await Promise.all(answers.map(async (r) => ((await r.json()) as { id: number }).id));
    assert.equal(new Set(ids).size, 1);
  });

  it('refuses other origins, and bad page addresses, with a clear 4xx', async () => {
    const foreign = await thread(from(OTHER), `${SITE}/a.html`);
    assert.equal(foreign.status, 403);
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
    assert.equal(((await foreign.json()) as { error: string }).error, 'origin_not_allowed');

    const cases: [string, number, string][] = [
      [`${OTHER}/a.html`, 403, 'origin_not_allowed'], // a data-url of another origin
      ['not a url', 422, 'invalid_thread_url'],
      [`${SITE}/${'a'.repeat(10_000)}`, 400, 'validation_failed'],
    ];
    for (const [url, status, error] of cases) {
      const response = await thread(from(SITE), url);
      assert.equal(response.status, status, url.slice(0, 40));
      assert.equal(((await response.json()) as { error: string }).error, error);
    }
    const preflight = await from(OTHER).request('/api/v1/embed/threads', {
      method: 'OPTIONS',
      headers: { 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.status, 403);
    const allowed = await from(SITE).request('/api/v1/embed/threads', {
      method: 'OPTIONS',
      headers: { 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    assert.equal(allowed.status, 204);
    assert.equal(allowed.headers.get('access-control-allow-origin'), SITE);
    assert.match(allowed.headers.get('access-control-allow-headers') ?? '', /content-type/);
    const count = await app.services.db
      .selectFrom('articles')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('external_url', 'like', `${OTHER}%`)
      .executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 0, 'nothing was written');
  });

  it('counts comments and score for every counter in one request', async () => {
    const client = from(SITE);
    const made = (await (await thread(client, `${SITE}/2026/counted.html`, 'Counted')).json()) as { id: number };
    await app.services.settings.update({ commentPolicy: 'publish' });
    await app.services.comments.post(commentInput(), {
      articleId: made.id,
      readerId: null,
      ipHash: 'h',
      userAgent: 't',
    });
    await app.services.settings.update({ commentPolicy: 'hold-first-time' });
    await app.services.ratings.rate({
      articleId: made.id,
      readerId: 'reader-counted-0000000000',
      ipHash: 'h',
      value: 80,
    });
    const urls = [
      `${SITE}/2026/counted.html?utm_campaign=x`,
      `${SITE}/2026/never-seen.html`,
      `${OTHER}/x.html`,
      'nonsense',
    ];
    const response = await client.request(
      `/api/v1/embed/counts?${urls.map((u) => `url=${encodeURIComponent(u)}`).join('&')}`,
    );
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('access-control-allow-origin'), SITE);
    assert.deepEqual(((await response.json()) as { items: unknown[] }).items, [
      { url: urls[0], commentCount: 1, score: 80, count: 1 },
      { url: urls[1], commentCount: 0, score: null, count: 0 },
    ]);
    const neverMade = await app.services.db
      .selectFrom('articles')
      .select('id')
      .where('external_url', '=', `${SITE}/2026/never-seen.html`)
      .executeTakeFirst();
    assert.equal(neverMade, undefined, 'counting does not make threads');
    assert.equal((await client.request(`/api/v1/embed/counts?url=${'a'.repeat(3000)}`)).status, 400);
    assert.equal(
      (await from(OTHER).request(`/api/v1/embed/counts?url=${encodeURIComponent(`${SITE}/a`)}`)).status,
      403,
    );
  });

  it('lets only the allowed origins frame the thread; every other page still forbids framing', async () => {
    const client = from(SITE);
    const made = (await (await thread(client, `${SITE}/2026/framed.html`, 'Framed')).json()) as {
      embedPath: string;
      slug: string;
    };
    const frame = await client.request(made.embedPath);
    assert.equal(frame.status, 200);
    assert.match(frame.headers.get('content-security-policy') ?? '', new RegExp(`frame-ancestors 'self' ${SITE}(;|$)`));
    assert.equal(frame.headers.get('x-frame-options'), null);
    assert.match(frame.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    const html = await frame.text();
    assert.match(html, /data-rating/);
    assert.match(html, /action="\/embed\/threads\/[^"]+\/comments#respond"/, 'forms post back into the frame');
    for (const path of ['/', `/articles/${made.slug}`]) {
      const page = await client.request(path);
      assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/, path);
      assert.equal(page.headers.get('x-frame-options'), 'DENY', path);
    }
  });

  it("takes the frame's forms without JavaScript: a rating and a held comment come back into the frame", async () => {
    const reader = new Client(app.url);
    const made = (await (await thread(from(SITE), `${SITE}/2026/forms.html`, 'Forms')).json()) as { embedPath: string };
    const { csrf, html } = await reader.page(made.embedPath);
    const formToken = /name="formToken" value="([^"]+)"/.exec(html)![1]!;
    const rated = await reader.request(`${made.embedPath}/rating`, {
      method: 'POST',
      form: { _csrf: csrf, value: '60' },
    });
    assert.equal(rated.status, 303);
    assert.equal(rated.headers.get('location'), `${made.embedPath}#rating`);
    const posted = await reader.request(`${made.embedPath}/comments`, {
      method: 'POST',
      form: { _csrf: csrf, formToken, authorName: 'Ada', authorEmail: 'ada@example.org', body: 'From the frame.' },
    });
    assert.equal(posted.status, 303);
    assert.equal(posted.headers.get('location'), `${made.embedPath}?posted=held#respond`);
    const back = await reader.page(`${made.embedPath}?posted=held`);
    assert.match(textOf(back.html), /Thank you\. Your comment is awaiting moderation\./);
    assert.match(textOf(back.html), /Your comment is awaiting moderation/);
    assert.match(textOf(back.html), /60 %/);
    // A bad form comes back in the frame with its errors, framed by the allowed origins.
    const bad = await reader.request(`${made.embedPath}/comments`, {
      method: 'POST',
      form: { _csrf: csrf, formToken, authorName: '', authorEmail: '', body: 'Kept text' },
    });
    assert.equal(bad.status, 400);
    assert.match(bad.headers.get('content-security-policy') ?? '', new RegExp(`frame-ancestors 'self' ${SITE}`));
    assert.match(await bad.text(), /Kept text/);
  });

  it('without JavaScript, /threads?url= leads to the discussion on the site', async () => {
    const client = new Client(app.url);
    const response = await client.request(`/threads?url=${encodeURIComponent(`${SITE}/2026/nojs.html?utm_source=x`)}`);
    assert.equal(response.status, 303);
    const page = await client.page(response.headers.get('location')!.replace(/#.*/, ''));
    assert.equal(page.status, 200);
    assert.match(page.html, new RegExp(`href="${SITE}/2026/nojs.html"`));
    assert.equal((await client.request(`/threads?url=${encodeURIComponent(`${OTHER}/x`)}`)).status, 403);
    assert.equal((await client.request(`/threads?url=${'a'.repeat(10_000)}`)).status, 400);
  });

  it('serves /embed.js small (at most 10 KB compressed)', async () => {
    const response = await fetch(`${app.url}/embed.js`);
    const body = Buffer.from(await response.arrayBuffer());
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /javascript/);
    assert.ok(brotliCompressSync(body).length <= 10 * 1024);
    assert.ok(!/\beval\(|new Function\(/.test(body.toString()), 'no eval');
  });

  it('an admin may add an origin in the settings', async () => {
    const extra = 'https://partner.example';
    assert.equal((await thread(from(extra), `${extra}/a.html`)).status, 403);
    await app.services.settings.update({ embedOrigins: [extra] });
    assert.equal((await thread(from(extra), `${extra}/a.html`)).status, 200);
    await app.services.settings.update({ embedOrigins: [] });
  });
});

describe("the embed's reader cookie over HTTPS", () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ env: { EMBED_ORIGINS: SITE, PUBLIC_URL: 'https://news.example.org' } });
  });
  after(() => app.close());

  it('is SameSite=None; Secure; Partitioned in the frame, and stays Lax on the site', async () => {
    const made = (await (
      await new Client(app.url, { origin: SITE }).request('/api/v1/embed/threads', {
        method: 'POST',
        json: { url: `${SITE}/c.html`, title: 'C' },
      })
    ).json()) as { embedPath: string; slug: string };
    // Set by the reader's first rating in the frame (a page view sets none).
    const inFrame = (
      await new Client(app.url).request(`${made.embedPath}/rating`, { method: 'POST', form: { value: '60' } })
    ).headers
      .getSetCookie()
      .join('\n');
    assert.match(inFrame, /bs_reader=.*SameSite=None/i);
    assert.match(inFrame, /Secure/);
    assert.match(inFrame, /Partitioned/);
    // On the site the cookie is set by the reader's first rating (a page view sets none).
    const rated = await new Client(app.url).request(`/articles/${made.slug}/rating`, {
      method: 'POST',
      form: { value: '60' },
    });
    const onSite = rated.headers.getSetCookie().join('\n');
    assert.match(onSite, /bs_reader=.*SameSite=Lax/i);
  });
});
