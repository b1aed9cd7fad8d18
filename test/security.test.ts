// Safety a reader relies on: no reader's script runs in another reader's browser, security
// headers and cookie flags, forms that refuse other sites' posts, and the per-address POST rate limit.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, startTestApp, textOf, type TestApp } from './helpers/test-app.ts';
import { commentInput, createArticle } from './helpers/factories.ts';
import {
  commentFormFields,
  commentTextarea,
  elementHtml,
  expectJsonError,
  postCommentJson,
  postJson,
  writtenRows,
} from './helpers/broadsheet.ts';
import { assertInert } from './helpers/html-safety.ts';

type Article = Awaited<ReturnType<typeof createArticle>>;

/** The rendered body of a comment holds only the small Markdown subset's tags. */
function assertOnlySafeTags(bodyHtml: string, where: string) {
  for (const [, tag] of bodyHtml.matchAll(/<\/?([a-z0-9-]+)/gi)) {
    assert.ok(
      ['p', 'br', 'em', 'strong', 'code', 'pre', 'a', 'blockquote', 'ul', 'ol', 'li'].includes(tag!.toLowerCase()),
      `${where}: <${tag}>`,
    );
  }
  for (const [, attrs] of bodyHtml.matchAll(/<a\b([^>]*)>/gi)) {
    assert.match(
      attrs!,
      /^ href="https?:\/\/[^"]*" rel="nofollow ugc noopener"$/,
      `${where}: link attributes ${attrs}`,
    );
  }
}

/** The inside of a comment's body on the page. */
function commentBody(html: string, id: number): string {
  const wrapped = elementHtml(elementHtml(html, new RegExp(`<li id="comment-${id}"`)), /<div class="comment-body"/);
  return wrapped.replace(/^<div class="comment-body">/, '').replace(/<\/div>$/, '');
}

