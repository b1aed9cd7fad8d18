// Privacy self-service: a link by mail (that says nothing about unknown addresses), the JSON
// download, the erasure that keeps threads in shape, and the retention sweep.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { commentInput } from './helpers/factories.ts';
import { startMailSite, type MailSite } from './helpers/mail-site.ts';
import { Client, startTestApp, textOf, type TestApp } from './helpers/test-app.ts';

describe('privacy self-service', () => {
  let site: MailSite;
  let app: TestApp;
  let article: MailSite['article'];

  before(async () => {
    site = await startMailSite('The harbour plan');
    ({ app, article } = site);
  });
  after(() => site.close());

  const deliver = () => site.deliver();
  const postForm = (client: Client, fields: Record<string, unknown>) => site.postForm(client, fields);

  async function askForLink(client: Client, email: string): Promise<Response> {
    assert.equal((await client.page('/privacy')).status, 200);
    return client.request('/privacy', {
      method: 'POST',
      form: { email },
      headers: { 'sec-fetch-site': 'same-origin' },
    });
  }

  test('a link by mail, a download, an erasure that keeps the thread in shape', async () => {
    const dana = new Client(app.url);
    const eve = new Client(app.url);
    const danaInput = (extra: Record<string, unknown> = {}) =>
      commentInput({
        authorName: 'Dana',
        authorEmail: 'dana@example.org',
        authorUrl: 'https://dana.example.net',
        ...extra,
      });
    const answered = await postForm(dana, { ...danaInput({ body: 'Dana answered first.' }), notifyReplies: 'on' });
    const lonely = await postForm(dana, danaInput({ body: 'Dana alone.' }));
    const eveReply = await postForm(
      eve,
      commentInput({
        authorName: 'Eve',
        authorEmail: 'eve@example.org',
        parentId: String(answered),
        body: 'Eve replies to Dana.',
      }),
    );
    const danaReply = await postForm(dana, danaInput({ parentId: String(eveReply), body: 'Dana replies to Eve.' }));
    await deliver();

    // The form is linked from the comment form and works without JavaScript.
    assert.match((await dana.page(`/articles/${article.slug}`)).html, /href="\/privacy"/);
    // Unknown and known addresses get the same answer; only the known one gets mail.
    const unknown = await askForLink(new Client(app.url), 'nobody@example.org');
    const known = await askForLink(new Client(app.url), 'Dana@Example.org');
    assert.equal(unknown.status, 200);
    assert.equal(known.status, 200);
    const strip = (html: string) => textOf(html).replace(/\s+/g, ' ');
    assert.equal(strip(await unknown.text()), strip(await known.text()));
    const mails = await deliver();
    assert.equal(mails.length, 1);
    assert.deepEqual(mails[0]!.to, ['dana@example.org']);
    const path = /https:\/\/news\.example\.org(\/privacy\/[A-Za-z0-9_-]+)/.exec(mails[0]!.text)![1]!;

    // The page behind the link changes nothing and shows what is stored.
    const page = await fetch(app.url + path);
    assert.equal(page.status, 200);
    assert.match(textOf(await page.text()), /3 comments and 1 reply notification/);

    // Download: every comment of hers with its article's link, her subscription, and nobody else's data.
    const download = await fetch(`${app.url}${path}/export`, { method: 'POST' });
    assert.equal(download.status, 200);
    assert.match(download.headers.get('content-disposition')!, /attachment/);
    const data = (await download.json()) as {
      email: string;
      comments: { id: number; text: string; article: { url: string; title: string } }[];
      replyNotifications: { commentId: number }[];
    };
    assert.equal(data.email, 'dana@example.org');
    assert.deepEqual(
      data.comments.map((c) => c.id),
      [answered, lonely, danaReply],
    );
    assert.equal(data.comments[0]!.article.url, `https://news.example.org/articles/${article.slug}`);
    assert.equal(data.comments[0]!.article.title, 'The harbour plan');
    assert.deepEqual(
      data.replyNotifications.map((s) => s.commentId),
      [answered],
    );
    assert.ok(!JSON.stringify(data).includes('eve@example.org'));
    assert.ok(!JSON.stringify(data).includes('Eve replies'));

    // Erase.
    const erased = await fetch(`${app.url}${path}/erase`, { method: 'POST' });
    assert.equal(erased.status, 200);
    assert.match(textOf(await erased.text()), /2 comments deleted, 1 comment kept as “\[removed\]”/);
    const rows = await app.services.db
      .selectFrom('comments')
      .selectAll()
      .where('article_id', '=', article.id)
      .orderBy('id')
      .execute();
    assert.deepEqual(
      rows.map((r) => r.id),
      [answered, eveReply],
    );
    const blank = rows[0]!;
    assert.equal(blank.author_name, '[removed]');
    assert.equal(blank.author_email, '');
    assert.equal(blank.author_url, null);
    assert.equal(blank.body_markdown, '[removed]');
    assert.equal(blank.ip_hash, '');
    assert.equal(rows[1]!.parent_id, answered, 'the reply keeps its place under the removed comment');
    const thread = (await (await fetch(`${app.url}/api/v1/articles/${article.id}/comments`)).json()) as {
      items: { id: number; authorName: string; bodyHtml: string; replies: { id: number }[] }[];
    };
    assert.equal(thread.items[0]!.id, answered);
    assert.match(thread.items[0]!.bodyHtml, /\[removed\]/);
    assert.deepEqual(
      thread.items[0]!.replies.map((r) => r.id),
      [eveReply],
    );
    const count = await app.services.db
      .selectFrom('articles')
      .select('comment_count')
      .where('id', '=', article.id)
      .executeTakeFirstOrThrow();
    assert.equal(count.comment_count, 2);
    // Nothing of hers is left: no subscription, no address, no mail to her, no link.
    assert.equal((await app.services.db.selectFrom('reply_subscriptions').selectAll().execute()).length, 0);
    assert.equal(
      (await app.services.db.selectFrom('mail_addresses').selectAll().where('email', '=', 'dana@example.org').execute())
        .length,
      0,
    );
    assert.equal(
      (await app.services.db.selectFrom('outbox').selectAll().where('recipient', '=', 'dana@example.org').execute())
        .length,
      0,
    );
    assert.equal((await app.services.db.selectFrom('privacy_links').selectAll().execute()).length, 0);
    const pageAfter = await (await fetch(`${app.url}/articles/${article.slug}`)).text();
    assert.ok(
      !pageAfter.includes('Dana answered first') &&
        !pageAfter.includes('Dana alone') &&
        !pageAfter.includes('dana.example.net'),
    );
    // The audit log records the erasure without the address.
    const audit = await app.services.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'privacy.erased')
      .execute();
    assert.equal(audit.length, 1);
    assert.ok(!JSON.stringify(audit).includes('dana'));
    assert.deepEqual(JSON.parse(audit[0]!.details), { comments_deleted: 2, comments_blanked: 1, subscriptions: 1 });

    // The link was single-use.
    for (const [method, suffix] of [
      ['GET', ''],
      ['POST', '/export'],
      ['POST', '/erase'],
    ] as const) {
      const again = await fetch(`${app.url}${path}${suffix}`, { method });
      assert.equal(again.status, 410, `${method} ${suffix}`);
      assert.match(textOf(await again.text()), /expired or has already been used/);
    }
  });

  test('bad input: a malformed address, a made-up or expired link', async () => {
    const client = new Client(app.url);
    const bad = await askForLink(client, 'not an address');
    assert.equal(bad.status, 400);
    const html = await bad.text();
    assert.match(html, /Enter the e-mail address you comment with/);
    assert.match(html, /value="not an address"/);
    assert.equal((await fetch(`${app.url}/privacy/short`)).status, 400);
    assert.equal((await fetch(`${app.url}/privacy/${'A'.repeat(43)}`)).status, 410);
    assert.equal((await fetch(`${app.url}/privacy/${'A'.repeat(43)}/erase`, { method: 'POST' })).status, 410);
    // Posted from another site's page: refused, nothing sent.
    const forged = await new Client(app.url).request('/privacy', {
      method: 'POST',
      form: { email: 'frank@example.org' },
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    assert.equal(forged.status, 403);

    await postForm(new Client(app.url), commentInput({ authorName: 'Frank', authorEmail: 'frank@example.org' }));
    await askForLink(new Client(app.url), 'frank@example.org');
    const [mail] = await deliver();
    const path = /https:\/\/news\.example\.org(\/privacy\/[A-Za-z0-9_-]+)/.exec(mail!.text)![1]!;
    await app.services.db
      .updateTable('privacy_links')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .execute();
    const expired = await fetch(`${app.url}${path}/erase`, { method: 'POST' });
    assert.equal(expired.status, 410);
    assert.equal(
      (
        await app.services.db
          .selectFrom('comments')
          .select('id')
          .where('author_email', '=', 'frank@example.org')
          .execute()
      ).length,
      1,
    );
  });

  test('address hashes and user agents are deleted after the retention time; ratings keep counting', async () => {
    const reader = new Client(app.url, { 'user-agent': 'RetentionTest/1.0' });
    const old = await postForm(reader, commentInput());
    const recent = await postForm(reader, commentInput());
    const { csrf } = await reader.page(`/articles/${article.slug}`);
    const rated = await reader.request(`/articles/${article.slug}/rating`, {
      method: 'POST',
      form: { _csrf: csrf, value: '80' },
    });
    assert.equal(rated.status, 303);
    const longAgo = new Date(Date.now() - 91 * 86_400_000).toISOString();
    await app.services.db.updateTable('comments').set({ created_at: longAgo }).where('id', '=', old).execute();
    await app.services.db
      .updateTable('ratings')
      .set({ created_at: longAgo })
      .where('article_id', '=', article.id)
      .execute();
    const before = await app.services.db
      .selectFrom('articles')
      .select(['rating_sum', 'rating_count'])
      .where('id', '=', article.id)
      .executeTakeFirstOrThrow();

    await app.services.maintenance.runOnce();
    const comments = new Map(
      (
        await app.services.db
          .selectFrom('comments')
          .select(['id', 'ip_hash', 'user_agent'])
          .where('id', 'in', [old, recent])
          .execute()
      ).map((r) => [r.id, r]),
    );
    assert.deepEqual({ ip: comments.get(old)!.ip_hash, ua: comments.get(old)!.user_agent }, { ip: '', ua: '' });
    assert.notEqual(comments.get(recent)!.ip_hash, '');
    assert.equal(comments.get(recent)!.user_agent, 'RetentionTest/1.0');
    const ratings = await app.services.db
      .selectFrom('ratings')
      .select('ip_hash')
      .where('article_id', '=', article.id)
      .execute();
    assert.ok(ratings.length > 0 && ratings.every((r) => r.ip_hash === ''));
    const afterSweep = await app.services.db
      .selectFrom('articles')
      .select(['rating_sum', 'rating_count'])
      .where('id', '=', article.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(afterSweep, before);

    // A shorter setting takes effect on the next round.
    await app.services.settings.update({ personalDataRetentionDays: 1 });
    await app.services.db
      .updateTable('comments')
      .set({ created_at: new Date(Date.now() - 2 * 86_400_000).toISOString() })
      .where('id', '=', recent)
      .execute();
    await app.services.maintenance.runOnce();
    const swept = await app.services.db
      .selectFrom('comments')
      .select('ip_hash')
      .where('id', '=', recent)
      .executeTakeFirstOrThrow();
    assert.equal(swept.ip_hash, '');
    await app.services.settings.update({ personalDataRetentionDays: 90 });
  });

  test('without e-mail the page says so and sends nothing', async () => {
    const plain = await startTestApp();
    try {
      const client = new Client(plain.url);
      const page = await client.page('/privacy');
      assert.equal(page.status, 200);
      assert.match(textOf(page.html), /does not send e-mail/);
      const response = await client.request('/privacy', { method: 'POST', form: { email: 'someone@example.org' } });
      assert.equal(response.status, 200);
      assert.equal((await plain.services.db.selectFrom('outbox').selectAll().execute()).length, 0);
    } finally {
      await plain.close();
    }
  });
});
