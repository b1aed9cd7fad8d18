// Staff accounts: login, sessions, throttling, password changes and who may reach what.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CLI_ACTOR } from '../src/features/audit/audit.service.ts';
import { MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS, MAX_FAILURES_PER_ADDRESS } from '../src/features/staff/staff.service.ts';
import { STAFF_PASSWORD, createStaff, loginAs } from './helpers/staff.ts';
import { Client, startTestApp, textOf, type TestApp } from './helpers/test-app.ts';

let app: TestApp;
before(async () => {
  app = await startTestApp();
});
after(() => app.close());

async function submitLogin(client: Client, email: string, password: string, next?: string) {
  const form = await client.page('/admin/login');
  return client.request('/admin/login', {
    method: 'POST',
    form: { _csrf: form.csrf, email, password, ...(next ? { next } : {}) },
  });
}

describe('login', () => {
  test('anonymous visitors are sent to the login form, and back where they were going after it', async () => {
    const user = await createStaff(app, 'admin');
    const client = new Client(app.url);
    const first = await client.request('/admin/users');
    assert.equal(first.status, 303);
    assert.equal(first.headers.get('location'), '/admin/login?next=%2Fadmin%2Fusers');
    const login = await submitLogin(client, user.email, STAFF_PASSWORD, '/admin/users');
    assert.equal(login.status, 303);
    assert.equal(login.headers.get('location'), '/admin/users');
    assert.equal((await client.request('/admin/users')).status, 200);
  });

  test('a wrong password and an unknown account get the same answer', async () => {
    const user = await createStaff(app, 'editor');
    const wrong = await submitLogin(new Client(app.url), user.email, 'not the password at all');
    const unknown = await submitLogin(new Client(app.url), 'nobody@example.org', 'not the password at all');
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    const [a, b] = [await wrong.text(), await unknown.text()];
    assert.match(a, /E-mail or password is incorrect/);
    assert.match(b, /E-mail or password is incorrect/);
  });

  test('the login form refuses a post without its CSRF token', async () => {
    const user = await createStaff(app, 'editor');
    const client = new Client(app.url);
    await client.page('/admin/login');
    const response = await client.request('/admin/login', {
      method: 'POST',
      form: { email: user.email, password: STAFF_PASSWORD },
    });
    assert.equal(response.status, 403);
  });

  test('repeated failures lock the account for a while, even with the right password', async () => {
    const user = await createStaff(app, 'author');
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS; i++)
      assert.equal((await submitLogin(new Client(app.url), user.email, 'wrong password here')).status, 401);
    const locked = await submitLogin(new Client(app.url), user.email, STAFF_PASSWORD);
    assert.equal(locked.status, 429);
    assert.match(await locked.text(), /Too many failed attempts/);
  });

  test('one address guessing at many accounts is locked out too', async () => {
    const guesser = await startTestApp();
    try {
      const user = await createStaff(guesser, 'editor');
      // Each guess at a different (unknown) account, so no single account reaches its own limit.
      for (let i = 0; i < MAX_FAILURES_PER_ADDRESS; i++) {
        assert.equal(
          (await submitLogin(new Client(guesser.url), `guess${i}@example.org`, 'not the password at all')).status,
          401,
        );
      }
      const locked = await submitLogin(new Client(guesser.url), user.email, STAFF_PASSWORD);
      assert.equal(locked.status, 429, 'even the right password, from this address');
      assert.match(await locked.text(), /Too many failed attempts/);
    } finally {
      await guesser.close();
    }
  });

  test('logging in replaces any session the browser had', async () => {
    const { client, user } = await loginAs(app, 'editor');
    const before = await app.services.db
      .selectFrom('sessions')
      .select('id_hash')
      .where('user_id', '=', user.id)
      .execute();
    assert.equal(before.length, 1);
    assert.equal((await submitLogin(client, user.email, STAFF_PASSWORD)).status, 303);
    const afterLogin = await app.services.db
      .selectFrom('sessions')
      .select('id_hash')
      .where('user_id', '=', user.id)
      .execute();
    assert.equal(afterLogin.length, 1);
    assert.notEqual(afterLogin[0]!.id_hash, before[0]!.id_hash);
  });

  test('an expired session sends its browser back to the login form', async () => {
    const { client, user } = await loginAs(app, 'editor');
    assert.equal((await client.request('/admin')).status, 200);
    await app.services.db
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('user_id', '=', user.id)
      .execute();
    const expired = await client.request('/admin/articles');
    assert.equal(expired.status, 303);
    assert.equal(expired.headers.get('location'), '/admin/login?next=%2Fadmin%2Farticles');
  });

  test('logout ends the session; it needs the CSRF token', async () => {
    const { client, csrf } = await loginAs(app, 'moderator');
    assert.equal((await client.request('/admin/logout', { method: 'POST', form: {} })).status, 403);
    assert.equal((await client.request('/admin')).status, 200);
    assert.equal((await client.request('/admin/logout', { method: 'POST', form: { _csrf: csrf } })).status, 303);
    assert.equal((await client.request('/admin')).status, 303);
  });
});

