// Comments: moderation policy, threading, privacy of the e-mail address, the author's view of
// their held comment, and the comment form without JavaScript.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { CommentPolicy } from '../src/features/settings/settings.service.ts';
import { CLI_ACTOR } from '../src/features/audit/audit.service.ts';
import { Client, startTestApp, textOf, type TestApp } from './helpers/test-app.ts';
import { commentInput, createArticle } from './helpers/factories.ts';
import {
  commentIdsOnPage,
  commentTextarea,
  countRows,
  elementHtml,
  expectJsonError,
  inputValue,
  postCommentJson,
  postJson,
  submitCommentForm,
} from './helpers/broadsheet.ts';

interface ApiComment {
  id: number;
  parentId: number | null;
  authorName: string;
  bodyHtml: string;
  replies: ApiComment[];
}

type Article = Awaited<ReturnType<typeof createArticle>>;

/** The comment form's status line: what it says about the last post. */
const formStatus = (html: string) =>
  /<div class="form-status[^"]*"[^>]*data-form-status[^>]*>([\s\S]*?)<\/div>/.exec(html)?.[1] ?? '';

describe('comments', () => {
  let app: TestApp;
  let article: Article;
  const path = () => `/api/v1/articles/${article.id}/comments`;
  const page = () => `/articles/${article.slug}`;

  /** A reader posts from the article page, as the page's own script does (JSON, with the form's token). */
  async function post(client: Client, input: Record<string, unknown>): Promise<{ id: number; status: string }> {
    const response = await postCommentJson(client, article, input);
    const text = await response.text();
    assert.equal(response.status, 201, text);
    const body = JSON.parse(text) as { id: number; status: string };
    assert.deepEqual(Object.keys(body).sort(), ['id', 'status']);
    assert.equal(typeof body.id, 'number');
    return body;
  }

  async function publicThread(order?: 'newest'): Promise<{ raw: string; items: ApiComment[] }> {
    const response = await fetch(`${app.url}${path()}${order ? `?order=${order}` : ''}`);
    assert.equal(response.status, 200);
    const raw = await response.text();
    return { raw, items: (JSON.parse(raw) as { items: ApiComment[] }).items };
  }

  const allIds = (items: ApiComment[]): number[] => items.flatMap((c) => [c.id, ...allIds(c.replies)]);

  async function setPolicy(commentPolicy: CommentPolicy) {
    await app.services.settings.update({ commentPolicy });
  }

  before(async () => {
    // Tests post within milliseconds of loading the page; people take longer than the spam check's minimum.
    app = await startTestApp({ settings: { minFormSeconds: 0 } });
  });
  beforeEach(async () => {
    await setPolicy('hold-first-time');
    article = await createArticle(app.services);
  });
  after(() => app.close());

  it('holds a first-time commenter by default, and publishes their next comment once one is approved', async () => {
    const reader = new Client(app.url);
    const first = await post(
      reader,
      commentInput({ authorName: 'Ann Other', authorEmail: 'ann@example.org', body: 'First!' }),
    );
    assert.equal(first.status, 'pending');
    assert.deepEqual((await publicThread()).items, []);
    assert.doesNotMatch(textOf((await new Client(app.url).page(page())).html), /First!/);

    assert.equal(await app.services.comments.setStatus([first.id], 'approved'), 1);
    const thread = await publicThread();
    assert.deepEqual(allIds(thread.items), [first.id]);

    // The same reader with the same address (in any case): published at once.
    const second = await post(
      reader,
      commentInput({ authorName: 'Ann Other', authorEmail: 'ANN@Example.org', body: 'Second' }),
    );
    assert.equal(second.status, 'approved');
    assert.deepEqual(allIds((await publicThread()).items), [first.id, second.id]);
    const html = (await new Client(app.url).page(page())).html;
    assert.match(textOf(html), /First!.*Second/);
    assert.match(textOf(html), /2 Comments/);

    const apiArticle = (await (await fetch(`${app.url}/api/v1/articles/${article.id}`)).json()) as {
      commentCount: number;
    };
    assert.equal(apiArticle.commentCount, 2);

    // A different address is still a first-timer.
    const stranger = await post(new Client(app.url), commentInput({ authorEmail: 'someone-else@example.org' }));
    assert.equal(stranger.status, 'pending');
  });

  it('a comment published as it is posted is announced with the shape it is read back with', async () => {
    await setPolicy('publish');
    const announced: Promise<unknown>[] = [];
    // The live feed asks for the comment while the event is emitted (features/live/live-feed.ts).
    const off = app.services.events.on('comment.published', ({ commentId }) => {
      announced.push(app.services.comments.findPublished(commentId));
    });
    try {
      const first = await app.services.comments.post(
        commentInput({ authorUrl: 'https://example.org/me', body: 'Announced *at once*, https://example.org/link' }),
        { articleId: article.id, readerId: 'reader-announced', ipHash: 'ip-announced', userAgent: 'test' },
      );
      const reply = await app.services.comments.post(commentInput({ parentId: first.id }), {
        articleId: article.id,
        readerId: null,
        ipHash: 'ip-announced',
        userAgent: 'test',
      });
      assert.equal(announced.length, 2);
      assert.deepEqual(await announced[0], await app.services.comments.findPublished(first.id));
      assert.deepEqual(await announced[1], await app.services.comments.findPublished(reply.id));
      assert.equal(((await announced[1]) as { parentId: number }).parentId, first.id);
    } finally {
      off();
    }
  });

  it('"hold-all" holds everyone, even an approved author', async () => {
    const known = await post(new Client(app.url), commentInput({ authorEmail: 'known@example.org' }));
    await app.services.comments.setStatus([known.id], 'approved');
    await setPolicy('hold-all');
    const again = await post(
      new Client(app.url),
      commentInput({ authorEmail: 'known@example.org', body: 'Held anyway' }),
    );
    assert.equal(again.status, 'pending');
    assert.deepEqual(allIds((await publicThread()).items), [known.id]);
  });

  it('"publish" publishes a first-time commenter at once', async () => {
    await setPolicy('publish');
    const posted = await post(
      new Client(app.url),
      commentInput({ authorEmail: 'brand-new@example.org', body: 'Straight out' }),
    );
    assert.equal(posted.status, 'approved');
    assert.deepEqual(allIds((await publicThread()).items), [posted.id]);
    assert.match(textOf((await new Client(app.url).page(page())).html), /Straight out/);
  });

  it('a reply nests under its parent', async () => {
    await setPolicy('publish');
    const reader = new Client(app.url);
    const parent = await post(reader, commentInput({ body: 'Parent' }));
    const sibling = await post(reader, commentInput({ body: 'Sibling' }));
    const reply = await post(reader, commentInput({ body: 'Reply', parentId: parent.id }));
    const replyToReply = await post(reader, commentInput({ body: 'Reply to reply', parentId: reply.id }));
    const { items } = await publicThread();
    assert.deepEqual(
      items.map((c) => c.id),
      [parent.id, sibling.id],
    );
    const top = items[0]!;
    assert.equal(top.parentId, null);
    assert.deepEqual(
      top.replies.map((c) => c.id),
      [reply.id],
    );
    assert.equal(top.replies[0]!.parentId, parent.id);
    assert.deepEqual(
      top.replies[0]!.replies.map((c) => c.id),
      [replyToReply.id],
    );
    assert.deepEqual(items[1]!.replies, []);

    // On the page the reply is inside its parent's list item.
    const html = (await new Client(app.url).page(page())).html;
    const parentItem = elementHtml(html, new RegExp(`<li id="comment-${parent.id}"`));
    assert.match(parentItem, new RegExp(`<li id="comment-${reply.id}"`));
    assert.match(parentItem, new RegExp(`<li id="comment-${replyToReply.id}"`));
    assert.doesNotMatch(parentItem, new RegExp(`<li id="comment-${sibling.id}"`));
  });

  it('never shows the e-mail address in any public answer', async () => {
    await setPolicy('publish');
    const email = 'very.private.person@example.org';
    const author = new Client(app.url);
    const top = await post(
      author,
      commentInput({
        authorName: 'Private Person',
        authorEmail: email,
        authorUrl: 'https://example.org/me',
        body: 'My view',
      }),
    );
    await post(
      author,
      commentInput({ authorName: 'Private Person', authorEmail: email, body: 'My reply', parentId: top.id }),
    );
    await setPolicy('hold-all');
    await post(author, commentInput({ authorName: 'Private Person', authorEmail: email, body: 'My held comment' }));

    const needles = [email, 'very.private.person', encodeURIComponent(email)];
    const answers: Record<string, string> = {
      'GET comments (oldest)': (await publicThread()).raw,
      'GET comments (newest)': (await publicThread('newest')).raw,
      'GET article': await (await fetch(`${app.url}/api/v1/articles/${article.id}`)).text(),
      'GET article by slug': await (await fetch(`${app.url}/api/v1/articles/${article.slug}`)).text(),
      'GET articles': await (await fetch(`${app.url}/api/v1/articles`)).text(),
      'page for another reader': (await new Client(app.url).page(page())).html,
      'page for the author (with their held comment)': (await author.page(page())).html,
      'page, newest first': (await new Client(app.url).page(`${page()}?order=newest`)).html,
      'front page': await (await fetch(`${app.url}/`)).text(),
    };
    assert.match(answers['GET comments (oldest)']!, /Private Person/, 'the comments are there');
    assert.match(answers['page for the author (with their held comment)']!, /My held comment/);
    for (const [where, text] of Object.entries(answers)) {
      for (const needle of needles)
        assert.ok(!text.toLowerCase().includes(needle.toLowerCase()), `${where} contains the e-mail`);
    }
  });

  it('shows a held comment to its author, marked awaiting moderation, and to nobody else', async () => {
    const author = new Client(app.url);
    await author.page(page());
    const held = await post(author, commentInput({ authorName: 'Held Author', body: 'Please approve me' }));
    assert.equal(held.status, 'pending');

    const own = await author.page(page());
    const item = elementHtml(own.html, new RegExp(`<li id="comment-${held.id}"`));
    assert.match(textOf(item), /Held Author/);
    assert.match(textOf(item), /Your comment is awaiting moderation\./);
    assert.match(textOf(item), /Please approve me/);

    for (const other of [new Client(app.url), new Client(app.url)]) {
      // a known reader, with something of their own here
      await other.request(`${page()}/rating`, { method: 'POST', form: { value: '60' } });
      const { html } = await other.page(page());
      assert.doesNotMatch(textOf(html), /Please approve me|awaiting moderation/);
      assert.ok(!commentIdsOnPage(html).includes(held.id));
    }

    // Once approved everyone sees it, and it is no longer marked.
    await app.services.comments.setStatus([held.id], 'approved');
    const { html } = await new Client(app.url).page(page());
    assert.match(textOf(html), /Please approve me/);
    assert.doesNotMatch(textOf((await author.page(page())).html), /awaiting moderation/);
  });

  it('a comment sent to spam or trash disappears from the page and the API', async () => {
    await setPolicy('publish');
    const a = await post(new Client(app.url), commentInput({ body: 'Buy cheap watches' }));
    const b = await post(new Client(app.url), commentInput({ body: 'Rude words' }));
    assert.match(textOf((await new Client(app.url).page(page())).html), /Buy cheap watches/);
    await app.services.comments.setStatus([a.id], 'spam');
    await app.services.comments.setStatus([b.id], 'trash');
    assert.deepEqual((await publicThread()).items, []);
    const text = textOf((await new Client(app.url).page(page())).html);
    assert.doesNotMatch(text, /Buy cheap watches|Rude words/);
    assert.match(text, /No comments yet/);
  });
});

