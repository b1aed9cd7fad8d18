// E-mail configuration (SMTP_URL, MAIL_FROM), what the admin says about it, a server that
// refuses what the URL requires, and moderators' digests of held comments.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.ts';
import { commentInput, createArticle } from './helpers/factories.ts';
import { submitCommentForm } from './helpers/broadsheet.ts';
import { loginAs } from './helpers/staff.ts';
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from './helpers/smtp.ts';
import { Client, startTestApp, textOf } from './helpers/test-app.ts';

describe('mail configuration', () => {
  test('SMTP_URL forms and their options', () => {
    assert.equal(loadConfig({}).smtp, undefined);
    assert.deepEqual(loadConfig({ SMTP_URL: 'smtp://mail.example.org' }).smtp, {
      host: 'mail.example.org',
      port: 25,
      secure: false,
      user: undefined,
      password: undefined,
      tls: 'opportunistic',
      verifyCertificate: true,
    });
    const full = loadConfig({ SMTP_URL: 'smtp://news%40example.org:p%3Ass@mail.example.org:587?tls=required' }).smtp!;
    assert.deepEqual([full.user, full.password, full.port, full.tls], ['news@example.org', 'p:ss', 587, 'required']);
    const tls = loadConfig({ SMTP_URL: 'smtps://relay.example.org?verify=false' }).smtp!;
    assert.deepEqual([tls.secure, tls.port, tls.verifyCertificate], [true, 465, false]);
  });

  test('a wrong SMTP_URL or MAIL_FROM stops the start with one clear line, without the password', () => {
    for (const [env, pattern] of [
      [{ SMTP_URL: 'mail.example.org' }, /^SMTP_URL: .*smtp:\/\//],
      [{ SMTP_URL: 'http://mail.example.org' }, /^SMTP_URL: must start with smtp:\/\/ or smtps:\/\//],
      [{ SMTP_URL: 'smtp://user:secret@mail.example.org?tls=maybe' }, /^SMTP_URL: unknown option "tls=maybe"/],
      [{ SMTP_URL: 'smtps://mail.example.org?tls=none' }, /^SMTP_URL: smtps:\/\/ always uses TLS/],
      [{ MAIL_FROM: 'not an address' }, /^MAIL_FROM: "not an address" is not an address/],
    ] as const) {
      assert.throws(
        () => loadConfig(env),
        (error: unknown) =>
          error instanceof ConfigError && pattern.test(error.message) && !error.message.includes('secret'),
        JSON.stringify(env),
      );
    }
  });

  test('MAIL_FROM with and without a name; the default comes from PUBLIC_URL', () => {
    assert.deepEqual(loadConfig({ MAIL_FROM: 'The Daily <news@daily.example.org>' }).mailFrom, {
      address: 'news@daily.example.org',
      name: 'The Daily',
    });
    assert.deepEqual(loadConfig({ MAIL_FROM: 'news@daily.example.org' }).mailFrom, {
      address: 'news@daily.example.org',
      name: undefined,
    });
    assert.equal(loadConfig({ PUBLIC_URL: 'https://news.example.org' }).mailFrom.address, 'noreply@news.example.org');
  });
});

describe('mail delivery and digests', () => {
  let smtp: TestSmtpServer;
  before(async () => {
    smtp = await startSmtpServer();
  });
  after(async () => {
    await smtp.close();
  });

  test('tls=required refuses a server without STARTTLS: the attempt fails and says why', async () => {
    const app = await startTestApp({
      env: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}?tls=required` },
      config: { outboxTiming: { baseDelayMs: 60_000, maxDelayMs: 60_000, pollMs: 60_000, maxAttempts: 5 } },
    });
    try {
      const before = smtp.received.length;
      const { client, csrf, user } = await loginAs(app, 'moderator');
      assert.equal(
        (
          await client.request('/admin/account/notifications', {
            method: 'POST',
            form: { _csrf: csrf, interval: '60' },
          })
        ).status,
        303,
      );
      await app.services.db
        .updateTable('held_digests')
        .set({ last_sent_at: new Date(Date.now() - 3_600_000).toISOString() })
        .where('user_id', '=', user.id)
        .execute();
      await app.services.settings.update({ commentPolicy: 'hold-all' });
      const article = await createArticle(app.services);
      await submitCommentForm(
        new Client(app.url),
        `/articles/${article.slug}`,
        commentInput() as Record<string, string>,
      );
      await app.services.maintenance.runOnce();
      await app.services.outbox.runOnce();
      const [row] = await app.services.db.selectFrom('outbox').selectAll().execute();
      assert.equal(row!.status, 'queued');
      assert.equal(row!.attempts, 1);
      assert.match(row!.last_error!, /STARTTLS/i);
      assert.equal(smtp.received.length, before);
    } finally {
      await app.close();
    }
  });

  test(
    'a moderator chooses a digest interval and receives at most one mail per interval, linking ' + 'to the queue',
    async () => {
      const app = await startTestApp({
        env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://news.example.org' },
        settings: { commentPolicy: 'hold-all' },
      });
      try {
        const deliver = async (): Promise<ReceivedMail[]> => {
          const before = smtp.received.length;
          await app.services.maintenance.runOnce();
          await app.services.outbox.runOnce();
          return smtp.received.slice(before);
        };
        const { client, csrf, user } = await loginAs(app, 'moderator');
        const page = await client.page('/admin/account/notifications');
        assert.equal(page.status, 200);
        assert.match(page.html, /value="off" checked/);
        assert.equal(
          (
            await client.request('/admin/account/notifications', {
              method: 'POST',
              form: { _csrf: csrf, interval: '17' },
            })
          ).status,
          400,
        );
        assert.equal(
          (
            await client.request('/admin/account/notifications', {
              method: 'POST',
              form: { _csrf: csrf, interval: '60' },
            })
          ).status,
          303,
        );
        assert.match((await client.page('/admin/account/notifications')).html, /value="60" checked/);
        // An author has no queue, and no digest page.
        const author = await loginAs(app, 'author');
        assert.equal((await author.client.request('/admin/account/notifications')).status, 403);

        const article = await createArticle(app.services, { title: 'Council votes' });
        const reader = new Client(app.url);
        for (const body of ['First held comment.', 'Second held comment.'])
          await submitCommentForm(
            reader,
            `/articles/${article.slug}`,
            commentInput({ body }) as Record<string, string>,
          );
        // Within the first hour: nothing yet.
        assert.deepEqual(await deliver(), []);
        // An hour passes: every stored time moves an hour back.
        const anHourPasses = async () => {
          const back = (iso: string) => new Date(Date.parse(iso) - 3_601_000).toISOString();
          for (const d of await app.services.db.selectFrom('held_digests').selectAll().execute()) {
            await app.services.db
              .updateTable('held_digests')
              .set({ last_sent_at: back(d.last_sent_at) })
              .where('user_id', '=', d.user_id)
              .execute();
          }
          for (const c of await app.services.db.selectFrom('comments').select(['id', 'created_at']).execute()) {
            await app.services.db
              .updateTable('comments')
              .set({ created_at: back(c.created_at) })
              .where('id', '=', c.id)
              .execute();
          }
        };
        await anHourPasses();
        const [digest, ...rest] = await deliver();
        assert.equal(rest.length, 0);
        assert.deepEqual(digest!.to, [user.email]);
        assert.match(digest!.headers.get('subject')!, /^2 comments held for moderation/);
        assert.match(digest!.text, /https:\/\/news\.example\.org\/admin\/comments\?status=pending/);
        assert.match(digest!.text, /Council votes/);
        assert.equal(digest!.headers.get('auto-submitted'), 'auto-generated');
        // Another comment held at once: the next digest waits for the interval.
        await submitCommentForm(
          reader,
          `/articles/${article.slug}`,
          commentInput({ body: 'Third held comment.' }) as Record<string, string>,
        );
        assert.deepEqual(await deliver(), []);
        await anHourPasses();
        const [next] = await deliver();
        assert.match(next!.headers.get('subject')!, /^1 comment held for moderation/);
        // Nothing new held: no mail, however long it has been.
        await anHourPasses();
        assert.deepEqual(await deliver(), []);
        // Never: no more digests.
        await client.request('/admin/account/notifications', {
          method: 'POST',
          form: { _csrf: csrf, interval: 'off' },
        });
        assert.equal(await app.services.digests.intervalOf(user.id), null);
      } finally {
        await app.close();
      }
    },
  );

  test('the admin says whether e-mail is on', async () => {
    const app = await startTestApp({ env: { SMTP_URL: smtp.url } });
    try {
      const { client } = await loginAs(app, 'admin');
      const page = textOf((await client.page('/admin/outbox')).html);
      assert.match(page, /E-mail is on/);
      assert.match(page, /Delivering: mail/);
    } finally {
      await app.close();
    }
  });
});
