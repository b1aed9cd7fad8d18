// The outbox: messages written in the causing transaction, delivered by the sender to a real
// SMTP server, retried with backoff through an outage, claimed once, leased across a crash.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { claimDue } from '../src/features/outbox/outbox.repository.ts';
import { backoffMs, createOutboxSender } from '../src/features/outbox/outbox-sender.ts';
import { queueMessage } from '../src/features/outbox/outbox.service.ts';
import type { MailPayload } from '../src/features/mail/mail-deliverer.ts';
import { loginAs } from './helpers/staff.ts';
import { startSmtpServer, type TestSmtpServer } from './helpers/smtp.ts';
import { startTcpProxy } from './helpers/tcp-proxy.ts';
import { startTestApp, textOf, type TestApp } from './helpers/test-app.ts';

const FAST = { baseDelayMs: 40, maxDelayMs: 200, pollMs: 40, maxAttempts: 4 };

function mail(to: string, subject: string): { channel: string; payload: MailPayload; recipient: string } {
  return {
    channel: 'mail',
    recipient: to,
    payload: {
      to,
      subject,
      text: `Plain ${subject}`,
      html: `<p>HTML ${subject}</p>`,
      headers: { 'Auto-Submitted': 'auto-generated' },
    },
  };
}

async function until<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const rowsOf = (app: TestApp) => app.services.db.selectFrom('outbox').selectAll().orderBy('id').execute();

