// The first admin and forgotten passwords: the set-up link a new operator opens in the browser,
// the login page's help while no staff exists, and the password reset mailed through the outbox.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_RESET_MAILS_PER_HOUR } from '../src/features/staff/staff-links.service.ts';
import { startSmtpServer, type TestSmtpServer } from './helpers/smtp.ts';
import { createStaff, STAFF_PASSWORD } from './helpers/staff.ts';
import { Client, startTestApp, textOf, type TestApp } from './helpers/test-app.ts';

const NEW_PASSWORD = 'a brand new passphrase';

async function logIn(app: TestApp, email: string, password: string): Promise<{ client: Client; status: number }> {
  const client = new Client(app.url);
  const login = await client.page('/admin/login');
  const response = await client.request('/admin/login', {
    method: 'POST',
    form: { _csrf: login.csrf, email, password },
  });
  return { client, status: response.status };
}

describe('the first admin', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  it('the login page explains `user add` while no staff account exists', async () => {
    const page = await new Client(app.url).page('/admin/login');
    assert.equal(page.status, 200);
    const text = textOf(page.html);
    assert.match(text, /No staff account exists yet/);
    assert.match(text, /broadsheet user add --email you@example\.org --role admin --name "Your Name"/);
    assert.match(text, /set-up link/);
  });

  it('a set-up link creates the first admin once, logs them in, and dies once an admin exists', async () => {
    const token = (await app.services.staffLinks.createSetupLink())!;
    assert.ok(token);
    const stored = await app.services.db.selectFrom('staff_tokens').select(['token_hash', 'purpose']).execute();
    assert.equal(stored.length, 1);
    assert.notEqual(stored[0]!.token_hash, token, 'only a hash is stored');

    const browser = new Client(app.url);
    const form = await browser.page(`/admin/setup/${token}`);
    assert.equal(form.status, 200);
    assert.match(textOf(form.html), /Create the first administrator/);

    // Bad input: the form again with every problem, nothing created, the link still usable.
    const bad = await browser.request(`/admin/setup/${token}`, {
      method: 'POST',
      form: { _csrf: form.csrf, email: 'not-an-address', displayName: ' ', password: 'short' },
    });
    assert.equal(bad.status, 400);
    const badText = textOf(await bad.text());
    assert.match(badText, /Enter an e-mail address/);
    assert.match(badText, /Enter the name readers will see/);
    assert.match(badText, /at least 12 characters/);
    assert.equal((await app.services.staff.list()).length, 0);

    // Without the form's CSRF token: refused.
    const forged = await new Client(app.url).request(`/admin/setup/${token}`, {
      method: 'POST',
      form: { email: 'eve@example.org', displayName: 'Eve', password: NEW_PASSWORD },
    });
    assert.equal(forged.status, 403);

    const made = await browser.request(`/admin/setup/${token}`, {
      method: 'POST',
      form: {
        _csrf: form.csrf,
        email: 'Ada@Newsroom.example.org',
        displayName: 'Ada Lovelace',
        password: NEW_PASSWORD,
      },
    });
    assert.equal(made.status, 303);
    assert.equal(made.headers.get('location'), '/admin');
    const dashboard = await browser.page('/admin');
    assert.equal(dashboard.status, 200, 'logged in straight away');
    assert.match(textOf(dashboard.html), /Welcome, Ada Lovelace/);
    const [admin] = await app.services.staff.list();
    assert.deepEqual(
      [admin!.email, admin!.role, admin!.displayName],
      ['ada@newsroom.example.org', 'admin', 'Ada Lovelace'],
    );

    // Single use: the same link, and any other printed before, is now refused.
    assert.equal((await new Client(app.url).page(`/admin/setup/${token}`)).status, 410);
    assert.equal(await app.services.staffLinks.createSetupLink(), null, 'no new link once an admin exists');
    const audit = await app.services.db
      .selectFrom('audit_log')
      .select(['actor', 'action'])
      .where('action', '=', 'user.create')
      .execute();
    assert.deepEqual(audit, [{ actor: 'set-up link', action: 'user.create' }]);

    const login = await new Client(app.url).page('/admin/login');
    assert.doesNotMatch(textOf(login.html), /No staff account exists yet/);
  });

  it('refuses a link that is not one, and a link printed before an admin was created another way', async () => {
    assert.equal((await new Client(app.url).page('/admin/setup/short')).status, 400);
    assert.equal((await new Client(app.url).page(`/admin/setup/${'x'.repeat(43)}`)).status, 410);
  });
});

