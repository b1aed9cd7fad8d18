// Static pages written in the admin editor: /pages/<slug>, never listed, a footer menu in the
// admin's order on every public page.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inputValue } from './helpers/broadsheet.ts';
import { loginAs } from './helpers/staff.ts';
import { Client, startTestApp, type TestApp } from './helpers/test-app.ts';

describe('static pages', () => {
  let app: TestApp;
  let editor: Awaited<ReturnType<typeof loginAs>>;
  before(async () => {
    app = await startTestApp();
    editor = await loginAs(app, 'editor');
  });
  after(() => app.close());

  async function createPage(fields: Record<string, string>): Promise<number> {
    const response = await editor.client.request('/admin/articles', {
      method: 'POST',
      form: { _csrf: editor.csrf, body: 'Text.', action: 'publish', kind: 'page', ...fields },
    });
    assert.equal(response.status, 303, await response.text());
    return Number(/\/admin\/articles\/(\d+)\/edit/.exec(response.headers.get('location') ?? '')![1]);
  }

  it(
    'the editor offers a new static page, and a page it publishes is served at /pages/<slug> and in the footer ' +
      'menu in order',
    async () => {
      const form = await editor.client.page('/admin/articles/new?kind=page');
      assert.equal(form.status, 200);
      assert.match(form.html, /<option value="page" selected/);
      const list = await editor.client.page('/admin/articles');
      assert.match(list.html, /href="\/admin\/articles\/new\?kind=page"/);

      await createPage({
        title: 'Privacy policy',
        slug: 'privacy-policy',
        menuOrder: '5',
        body: 'We keep **little**.',
      });
      const aboutId = await createPage({ title: 'About us', slug: 'about', menuOrder: '1' });
      await app.services.articles.upsert({ title: 'A news story', bodyMarkdown: 'News.' });

      const reader = new Client(app.url);
      const page = await reader.page('/pages/privacy-policy');
      assert.equal(page.status, 200);
      assert.match(page.html, /<h1>Privacy policy<\/h1>/);
      assert.match(page.html, /We keep <strong>little<\/strong>\./);
      for (const path of ['/', '/articles/a-news-story', '/pages/about']) {
        const { html } = await reader.page(path);
        const footer = /<nav class="footer-pages"[\s\S]*?<\/nav>/.exec(html)?.[0] ?? '';
        assert.ok(
          footer.indexOf('About us') >= 0 && footer.indexOf('About us') < footer.indexOf('Privacy policy'),
          `${path}: menu in order`,
        );
      }
      const home = await reader.page('/');
      assert.doesNotMatch(home.html.replace(/<nav class="footer-pages"[\s\S]*?<\/nav>/, ''), /Privacy policy/);
      const api = (await (await fetch(`${app.url}/api/v1/articles`)).json()) as { items: { title: string }[] };
      assert.deepEqual(
        api.items.map((i) => i.title),
        ['A news story'],
      );

      // Reordered in the editor: the menu follows.
      const edit = await editor.client.page(`/admin/articles/${aboutId}/edit`);
      assert.match(edit.html, /View on the site/);
      assert.match(edit.html, /href="\/pages\/about"/);
      const saved = await editor.client.request(`/admin/articles/${aboutId}`, {
        method: 'POST',
        form: {
          _csrf: editor.csrf,
          title: 'About us',
          slug: 'about',
          body: 'Text.',
          action: 'save',
          kind: 'page',
          menuOrder: '9',
          updatedAt: inputValue(edit.html, 'updatedAt')!,
        },
      });
      assert.equal(saved.status, 303);
      await app.services.directory.settled();
      const { html } = await reader.page('/pages/privacy-policy');
      const footer = /<nav class="footer-pages"[\s\S]*?<\/nav>/.exec(html)?.[0] ?? '';
      assert.ok(footer.indexOf('Privacy policy') < footer.indexOf('About us'), 'About us now last');
    },
  );

  it('a bad menu order is shown beside its field; a draft page is not served', async () => {
    const response = await editor.client.request('/admin/articles', {
      method: 'POST',
      form: { _csrf: editor.csrf, title: 'Draft page', body: 'x', action: 'save', kind: 'page', menuOrder: 'first' },
    });
    assert.equal(response.status, 400);
    assert.match(await response.text(), /Enter a whole number/);
    await createPage({ title: 'Unfinished', slug: 'unfinished', action: 'save' });
    assert.equal((await new Client(app.url).page('/pages/unfinished')).status, 404);
    assert.equal((await new Client(app.url).page('/pages/no-such-page')).status, 404);
  });
});