describe('comment content cannot run in a reader’s browser', () => {
  let app: TestApp;
  let article: Article;
  const page = () => `/articles/${article.slug}`;

  /** A reader posts the comment from the page; a moderator approves it, so everyone is served it. */
  async function postApproved(input: Record<string, unknown>): Promise<number> {
    const response = await postCommentJson(new Client(app.url), article, commentInput(input));
    const text = await response.text();
    assert.equal(response.status, 201, text);
    const { id } = JSON.parse(text) as { id: number; status: string };
    await app.services.comments.setStatus([id], 'approved');
    return id;
  }

  before(async () => {
    app = await startTestApp({ settings: { commentPolicy: 'publish' } });
    article = await createArticle(app.services);
  });
  after(() => app.close());

  // A reader who writes about (or tries) a javascript: link gets it shown as harmless text, like
  // any other markup; the sanitiser, not a refusal, is what keeps readers safe.
  it(
    'an image with onerror, a javascript: link and a normal link: accepted, escaped, dropped and ' + 'nofollowed',
    async () => {
      const body = 'Look <img src=x onerror=alert(1)> and [link](javascript:alert(1)) and [ok](https://example.org)';
      const id = await postApproved({ body });
      const { html } = await new Client(app.url).page(page());
      assertInert(html, 'page');
      const item = elementHtml(html, new RegExp(`<li id="comment-${id}"`));
      const text = textOf(item);
      assert.ok(text.includes('<img src=x onerror=alert(1)>'), `the markup is shown as text: ${text}`);
      assert.match(item, /<a href="https:\/\/example\.org" rel="nofollow ugc noopener">ok<\/a>/);
      assert.doesNotMatch(item, /href="javascript:/i);
      assert.match(text, /link/);
      assertOnlySafeTags(commentBody(html, id), 'comment body');
    },
  );

  it('obfuscated script URLs and tags are neutralised too', async () => {
    const attempts = [
      '<img src=x onerror=alert(1)>',
      '[ok](https://example.org)',
      '[a](java&#115;cript:alert(1))',
      '[b](&#106;avascript:alert(2))',
      '[c](JaVa&#x53;cRiPt&colon;alert(3))',
      '[d](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
      '[e](vbscript:msgbox(1))',
      '<svg onload=alert(4)>',
      '<iframe src="https://evil.example/"></iframe>',
      '"><img src=x onerror=alert(5)>',
      '<a href="https://evil.example/" onclick="alert(6)">click</a>',
      '![pic](https://evil.example/track.png)',
    ];
    const id = await postApproved({ body: attempts.join('\n\n') });
    const { html } = await new Client(app.url).page(page());
    assertInert(html, 'page');
    const item = elementHtml(html, new RegExp(`<li id="comment-${id}"`));
    assert.ok(textOf(item).includes('<svg onload=alert(4)>'), 'raw HTML shows as text');
    assert.ok(textOf(item).includes('<img src=x onerror=alert(1)>'), 'raw HTML shows as text');
    assert.match(item, /<a href="https:\/\/example\.org" rel="nofollow ugc noopener">ok<\/a>/);
    assertOnlySafeTags(commentBody(html, id), 'comment body');

    const api = (await (await fetch(`${app.url}/api/v1/articles/${article.id}/comments`)).json()) as {
      items: { id: number; bodyHtml: string }[];
    };
    const bodyHtml = api.items.find((c) => c.id === id)!.bodyHtml;
    assertInert(bodyHtml, 'API bodyHtml');
    assertOnlySafeTags(bodyHtml, 'API bodyHtml');
  });

  it('markup in the name is shown as text, and the website link is nofollowed', async () => {
    const id = await postApproved({
      authorName: '<b onmouseover=alert(1)>Mallory</b>',
      authorUrl: 'https://mallory.example/',
    });
    const { html } = await new Client(app.url).page(page());
    assertInert(html, 'page');
    const item = elementHtml(html, new RegExp(`<li id="comment-${id}"`));
    assert.ok(textOf(item).includes('<b onmouseover=alert(1)>Mallory</b>'));
    assert.match(item, /<a href="https:\/\/mallory\.example\/" rel="nofollow ugc noopener">/);
  });

  it('a javascript: website is refused', async () => {
    const before = await writtenRows(app.services);
    const response = await postJson(
      new Client(app.url),
      `/api/v1/articles/${article.id}/comments`,
      commentInput({ authorUrl: 'javascript:alert(1)' }),
    );
    const body = await expectJsonError(response, 400, 'validation_failed');
    assert.ok(body.fields?.authorUrl);
    assert.deepEqual(await writtenRows(app.services), before);
  });

  it('a <script> comment is refused with unsafe_content and not stored', async () => {
    const before = await writtenRows(app.services);
    const response = await postJson(
      new Client(app.url),
      `/api/v1/articles/${article.id}/comments`,
      commentInput({ body: '<script>alert(1)</script>' }),
    );
    await expectJsonError(response, 422, 'unsafe_content');
    assert.deepEqual(await writtenRows(app.services), before);
  });
});

describe('security headers and the reader cookie', () => {
  let app: TestApp;
  let article: Article;
  before(async () => {
    app = await startTestApp();
    article = await createArticle(app.services);
  });
  after(() => app.close());

  function directives(csp: string): Map<string, string[]> {
    return new Map(
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .filter((d) => d[0])
        .map(([name, ...values]) => [name!.toLowerCase(), values]),
    );
  }

  it('the article page has a strict Content-Security-Policy and nosniff', async () => {
    const response = await new Client(app.url).request(`/articles/${article.slug}`);
    assert.equal(response.status, 200);
    const csp = response.headers.get('content-security-policy');
    assert.ok(csp, 'has a CSP');
    const policy = directives(csp);
    const scriptSrc = policy.get('script-src') ?? policy.get('default-src');
    assert.ok(scriptSrc, 'CSP restricts scripts');
    assert.ok(!scriptSrc.includes("'unsafe-inline'"), 'no unsafe-inline scripts');
    assert.ok(!scriptSrc.includes("'unsafe-eval'"), 'no eval');
    assert.ok(!scriptSrc.includes('*'), 'no wildcard script origin');
    assert.deepEqual(policy.get('object-src'), ["'none'"]);
    assert.ok(policy.get('frame-ancestors'), 'cannot be framed');
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.match(response.headers.get('referrer-policy') ?? '', /strict-origin|no-referrer|same-origin/);
    // One shared document: nothing in it belongs to the reader, so shared caches may keep it.
    assert.match(response.headers.get('cache-control') ?? '', /^public, /);
    assert.deepEqual(response.headers.getSetCookie(), [], 'a page view sets no cookie');
  });

  it('the API and error pages carry the headers too', async () => {
    for (const path of ['/api/v1/articles', '/articles/missing', '/healthz']) {
      const response = await fetch(`${app.url}${path}`);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff', path);
      assert.ok(response.headers.get('content-security-policy'), path);
    }
  });

  it('the reader cookie is set by the first rating: HttpOnly, SameSite=Lax and long-lived', async () => {
    const client = new Client(app.url);
    assert.deepEqual(
      (await client.request(`/articles/${article.slug}`)).headers.getSetCookie(),
      [],
      'not by a page view',
    );
    const response = await client.request(`/articles/${article.slug}/rating`, {
      method: 'POST',
      form: { value: '80' },
    });
    assert.equal(response.status, 303);
    const cookies = response.headers.getSetCookie();
    const reader = cookies.find((c) => c.startsWith('bs_reader='));
    assert.ok(reader, `sets the reader cookie: ${cookies.join(' | ')}`);
    const attributes = reader.split(';').map((a) => a.trim().toLowerCase());
    assert.ok(attributes.includes('httponly'), reader);
    assert.ok(attributes.includes('samesite=lax'), reader);
    assert.ok(attributes.includes('path=/'), reader);
    const maxAge = Number(attributes.find((a) => a.startsWith('max-age='))?.slice('max-age='.length));
    assert.ok(maxAge >= 180 * 24 * 3600, `long-lived: ${reader}`);
    assert.match(reader, /^bs_reader=[A-Za-z0-9_-]{24};/, 'a random id, nothing else');
    // The marker that this page has something of the reader's is scoped to the article alone.
    const acted = cookies.find((c) => c.startsWith('bs_acted='));
    assert.ok(acted, `marks the article: ${cookies.join(' | ')}`);
    assert.match(acted, new RegExp(`; Path=/articles/${encodeURIComponent(article.slug)};`, 'i'));
    assert.match(acted.toLowerCase(), /httponly/);
  });

  it('a returning reader keeps their cookie', async () => {
    const client = new Client(app.url);
    await client.request(`/articles/${article.slug}/rating`, { method: 'POST', form: { value: '80' } });
    const again = await client.request(`/articles/${article.slug}/rating`, { method: 'POST', form: { value: '60' } });
    assert.equal(again.status, 303);
    assert.ok(!again.headers.getSetCookie().some((c) => c.startsWith('bs_reader=')), 'the reader id stays');
    assert.deepEqual((await client.request(`/articles/${article.slug}`)).headers.getSetCookie(), []);
  });
});

describe('reader forms refuse posts from other sites', () => {
  let app: TestApp;
  let article: Article;
  const page = () => `/articles/${article.slug}`;
  const comment = {
    authorName: 'Ann',
    authorEmail: 'ann@example.org',
    authorUrl: '',
    body: 'Forged comment text',
    parentId: '',
  };
  // What a browser sends with a form another site submits to us.
  const crossSite = { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' };

  before(async () => {
    app = await startTestApp({ settings: { commentPolicy: 'publish' } });
    article = await createArticle(app.services);
  });
  after(() => app.close());

  async function forbidden(send: () => Promise<Response>): Promise<string> {
    const before = await writtenRows(app.services);
    const response = await send();
    assert.equal(response.status, 403);
    assert.match(response.headers.get('content-type') ?? '', /text\/html/);
    const html = await response.text();
    assert.match(textOf(html), /This form has expired/);
    assert.deepEqual(await writtenRows(app.services), before, 'nothing was written');
    return html;
  }

  it('a rating posted from another site is refused', async () => {
    const reader = new Client(app.url, crossSite);
    await reader.page(page());
    await forbidden(() => reader.request(`${page()}/rating`, { method: 'POST', form: { value: '80' } }));
  });

  it('a comment posted from another site is refused, and the text is kept', async () => {
    const reader = new Client(app.url, crossSite);
    await reader.page(page());
    const html = await forbidden(() => reader.request(`${page()}/comments`, { method: 'POST', form: comment }));
    assert.equal(textOf(commentTextarea(html)), 'Forged comment text');
  });

  it('a reader who already has a cookie is protected the same way', async () => {
    const victim = new Client(app.url);
    assert.equal((await victim.request(`${page()}/rating`, { method: 'POST', form: { value: '60' } })).status, 303);
    const forged = { headers: crossSite };
    await forbidden(() => victim.request(`${page()}/rating`, { method: 'POST', form: { value: '20' }, ...forged }));
    await forbidden(() => victim.request(`${page()}/comments`, { method: 'POST', form: comment, ...forged }));
  });

  it(
    'browsers without Sec-Fetch-Site are judged by Origin; a same-site subdomain and an opaque origin are ' +
      'other sites',
    async () => {
      for (const headers of [
        { 'sec-fetch-site': '', origin: 'https://evil.example' },
        { 'sec-fetch-site': 'same-site', origin: 'https://blog.example.org' },
        { 'sec-fetch-site': '', origin: 'null' },
      ]) {
        const reader = new Client(app.url, headers);
        await forbidden(() => reader.request(`${page()}/rating`, { method: 'POST', form: { value: '20' } }));
      }
    },
  );

  it(
    'a post from the site itself succeeds, with no token: same-origin, our Origin, or a client that is not a ' +
      'browser',
    async () => {
      const cases: Record<string, string>[] = [
        { 'sec-fetch-site': 'same-origin' },
        { 'sec-fetch-site': '', origin: app.url },
        { 'sec-fetch-site': '' },
      ];
      const before = await writtenRows(app.services);
      let ratings = before.ratings;
      for (const headers of cases) {
        const reader = new Client(app.url, headers);
        const { html } = await reader.page(page());
        assert.doesNotMatch(html, /name="_csrf"/, 'the reader forms carry no per-reader token');
        const rated = await reader.request(`${page()}/rating`, { method: 'POST', form: { value: '20' } });
        assert.equal(rated.status, 303);
        ratings++;
      }
      const reader = new Client(app.url);
      const { html } = await reader.page(page());
      const commented = await reader.request(`${page()}/comments`, {
        method: 'POST',
        form: { ...commentFormFields(html), ...comment },
      });
      assert.equal(commented.status, 303);
      assert.deepEqual(await writtenRows(app.services), { comments: before.comments + 1, ratings });
    },
  );
});

describe('per-address POST rate limit', () => {
  it('with RATE_LIMIT_POSTS_PER_MINUTE=5 the 6th POST to a route within a minute is refused', async () => {
    const app = await startTestApp({ env: { RATE_LIMIT_POSTS_PER_MINUTE: '5' } });
    try {
      const article = await createArticle(app.services);
      const reader = new Client(app.url);
      for (let i = 1; i <= 5; i++) {
        const response = await postJson(reader, `/api/v1/articles/${article.id}/ratings`, { value: 20 * (i - 1) });
        assert.equal(response.status, 200, `POST ${i}`);
        await response.text();
      }
      const sixth = await postJson(reader, `/api/v1/articles/${article.id}/ratings`, { value: 100 });
      await expectJsonError(sixth, 429, 'rate_limited');
      const rating = (await (await fetch(`${app.url}/api/v1/articles/${article.id}`)).json()) as {
        rating: { score: number };
      };
      assert.equal(rating.rating.score, 80, 'the refused rating did not replace the last one');
      // a new reader from the same address is limited too: the limit is per address
      await expectJsonError(
        await postJson(new Client(app.url), `/api/v1/articles/${article.id}/ratings`, { value: 100 }),
        429,
        'rate_limited',
      );
      // reading is not limited
      assert.equal((await fetch(`${app.url}/healthz`)).status, 200);
      assert.equal((await fetch(`${app.url}/articles/${article.slug}`)).status, 200);
    } finally {
      await app.close();
    }
  });

  it('the limit counts every POST from the address, not each route separately', async () => {
    const app = await startTestApp({ env: { RATE_LIMIT_POSTS_PER_MINUTE: '5' } });
    try {
      const article = await createArticle(app.services);
      const reader = new Client(app.url);
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const response =
          i % 2 === 0
            ? await postJson(reader, `/api/v1/articles/${article.id}/ratings`, { value: 50 })
            : await postJson(reader, `/api/v1/articles/${article.id}/comments`, commentInput());
        statuses.push(response.status);
        if (i === 5) await expectJsonError(response, 429, 'rate_limited');
        else await response.text();
      }
      assert.deepEqual(statuses, [200, 201, 200, 201, 200, 429]);
    } finally {
      await app.close();
    }
  });
});

describe('no third-party requests from an article page', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ settings: { commentPolicy: 'publish' } });
  });
  after(() => app.close());

  it('avatars are drawn inline from the address, and nothing on the page loads from another origin', async () => {
    const article = await createArticle(app.services);
    const post = (email: string) =>
      app.services.comments.post(commentInput({ authorEmail: email }), {
        articleId: article.id,
        readerId: null,
        ipHash: 'test',
        userAgent: 'test',
      });
    const [a1, a2, b] = [await post('ada@example.org'), await post('ADA@example.org'), await post('grace@example.org')];
    const { html } = await new Client(app.url).page(`/articles/${article.slug}`);
    const avatar = (id: number) =>
      /<svg class="avatar"[\s\S]*?<\/svg>/.exec(elementHtml(html, new RegExp(`<li id="comment-${id}"`)))?.[0];
    assert.ok(avatar(a1.id), 'each comment has an inline avatar');
    assert.equal(avatar(a1.id), avatar(a2.id), 'the same address draws the same avatar');
    assert.notEqual(avatar(a1.id), avatar(b.id), 'another address draws another');
    assert.ok(!html.includes('ada@example.org'), 'the address itself is not on the page');
    // What the browser loads by itself: scripts, images, stylesheets (links are the reader's choice).
    const loaded = [
      ...html.matchAll(/\b(?:src|srcset)="([^"]*)"/g),
      ...html.matchAll(/<link rel="stylesheet" href="([^"]*)"/g),
    ].map((m) => m[1]!);
    assert.ok(loaded.length > 0);
    for (const url of loaded) assert.ok(url.startsWith('/'), `loaded from this site: ${url}`);
  });
});