describe('a set-up link printed while an admin is created on the command line', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  it('stops working once an admin exists', async () => {
    const token = (await app.services.staffLinks.createSetupLink())!;
    const browser = new Client(app.url);
    const form = await browser.page(`/admin/setup/${token}`);
    assert.equal(form.status, 200);
    await createStaff(app, 'admin');
    const late = await browser.request(`/admin/setup/${token}`, {
      method: 'POST',
      form: { _csrf: form.csrf, email: 'late@example.org', displayName: 'Late', password: NEW_PASSWORD },
    });
    assert.equal(late.status, 410);
    assert.match(textOf(await late.text()), /an administrator exists already/);
    assert.equal((await app.services.staff.list()).length, 1);
  });

  it('two links used at once make one admin', async () => {
    const other = await startTestApp();
    try {
      const tokens = [
        (await other.services.staffLinks.createSetupLink())!,
        (await other.services.staffLinks.createSetupLink())!,
      ];
      const results = await Promise.allSettled(
        tokens.map((token, i) =>
          other.services.staffLinks.completeSetup(token, {
            email: `first${i}@example.org`,
            displayName: `First ${i}`,
            password: NEW_PASSWORD,
          }),
        ),
      );
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      assert.equal((await other.services.staff.list()).length, 1);
    } finally {
      await other.close();
    }
  });
});