describe('outbox', () => {
  let smtp: TestSmtpServer;
  before(async () => {
    smtp = await startSmtpServer();
  });
  after(async () => {
    await smtp.close();
  });

  test('backoff doubles from the base delay and stops at the cap', () => {
    const options = { baseDelayMs: 1000, maxDelayMs: 10_000 };
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map((a) => backoffMs(a, options)),
      [1000, 2000, 4000, 8000, 10_000, 10_000],
    );
  });

  test('a committed message is sent once with its headers; a rolled-back one never exists', async () => {
    const app = await startTestApp({
      env: { SMTP_URL: smtp.url, MAIL_FROM: 'The Daily <news@daily.example.org>' },
      config: { outboxTiming: FAST },
    });
    try {
      const before = smtp.received.length;
      await app.services.db.transaction().execute((trx) => queueMessage(trx, mail('reader@example.org', 'Committed')));
      await assert.rejects(
        app.services.db.transaction().execute(async (trx) => {
          await queueMessage(trx, mail('reader@example.org', 'Rolled back'));
          throw new Error('the change failed');
        }),
      );
      app.services.outbox.start();
      const [received] = (await smtp.waitFor(before + 1)).slice(before);
      assert.deepEqual(received!.to, ['reader@example.org']);
      assert.equal(received!.from, 'news@daily.example.org');
      assert.match(received!.headers.get('from')!, /The Daily/);
      assert.equal(received!.headers.get('subject'), 'Committed');
      assert.match(received!.headers.get('message-id')!, /^<\d+\.[a-z0-9]+\.outbox@daily\.example\.org>$/);
      assert.ok(received!.headers.get('date'));
      assert.equal(received!.headers.get('auto-submitted'), 'auto-generated');
      assert.match(received!.text, /Plain Committed/);
      assert.match(received!.html, /<p>HTML Committed<\/p>/);
      const rows = await until(async () => {
        const r = await rowsOf(app);
        return r.every((row) => row.status === 'sent') && r;
      }, 'the message marked sent');
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.attempts, 1);
      // Nothing else arrives: the rolled-back message does not exist.
      await app.services.outbox.runOnce();
      assert.equal(smtp.received.length, before + 1);
    } finally {
      await app.close();
    }
  });

  test('a dedupe key makes a message unique forever', async () => {
    const app = await startTestApp();
    try {
      const first = await app.services.db
        .transaction()
        .execute((trx) => queueMessage(trx, { ...mail('a@example.org', 'x'), dedupeKey: 'reply:1:a' }));
      const second = await app.services.db
        .transaction()
        .execute((trx) => queueMessage(trx, { ...mail('a@example.org', 'x'), dedupeKey: 'reply:1:a' }));
      assert.deepEqual([first, second], [true, false]);
      assert.equal((await rowsOf(app)).length, 1);
    } finally {
      await app.close();
    }
  });

  test('an SMTP outage delays mail, records why, and loses or duplicates nothing', async () => {
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: smtp.port });
    await proxy.cut();
    const app = await startTestApp({
      env: { SMTP_URL: `smtp://127.0.0.1:${proxy.port}?tls=none` },
      config: { outboxTiming: { ...FAST, maxAttempts: 1000 } },
    });
    try {
      const before = smtp.received.length;
      for (const n of [1, 2, 3])
        await app.services.db
          .transaction()
          .execute((trx) => queueMessage(trx, mail(`reader${n}@example.org`, `During the outage ${n}`)));
      app.services.outbox.start();
      const failing = await until(async () => {
        const rows = await rowsOf(app);
        return rows.every((r) => r.attempts >= 2 && r.last_error) && rows;
      }, 'failed attempts to be recorded');
      assert.ok(failing.every((r) => r.status === 'queued'));
      assert.match(failing[0]!.last_error!, /ECONNREFUSED|connect/i);
      // The admin sees why.
      const { client } = await loginAs(app, 'admin');
      const page = textOf((await client.page('/admin/outbox?status=queued')).html);
      assert.match(page, /During the outage 1/);
      assert.match(page, /ECONNREFUSED|connect/i);

      await proxy.restore();
      await smtp.waitFor(before + 3);
      await until(async () => (await rowsOf(app)).every((r) => r.status === 'sent'), 'every message marked sent');
      // Let the sender make further passes: still exactly one copy of each.
      await app.services.outbox.runOnce();
      const subjects = smtp.received
        .slice(before)
        .map((m) => m.headers.get('subject'))
        .sort();
      assert.deepEqual(subjects, ['During the outage 1', 'During the outage 2', 'During the outage 3']);
    } finally {
      await app.close();
      await proxy.close();
    }
  });

  test('a message whose sender died mid-send is sent again once its lease runs out', async () => {
    const app = await startTestApp({ env: { SMTP_URL: smtp.url }, config: { outboxTiming: FAST } });
    try {
      const before = smtp.received.length;
      await app.services.db
        .transaction()
        .execute((trx) => queueMessage(trx, mail('reader@example.org', 'Crashed sender')));
      // An instance claims it with a short lease and dies before sending.
      const now = new Date();
      const claimed = await claimDue(app.services.db, {
        channels: ['mail'],
        now: now.toISOString(),
        leaseUntil: new Date(now.getTime() + 300).toISOString(),
        limit: 10,
      });
      assert.equal(claimed.length, 1);
      // While the lease holds, nobody else takes it.
      assert.equal(await app.services.outbox.runOnce(), 0);
      app.services.outbox.start();
      await smtp.waitFor(before + 1);
      const [row] = await until(async () => {
        const rows = await rowsOf(app);
        return rows[0]?.status === 'sent' && rows;
      }, 'the message sent after the lease');
      assert.equal(row!.attempts, 2);
      assert.equal(smtp.received.length, before + 1);
    } finally {
      await app.close();
    }
  });

  test('claims at the same time share out the messages: each is claimed by exactly one', async () => {
    const app = await startTestApp();
    try {
      for (let i = 0; i < 40; i++)
        await app.services.db
          .transaction()
          .execute((trx) => queueMessage(trx, { channel: 'webhook', payload: { event: `e${i}` } }));
      const now = new Date();
      const lease = new Date(now.getTime() + 60_000).toISOString();
      const claims = await Promise.all(
        Array.from({ length: 4 }, () =>
          app.services.db
            .transaction()
            .execute((trx) =>
              claimDue(trx, { channels: ['webhook'], now: now.toISOString(), leaseUntil: lease, limit: 10 }),
            ),
        ),
      );
      const ids = claims.flat().map((r) => r.id);
      assert.equal(ids.length, 40);
      assert.equal(new Set(ids).size, 40);
    } finally {
      await app.close();
    }
  });

  test('a pluggable channel: a deliverer that keeps failing ends failed, and the admin may retry it', async () => {
    const app = await startTestApp({ config: { outboxTiming: { ...FAST, maxAttempts: 2 } } });
    try {
      const delivered: unknown[] = [];
      let refuse = true;
      app.services.outbox.register('webhook', async (message) => {
        if (refuse) throw new Error('receiver answered 503');
        delivered.push(message.payload);
      });
      await app.services.db
        .transaction()
        .execute((trx) => queueMessage(trx, { channel: 'webhook', payload: { event: 'comment.published' } }));
      app.services.outbox.start();
      const [failed] = await until(async () => {
        const rows = await rowsOf(app);
        return rows[0]?.status === 'failed' && rows;
      }, 'the message to fail');
      assert.equal(failed!.attempts, 2);
      assert.equal(failed!.last_error, 'receiver answered 503');

      const { client, csrf } = await loginAs(app, 'admin');
      const page = await client.page('/admin/outbox?status=failed');
      assert.match(textOf(page.html), /receiver answered 503/);
      assert.match(textOf(page.html), /E-mail is off/);
      refuse = false;
      const retry = await client.request(`/admin/outbox/${failed!.id}/retry`, {
        method: 'POST',
        form: { _csrf: csrf },
      });
      assert.equal(retry.status, 303);
      await until(async () => (await rowsOf(app))[0]?.status === 'sent', 'the retried message to be sent');
      assert.deepEqual(delivered, [{ event: 'comment.published' }]);
      // Retrying what is not failed is a clear 404, and changes nothing.
      const again = await client.request(`/admin/outbox/${failed!.id}/retry`, {
        method: 'POST',
        form: { _csrf: csrf },
      });
      assert.equal(again.status, 404);
    } finally {
      await app.close();
    }
  });

  test('a sender stopped mid-queue leaves the rest for the next start', async () => {
    const app = await startTestApp({ env: { SMTP_URL: smtp.url }, config: { outboxTiming: FAST } });
    try {
      const sender = createOutboxSender({ db: app.services.db, log: pino({ level: 'silent' }), options: FAST });
      // Only the app's own sender has a mail deliverer; this one knows no channel and claims nothing.
      await app.services.db.transaction().execute((trx) => queueMessage(trx, mail('reader@example.org', 'Later')));
      assert.equal(await sender.runOnce(), 0);
      assert.equal((await rowsOf(app))[0]!.attempts, 0);
    } finally {
      await app.close();
    }
  });
});
