// The moderation queue in the admin area, through HTTP as a moderator's browser uses it: why a
// comment was held, single and bulk actions, replies as staff, search and filters, the audit
// log, and who may do any of it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { commentsCommand } from '../src/cli/comments.command.ts';
import type { CommentStatus } from '../src/features/comments/comment.table.ts';
import { commentIdsOnPage, postCommentJson } from './helpers/broadsheet.ts';
import { commentInput, createArticle } from './helpers/factories.ts';
import { loginAs } from './helpers/staff.ts';
import { Client, startTestApp, textOf, type TestApp } from './helpers/test-app.ts';

type Article = Awaited<ReturnType<typeof createArticle>>;
type Staff = Awaited<ReturnType<typeof loginAs>>;

describe('moderation queue (admin)', () => {
  let app: TestApp;
  let moderator: Staff;

  before(async () => {
    app = await startTestApp();
    moderator = await loginAs(app, 'moderator');
  });
  after(() => app.close());

  /** A reader posts through the site's own page (with its form token), as a browser would. */
  async function readerPosts(
    article: Article,
    input: Record<string, unknown> = {},
    reader = new Client(app.url),
  ): Promise<{ id: number; status: CommentStatus }> {
    const response = await postCommentJson(reader, article, commentInput(input));
    const text = await response.text();
    assert.equal(response.status, 201, text);
    return JSON.parse(text) as { id: number; status: CommentStatus };
  }

  async function statusOf(id: number): Promise<CommentStatus> {
    return (
      await app.services.db.selectFrom('comments').select('status').where('id', '=', id).executeTakeFirstOrThrow()
    ).status;
  }

  async function auditFor(subject: string) {
    return app.services.db.selectFrom('audit_log').selectAll().where('subject', '=', subject).orderBy('id').execute();
  }

  function act(staff: Staff, id: number, action: string, extra: Record<string, string> = {}) {
    return staff.client.request(`/admin/comments/${id}/status`, {
      method: 'POST',
      form: { _csrf: staff.csrf, action, return: '/admin/comments?status=pending', ...extra },
    });
  }

  function bulk(staff: Staff, ids: number[], action: string) {
    const body = new URLSearchParams({ _csrf: staff.csrf, action, return: '/admin/comments?status=pending' });
    for (const id of ids) body.append('ids', String(id));
    return staff.client.request('/admin/comments/bulk', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    });
  }

  /** The queue entry of one comment, as HTML. */
  function entry(html: string, id: number): string {
    const match = new RegExp(`<article id="c${id}"[\\s\\S]*?</article>`).exec(html);
    assert.ok(match, `comment ${id} is in the list`);
    return match[0];
  }

  it('shows a moderator the pending comments with author, e-mail, article and why each was held', async () => {
    const article = await createArticle(app.services, { title: 'Ferry timetable changes' });
    const held = await readerPosts(article, {
      authorName: 'Mara Quill',
      authorEmail: 'mara@example.org',
      body: 'The 7:15 ferry no longer stops at Pier 4.',
    });
    assert.equal(held.status, 'pending');

    const page = await moderator.client.page('/admin/comments');
    assert.equal(page.status, 200);
    assert.match(page.html, /<a[^>]*aria-current="page"[^>]*>Pending/);
    const item = textOf(entry(page.html, held.id));
    assert.match(item, /Mara Quill/);
    assert.match(item, /mara@example\.org/, 'staff see the e-mail address');
    assert.match(item, /Ferry timetable changes/);
    assert.match(item, /The 7:15 ferry no longer stops at Pier 4\./);
    assert.match(
      item,
      /Held because: It is the first comment from this person: the site holds a newcomer until a moderator approves one of their comments\./,
    );
    assert.doesNotMatch(item, /policy-first-time/, 'no internal step names');
    assert.match(
      page.html,
      /<script src="\/assets\/moderation\.[\w-]+\.js" defer>/,
      'the keyboard shortcuts script is loaded',
    );
    assert.match(textOf(page.html), /Keyboard shortcuts: j k x a s t u \?/, 'the shortcuts are stated on the page');
  });

  it('approving a first-time commenter publishes the comment and lets their next one through at once', async () => {
    const article = await createArticle(app.services);
    const reader = new Client(app.url);
    const first = await readerPosts(
      article,
      { authorEmail: 'newcomer@example.org', body: 'My first words here.' },
      reader,
    );
    assert.equal(first.status, 'pending');
    const second = await readerPosts(
      article,
      { authorEmail: 'newcomer@example.org', body: 'Still waiting, it seems.' },
      reader,
    );
    assert.equal(second.status, 'pending', 'held until one is approved');

    const response = await act(moderator, first.id, 'approve', { next: String(second.id) });
    assert.equal(response.status, 303);
    assert.equal(
      response.headers.get('location'),
      `/admin/comments?status=pending&done=approved&n=1#c${second.id}`,
      'back to the queue, at the next comment',
    );
    assert.equal(await statusOf(first.id), 'approved');
    const after = await moderator.client.page(response.headers.get('location')!);
    assert.match(textOf(after.html), /1 comment approved\./);

    const publicPage = await new Client(app.url).page(`/articles/${article.slug}`);
    assert.deepEqual(commentIdsOnPage(publicPage.html), [first.id], 'everyone sees the approved comment');

    const third = await readerPosts(
      article,
      { authorEmail: 'newcomer@example.org', body: 'Thanks for letting me in.' },
      reader,
    );
    assert.equal(third.status, 'approved', 'the next comment is published at once');
  });

  it('marks several comments as spam or trash at once, and restores them to pending', async () => {
    const article = await createArticle(app.services);
    const [a, b, c] = [await readerPosts(article), await readerPosts(article), await readerPosts(article)];

    const spam = await bulk(moderator, [a.id, b.id], 'spam');
    assert.equal(spam.status, 303);
    assert.match(spam.headers.get('location')!, /done=spam&n=2/);
    assert.deepEqual([await statusOf(a.id), await statusOf(b.id), await statusOf(c.id)], ['spam', 'spam', 'pending']);

    assert.equal((await bulk(moderator, [c.id], 'trash')).status, 303, 'one checkbox sends a single value');
    assert.equal(await statusOf(c.id), 'trash');

    const spamTab = await moderator.client.page(`/admin/comments?status=spam&article=${article.id}`);
    assert.match(textOf(spamTab.html), /Spam \(2\)/);
    assert.match(textOf(spamTab.html), /Trash \(1\)/);
    entry(spamTab.html, a.id);
    entry(spamTab.html, b.id);

    assert.equal((await bulk(moderator, [a.id, b.id, c.id], 'pending')).status, 303);
    assert.deepEqual(
      [await statusOf(a.id), await statusOf(b.id), await statusOf(c.id)],
      ['pending', 'pending', 'pending'],
    );

    const none = await bulk(moderator, [], 'approve');
    assert.equal(none.status, 400);
    assert.match(textOf(await none.text()), /Select at least one comment first\./);
  });

  it('publishes a staff reply under the comment on the article, approving a held parent', async () => {
    const article = await createArticle(app.services);
    const held = await readerPosts(article, {
      authorName: 'Ola Reader',
      body: 'The bridge figure in paragraph two is wrong.',
    });
    const reply = await moderator.client.request(`/admin/comments/${held.id}/reply`, {
      method: 'POST',
      form: {
        _csrf: moderator.csrf,
        body: 'Thank you, we have **corrected** it.',
        return: '/admin/comments?status=pending',
      },
    });
    assert.equal(reply.status, 303);
    const replyId = Number(/[?&]reply=(\d+)/.exec(reply.headers.get('location')!)?.[1]);
    assert.ok(replyId > held.id);

    const publicPage = await new Client(app.url).page(`/articles/${article.slug}`);
    assert.deepEqual(
      commentIdsOnPage(publicPage.html),
      [held.id, replyId],
      'the comment and the reply under it are public',
    );
    const replyHtml = /<li id="comment-\d+"[\s\S]*$/.exec(
      publicPage.html.slice(publicPage.html.indexOf(`id="comment-${replyId}"`) - 4),
    )![0];
    assert.match(textOf(replyHtml), new RegExp(`^${moderator.user.displayName}`), 'signed with the staff name');
    assert.match(publicPage.html, /Thank you, we have <strong>corrected<\/strong> it\./);
    assert.ok(!publicPage.html.includes(moderator.user.email), 'the staff e-mail is not published');
    assert.match(textOf(publicPage.html), /2 Comments/);

    const empty = await moderator.client.request(`/admin/comments/${replyId}/reply`, {
      method: 'POST',
      form: { _csrf: moderator.csrf, body: '   ', return: '/admin/comments?status=approved' },
    });
    assert.equal(empty.status, 400);
    const html = await empty.text();
    assert.match(
      html,
      new RegExp(
        `<textarea id="reply-${replyId}"[^>]*aria-invalid="true"[^>]*aria-describedby="reply-${replyId}-error"`,
      ),
    );
    assert.match(textOf(html), /Please write a comment\./);
    assert.equal(
      (await app.services.db.selectFrom('comments').select('id').where('parent_id', '=', replyId).execute()).length,
      0,
    );
  });

  it('finds comments by text, author name, e-mail or number, within a status and an article', async () => {
    const [north, south] = [
      await createArticle(app.services, { title: 'Northern line closure' }),
      await createArticle(app.services, { title: 'Southern rail strike' }),
    ];
    const x = await readerPosts(north, {
      authorName: 'Zebedee Marsh',
      authorEmail: 'zeb@marsh.example',
      body: 'Signals failed again at Camden.',
    });
    const y = await readerPosts(south, {
      authorName: 'Penny Lane',
      authorEmail: 'penny@lane.example',
      body: 'The 50% pay claim is fair.',
    });
    const z = await readerPosts(north, {
      authorName: 'Quentin Blake',
      authorEmail: 'qb@example.org',
      body: 'Camden again? Every week.',
    });
    await act(moderator, z.id, 'approve');

    const ids = (html: string) => [...html.matchAll(/<article id="c(\d+)"/g)].map((m) => Number(m[1]));
    assert.deepEqual(
      ids((await moderator.client.page('/admin/comments?q=camden')).html),
      [x.id],
      'pending only, by default',
    );
    assert.deepEqual(
      ids((await moderator.client.page('/admin/comments?status=all&q=CAMDEN')).html),
      [z.id, x.id],
      'any case, newest first',
    );
    assert.deepEqual(ids((await moderator.client.page('/admin/comments?q=zebedee')).html), [x.id], 'by author name');
    assert.deepEqual(ids((await moderator.client.page('/admin/comments?q=penny%40lane')).html), [y.id], 'by e-mail');
    assert.deepEqual(
      ids((await moderator.client.page(`/admin/comments?status=all&q=%23${z.id}`)).html),
      [z.id],
      'by number',
    );
    assert.deepEqual(
      ids((await moderator.client.page('/admin/comments?q=50%25')).html),
      [y.id],
      '% is literal text, not a wildcard',
    );
    assert.deepEqual(ids((await moderator.client.page('/admin/comments?q=5_%25')).html), [], '_ is literal text too');
    const approved = await moderator.client.page(`/admin/comments?status=approved&article=${north.id}`);
    assert.deepEqual(ids(approved.html), [z.id]);
    assert.match(
      textOf(approved.html),
      /Pending \(1\) Approved \(1\) Spam \(0\) Trash \(0\) All \(2\)/,
      'the tabs count what the filter matches',
    );
    assert.match(textOf(approved.html), /Only comments on Northern line closure ?\./);
    const unknown = await moderator.client.page('/admin/comments?article=99999');
    assert.equal(unknown.status, 200);
    assert.match(textOf(unknown.html), /There is no published article with that number/);
  });

  it('writes every moderation action to the audit log, shown to admins', async () => {
    const article = await createArticle(app.services);
    const one = await readerPosts(article);
    const two = await readerPosts(article);
    await act(moderator, one.id, 'approve');
    await bulk(moderator, [two.id], 'trash');
    // The command line records its actions too, as "cli".
    const log = console.log;
    console.log = () => {};
    try {
      assert.equal(await commentsCommand(app.services, ['pending', String(two.id)]), 0);
    } finally {
      console.log = log;
    }

    const [approved] = await auditFor(`comment:${one.id}`);
    assert.equal(approved?.action, 'comment.approved');
    assert.equal(approved?.actor, moderator.user.email);
    assert.equal(approved?.user_id, moderator.user.id);
    assert.deepEqual(JSON.parse(approved!.details), { from: 'pending', article: article.id });
    assert.deepEqual(
      (await auditFor(`comment:${two.id}`)).map((e) => [e.actor, e.action]),
      [
        [moderator.user.email, 'comment.trash'],
        ['cli', 'comment.pending'],
      ],
    );

    const admin = await loginAs(app, 'admin');
    const page = await admin.client.page('/admin/audit');
    assert.equal(page.status, 200);
    const text = textOf(page.html);
    const by = (
      await app.services.db
        .selectFrom('comments')
        .select('author_name')
        .where('id', '=', one.id)
        .executeTakeFirstOrThrow()
    ).author_name;
    assert.match(
      text,
      new RegExp(`${moderator.user.displayName} approved a comment by ${by} on ‘${article.title}’\\s?\\.`),
    );
    const byTwo = (
      await app.services.db
        .selectFrom('comments')
        .select('author_name')
        .where('id', '=', two.id)
        .executeTakeFirstOrThrow()
    ).author_name;
    assert.match(
      text,
      new RegExp(`${moderator.user.displayName} moved a comment by ${byTwo} on ‘${article.title}’ to the trash\\.`),
    );
    assert.match(text, /The command line returned a comment by .* to the queue\./);
    assert.match(
      page.html,
      new RegExp(`<a href="/admin/comments\\?status=all&amp;q=%23${one.id}">a comment</a>`),
      'the comment is linked',
    );
    assert.match(page.html, new RegExp(`<a href="/admin/articles/${article.id}/edit">‘`), 'and the article');
    assert.doesNotMatch(text, /comment:\d|user:\d|comment\.approved|comment\.trash/, 'no raw identifiers');
    assert.ok(
      text.indexOf('The command line') < text.indexOf(`${moderator.user.displayName} approved`),
      'newest first',
    );
  });

  it('shows the comment a reply answers, and the commenter’s history with a link listing it', async () => {
    const article = await createArticle(app.services, { title: 'Harbour wall repairs' });
    await app.services.settings.update({ commentPolicy: 'publish' });
    const reader = new Client(app.url);
    let parent: { id: number };
    try {
      parent = await readerPosts(article, {
        authorName: 'Ines Barlow',
        authorEmail: 'ines@example.org',
        body: 'The **north** wall was patched in 1998 and again in 2011.',
      });
    } finally {
      await app.services.settings.update({ commentPolicy: 'hold-all' });
    }
    const earlier = [
      await readerPosts(
        article,
        { authorName: 'Tom Reyes', authorEmail: 'tom@example.org', body: 'First thought.' },
        reader,
      ),
      await readerPosts(
        article,
        { authorName: 'Tom Reyes', authorEmail: 'tom@example.org', body: 'Second thought.' },
        reader,
      ),
      // Another e-mail address, but the same browser: the same commenter.
      await readerPosts(
        article,
        { authorName: 'T. Reyes', authorEmail: 'other@example.org', body: 'Third thought.' },
        reader,
      ),
    ];
    await act(moderator, earlier[0]!.id, 'approve');
    await act(moderator, earlier[1]!.id, 'spam');
    const reply = await readerPosts(
      article,
      { authorName: 'Tom Reyes', authorEmail: 'tom@example.org', body: 'It was 2012, surely.', parentId: parent.id },
      reader,
    );
    await app.services.settings.update({ commentPolicy: 'hold-first-time' });

    const page = await moderator.client.page(`/admin/comments?status=all&article=${article.id}`);
    const item = entry(page.html, reply.id);
    assert.match(
      textOf(item),
      /In reply to Ines Barlow \(\s?comment #\d+\s?\): The north wall was patched in 1998 and again in 2011\./,
    );
    assert.match(textOf(item), /3 other comments from this commenter: 1 approved, 1 waiting, 1 spam\./);
    const listed = /<a href="([^"]+)">See them/.exec(item)![1]!.replace(/&amp;/g, '&');
    assert.equal(listed, `/admin/comments?status=all&author=${reply.id}`);
    const theirs = await moderator.client.page(listed);
    assert.deepEqual(
      [...theirs.html.matchAll(/<article id="c(\d+)"/g)].map((m) => Number(m[1])).sort((a, b) => a - b),
      [...earlier.map((c) => c.id), reply.id].sort((a, b) => a - b),
      'every comment by the same e-mail or browser, and nobody else’s',
    );
    assert.match(textOf(theirs.html), /Only comments by Tom Reyes \(the same e-mail address or browser\)/);
    assert.match(textOf(entry(page.html, parent.id)), /No other comments from this commenter\./);
  });

  it(
    'lets a moderator correct a comment’s text: sanitised, shown on the site, the earlier text ' + 'kept and audited',
    async () => {
      const article = await createArticle(app.services);
      await app.services.settings.update({ commentPolicy: 'publish' });
      let comment: { id: number };
      try {
        comment = await readerPosts(article, { body: 'Call me on 555-0199 any time.' });
      } finally {
        await app.services.settings.update({ commentPolicy: 'hold-first-time' });
      }
      const edit = (body: string, staff = moderator, csrf = staff.csrf) =>
        staff.client.request(`/admin/comments/${comment.id}/edit`, {
          method: 'POST',
          form: { _csrf: csrf, body, return: '/admin/comments?status=approved' },
        });

      const empty = await edit('   ');
      assert.equal(empty.status, 400);
      assert.match(
        textOf(entry(await empty.text(), comment.id)),
        /Please write a comment\./,
        'the problem beside the text',
      );
      const script = await edit('Fine words <script>alert(1)</script>');
      assert.equal(script.status, 422, 'the same checks as a reader’s comment');
      assert.match(textOf(entry(await script.text(), comment.id)), /Comments cannot contain scripts/);
      assert.equal((await edit('[number removed]', moderator, 'forged')).status, 403);
      assert.equal(
        (
          await app.services.db
            .selectFrom('comments')
            .select('body_markdown')
            .where('id', '=', comment.id)
            .executeTakeFirstOrThrow()
        ).body_markdown,
        'Call me on 555-0199 any time.',
      );

      const saved = await edit('Call me any time. [number removed by a moderator] <img src=x onerror=alert(1)>');
      assert.equal(saved.status, 303);
      assert.equal(
        saved.headers.get('location'),
        `/admin/comments?status=approved&edited=${comment.id}#c${comment.id}`,
      );
      const publicPage = await new Client(app.url).page(`/articles/${article.slug}`);
      assert.match(publicPage.html, /Call me any time\. \[number removed by a moderator\]/);
      assert.doesNotMatch(publicPage.html, /555-0199|<img src=x/);

      const [audit] = await auditFor(`comment:${comment.id}`).then((rows) =>
        rows.filter((r) => r.action === 'comment.edit'),
      );
      assert.equal(audit?.actor, moderator.user.email);
      assert.equal(JSON.parse(audit!.details).previous, 'Call me on 555-0199 any time.');
      const queue = await moderator.client.page(`/admin/comments?status=approved&article=${article.id}`);
      assert.match(textOf(entry(queue.html, comment.id)), /Edited .*1 earlier text.*Call me on 555-0199 any time\./);
      const admin = await loginAs(app, 'admin');
      assert.match(
        textOf((await admin.client.page('/admin/audit')).html),
        new RegExp(
          `${moderator.user.displayName} edited the text of a comment by .* Earlier text Call me on 555-0199 ` +
            `any time\\.`,
        ),
      );
      const author = await loginAs(app, 'author');
      assert.equal((await edit('Mine now', author)).status, 403);
    },
  );

  describe('who may do what', () => {
    it('refuses the queue and its actions to authors, and settings and the audit log to moderators', async () => {
      const article = await createArticle(app.services);
      const held = await readerPosts(article);
      const author = await loginAs(app, 'author');
      assert.equal((await author.client.request('/admin/comments')).status, 403);
      assert.equal((await act(author, held.id, 'approve')).status, 403);
      assert.equal((await bulk(author, [held.id], 'spam')).status, 403);
      assert.equal(await statusOf(held.id), 'pending');

      assert.equal((await moderator.client.request('/admin/settings')).status, 403);
      assert.equal(
        (
          await moderator.client.request('/admin/settings', {
            method: 'POST',
            form: { _csrf: moderator.csrf, siteTitle: 'Taken over' },
          })
        ).status,
        403,
      );
      assert.equal((await moderator.client.request('/admin/audit')).status, 403);
      assert.equal(app.services.settings.get().siteTitle, 'Broadsheet');
    });

    it('refuses article editing to moderators', async (t) => {
      const status = (await moderator.client.request('/admin/articles/new')).status;
      if (status === 404) return t.skip('no article editor route yet');
      assert.equal(status, 403);
    });

    it('lets editors and admins moderate too', async () => {
      for (const role of ['editor', 'admin'] as const) {
        const { client } = await loginAs(app, role);
        assert.equal((await client.request('/admin/comments')).status, 200, role);
      }
    });

    it('sends anonymous visitors to the login form, and refuses their posts', async () => {
      const article = await createArticle(app.services);
      const held = await readerPosts(article);
      const anonymous = new Client(app.url);
      const page = await anonymous.request('/admin/comments?status=spam');
      assert.equal(page.status, 303);
      assert.equal(page.headers.get('location'), '/admin/login?next=%2Fadmin%2Fcomments%3Fstatus%3Dspam');
      const post = await anonymous.request(`/admin/comments/${held.id}/status`, {
        method: 'POST',
        form: { action: 'approve' },
      });
      assert.equal(post.status, 401);
      assert.equal(await statusOf(held.id), 'pending');
    });

    it('refuses a post without the CSRF token, changing nothing', async () => {
      const article = await createArticle(app.services);
      const held = await readerPosts(article);
      const noToken = await moderator.client.request(`/admin/comments/${held.id}/status`, {
        method: 'POST',
        form: { action: 'approve' },
      });
      assert.equal(noToken.status, 403);
      const wrongToken = await moderator.client.request('/admin/comments/bulk', {
        method: 'POST',
        form: { _csrf: 'forged', action: 'spam', ids: String(held.id) },
      });
      assert.equal(wrongToken.status, 403);
      const reply = await moderator.client.request(`/admin/comments/${held.id}/reply`, {
        method: 'POST',
        form: { body: 'Sneaky' },
      });
      assert.equal(reply.status, 403);
      assert.equal(await statusOf(held.id), 'pending');
      assert.equal((await auditFor(`comment:${held.id}`)).length, 0);
      assert.equal(
        (await app.services.db.selectFrom('comments').select('id').where('parent_id', '=', held.id).execute()).length,
        0,
      );
    });

    it('returns only to the queue after an action (no open redirect)', async () => {
      const article = await createArticle(app.services);
      const held = await readerPosts(article);
      const response = await act(moderator, held.id, 'trash', { return: 'https://evil.example/admin/comments' });
      assert.equal(response.status, 303);
      assert.equal(response.headers.get('location'), '/admin/comments?done=trash&n=1');
    });
  });
});
