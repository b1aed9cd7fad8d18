// /admin/tools through HTTP as a browser without JavaScript uses it: upload an export, follow the
// run's page until the import ends, read its report; download both exports; admins only.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { createArticle } from './helpers/factories.ts';
import { loginAs } from './helpers/staff.ts';
import { startTestApp, TEST_ENGINE, textOf, type Client, type TestApp } from './helpers/test-app.ts';

const NEWSROOM_WXR = fileURLToPath(new URL('./fixtures/wxr/newsroom-1.2.xml', import.meta.url));
const DISQUS = fileURLToPath(new URL('./fixtures/disqus/newsroom.xml', import.meta.url));

function uploadForm(csrf: string, file: string, name: string, extra: Record<string, string> = {}): FormData {
  const form = new FormData();
  form.set('_csrf', csrf);
  for (const [k, v] of Object.entries(extra)) form.set(k, v);
  form.set('file', new Blob([readFileSync(file)]), name);
  return form;
}

/** Follows the run's page (as its Refresh header would) until the import has ended. */
async function waitForRun(client: Client, location: string): Promise<string> {
  for (let i = 0; i < 600; i++) {
    const response = await client.request(location);
    const html = await response.text();
    assert.equal(response.status, 200);
    if (!/data-status="running"/.test(html)) return html;
    assert.equal(response.headers.get('refresh'), '2', 'a running import refreshes itself');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the import did not end');
}

describe(`admin tools (${TEST_ENGINE})`, { concurrency: 1 }, () => {
  let app: TestApp;
  let admin: { client: Client; csrf: string };

  before(async () => {
    app = await startTestApp({ env: { PUBLIC_URL: 'https://news.example.org' } });
    admin = await loginAs(app, 'admin');
  });

  after(async () => {
    await app?.close();
  });

  it('is for admins only', async () => {
    const editor = await loginAs(app, 'editor');
    assert.equal((await editor.client.request('/admin/tools')).status, 403);
    assert.equal((await editor.client.request('/admin/tools/export?format=json')).status, 403);
    const anonymous = await fetch(`${app.url}/admin/tools`, { redirect: 'manual' });
    assert.equal(anonymous.status, 303);
    const page = await admin.client.page('/admin/tools');
    assert.equal(page.status, 200);
    assert.match(page.html, /enctype="multipart\/form-data"/);
    assert.match(page.html, /e-mail addresses/);
  });

  it('imports an uploaded WordPress export and shows its report, then lists it', async () => {
    const response = await admin.client.request('/admin/tools/import', {
      method: 'POST',
      body: uploadForm(admin.csrf, NEWSROOM_WXR, 'newsroom.xml'),
    });
    assert.equal(response.status, 303, await response.text());
    const location = response.headers.get('location')!;
    assert.match(location, /^\/admin\/tools\/imports\/\d+$/);
    const html = await waitForRun(admin.client, location);
    assert.match(html, /data-status="done"/);
    assert.match(textOf(html), /WordPress \(WXR\) 1\.2/);
    assert.match(textOf(html), /created: .*5 articles, 2 pages/);
    const list = await admin.client.page('/admin/tools');
    assert.match(list.html, /newsroom\.xml/);
    assert.match(textOf(list.html), /Done/);
  });

  it('imports a Disqus export with --create-articles from the checkbox', async () => {
    await createArticle(app.services, { title: 'Council votes on budget' });
    const response = await admin.client.request('/admin/tools/import', {
      method: 'POST',
      body: uploadForm(admin.csrf, DISQUS, 'disqus.xml', { createArticles: '1' }),
    });
    assert.equal(response.status, 303);
    const html = await waitForRun(admin.client, response.headers.get('location')!);
    assert.match(textOf(html), /Disqus/);
    assert.match(textOf(html), /made a draft article holding its 2 comments/);
  });

  it('reports a file it cannot import, and refuses a form without its token or without a file', async () => {
    const response = await admin.client.request('/admin/tools/import', {
      method: 'POST',
      body: uploadForm(admin.csrf, fileURLToPath(new URL('./fixtures/spam/corpus.csv', import.meta.url)), 'notes.csv'),
    });
    assert.equal(response.status, 303);
    const html = await waitForRun(admin.client, response.headers.get('location')!);
    assert.match(html, /data-status="failed"/);
    assert.match(textOf(html), /notes\.csv: not a format Broadsheet can import/);
    assert.ok(!html.includes('broadsheet-upload-'), 'the temporary path is not shown');

    const before = (await admin.client.page('/admin/tools')).html.match(/\/admin\/tools\/imports\/\d+/g)!.length;
    const noToken = await admin.client.request('/admin/tools/import', {
      method: 'POST',
      body: uploadForm('wrong', NEWSROOM_WXR, 'x.xml'),
    });
    assert.equal(noToken.status, 403);
    const empty = new FormData();
    empty.set('_csrf', admin.csrf);
    const noFile = await admin.client.request('/admin/tools/import', { method: 'POST', body: empty });
    assert.equal(noFile.status, 400);
    assert.match(await noFile.text(), /Choose a file to import/);
    const afterCount = (await admin.client.page('/admin/tools')).html.match(/\/admin\/tools\/imports\/\d+/g)!.length;
    assert.equal(afterCount, before, 'no run was started');
  });

  it('downloads the site as JSON and as WXR', async () => {
    const json = await admin.client.request('/admin/tools/export?format=json');
    assert.equal(json.status, 200);
    assert.match(json.headers.get('content-disposition') ?? '', /attachment; filename="site-\d{4}-\d{2}-\d{2}\.json"/);
    const doc = (await json.json()) as { format: string; articles: unknown[] };
    assert.equal(doc.format, 'broadsheet-export');
    assert.ok(doc.articles.length > 3);
    const wxr = await admin.client.request('/admin/tools/export?format=wxr');
    assert.equal(wxr.status, 200);
    assert.match(await wxr.text(), /<wp:wxr_version>1\.2<\/wp:wxr_version>/);
    assert.equal((await admin.client.request('/admin/tools/export?format=csv')).status, 400);
  });
});
