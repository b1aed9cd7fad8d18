// Bans from the moderation queue — by e-mail, by address (its hash) or by reader cookie, with a
// reason and a length — refuse the banned reader's comments (form and API) with a message, are
// listed with who banned whom, why and until when, are audited, and never reach staff. The block
// lists of words and e-mails are kept by moderators.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  commentFormFields,
  expectJsonError,
  lastCommentId,
  postCommentJson,
  submitCommentForm,
} from './helpers/broadsheet.ts';
import { commentInput, createArticle } from './helpers/factories.ts';
import { loginAs } from './helpers/staff.ts';
import { Client, startTestApp, textOf, type TestApp } from './helpers/test-app.ts';

type Article = Awaited<ReturnType<typeof createArticle>>;
type Staff = Awaited<ReturnType<typeof loginAs>>;

describe('bans', () => {
  let app: TestApp;
  let article: Article;
  let moderator: Staff;

  before(async () => {
    app = await startTestApp({ settings: { commentPolicy: 'publish' } });
    article = await createArticle(app.services, { title: 'Council meeting' });
    moderator = await loginAs(app, 'moderator');
  });
  after(() => app.close());
  // Each test starts with nobody banned.
  beforeEach(async () => {
    await app.services.db.deleteFrom('bans').execute();
  });

  async function readerPosts(reader: Client, input: Record<string, unknown> = {}) {
    const response = await postCommentJson(reader, article, commentInput(input));
    return {
      status: response.status,
      body: (await response.json()) as { id: number; error?: string; message?: string },
    };
  }

  function ban(commentId: number, form: Record<string, string>, staff = moderator) {
    return staff.client.request(`/admin/comments/${commentId}/ban`, {
      method: 'POST',
      form: {
        _csrf: staff.csrf,
        return: '/admin/comments?status=approved',
        kind: 'email',
        reason: 'Abuse of other readers',
        duration: 'week',
        ...form,
      },
    });
  }

  const bansCount = async () =>
    Number(
      (
        await app.services.db
          .selectFrom('bans')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const commentsCount = async () =>
    Number(
      (
        await app.services.db
          .selectFrom('comments')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it(
    'a ban by e-mail refuses that address on the form and the API, with a message; the ban list and audit log ' +
      'show it',
    async () => {
      const troll = new Client(app.url);
      const first = await readerPosts(troll, { authorName: 'Troll', authorEmail: 'troll@example.org' });
      assert.equal(first.status, 201);

      const queue = await moderator.client.page('/admin/comments?status=approved');
      assert.match(
        queue.html,
        new RegExp(`action="/admin/comments/${first.body.id}/ban"`),
        'each comment in the queue has a ban form',
      );
      const response = await ban(first.body.id, { kind: 'email', reason: 'Insults', duration: 'week' });
      assert.equal(response.status, 303);
      assert.match(response.headers.get('location')!, /^\/admin\/comments\?status=approved&banned=\d+#c\d+$/);

      const before = await commentsCount();
      const again = await readerPosts(new Client(app.url), { authorName: 'Troll', authorEmail: 'TROLL@example.org' });
      assert.equal(again.status, 403);
      assert.equal(again.body.error, 'banned');
      assert.match(again.body.message!, /banned from commenting on this site until \d+ \w+ \d{4}/);
      const form = await submitCommentForm(new Client(app.url), `/articles/${article.slug}`, {
        authorName: 'Troll',
        authorEmail: 'troll@example.org',
        body: 'Let me in.',
      });
      assert.equal(form.status, 403);
      const formHtml = await form.text();
      assert.match(textOf(formHtml), /You have been banned from commenting on this site until/);
      assert.equal(commentFormFields(formHtml).body, 'Let me in.', 'the text is kept');
      assert.equal(await commentsCount(), before, 'nothing was written');
      assert.equal(
        (await readerPosts(new Client(app.url), { authorEmail: 'someone-else@example.org' })).status,
        201,
        'other addresses still comment',
      );

      const list = await moderator.client.page('/admin/bans');
      assert.equal(list.status, 200);
      const text = textOf(list.html);
      assert.match(text, /Troll <troll@example\.org>/);
      assert.match(text, new RegExp(`${moderator.user.email}`));
      assert.match(text, /Insults/);
      assert.match(text, /by e-mail address/);
      const [entry] = await app.services.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'ban.create')
        .execute();
      assert.equal(entry?.actor, moderator.user.email);
      assert.deepEqual(JSON.parse(entry!.details).reason, 'Insults');
    },
  );

  it('a ban by address refuses any e-mail from that address, and nobody sees the address', async () => {
    const first = await readerPosts(new Client(app.url), { authorName: 'Sock', authorEmail: 'sock1@example.org' });
    assert.equal((await ban(first.body.id, { kind: 'ip', reason: 'Sock puppets', duration: 'day' })).status, 303);
    const stored = await app.services.db.selectFrom('bans').selectAll().executeTakeFirstOrThrow();
    const comment = await app.services.db
      .selectFrom('comments')
      .select('ip_hash')
      .where('id', '=', first.body.id)
      .executeTakeFirstOrThrow();
    assert.equal(stored.value, comment.ip_hash, 'the hash is stored, not the address');
    const refused = await readerPosts(new Client(app.url), { authorEmail: 'sock2@example.org' });
    assert.equal(refused.status, 403);
    const list = await moderator.client.page('/admin/bans');
    assert.doesNotMatch(list.html, /127\.0\.0\.1/);
    assert.ok(!list.html.includes(comment.ip_hash), 'not even the hash is shown');
    assert.match(textOf(list.html), /by network address.*Sock puppets/s);
  });

  it('a ban by reader cookie refuses that browser whatever name it uses; lifting it lets them back', async () => {
    const browser = new Client(app.url);
    const first = await readerPosts(browser, { authorEmail: 'cookie1@example.org' });
    assert.equal((await ban(first.body.id, { kind: 'reader', reason: 'Spam runs', duration: 'forever' })).status, 303);
    assert.equal((await readerPosts(browser, { authorEmail: 'cookie2@example.org' })).status, 403);
    assert.match((await readerPosts(browser, { authorEmail: 'cookie3@example.org' })).body.message!, /for good/);
    assert.equal(
      (await readerPosts(new Client(app.url), { authorEmail: 'cookie4@example.org' })).status,
      201,
      'another browser may comment',
    );
    assert.match(textOf((await moderator.client.page('/admin/bans')).html), /Forever/);

    const { id } = await app.services.db.selectFrom('bans').select('id').executeTakeFirstOrThrow();
    const list = await moderator.client.page('/admin/bans');
    const lift = await moderator.client.request(`/admin/bans/${id}/lift`, {
      method: 'POST',
      form: { _csrf: list.csrf },
    });
    assert.equal(lift.status, 303);
    assert.equal((await readerPosts(browser, { authorEmail: 'cookie5@example.org' })).status, 201);
    assert.match(
      textOf((await moderator.client.page('/admin/bans')).html),
      new RegExp(`Lifted by ${moderator.user.email.replace('.', '\\.')}`),
    );
    assert.equal(
      (await app.services.db.selectFrom('audit_log').select('id').where('action', '=', 'ban.lift').execute()).length,
      1,
    );
  });

  it('a reader under two bans is told of the longer one, whichever was made first', async () => {
    const browser = new Client(app.url);
    const first = await readerPosts(browser, { authorEmail: 'twice@example.org' });
    await ban(first.body.id, { kind: 'reader', duration: 'forever' });
    await ban(first.body.id, { kind: 'email', duration: 'week' });
    assert.match((await readerPosts(browser, { authorEmail: 'twice@example.org' })).body.message!, /for good/);
    await app.services.db.deleteFrom('bans').execute();
    await ban(first.body.id, { kind: 'email', duration: 'day' });
    await ban(first.body.id, { kind: 'reader', duration: 'week' });
    const { message } = (await readerPosts(browser, { authorEmail: 'twice@example.org' })).body;
    const until = Date.parse(/until (.+)\.$/.exec(message!)![1]!);
    assert.ok(until - Date.now() > 3 * 86_400_000, `the week's ban, not the day's: ${message}`);
  });

  it('a ban ends when it expires', async () => {
    const first = await readerPosts(new Client(app.url), { authorEmail: 'brief@example.org' });
    await ban(first.body.id, { kind: 'email', duration: 'day' });
    assert.equal((await readerPosts(new Client(app.url), { authorEmail: 'brief@example.org' })).status, 403);
    await app.services.db
      .updateTable('bans')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .execute();
    assert.equal((await readerPosts(new Client(app.url), { authorEmail: 'brief@example.org' })).status, 201);
    assert.match(textOf((await moderator.client.page('/admin/bans')).html), /\(ended\)/);
  });

  it('a banned reader cannot edit their comment either', async () => {
    const browser = new Client(app.url);
    const response = await submitCommentForm(browser, `/articles/${article.slug}`, {
      authorName: 'Edith',
      authorEmail: 'edith@example.org',
      body: 'Before the ban.',
    });
    assert.equal(response.status, 303);
    const id = await lastCommentId(app.services);
    await ban(id, { kind: 'reader' });
    const form = await browser.page(`/articles/${article.slug}/comments/${id}/edit`);
    const save = await browser.request(`/articles/${article.slug}/comments/${id}/edit`, {
      method: 'POST',
      form: { _csrf: form.csrf, body: 'After the ban.' },
    });
    assert.equal(save.status, 403);
    assert.match(textOf(await save.text()), /banned/);
    const stored = await app.services.db
      .selectFrom('comments')
      .select('body_markdown')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(stored.body_markdown, 'Before the ban.');
  });

  it('refuses to ban a staff member, and says so', async () => {
    const reader = await readerPosts(new Client(app.url));
    const reply = await moderator.client.request(`/admin/comments/${reader.body.id}/reply`, {
      method: 'POST',
      form: { _csrf: moderator.csrf, body: 'Thanks, noted.', return: '/admin/comments?status=approved' },
    });
    const staffCommentId = Number(/reply=(\d+)/.exec(reply.headers.get('location')!)![1]);
    for (const kind of ['email', 'ip', 'reader']) {
      const response = await ban(staffCommentId, { kind });
      assert.equal(response.status, 409, kind);
      assert.match(textOf(await response.text()), /Staff members cannot be banned/);
    }
    const editor = await loginAs(app, 'editor');
    const posing = await readerPosts(new Client(app.url), { authorEmail: editor.user.email });
    assert.equal((await ban(posing.body.id, { kind: 'ip' })).status, 409, "a comment under a staff member's address");
    assert.equal(await bansCount(), 0);
  });

  it('bad ban input gets the queue back with the problem, and bans nobody', async () => {
    const { body } = await readerPosts(new Client(app.url));
    const cases: [Record<string, string>, number, RegExp][] = [
      [{ reason: '   ' }, 400, /Say why/],
      [{ reason: 'x'.repeat(301) }, 400, /under 300 characters/],
      [{ kind: 'shoe-size' }, 400, /what to ban by/],
      [{ duration: 'century' }, 400, /how long/],
    ];
    for (const [form, status, message] of cases) {
      const response = await ban(body.id, form);
      assert.equal(response.status, status, JSON.stringify(form));
      assert.match(textOf(await response.text()), message);
    }
    assert.equal((await ban(999_999, {})).status, 404);
    const imported = await app.services.comments.post(commentInput(), {
      articleId: article.id,
      readerId: null,
      ipHash: 'import',
      userAgent: '',
    });
    const noAddress = await ban(imported.id, { kind: 'ip' });
    assert.equal(noAddress.status, 422);
    assert.match(textOf(await noAddress.text()), /network address of this comment is not kept/);
    assert.equal((await ban(imported.id, { kind: 'reader' })).status, 422);
    const noCsrf = await moderator.client.request(`/admin/comments/${body.id}/ban`, {
      method: 'POST',
      form: { kind: 'email', reason: 'x', duration: 'day' },
    });
    assert.equal(noCsrf.status, 403);
    const author = await loginAs(app, 'author');
    assert.equal((await ban(body.id, {}, author)).status, 403, 'authors do not moderate');
    assert.equal((await author.client.request('/admin/bans')).status, 403);
    assert.equal(await bansCount(), 0);
  });

  it('moderators keep the block lists of words and e-mails; bad entries save nothing', async () => {
    const page = await moderator.client.page('/admin/blocking');
    assert.equal(page.status, 200);
    const save = await moderator.client.request('/admin/blocking', {
      method: 'POST',
      form: { _csrf: page.csrf, blockedEmails: '@spam.example\nbad@example.org', blockedWords: 'casino\ncheap pills' },
    });
    assert.equal(save.status, 303);
    assert.deepEqual(app.services.settings.get().blockedEmails, ['@spam.example', 'bad@example.org']);
    assert.deepEqual(app.services.settings.get().blockedWords, ['casino', 'cheap pills']);
    const spam = await readerPosts(new Client(app.url), { body: 'Try the casino tonight.' });
    assert.equal(spam.status, 201);
    const status = await app.services.db
      .selectFrom('comments')
      .select('status')
      .where('id', '=', spam.body.id)
      .executeTakeFirstOrThrow();
    assert.equal(status.status, 'spam');
    const [entry] = await app.services.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'settings.update')
      .where('actor', '=', moderator.user.email)
      .execute();
    assert.deepEqual(JSON.parse(entry!.details).changed.sort(), ['blockedEmails', 'blockedWords']);

    const bad = await moderator.client.request('/admin/blocking', {
      method: 'POST',
      form: { _csrf: page.csrf, blockedEmails: 'not an address', blockedWords: 'fine' },
    });
    assert.equal(bad.status, 400);
    assert.match(textOf(await bad.text()), /not an address/);
    assert.deepEqual(app.services.settings.get().blockedWords, ['casino', 'cheap pills'], 'nothing saved');
    const sneaky = await moderator.client.request('/admin/blocking', {
      method: 'POST',
      form: { _csrf: page.csrf, blockedEmails: '', blockedWords: '', siteTitle: 'Taken over' },
    });
    assert.equal(sneaky.status, 303);
    assert.equal(app.services.settings.get().siteTitle, 'Broadsheet', 'only the block lists are read');
    const author = await loginAs(app, 'author');
    assert.equal((await author.client.request('/admin/blocking')).status, 403);
  });
});

describe('a banned reader through the API only', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  it('gets a JSON 403 with the banned code', async () => {
    const article = await createArticle(app.services);
    const now = new Date().toISOString();
    await app.services.db
      .insertInto('bans')
      .values({
        kind: 'email',
        value: 'api@example.org',
        reason: 'test',
        subject_name: 'Api',
        comment_id: null,
        created_by: 'cli',
        created_at: now,
        expires_at: null,
        lifted_by: null,
        lifted_at: null,
      })
      .execute();
    const response = await fetch(`${app.url}/api/v1/articles/${article.id}/comments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(commentInput({ authorEmail: 'api@example.org' })),
    });
    await expectJsonError(response, 403, 'banned');
  });
});
