// Site settings in the admin area: every field validated with its message beside it, nothing
// saved while any field is wrong, and a saved change visible on the public pages at once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_SETTINGS } from '../src/features/settings/settings.service.ts';
import { expectJsonError, postCommentJson, postJson } from './helpers/broadsheet.ts';
import { commentInput, createArticle } from './helpers/factories.ts';
import { loginAs } from './helpers/staff.ts';
import { Client, startTestApp, textOf, type TestApp } from './helpers/test-app.ts';

const decode = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** What the browser would submit from the settings form as it stands. */
function formFields(html: string): Record<string, string> {
  const form = /<form method="post" action="\/admin\/settings"[\s\S]*?<\/form>/.exec(html)?.[0];
  assert.ok(form, 'the page has the settings form');
  const fields: Record<string, string> = {};
  for (const [tag] of form.matchAll(/<input\b[^>]*>/g)) {
    const name = /\sname="([^"]*)"/.exec(tag)?.[1];
    if (!name) continue;
    if (/type="radio"/.test(tag) && !/\schecked\b/.test(tag)) continue;
    fields[name] = decode(/\svalue="([^"]*)"/.exec(tag)?.[1] ?? '');
  }
  for (const [, name, text] of form.matchAll(/<textarea\b[^>]*\sname="([^"]*)"[^>]*>([\s\S]*?)<\/textarea>/g))
    fields[name!] = decode(text!);
  return fields;
}