describe('passwords', () => {
  test('changing the password ends other sessions and keeps this one', async () => {
    const { client, csrf, user } = await loginAs(app, 'editor');
    const other = new Client(app.url);
    await submitLogin(other, user.email, STAFF_PASSWORD);
    assert.equal((await other.request('/admin')).status, 200);

    const bad = await client.request('/admin/account/password', {
      method: 'POST',
      form: { _csrf: csrf, currentPassword: 'wrong one entirely', newPassword: 'a brand new password' },
    });
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /not your current password/);

    const short = await client.request('/admin/account/password', {
      method: 'POST',
      form: { _csrf: csrf, currentPassword: STAFF_PASSWORD, newPassword: 'short' },
    });
    assert.equal(short.status, 400);
    assert.match(await short.text(), /at least 12 characters/);

    const ok = await client.request('/admin/account/password', {
      method: 'POST',
      form: { _csrf: csrf, currentPassword: STAFF_PASSWORD, newPassword: 'a brand new password' },
    });
    assert.equal(ok.status, 303);
    assert.equal((await client.request('/admin')).status, 200);
    assert.equal((await other.request('/admin')).status, 303, 'the other browser is logged out');
    assert.equal((await submitLogin(new Client(app.url), user.email, 'a brand new password')).status, 303);
  });

  test('a one-time password must be changed before anything else', async () => {
    const { user, oneTimePassword } = await app.services.staff.createUser(
      { email: 'newcomer@newsroom.example.org', role: 'author', displayName: 'New Comer' },
      CLI_ACTOR,
    );
    assert.ok(oneTimePassword && oneTimePassword.length >= 20);
    const client = new Client(app.url);
    assert.equal((await submitLogin(client, user.email, oneTimePassword)).status, 303);
    const dashboard = await client.request('/admin');
    assert.equal(dashboard.status, 303);
    assert.equal(dashboard.headers.get('location'), '/admin/account/password');
    const form = await client.page('/admin/account/password');
    assert.match(form.html, /one-time password/);
    assert.equal(
      (
        await client.request('/admin/account/password', {
          method: 'POST',
          form: { _csrf: form.csrf, currentPassword: oneTimePassword, newPassword: 'my own long password' },
        })
      ).status,
      303,
    );
    assert.equal((await client.request('/admin')).status, 200);
  });

  test('passwords are stored only as scrypt hashes', async () => {
    const user = await createStaff(app, 'author');
    const row = await app.services.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    assert.match(row.password_hash, /^scrypt\$\d+\$8\$1\$/);
    assert.ok(!row.password_hash.includes(STAFF_PASSWORD));
  });
});

describe('roles', () => {
  test('only admins manage staff; the page says so with a 403 for others', async () => {
    for (const role of ['editor', 'author', 'moderator'] as const) {
      const { client } = await loginAs(app, role);
      assert.equal((await client.request('/admin/users')).status, 403, role);
    }
  });

  test('an admin creates an account with a one-time password, and can disable it', async () => {
    const { client, csrf } = await loginAs(app, 'admin');
    const created = await client.request('/admin/users', {
      method: 'POST',
      form: { _csrf: csrf, email: 'Reporter@Newsroom.example.org', displayName: 'Rita Reporter', role: 'author' },
    });
    assert.equal(created.status, 200);
    const html = await created.text();
    const password = /One-time password: <code>([^<]+)<\/code>/.exec(html)?.[1];
    assert.ok(password, 'the one-time password is shown once');
    const duplicate = await client.request('/admin/users', {
      method: 'POST',
      form: { _csrf: csrf, email: 'reporter@newsroom.example.org', displayName: 'Rita Again', role: 'author' },
    });
    assert.equal(duplicate.status, 409);
    // No name is made up from the e-mail address (it would become the byline).
    const nameless = await client.request('/admin/users', {
      method: 'POST',
      form: { _csrf: csrf, email: 'nameless@newsroom.example.org', role: 'author' },
    });
    assert.equal(nameless.status, 400);
    assert.match(textOf(await nameless.text()), /Enter the name readers will see in bylines/);
    const badRole = await client.request('/admin/users', {
      method: 'POST',
      form: { _csrf: csrf, email: 'x@newsroom.example.org', role: 'overlord' },
    });
    assert.equal(badRole.status, 400);

    const rita = (await app.services.staff.list()).find((u) => u.email === 'reporter@newsroom.example.org')!;
    const reporter = new Client(app.url);
    assert.equal((await submitLogin(reporter, rita.email, password)).status, 303);
    await client.request(`/admin/users/${rita.id}`, {
      method: 'POST',
      form: { _csrf: csrf, role: 'author', disabled: '1' },
    });
    assert.equal((await reporter.request('/admin/account/password')).status, 303, 'a disabled account is logged out');
    assert.equal((await submitLogin(new Client(app.url), rita.email, password)).status, 401);
    const audit = await app.services.db.selectFrom('audit_log').select('action').execute();
    assert.ok(audit.some((a) => a.action === 'user.create') && audit.some((a) => a.action === 'user.update'));
  });

  test('staff JSON-less posts without a session are refused, not redirected', async () => {
    const response = await new Client(app.url).request('/admin/users', {
      method: 'POST',
      form: { email: 'a@b.org', role: 'admin' },
    });
    assert.equal(response.status, 401);
  });
});