describe('comment form without JavaScript', () => {
  let app: TestApp;
  let article: Article;
  const page = () => `/articles/${article.slug}`;

  before(async () => {
    app = await startTestApp({ settings: { minFormSeconds: 0 } });
    article = await createArticle(app.services);
  });
  after(() => app.close());

  it('shows the form with its note about the e-mail address', async () => {
    const { html } = await new Client(app.url).page(page());
    assert.match(html, /name="formToken" value="s\d+\./, 'the shared page carries its shared form token');
    const form = textOf(elementHtml(html, /<div id="respond"/));
    assert.match(form, /Leave your comment/);
    assert.ok(form.includes('Your email address will not be published. Required fields are marked *'), form);
    assert.match(html, /<form[^>]*method="post"[^>]*action="\/articles\/[^"]+\/comments#respond"/);
  });

  it('an empty form comes back with an error beside each field, and nothing is written', async () => {
    const reader = new Client(app.url);
    const response = await submitCommentForm(reader, page(), {
      authorName: '',
      authorEmail: '',
      authorUrl: '',
      body: '',
    });
    assert.equal(response.status, 400);
    assert.match(response.headers.get('content-type') ?? '', /text\/html/);
    const html = await response.text();
    // each message sits next to its field, and the field points at it
    assert.match(html, /id="body-error"[^>]*>Please write a comment\.</);
    assert.match(html, /id="authorName-error"[^>]*>Please enter your name\.</);
    assert.match(html, /id="authorEmail-error"[^>]*>Please enter your e-mail address; it will not be published\.</);
    assert.match(html, /<textarea[^>]*name="body"[^>]*aria-describedby="body-error"/);
    assert.match(textOf(html), /Please correct 3 fields below/);
    assert.equal(await countRows(app.services, 'comments'), 0);
  });

  it('keeps what the reader wrote when a field is missing', async () => {
    const reader = new Client(app.url);
    const text = 'A long considered comment about the harbour & its <future>.';
    const response = await submitCommentForm(reader, page(), {
      authorName: '',
      authorEmail: 'kept@example.org',
      authorUrl: 'example.org/kept',
      body: text,
    });
    assert.equal(response.status, 400);
    const html = await response.text();
    assert.equal(textOf(commentTextarea(html)), text);
    assert.equal(inputValue(html, 'authorEmail'), 'kept@example.org');
    assert.equal(inputValue(html, 'authorUrl'), 'example.org/kept');
    assert.equal(inputValue(html, 'authorName'), '');
    assert.match(html, /id="authorName-error"[^>]*>Please enter your name\./);
    assert.doesNotMatch(html, /id="body-error"/);
    assert.match(html, /id="comment-name"[^>]*aria-invalid="true"/);
    assert.equal(await countRows(app.services, 'comments'), 0);
  });

  it('a malformed e-mail address comes back with its error', async () => {
    const reader = new Client(app.url);
    const response = await submitCommentForm(reader, page(), {
      authorName: 'Ann',
      authorEmail: 'ann-at-example',
      body: 'Hello',
    });
    assert.equal(response.status, 400);
    const html = await response.text();
    assert.match(html, /id="authorEmail-error"[^>]*>That does not look like an e-mail address\./);
    assert.equal(textOf(commentTextarea(html)), 'Hello');
  });

  it('a valid comment leads back to the form, which tells its author it awaits moderation', async () => {
    const reader = new Client(app.url);
    const response = await submitCommentForm(reader, page(), {
      authorName: 'Form Poster',
      authorEmail: 'form@example.org',
      body: 'Posted **without** script',
    });
    assert.equal(response.status, 303);
    const location = response.headers.get('location') ?? '';
    assert.equal(location, `${page()}?posted=held#respond`, 'to the form, which is on every page');
    assert.equal(await countRows(app.services, 'comments'), 1);
    const { html } = await reader.page(location.replace(/#.*/, ''));
    assert.equal(textOf(formStatus(html)), 'Thank you. Your comment is awaiting moderation.');
    const [id] = commentIdsOnPage(html);
    const item = elementHtml(html, new RegExp(`<li id="comment-${id}"`));
    assert.match(textOf(item), /Your comment is awaiting moderation\./);
    assert.match(item, /Posted <strong>without<\/strong> script/);
  });

  describe('what the form says became of a comment, without JavaScript', () => {
    const formStatusAfter = async (reader: Client, typed: Record<string, string>) => {
      const response = await submitCommentForm(reader, page(), typed);
      assert.equal(response.status, 303);
      const location = response.headers.get('location')!;
      assert.match(location, /#respond$/, 'lands at the form');
      const landed = await reader.request(location.replace(/#.*/, ''));
      assert.equal(landed.headers.get('cache-control'), 'private, no-cache', 'the message is for this reader alone');
      return { location, status: textOf(formStatus(await landed.text())) };
    };

    it('a published comment: "published"', async () => {
      await app.services.settings.update({ commentPolicy: 'publish' });
      try {
        const reader = new Client(app.url);
        const { location, status } = await formStatusAfter(reader, {
          authorName: 'Pat',
          authorEmail: 'pat@example.org',
          body: 'Published at once.',
        });
        assert.equal(location, `${page()}?posted=published#respond`);
        assert.equal(status, 'Thank you. Your comment is published.');
      } finally {
        await app.services.settings.update({ commentPolicy: 'hold-first-time' });
      }
    });

    it('a comment the spam defence holds: "awaiting moderation", like any held one, never "published"', async () => {
      await app.services.settings.update({ commentPolicy: 'publish' });
      try {
        const reader = new Client(app.url);
        const typed = { authorName: 'Sam', authorEmail: 'sam@example.org', body: 'Saying the very same thing twice.' };
        const first = await formStatusAfter(reader, typed);
        assert.equal(first.status, 'Thank you. Your comment is published.');
        // The same text again from the same author: the duplicate rule marks it spam.
        const second = await formStatusAfter(reader, typed);
        const rows = await app.services.comments.listForModeration({ status: 'spam' });
        const spam = rows.find((row) => row.authorEmail === 'sam@example.org');
        assert.ok(spam, 'the second one is held as spam');
        assert.equal(
          second.location,
          `${page()}?posted=held#respond`,
          'the address does not tell spam from moderation either',
        );
        assert.equal(second.status, 'Thank you. Your comment is awaiting moderation.');
        const { html } = await reader.page(page());
        assert.doesNotMatch(
          html,
          new RegExp(`id="comment-${spam.id}"`),
          'not on the page: hence the landing at the form',
        );
      } finally {
        await app.services.settings.update({ commentPolicy: 'hold-first-time' });
      }
    });

    it('a refused comment: the reason, at the form', async () => {
      const reader = new Client(app.url);
      const typed = { authorName: 'Rex', authorEmail: 'rex@example.org', body: 'First words.' };
      await formStatusAfter(reader, typed);
      const [mine] = await app.services.comments
        .listForModeration({ status: 'pending' })
        .then((rows) => rows.filter((row) => row.authorEmail === 'rex@example.org'));
      await app.services.bans.banFromComment(
        { commentId: mine!.id, kind: 'email', reason: 'Abuse', duration: 'day' },
        CLI_ACTOR,
      );
      const response = await submitCommentForm(reader, page(), { ...typed, body: 'Second words.' });
      assert.equal(response.status, 403);
      assert.match(
        textOf(formStatus(await response.text())),
        /^You have been banned from commenting on this site until /,
      );
    });

    it('a shared link with ?posted= shows others the shared page, with no message', async () => {
      const stranger = new Client(app.url);
      const response = await stranger.request(`${page()}?posted=held`);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('cache-control') ?? '', /^public/);
      assert.equal(textOf(formStatus(await response.text())), '');
    });
  });

  it("the form's address answers a reload: GET /articles/:slug/comments and /rating lead to the article", async () => {
    const reader = new Client(app.url);
    const sent = await submitCommentForm(reader, page(), {
      authorName: 'Ann',
      authorEmail: 'ann-at-example',
      body: 'Hello',
    });
    assert.equal(sent.status, 400, 'the form came back with errors at the address it was posted to');
    for (const [from, to] of [
      [`${page()}/comments`, page()],
      [`${page()}/comments?replyto=5`, `${page()}?replyto=5`],
      [`${page()}/rating`, page()],
    ]) {
      const response = await reader.request(from!);
      assert.equal(response.status, 303, from);
      assert.equal(response.headers.get('location'), to);
    }
  });

  it('a reply through the form goes under its parent', async () => {
    await app.services.settings.update({ commentPolicy: 'publish' });
    try {
      const reader = new Client(app.url);
      const parent = await app.services.comments.post(commentInput({ authorName: 'Parent Poster' }), {
        articleId: article.id,
        readerId: null,
        ipHash: 'x',
        userAgent: 'test',
      });
      const { html } = await reader.page(`${page()}?replyto=${parent.id}`);
      assert.match(textOf(html), /Reply to Parent Poster/);
      assert.equal(inputValue(html, 'parentId'), String(parent.id));
      const response = await submitCommentForm(reader, `${page()}?replyto=${parent.id}`, {
        authorName: 'Replier',
        authorEmail: 'replier@example.org',
        body: 'A reply',
      });
      assert.equal(response.status, 303);
      assert.equal(response.headers.get('location'), `${page()}?posted=published#respond`);
      const after = (await new Client(app.url).page(page())).html;
      const id = Math.max(...commentIdsOnPage(after));
      assert.match(
        elementHtml(after, new RegExp(`<li id="comment-${parent.id}"`)),
        new RegExp(`<li id="comment-${id}"`),
      );
    } finally {
      await app.services.settings.update({ commentPolicy: 'hold-first-time' });
    }
  });

  it('a reply to a comment that cannot be replied to comes back with the error', async () => {
    const reader = new Client(app.url);
    const before = await countRows(app.services, 'comments');
    const response = await submitCommentForm(reader, page(), {
      authorName: 'Ann',
      authorEmail: 'ann@example.org',
      body: 'Orphan reply',
      parentId: '987654',
    });
    assert.equal(response.status, 422);
    const html = await response.text();
    assert.match(textOf(html), /You can only reply to a published comment on this article/);
    assert.equal(textOf(commentTextarea(html)), 'Orphan reply');
    assert.equal(await countRows(app.services, 'comments'), before);
  });

  it('the JSON API refuses a comment on a closed thread', async () => {
    await app.services.db.updateTable('articles').set({ comments_open: 0 }).where('id', '=', article.id).execute();
    try {
      const before = await countRows(app.services, 'comments');
      await expectJsonError(
        await postJson(new Client(app.url), `/api/v1/articles/${article.id}/comments`, commentInput()),
        409,
        'comments_closed',
      );
      assert.equal(await countRows(app.services, 'comments'), before);
    } finally {
      await app.services.db.updateTable('articles').set({ comments_open: 1 }).where('id', '=', article.id).execute();
    }
  });
});
