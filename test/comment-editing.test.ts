// A reader edits their own comment for a while after posting, with a plain form: the page says
// "edited", moderators see the earlier text, and an edit that adds links (or one to a held
// comment) is moderated again. Anyone else, or too late, is refused and nothing changes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { commentIdsOnPage, elementHtml, submitCommentForm } from './helpers/broadsheet.ts';
import { createArticle } from './helpers/factories.ts';
import { loginAs } from './helpers/staff.ts';
import { Client, startTestApp, textOf, type TestApp } from './helpers/test-app.ts';

type Article = Awaited<ReturnType<typeof createArticle>>;

describe('comment editing', () => {
  let app: TestApp;
  let article: Article;

  before(async () => {
    app = await startTestApp({ settings: { commentPolicy: 'publish', maxLinks: 1 } });
    article = await createArticle(app.services, { title: 'Harbour works' });
  });
  after(() => app.close());

  const path = () => `/articles/${article.slug}`;

  /** A reader posts through the page's form; returns their browser and the comment's id. */
  async function readerComments(body = 'The harbour wall needs mending.', reader = new Client(app.url)) {
    const response = await submitCommentForm(reader, path(), {
      authorName: 'Ines',
      authorEmail: 'ines@example.org',
      body,
    });
    assert.equal(response.status, 303);
    assert.match(response.headers.get('location')!, /[?&]posted=(held|published)#respond$/);
    const { id } = await app.services.db
      .selectFrom('comments')
      .select('id')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    return { reader, id };
  }

  async function row(id: number) {
    return app.services.db.selectFrom('comments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  }

  async function editsOf(id: number) {
    return app.services.db.selectFrom('comment_edits').selectAll().where('comment_id', '=', id).orderBy('id').execute();
  }

  async function openEditForm(reader: Client, id: number) {
    const page = await reader.page(`${path()}/comments/${id}/edit`);
    return page;
  }

  function save(reader: Client, id: number, form: Record<string, string>) {
    return reader.request(`${path()}/comments/${id}/edit`, { method: 'POST', form });
  }

  it('shows the author an Edit link that works without JavaScript; the page then says "edited"', async () => {
    const { reader, id } = await readerComments();
    const page = await reader.page(path());
    const item = elementHtml(page.html, new RegExp(`<li id="comment-${id}"`));
    assert.match(item, new RegExp(`<a class="edit-link" href="${path()}/comments/${id}/edit"`));
    const stranger = await new Client(app.url).page(path());
    assert.ok(commentIdsOnPage(stranger.html).includes(id));
    assert.doesNotMatch(stranger.html, /class="edit-link"/, 'nobody else gets the link');

    const form = await openEditForm(reader, id);
    assert.equal(form.status, 200);
    assert.match(form.html, /<textarea[^>]*name="body"[^>]*>The harbour wall needs mending\.<\/textarea>/);
    const response = await save(reader, id, { _csrf: form.csrf, body: 'The harbour wall needs mending *soon*.' });
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), `${path()}#comment-${id}`);

    const after = await new Client(app.url).page(path());
    const shown = elementHtml(after.html, new RegExp(`<li id="comment-${id}"`));
    assert.match(shown, /needs mending <em>soon<\/em>\./);
    assert.match(textOf(shown), /edited/);
    const stored = await row(id);
    assert.equal(stored.status, 'approved');
    assert.ok(stored.edited_at);
    const edits = await editsOf(id);
    assert.equal(edits.length, 1);
    assert.equal(edits[0]!.body_markdown, 'The harbour wall needs mending.');
    const api = (await (await fetch(`${app.url}/api/v1/articles/${article.id}/comments`)).json()) as {
      items: { id: number; editedAt: string | null }[];
    };
    assert.equal(api.items.find((c) => c.id === id)?.editedAt, stored.edited_at);
  });

  it('shows the moderator the earlier text', async () => {
    const { reader, id } = await readerComments('First words.');
    const form = await openEditForm(reader, id);
    await save(reader, id, { _csrf: form.csrf, body: 'Second words.' });
    const moderator = await loginAs(app, 'moderator');
    const queue = await moderator.client.page(`/admin/comments?status=approved&q=%23${id}`);
    const entry = elementHtml(queue.html, new RegExp(`<article id="c${id}"`));
    assert.match(textOf(entry), /Second words\./);
    assert.match(textOf(entry), /Edited .*1 earlier text .*First words\./);
  });

  it('an edit that adds links goes back to the moderators', async () => {
    const { reader, id } = await readerComments('No links here.');
    const before = await app.services.articles.liveFigures(article.id);
    const form = await openEditForm(reader, id);
    const response = await save(reader, id, {
      _csrf: form.csrf,
      body: 'Now see https://one.example and https://two.example please.',
    });
    assert.equal(response.status, 303);
    const stored = await row(id);
    assert.equal(stored.status, 'pending');
    assert.match(stored.held_reason ?? '', /link/i);
    assert.equal(
      (await app.services.articles.liveFigures(article.id)).commentCount,
      before.commentCount - 1,
      'no longer counted',
    );
    const stranger = await new Client(app.url).page(path());
    assert.ok(!commentIdsOnPage(stranger.html).includes(id), 'others no longer see it');
    const own = await reader.page(path());
    assert.match(elementHtml(own.html, new RegExp(`<li id="comment-${id}"`)), /awaiting moderation/);
  });

  it('an edit to a held comment goes through the moderation steps again', async () => {
    await app.services.settings.update({ commentPolicy: 'hold-all', blockedWords: ['casino'] });
    try {
      const { reader, id } = await readerComments('Waiting for approval.');
      assert.equal((await row(id)).status, 'pending');
      const form = await openEditForm(reader, id);
      assert.match(textOf(form.html), /still awaiting moderation/);
      await save(reader, id, { _csrf: form.csrf, body: 'Still waiting, and fixed a typo.' });
      assert.equal((await row(id)).status, 'pending');
      await save(reader, id, { _csrf: form.csrf, body: 'Visit my casino.' });
      const stored = await row(id);
      assert.equal(stored.status, 'spam');
      assert.match(stored.held_reason ?? '', /block/i);
    } finally {
      await app.services.settings.update({ commentPolicy: 'publish', blockedWords: [] });
    }
  });

  it("refuses someone else's edit with a 403 page and changes nothing", async () => {
    const { id } = await readerComments('Mine, not yours.');
    const other = new Client(app.url);
    const otherPage = await other.page(path());
    const form = await other.page(`${path()}/comments/${id}/edit`);
    assert.equal(form.status, 403);
    assert.match(textOf(form.html), /only edit your own comments/);
    const response = await save(other, id, { _csrf: otherPage.csrf, body: 'Hijacked.' });
    assert.equal(response.status, 403);
    const noCookie = await fetch(`${app.url}${path()}/comments/${id}/edit`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'body=Hijacked',
    });
    assert.equal(noCookie.status, 403);
    assert.equal((await row(id)).body_markdown, 'Mine, not yours.');
    assert.equal((await editsOf(id)).length, 0);
  });

  it('refuses an edit after the window with a 403 page, and the link goes away', async () => {
    const { reader, id } = await readerComments('Written a while ago.');
    const form = await openEditForm(reader, id);
    const past = new Date(Date.now() - 16 * 60_000).toISOString();
    await app.services.db.updateTable('comments').set({ created_at: past }).where('id', '=', id).execute();
    const late = await save(reader, id, { _csrf: form.csrf, body: 'Too late.' });
    assert.equal(late.status, 403);
    assert.match(textOf(await late.text()), /time for editing this comment has passed/);
    assert.equal((await openEditForm(reader, id)).status, 403);
    assert.equal((await row(id)).body_markdown, 'Written a while ago.');
    assert.doesNotMatch(
      elementHtml((await reader.page(path())).html, new RegExp(`<li id="comment-${id}"`)),
      /edit-link/,
    );
  });

  it('the window is a setting; 0 turns editing off', async () => {
    const { reader, id } = await readerComments('Settings decide.');
    await app.services.settings.update({ commentEditMinutes: 0 });
    try {
      assert.doesNotMatch((await reader.page(path())).html, /class="edit-link"/);
      assert.equal((await openEditForm(reader, id)).status, 403);
    } finally {
      await app.services.settings.update({ commentEditMinutes: 15 });
    }
  });

  it('bad input brings the form back with the message and the text, and saves nothing', async () => {
    const { reader, id } = await readerComments('Keep me.');
    const form = await openEditForm(reader, id);
    const empty = await save(reader, id, { _csrf: form.csrf, body: '   ' });
    assert.equal(empty.status, 400);
    const html = await empty.text();
    assert.match(html, /Please write a comment\./);
    assert.match(html, /aria-invalid="true"/);
    const script = await save(reader, id, { _csrf: form.csrf, body: 'hello <script>alert(1)</script>' });
    assert.equal(script.status, 422);
    const scriptHtml = await script.text();
    assert.match(scriptHtml, /hello &lt;script(&gt;|>)alert\(1\)&lt;\/script/, 'the text comes back, escaped');
    assert.doesNotMatch(scriptHtml, /<script>alert/);
    const noToken = await save(reader, id, { body: 'Without the form token.' });
    assert.equal(noToken.status, 403);
    assert.equal((await reader.request(`${path()}/comments/999999/edit`)).status, 404);
    assert.equal((await reader.request(`${path()}/comments/abc/edit`)).status, 400);
    assert.equal((await row(id)).body_markdown, 'Keep me.');
    assert.equal((await editsOf(id)).length, 0);
  });
});