describe('forgot password', () => {
  let smtp: TestSmtpServer;
  let app: TestApp;
  before(async () => {
    smtp = await startSmtpServer();
    app = await startTestApp({ env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://news.example.org' } });
  });
  after(async () => {
    await app.close();
    await smtp.close();
  });

  const deliver = async () => {
    const before = smtp.received.length;
    await app.services.outbox.runOnce();
    return smtp.received.slice(before);
  };
  const ask = async (email: string) => {
    const client = new Client(app.url);
    const form = await client.page('/admin/password-reset');
    const response = await client.request('/admin/password-reset', {
      method: 'POST',
      form: { _csrf: form.csrf, email },
    });
    return { status: response.status, text: textOf(await response.text()) };
  };

  it('is offered on the login page', async () => {
    await createStaff(app, 'admin');
    const login = await new Client(app.url).page('/admin/login');
    assert.match(login.html, /<a href="\/admin\/password-reset">Forgot your password\?<\/a>/);
  });

  it('answers the same whether or not the account exists, and mails only a real account', async () => {
    const user = await createStaff(app, 'editor');
    const known = await ask(user.email.toUpperCase());
    const unknown = await ask('nobody@example.org');
    assert.equal(known.status, 200);
    assert.equal(unknown.status, 200);
    assert.equal(known.text, unknown.text);
    assert.match(known.text, /If that address belongs to a staff account, a link/);
    const mails = await deliver();
    assert.deepEqual(
      mails.map((m) => m.to),
      [[user.email]],
    );
    assert.match(mails[0]!.headers.get('subject')!, /Reset your password/);
  });

  it('resets through a single-use link: CSRF-checked, sessions ended, audit-logged', async () => {
    const user = await createStaff(app, 'moderator');
    const session = await logIn(app, user.email, STAFF_PASSWORD);
    assert.equal(session.status, 303);
    assert.equal((await session.client.page('/admin')).status, 200);

    await ask(user.email);
    const [mail] = await deliver();
    const link = /https:\/\/news\.example\.org(\/admin\/password-reset\/[\w-]+)/.exec(mail!.text)![1]!;
    assert.ok(mail!.html.includes(`https://news.example.org${link}`), 'the HTML part links it too');
    const stored = await app.services.db
      .selectFrom('staff_tokens')
      .select('token_hash')
      .where('purpose', '=', 'reset')
      .execute();
    assert.ok(
      stored.every((row) => !link.endsWith(row.token_hash)),
      'only a hash is stored',
    );

    const browser = new Client(app.url);
    const form = await browser.page(link);
    assert.equal(form.status, 200);
    assert.match(textOf(form.html), new RegExp(`Choose a new password For ${user.email}`));

    const forged = await new Client(app.url).request(link, { method: 'POST', form: { password: NEW_PASSWORD } });
    assert.equal(forged.status, 403, 'no CSRF token, no reset');
    const short = await browser.request(link, { method: 'POST', form: { _csrf: form.csrf, password: 'short' } });
    assert.equal(short.status, 400);
    assert.match(textOf(await short.text()), /Use at least 12 characters/);

    const done = await browser.request(link, { method: 'POST', form: { _csrf: form.csrf, password: NEW_PASSWORD } });
    assert.equal(done.status, 303);
    assert.equal(done.headers.get('location'), '/admin/login?reset=done');
    assert.match(textOf((await browser.page('/admin/login?reset=done')).html), /Your password is changed/);

    assert.equal((await session.client.request('/admin')).status, 303, 'the old session has ended');
    assert.equal((await logIn(app, user.email, STAFF_PASSWORD)).status, 401, 'the old password no longer works');
    assert.equal((await logIn(app, user.email, NEW_PASSWORD)).status, 303);
    assert.equal((await new Client(app.url).page(link)).status, 410, 'single use');

    const audit = await app.services.db
      .selectFrom('audit_log')
      .select(['action', 'subject'])
      .where('action', 'like', 'user.password_reset%')
      .where('subject', '=', `user:${user.id}`)
      .orderBy('id')
      .execute();
    assert.deepEqual(
      audit.map((a) => a.action),
      ['user.password_reset_requested', 'user.password_reset'],
    );
  });

  it('refuses an expired link', async () => {
    const user = await createStaff(app, 'author');
    await ask(user.email);
    const [mail] = await deliver();
    const link = /(\/admin\/password-reset\/[\w-]+)/.exec(mail!.text)![1]!;
    await app.services.db
      .updateTable('staff_tokens')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('user_id', '=', user.id)
      .execute();
    const page = await new Client(app.url).page(link);
    assert.equal(page.status, 410);
    assert.match(textOf(page.html), /expired or has already been used/);
  });

  it(
    `mails one account at most ${MAX_RESET_MAILS_PER_HOUR} links an hour, and refuses bad ` + `addresses clearly`,
    async () => {
      const user = await createStaff(app, 'author');
      // (The requests of this suite stay under the per-address limit, which the next test reaches.)
      for (let i = 0; i < MAX_RESET_MAILS_PER_HOUR + 1; i++) assert.equal((await ask(user.email)).status, 200);
      assert.equal((await deliver()).length, MAX_RESET_MAILS_PER_HOUR);
      const bad = await ask('not an address');
      assert.equal(bad.status, 400);
      assert.match(bad.text, /Enter your account’s e-mail address/);
    },
  );

  it('limits the requests from one address', async () => {
    const client = new Client(app.url);
    const form = await client.page('/admin/password-reset');
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++)
      statuses.push(
        (
          await client.request('/admin/password-reset', {
            method: 'POST',
            form: { _csrf: form.csrf, email: `x${i}@example.org` },
          })
        ).status,
      );
    assert.ok(statuses.includes(429), `statuses: ${statuses.join(',')}`);
  });
});
