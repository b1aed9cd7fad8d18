// Reply notifications: the checkbox (form and API), double opt-in, one mail per confirmed
// follower per published reply, and RFC 8058 one-click unsubscribe — against a real SMTP server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CLI_ACTOR } from '../src/features/audit/audit.service.ts';
import { isAddressConfirmed } from '../src/features/notifications/notification-addresses.ts';
import { commentInput, createArticle } from './helpers/factories.ts';
import { postCommentJson } from './helpers/broadsheet.ts';
import { startMailSite, type MailSite } from './helpers/mail-site.ts';
import type { ReceivedMail } from './helpers/smtp.ts';
import { Client, startTestApp, textOf, type TestApp } from './helpers/test-app.ts';

describe('reply notifications', () => {
  let site: MailSite;
  let app: TestApp;
  let article: MailSite['article'];

  before(async () => {
    site = await startMailSite('Bridges & tunnels');
    ({ app, article } = site);
  });
  after(() => site.close());

  const deliver = () => site.deliver();
  const postForm = (client: Client, fields: Record<string, unknown>) => site.postForm(client, fields);

  const linkIn = (mail: ReceivedMail, kind: string) =>
    new RegExp(`https://news\\.example\\.org(/mail/${kind}/[0-9]+\\.[A-Za-z0-9_-]+)`).exec(mail.text)![1]!;

  test('double opt-in, one mail per published reply, one-click unsubscribe', async () => {
    const alice = new Client(app.url);
    const bob = new Client(app.url);
    const form = (await alice.page(`/articles/${article.slug}`)).html;
    assert.match(form, /name="notifyReplies"/);
    assert.match(textOf(form), /E-mail me when someone replies/);
    assert.match(form, /href="\/privacy"/);

    // Alice ticks the box (no JavaScript): one confirmation mail.
    const first = await postForm(alice, {
      ...commentInput({ authorName: 'Alice', authorEmail: 'Alice@Example.org' }),
      notifyReplies: 'on',
    } as Record<string, string>);
    const [confirmation, ...others] = await deliver();
    assert.equal(others.length, 0);
    assert.deepEqual(confirmation!.to, ['alice@example.org']);
    assert.equal(confirmation!.headers.get('auto-submitted'), 'auto-generated');
    assert.ok(!confirmation!.raw.includes('List-Unsubscribe-Post'));
    // Opting in again (API, notifyReplies: true) sends nothing more.
    const second = await postCommentJson(alice, article, {
      ...commentInput({ authorName: 'Alice', authorEmail: 'alice@example.org' }),
      notifyReplies: true,
    });
    assert.equal(second.status, 201);
    assert.deepEqual(await deliver(), []);

    // Until she confirms, a reply sends her nothing.
    await postForm(
      bob,
      commentInput({ authorName: 'Bob', authorEmail: 'bob@example.org', parentId: String(first) }) as Record<
        string,
        string
      >,
    );
    assert.deepEqual(await deliver(), []);

    // The link opens a page with a button; the GET changes nothing (mail scanners follow links).
    const confirmPath = linkIn(confirmation!, 'confirm');
    assert.ok(!confirmation!.text.includes('alice@example.org') || !confirmPath.includes('alice'));
    const page = await fetch(app.url + confirmPath);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<button type="submit">Confirm<\/button>/);
    assert.equal(await isAddressConfirmed(app.services.db, 'alice@example.org'), false);
    const confirmed = await fetch(app.url + confirmPath, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    assert.equal(confirmed.status, 200);
    assert.equal(await isAddressConfirmed(app.services.db, 'ALICE@example.org'), true);

    // Now a published reply sends her one mail, with the reply, a link and the unsubscribe headers.
    const reply = await postForm(
      bob,
      commentInput({
        authorName: 'Bob',
        authorEmail: 'bob@example.org',
        body: 'I disagree, <b>politely</b>.',
        parentId: String(first),
      }) as Record<string, string>,
    );
    const [notice, ...more] = await deliver();
    assert.equal(more.length, 0);
    assert.deepEqual(notice!.to, ['alice@example.org']);
    assert.match(notice!.headers.get('subject')!, /Bob replied to your comment on "Bridges & tunnels"/);
    assert.match(notice!.text, /I disagree, <b>politely<\/b>\./);
    assert.match(notice!.html, /I disagree, &lt;b>politely&lt;\/b>\./);
    assert.match(notice!.text, new RegExp(`https://news\\.example\\.org/articles/${article.slug}/comments/${reply}`));
    const unsubscribeUrl = /^<(https:\/\/news\.example\.org\/mail\/unsubscribe\/[^>]+)>$/.exec(
      notice!.headers.get('list-unsubscribe')!,
    )![1]!;
    assert.equal(notice!.headers.get('list-unsubscribe-post'), 'List-Unsubscribe=One-Click');
    assert.match(notice!.headers.get('list-id')!, /<replies\.news\.example\.org>/);
    assert.equal(notice!.headers.get('auto-submitted'), 'auto-generated');
    assert.ok(!unsubscribeUrl.includes('alice'));

    // Her own reply to her comment sends nothing.
    await postForm(
      alice,
      commentInput({ authorName: 'Alice', authorEmail: 'alice@example.org', parentId: String(first) }) as Record<
        string,
        string
      >,
    );
    assert.deepEqual(await deliver(), []);

    // A held reply sends nothing until a moderator approves it; approving it again sends nothing more.
    await app.services.settings.update({ commentPolicy: 'hold-all' });
    const held = await postForm(
      bob,
      commentInput({ authorName: 'Bob', authorEmail: 'bob@example.org', parentId: String(first) }) as Record<
        string,
        string
      >,
    );
    assert.deepEqual(await deliver(), []);
    await app.services.comments.setStatus([held], 'approved', CLI_ACTOR);
    assert.equal((await deliver()).length, 1);
    await app.services.comments.setStatus([held], 'pending', CLI_ACTOR);
    await app.services.comments.setStatus([held], 'approved', CLI_ACTOR);
    assert.deepEqual(await deliver(), []);
    // A spam reply sends nothing, even approved later… only once: the approval is a publication.
    const spam = await postForm(
      bob,
      commentInput({ authorName: 'Bob', authorEmail: 'bob@example.org', parentId: String(first) }) as Record<
        string,
        string
      >,
    );
    await app.services.comments.setStatus([spam], 'spam', CLI_ACTOR);
    assert.deepEqual(await deliver(), []);
    await app.services.settings.update({ commentPolicy: 'publish' });

    // The unsubscribe link's GET shows a button and changes nothing.
    const path = new URL(unsubscribeUrl).pathname;
    const unsubscribePage = await fetch(app.url + path);
    assert.equal(unsubscribePage.status, 200);
    assert.match(await unsubscribePage.text(), /<button type="submit">Unsubscribe<\/button>/);
    await postForm(
      bob,
      commentInput({ authorName: 'Bob', authorEmail: 'bob@example.org', parentId: String(first) }) as Record<
        string,
        string
      >,
    );
    assert.equal((await deliver()).length, 1);

    // One click, as a mail program sends it: no cookie, no CSRF token.
    const oneClick = await fetch(app.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    assert.equal(oneClick.status, 200);
    assert.match(textOf(await oneClick.text()), /no more reply notifications/);
    await postForm(
      bob,
      commentInput({ authorName: 'Bob', authorEmail: 'bob@example.org', parentId: String(first) }) as Record<
        string,
        string
      >,
    );
    assert.deepEqual(await deliver(), []);
    // Again: nothing to stop, still fine (multipart, as some mail programs post it).
    const boundary = 'xyz';
    const again = await fetch(app.url + path, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body:
        `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n` +
        `--${boundary}--\r\n`,
    });
    assert.equal(again.status, 200);
    assert.match(textOf(await again.text()), /nothing to stop/);
    // The address stays proven: unsubscribing is not un-confirming.
    assert.equal(await isAddressConfirmed(app.services.db, 'alice@example.org'), true);
  });

  test('a made-up, tampered or dead link is a clear page that changes nothing', async () => {
    const reader = new Client(app.url);
    await postForm(reader, {
      ...commentInput({ authorName: 'Carol', authorEmail: 'carol@example.org' }),
      notifyReplies: 'on',
    } as Record<string, string>);
    const [mail] = await deliver();
    const good = linkIn(mail!, 'confirm');
    const tampered = good.replace(/\.(.)/, (_, c: string) => `.${c === 'A' ? 'B' : 'A'}`);
    for (const path of [
      tampered,
      '/mail/confirm/1.abc',
      '/mail/confirm/not-a-token',
      good.replace('/confirm/', '/unsubscribe/'),
    ]) {
      for (const method of ['GET', 'POST']) {
        const response = await fetch(app.url + path, {
          method,
          ...(method === 'POST' && {
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: 'List-Unsubscribe=One-Click',
          }),
        });
        assert.equal(response.status, 400, `${method} ${path}`);
        assert.match(textOf(await response.text()), /This link is not valid/);
      }
    }
    assert.equal(await isAddressConfirmed(app.services.db, 'carol@example.org'), false);
    // A well-signed link for an address that is not stored (never, or no longer).
    const ghost = new URL(app.services.notifications.link('unsubscribe', 999_999)).pathname;
    const response = await fetch(app.url + ghost, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    assert.equal(response.status, 410);
    const rows = await app.services.db.selectFrom('reply_subscriptions').selectAll().execute();
    assert.ok(rows.length > 0);
  });

  test('a confirmed address makes its own reader a known author, and nobody else who types it', async () => {
    await app.services.settings.update({ commentPolicy: 'hold-first-time' });
    try {
      const grace = new Client(app.url);
      const impostor = new Client(app.url);
      const graceInput = () =>
        commentInput({ authorName: 'Grace', authorEmail: 'grace@example.org' }) as Record<string, string>;
      const held = await postForm(grace, { ...graceInput(), notifyReplies: 'on' });
      const row = await app.services.db
        .selectFrom('comments')
        .select('status')
        .where('id', '=', held)
        .executeTakeFirstOrThrow();
      assert.equal(row.status, 'pending');
      const [mail] = await deliver();
      const confirmPath = linkIn(mail!, 'confirm');
      assert.equal((await fetch(app.url + confirmPath, { method: 'POST' })).status, 200);
      assert.equal(await isAddressConfirmed(app.services.db, 'grace@example.org'), true);
      assert.equal(await isAddressConfirmed(app.services.db, 'grace@example.org', null), false);
      // Grace's next comment, from her browser, is published at once.
      const next = await postForm(grace, graceInput());
      assert.equal(
        (await app.services.db.selectFrom('comments').select('status').where('id', '=', next).executeTakeFirstOrThrow())
          .status,
        'approved',
      );
      // Someone else typing her address is still a first-time commenter.
      const borrowed = await postForm(impostor, graceInput());
      assert.equal(
        (
          await app.services.db
            .selectFrom('comments')
            .select('status')
            .where('id', '=', borrowed)
            .executeTakeFirstOrThrow()
        ).status,
        'pending',
      );
    } finally {
      await app.services.settings.update({ commentPolicy: 'publish' });
    }
  });

  test('without SMTP_URL there is no checkbox and nothing is queued', async () => {
    const plain = await startTestApp({ settings: { commentPolicy: 'publish' } });
    try {
      const a = await createArticle(plain.services);
      const client = new Client(plain.url);
      const { html } = await client.page(`/articles/${a.slug}`);
      assert.doesNotMatch(html, /notifyReplies/);
      const response = await postCommentJson(client, a, { ...commentInput(), notifyReplies: true });
      assert.equal(response.status, 201);
      const bad = await postCommentJson(client, a, { ...commentInput(), notifyReplies: 'yes please' });
      assert.equal(bad.status, 400);
      assert.equal((await plain.services.db.selectFrom('outbox').selectAll().execute()).length, 0);
      assert.equal((await plain.services.db.selectFrom('reply_subscriptions').selectAll().execute()).length, 0);
    } finally {
      await plain.close();
    }
  });
});