describe('site settings (admin)', () => {
  let app: TestApp;
  let admin: Awaited<ReturnType<typeof loginAs>>;

  before(async () => {
    app = await startTestApp();
    admin = await loginAs(app, 'admin');
  });
  after(() => app.close());

  async function save(changes: Record<string, string>): Promise<Response> {
    const { html } = await admin.client.page('/admin/settings');
    return admin.client.request('/admin/settings', { method: 'POST', form: { ...formFields(html), ...changes } });
  }

  const storedSettings = () => app.services.db.selectFrom('settings').selectAll().orderBy('key').execute();
  const settingsAudit = () =>
    app.services.db.selectFrom('audit_log').selectAll().where('action', '=', 'settings.update').orderBy('id').execute();

  it('shows every setting with its current value', async () => {
    const { status, html } = await admin.client.page('/admin/settings');
    assert.equal(status, 200);
    const fields = formFields(html);
    assert.equal(fields.siteTitle, 'Broadsheet');
    assert.equal(fields.commentPolicy, 'hold-first-time');
    assert.equal(fields.ratingScale, 'stars');
    assert.equal(fields.replyDepth, '4');
    assert.equal(fields.commentsCloseAfterDays, '0');
    // The block lists of words and e-mails are the moderators' (/admin/blocking, test/bans.test.ts).
    // The logo, favicon and share image are uploaded on forms of their own (test/site-images.test.ts).
    const apart = ['blockedWords', 'blockedEmails', 'siteLogo', 'siteIcon', 'shareImage'];
    for (const key of Object.keys(DEFAULT_SETTINGS).filter((k) => !apart.includes(k)))
      assert.ok(key in fields, `the form has a field for ${key}`);
    for (const slot of ['siteLogo', 'siteIcon', 'shareImage'])
      assert.match(
        html,
        new RegExp(`<form method="post" action="/admin/settings/images/${slot}" enctype="multipart/form-data"`),
      );
    assert.match(html, /href="\/admin\/blocking"/, 'the settings page leads to the block lists');
    assert.match(html, /<label for="setting-siteTitle">Site title<\/label>/);
  });

  it('refuses invalid values with a message beside each field, keeps what was typed, and saves nothing', async () => {
    const before = await storedSettings();
    const response = await save({
      siteTitle: 'A new name nobody will see',
      replyDepth: '0',
      ratingCapPerDay: '-1',
      commentPolicy: 'sometimes',
      commentsCloseAfterDays: 'soon',
      blockedIps: '203.0.113.7\nnot-an-address',
    });
    assert.equal(response.status, 400);
    const html = await response.text();
    const besideField = (name: string, message: RegExp) => {
      const error = new RegExp(`<(p|span) class="field-error" id="${name}-error">([^<]*)</\\1>`).exec(html);
      assert.ok(error, `${name} has an error message`);
      assert.match(error[2]!, message);
      assert.match(
        html,
        new RegExp(`name="${name}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*name="${name}"`),
        `${name} is marked invalid`,
      );
    };
    besideField('replyDepth', /Enter a whole number from 1 to 10\./);
    besideField('ratingCapPerDay', /Enter a whole number from 1 to 100,000\./);
    besideField('commentPolicy', /Choose one of/);
    besideField('commentsCloseAfterDays', /Enter a whole number from 0 to 36,500\./);
    besideField('blockedIps', /not-an-address/);
    assert.match(textOf(html), /Nothing was saved\. Please correct these 5 fields/);
    assert.match(html, /<a href="#setting-replyDepth">Reply depth<\/a>/, 'the summary links to the field');

    const fields = formFields(html);
    assert.equal(fields.siteTitle, 'A new name nobody will see', 'valid values are kept');
    assert.equal(fields.replyDepth, '0', 'invalid values are kept to correct');
    assert.equal(fields.blockedIps, '203.0.113.7\nnot-an-address');

    assert.deepEqual(await storedSettings(), before, 'nothing was saved');
    assert.equal(app.services.settings.get().siteTitle, 'Broadsheet');
    assert.equal((await settingsAudit()).length, 0);
  });

  it('saves valid values: the public pages show the new title and the rating form follows the scale', async () => {
    const article = await createArticle(app.services);
    const reader = new Client(app.url);
    const cached = await reader.page(`/articles/${article.slug}`);
    assert.match(cached.html, /<input type="radio" name="value"/, 'stars to begin with');

    const response = await save({
      siteTitle: 'The Harbour Gazette',
      siteDescription: 'All the news from the quay.',
      ratingScale: 'percent',
      blockedWords: 'casino\n\ncasino\n  cheap pills ',
    });
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), '/admin/settings?saved=1');
    assert.match(textOf((await admin.client.page('/admin/settings?saved=1')).html), /Settings saved\./);

    const settings = app.services.settings.get();
    assert.equal(settings.siteTitle, 'The Harbour Gazette');
    assert.equal(settings.ratingScale, 'percent');
    assert.deepEqual(
      settings.blockedWords,
      ['casino', 'cheap pills'],
      'one entry per line, trimmed, without blanks or repeats',
    );

    const home = await reader.page('/');
    assert.match(home.html, /<title>The Harbour Gazette<\/title>/);
    assert.match(textOf(home.html), /All the news from the quay\./);
    const page = await reader.page(`/articles/${article.slug}`);
    assert.match(
      page.html,
      /<title>[^<]* — The Harbour Gazette<\/title>/,
      'the cached article page was rendered again',
    );
    assert.match(
      page.html,
      /<input type="number" name="value" id="rate-value"/,
      'the rating form asks for a percentage',
    );
    assert.doesNotMatch(page.html, /<input type="radio" name="value"/);

    const [entry] = await settingsAudit();
    assert.equal(entry?.actor, admin.user.email);
    assert.deepEqual(JSON.parse(entry!.details).changed.sort(), [
      'blockedWords',
      'ratingScale',
      'siteDescription',
      'siteTitle',
    ]);

    const again = await save({});
    assert.equal(again.headers.get('location'), '/admin/settings?saved=0', 'saving without changes is no change');
    assert.equal((await settingsAudit()).length, 1);
    await app.services.settings.update({ ratingScale: 'stars' });
  });

  it('closes comments N days after publication, and opens them again with 0', async () => {
    const old = await createArticle(app.services, {
      publishedAt: new Date(Date.now() - 10 * 86_400_000).toISOString(),
    });
    const fresh = await createArticle(app.services);
    const reader = new Client(app.url);
    assert.match((await reader.page(`/articles/${old.slug}`)).html, /<form class="comment-form"/);

    assert.equal((await save({ commentsCloseAfterDays: '7' })).status, 303);
    assert.equal(app.services.settings.get().commentsCloseAfterDays, 7);
    const closed = await reader.page(`/articles/${old.slug}`);
    assert.match(textOf(closed.html), /Comments are closed\./);
    assert.doesNotMatch(closed.html, /<form class="comment-form"/);
    const count = async () =>
      (await app.services.db.selectFrom('comments').select('id').where('article_id', '=', old.id).execute()).length;
    await expectJsonError(
      await postJson(reader, `/api/v1/articles/${old.id}/comments`, commentInput()),
      409,
      'comments_closed',
    );
    assert.equal(await count(), 0, 'nothing stored');
    assert.match(
      (await reader.page(`/articles/${fresh.slug}`)).html,
      /<form class="comment-form"/,
      'a newer article still takes comments',
    );
    assert.equal((await postCommentJson(reader, fresh, commentInput())).status, 201);

    assert.equal((await save({ commentsCloseAfterDays: '0' })).status, 303);
    assert.match((await reader.page(`/articles/${old.slug}`)).html, /<form class="comment-form"/);
    assert.equal((await postCommentJson(reader, old, commentInput())).status, 201);
  });

  it('shows every date and time in the site’s time zone, named, while <time datetime> keeps the instant', async () => {
    assert.equal(
      app.services.settings.get().timeZone,
      Intl.DateTimeFormat().resolvedOptions().timeZone,
      'the machine’s zone by default',
    );
    const refused = await save({ timeZone: 'Mars/Olympus_Mons' });
    assert.equal(refused.status, 400);
    assert.match(textOf(await refused.text()), /Time zone\s*: Enter a time zone name such as Europe\/London/);
    assert.notEqual(app.services.settings.get().timeZone, 'Mars/Olympus_Mons');

    // 02:30 UTC on 1 March is still 28 February in New York.
    const article = await createArticle(app.services, { publishedAt: '2026-03-01T02:30:00.000Z' });
    await app.services.settings.update({ commentPolicy: 'publish' });
    const reader = new Client(app.url);
    assert.equal((await postCommentJson(reader, article, commentInput())).status, 201);
    const utc = await reader.page(`/articles/${article.slug}`);
    assert.match(utc.html, /<time datetime="2026-03-01T02:30:00.000Z">1 March 2026<\/time>/);

    assert.equal((await save({ timeZone: 'america/new_york' })).status, 303);
    assert.equal(app.services.settings.get().timeZone, 'America/New_York', 'stored by its canonical name');
    assert.equal(formFields((await admin.client.page('/admin/settings')).html).timeZone, 'America/New_York');
    const page = await new Client(app.url).page(`/articles/${article.slug}`);
    assert.match(
      page.html,
      /<time datetime="2026-03-01T02:30:00.000Z">28 February 2026<\/time>/,
      'the cached page was rendered again in the new zone',
    );
    const commentTime = /<time datetime="([^"]+)">([^<]+)<\/time>/.exec(
      page.html.slice(page.html.indexOf('class="comment')),
    )!;
    assert.match(commentTime[1]!, /Z$/, 'the exact instant');
    const expected = new Intl.DateTimeFormat('en-GB', {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: 'America/New_York',
    }).format(new Date(commentTime[1]!));
    assert.match(commentTime[2]!, new RegExp(`^${expected} E[SD]T$`), 'a time of day names its zone');
    const audit = await admin.client.page('/admin/audit');
    assert.match(textOf(audit.html), /E[SD]T/, 'admin pages too');
    assert.doesNotMatch(textOf(audit.html), /\bUTC\b/);
    await app.services.settings.update({ timeZone: 'UTC', commentPolicy: 'hold-first-time' });
  });

  it('is for admins only', async () => {
    for (const role of ['editor', 'moderator', 'author'] as const) {
      const staff = await loginAs(app, role);
      assert.equal((await staff.client.request('/admin/settings')).status, 403, role);
      assert.equal(
        (
          await staff.client.request('/admin/settings', {
            method: 'POST',
            form: { _csrf: staff.csrf, siteTitle: 'Mine now' },
          })
        ).status,
        403,
        role,
      );
    }
    const noToken = await admin.client.request('/admin/settings', {
      method: 'POST',
      form: { ...formFields((await admin.client.page('/admin/settings')).html), _csrf: '', siteTitle: 'Forged' },
    });
    assert.equal(noToken.status, 403);
    assert.notEqual(app.services.settings.get().siteTitle, 'Forged');
  });
});
