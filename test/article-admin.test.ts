// The admin area's articles through HTTP: who may do what, bad input (nothing half-saved),
// scheduling, concurrent edits, revisions, the live preview and featured images.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { articlePath } from '../src/features/articles/article.model.ts';
import { countRows, inputValue } from './helpers/broadsheet.ts';
import { createArticle } from './helpers/factories.ts';
import { loginAs } from './helpers/staff.ts';
import { Client, startTestApp, textOf, type TestApp } from './helpers/test-app.ts';

let app: TestApp;
before(async () => {
  app = await startTestApp();
});
after(() => app.close());

type Staff = Awaited<ReturnType<typeof loginAs>>;
type Fields = Record<string, string>;

let n = 0;
const unique = (label: string) => `${label} ${++n} ${Math.random().toString(36).slice(2, 7)}`;

/** Posts the editor form urlencoded (as a script-free client may) with the staff member's token. */
function post(staff: Staff, path: string, fields: Fields, { csrf = true } = {}): Promise<Response> {
  return staff.client.request(path, { method: 'POST', form: { ...(csrf ? { _csrf: staff.csrf } : {}), ...fields } });
}

/** Posts the editor form as the browser does: multipart, optionally with an image. */
function postMultipart(
  staff: Staff,
  path: string,
  fields: Fields,
  image?: { data: Buffer; name: string; type: string },
): Promise<Response> {
  const body = new FormData();
  body.set('_csrf', staff.csrf);
  // The file before the other fields: whatever follows an oversized file must still be read.
  if (image) body.set('image', new Blob([new Uint8Array(image.data)], { type: image.type }), image.name);
  for (const [key, value] of Object.entries(fields)) body.set(key, value);
  return staff.client.request(path, { method: 'POST', body });
}

function idFrom(response: Response): number {
  assert.equal(response.status, 303, `expected a redirect, got ${response.status}`);
  const match = /^\/admin\/articles\/(\d+)\/edit\?saved=\w+$/.exec(response.headers.get('location') ?? '');
  assert.ok(match, `redirects to the editor: ${response.headers.get('location')}`);
  return Number(match[1]);
}

async function create(staff: Staff, fields: Fields = {}): Promise<number> {
  return idFrom(
    await post(staff, '/admin/articles', {
      title: unique('Harbour ferry'),
      body: 'The ferry runs again.',
      action: 'save',
      ...fields,
    }),
  );
}

/** The editor page's hidden version field, as a save must send it back. */
async function loadedVersion(staff: Staff, id: number): Promise<string> {
  const page = await staff.client.page(`/admin/articles/${id}/edit`);
  assert.equal(page.status, 200);
  return inputValue(page.html, 'updatedAt')!;
}

async function save(staff: Staff, id: number, fields: Fields): Promise<Response> {
  const row = await articleRow(id);
  return post(staff, `/admin/articles/${id}`, {
    updatedAt: await loadedVersion(staff, id),
    title: row.title,
    body: row.body_markdown,
    slug: row.slug,
    action: 'save',
    ...fields,
  });
}

function articleRow(id: number) {
  return app.services.db.selectFrom('articles').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function revisionCount(id: number): Promise<number> {
  const row = await app.services.db
    .selectFrom('article_revisions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('article_id', '=', id)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function publicStatus(slug: string): Promise<number> {
  return (await fetch(app.url + articlePath(slug))).status;
}

async function homeHtml(): Promise<string> {
  return (await fetch(app.url + '/')).text();
}

function errorBeside(html: string, field: string): string {
  const input = new RegExp(`<(input|textarea)[^>]*id="${field}"[^>]*>`).exec(html)?.[0] ?? '';
  assert.match(input, /aria-invalid="true"/, `${field} is marked invalid`);
  assert.match(input, new RegExp(`aria-describedby="[^"]*${field}-error`), `${field} is described by its error`);
  const error = new RegExp(`<(?:p|span) class="field-error" id="${field}-error">([^<]*)<`).exec(html);
  assert.ok(error, `an error is shown for ${field}`);
  return error[1]!;
}

describe('who may reach the article admin', () => {
  test('anonymous visitors are sent to log in; their posts are refused', async () => {
    const response = await new Client(app.url).request('/admin/articles');
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), '/admin/login?next=%2Fadmin%2Farticles');
    assert.equal(
      (await new Client(app.url).request('/admin/articles', { method: 'POST', form: { title: 'x' } })).status,
      401,
    );
  });

  test('a moderator gets 403 on every article route', async () => {
    const moderator = await loginAs(app, 'moderator');
    const id = (await createArticle(app.services)).id;
    for (const path of [
      '/admin/articles',
      '/admin/articles/new',
      `/admin/articles/${id}/edit`,
      `/admin/articles/${id}/revisions`,
    ]) {
      assert.equal((await moderator.client.request(path)).status, 403, path);
    }
    const before = await countRows(app.services, 'articles');
    assert.equal((await post(moderator, '/admin/articles', { title: 'Moderated', action: 'save' })).status, 403);
    assert.equal((await post(moderator, `/admin/articles/${id}`, { title: 'Moderated', action: 'save' })).status, 403);
    assert.equal(
      (
        await moderator.client.request('/admin/preview', {
          method: 'POST',
          json: { markdown: 'x' },
          headers: { 'x-csrf-token': moderator.csrf },
        })
      ).status,
      403,
    );
    assert.equal(await countRows(app.services, 'articles'), before);
  });
});

describe('authors and editors', () => {
  test(
    'an author creates a draft (byline defaults to their name), edits it and submits it; it ' + 'stays off the site',
    async () => {
      const author = await loginAs(app, 'author');
      const form = await author.client.page('/admin/articles/new');
      assert.equal(inputValue(form.html, 'authorName'), author.user.displayName, 'the byline is prefilled');
      const title = unique('Library extends hours');
      const id = await create(author, {
        title,
        authorName: author.user.displayName,
        tags: 'Libraries, libraries, Town',
      });
      let row = await articleRow(id);
      assert.equal(row.status, 'draft');
      assert.equal(row.author_id, author.user.id);
      assert.equal(row.author_name, author.user.displayName);
      assert.match(row.slug, /^library-extends-hours-/);
      assert.equal(await publicStatus(row.slug), 404, 'a draft is not public');

      assert.equal(idFrom(await save(author, id, { title: `${title} (edited)` })), id);
      assert.equal((await articleRow(id)).title, `${title} (edited)`);
      assert.equal(idFrom(await save(author, id, { action: 'submit' })), id);
      row = await articleRow(id);
      assert.equal(row.status, 'draft');
      assert.ok(row.submitted_at, 'marked as submitted for review');
      assert.equal(await revisionCount(id), 3, 'every save keeps a revision');
      const list = await author.client.page('/admin/articles?status=review');
      assert.match(list.html, new RegExp(`${title} \\(edited\\)`));
    },
  );

  test('an author cannot publish or schedule (403, nothing saved)', async () => {
    const author = await loginAs(app, 'author');
    const before = await countRows(app.services, 'articles');
    const refused = await post(author, '/admin/articles', {
      title: unique('Straight to print'),
      body: 'Text.',
      action: 'publish',
    });
    assert.equal(refused.status, 403);
    assert.match(textOf(await refused.text()), /Only an editor can publish/);
    assert.equal(await countRows(app.services, 'articles'), before, 'no article was created');

    const id = await create(author);
    const publish = await save(author, id, { action: 'publish' });
    assert.equal(publish.status, 403);
    const schedule = await save(author, id, { action: 'schedule', publishAt: '2099-01-01T09:00' });
    assert.equal(schedule.status, 403);
    assert.equal((await articleRow(id)).status, 'draft');
  });

  test("an author cannot open or change another author's article", async () => {
    const [owner, other] = [await loginAs(app, 'author'), await loginAs(app, 'author')];
    const id = await create(owner);
    const before = await articleRow(id);
    assert.equal((await other.client.request(`/admin/articles/${id}/edit`)).status, 403);
    assert.doesNotMatch(
      (await other.client.page('/admin/articles')).html,
      new RegExp(before.title),
      "a colleague's draft is not listed",
    );
    assert.match((await owner.client.page('/admin/articles')).html, new RegExp(before.title));
    assert.equal((await other.client.request(`/admin/articles/${id}/revisions`)).status, 403);
    const response = await post(other, `/admin/articles/${id}`, {
      updatedAt: before.updated_at,
      title: 'Hijacked',
      action: 'save',
    });
    assert.equal(response.status, 403);
    assert.doesNotMatch(await response.text(), new RegExp(before.title), 'the refusal shows nothing of the article');
    const revision = await app.services.db
      .selectFrom('article_revisions')
      .select('id')
      .where('article_id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal((await post(other, `/admin/articles/${id}/revisions/${revision.id}/restore`, {})).status, 403);
    assert.deepEqual(await articleRow(id), before, 'unchanged');
  });

  test(
    "an editor publishes an author's draft; it appears on the home page and the author can no " + 'longer change it',
    async () => {
      const [author, editor] = [await loginAs(app, 'author'), await loginAs(app, 'editor')];
      const title = unique('Council approves budget');
      const id = await create(author, { title, body: 'The **council** voted.' });
      assert.equal(idFrom(await save(editor, id, { action: 'publish', updateNote: '' })), id);
      const row = await articleRow(id);
      assert.equal(row.status, 'published');
      assert.ok(row.published_at);
      assert.equal(row.author_id, author.user.id, 'ownership is unchanged');
      assert.match(await homeHtml(), new RegExp(title));
      const page = await (await fetch(app.url + articlePath(row.slug))).text();
      assert.match(page, /The <strong>council<\/strong> voted\./);

      const edit = await author.client.page(`/admin/articles/${id}/edit`);
      assert.equal(edit.status, 200, 'the author may still look at it');
      assert.match(edit.html, /only an editor can change it now/);
      assert.equal((await save(author, id, { title: 'Changed by author' })).status, 403);

      assert.equal(
        idFrom(await save(editor, id, { updateNote: 'Adds the vote count.', body: 'The **council** voted 7–2.' })),
        id,
      );
      const updated = await (await fetch(app.url + articlePath(row.slug))).text();
      assert.match(updated, /voted 7–2/, 'the cached page was refreshed');
      assert.match(textOf(updated), /Updated \d+ \w+ \d{4} ?: Adds the vote count\./);

      assert.equal(idFrom(await save(editor, id, { action: 'unpublish' })), id);
      assert.equal(await publicStatus(row.slug), 404, 'unpublished articles leave the site');
    },
  );
});

describe('bad input', () => {
  test('a post without the CSRF token is refused and saves nothing', async () => {
    const editor = await loginAs(app, 'editor');
    const before = await countRows(app.services, 'articles');
    assert.equal(
      (await post(editor, '/admin/articles', { title: 'No token', action: 'publish' }, { csrf: false })).status,
      403,
    );
    const id = await create(editor);
    const row = await articleRow(id);
    assert.equal(
      (
        await post(
          editor,
          `/admin/articles/${id}`,
          { updatedAt: row.updated_at, title: 'No token', action: 'save' },
          { csrf: false },
        )
      ).status,
      403,
    );
    assert.equal(
      (
        await post(
          editor,
          `/admin/articles/${id}`,
          { _csrf: 'forged', updatedAt: row.updated_at, title: 'Forged' },
          { csrf: false },
        )
      ).status,
      403,
    );
    const multipart = new FormData();
    multipart.set('title', 'No token, multipart');
    multipart.set('action', 'save');
    assert.equal((await editor.client.request('/admin/articles', { method: 'POST', body: multipart })).status, 403);
    assert.equal(await countRows(app.services, 'articles'), before + 1);
    assert.deepEqual(await articleRow(id), row);
  });

  test(
    'a slug already in use gets 409 with the error beside the slug; nothing is saved and what ' + 'was typed is kept',
    async () => {
      const editor = await loginAs(app, 'editor');
      const taken = await articleRow(await create(editor));
      const before = await countRows(app.services, 'articles');
      const response = await post(editor, '/admin/articles', {
        title: 'A fresh headline',
        slug: taken.slug,
        body: 'Kept text',
        action: 'save',
      });
      assert.equal(response.status, 409);
      const html = await response.text();
      assert.match(errorBeside(html, 'slug'), /already uses this address/);
      assert.equal(inputValue(html, 'title'), 'A fresh headline');
      assert.match(html, /<textarea[^>]*id="body"[^>]*>Kept text<\/textarea>/);
      assert.equal(await countRows(app.services, 'articles'), before);

      const id = await create(editor);
      const row = await articleRow(id);
      assert.equal((await save(editor, id, { slug: taken.slug, title: 'Renamed' })).status, 409);
      assert.deepEqual(await articleRow(id), row, 'the existing article is unchanged');
      assert.equal(await revisionCount(id), 1);
    },
  );

  test('a malformed slug, a missing headline and an over-long standfirst each get their own message', async () => {
    const editor = await loginAs(app, 'editor');
    const response = await post(editor, '/admin/articles', {
      title: ' ',
      slug: 'Not A Slug!',
      standfirst: 'x'.repeat(601),
      action: 'save',
    });
    assert.equal(response.status, 400);
    const html = await response.text();
    assert.match(errorBeside(html, 'title'), /headline/);
    assert.match(errorBeside(html, 'slug'), /lower-case letters/);
    assert.match(errorBeside(html, 'standfirst'), /under 600/);
  });

  test('a schedule in the past is refused with "Choose a time in the future"', async () => {
    const editor = await loginAs(app, 'editor');
    const id = await create(editor);
    const row = await articleRow(id);
    const response = await save(editor, id, { action: 'schedule', publishAt: '2020-01-01T09:00' });
    assert.equal(response.status, 400);
    assert.match(errorBeside(await response.text(), 'publishAt'), /Choose a time in the future/);
    assert.deepEqual(await articleRow(id), row);
    const garbage = await save(editor, id, { action: 'schedule', publishAt: '2026-02-31T09:00' });
    assert.equal(garbage.status, 400);
  });

  test('a save over a newer version is refused with 409; the newer text is kept and the typed text shown', async () => {
    const [first, second] = [await loginAs(app, 'editor'), await loginAs(app, 'editor')];
    const id = await create(first);
    const version = await loadedVersion(second, id);
    assert.equal(idFrom(await save(first, id, { body: 'First editor’s text.' })), id);
    const response = await post(second, `/admin/articles/${id}`, {
      updatedAt: version,
      title: 'Second',
      body: 'Second editor’s text.',
      action: 'save',
    });
    assert.equal(response.status, 409);
    const html = await response.text();
    assert.match(textOf(html), new RegExp(`${first.user.displayName} saved this article at .* after you opened it`));
    assert.match(html, /Second editor’s text\./, 'what was typed is still in the form');
    assert.equal((await articleRow(id)).body_markdown, 'First editor’s text.');
    // The form now carries the newer version: saving again replaces it, knowingly.
    const again = await post(second, `/admin/articles/${id}`, {
      updatedAt: inputValue(html, 'updatedAt')!,
      title: 'Second',
      body: 'Second editor’s text.',
      action: 'save',
    });
    assert.equal(idFrom(again), id);
  });
});

describe('scheduling', () => {
  test('a scheduled article stays off the site until its time, then is published everywhere', async () => {
    const editor = await loginAs(app, 'editor');
    const title = unique('Bridge opening');
    const id = await create(editor, { title });
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString().slice(0, 16);
    assert.equal(idFrom(await save(editor, id, { action: 'schedule', publishAt: inAnHour })), id);
    const row = await articleRow(id);
    assert.equal(row.status, 'scheduled');
    assert.equal(row.published_at, `${inAnHour}:00.000Z`);
    assert.equal(await publicStatus(row.slug), 404);
    assert.doesNotMatch(await homeHtml(), new RegExp(title));
    const api = (await (await fetch(`${app.url}/api/v1/articles`)).json()) as { items: { id: number }[] };
    assert.ok(!api.items.some((item) => item.id === id));

    // Time passes.
    await app.services.db
      .updateTable('articles')
      .set({ published_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', id)
      .execute();
    assert.match(await homeHtml(), new RegExp(title));
    assert.equal(await publicStatus(row.slug), 200);
    const rated = await fetch(`${app.url}/api/v1/articles/${id}/ratings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"value":80}',
    });
    assert.equal(rated.status, 200, 'readers can rate it: every feature sees it as published');
    assert.equal((await articleRow(id)).status, 'published');
  });
});

describe('scheduling in the site’s time zone', () => {
  test(
    'a time typed in America/New_York is that zone’s wall clock on either side of a DST change; a skipped time ' +
      'is refused',
    async () => {
      await app.services.settings.update({ timeZone: 'America/New_York' });
      try {
        const editor = await loginAs(app, 'editor');
        const id = await create(editor);
        const form = await editor.client.page(`/admin/articles/${id}/edit`);
        assert.match(
          textOf(form.html),
          /Site time \(America\/New_York, E[SD]T now\)/,
          'the zone is named beside the field',
        );
        assert.match(
          inputValue(form.html, 'publishAt') ?? '',
          /^\d{4}-\d{2}-\d{2}T\d{2}:00$/,
          'a whole hour is offered rather than an empty field',
        );

        assert.equal(idFrom(await save(editor, id, { action: 'schedule', publishAt: '2099-01-15T09:00' })), id);
        assert.equal((await articleRow(id)).published_at, '2099-01-15T14:00:00.000Z', 'EST is five hours behind');
        assert.equal(idFrom(await save(editor, id, { action: 'schedule', publishAt: '2099-07-15T09:00' })), id);
        assert.equal((await articleRow(id)).published_at, '2099-07-15T13:00:00.000Z', 'EDT is four hours behind');
        const page = await editor.client.page(`/admin/articles/${id}/edit`);
        assert.equal(inputValue(page.html, 'publishAt'), '2099-07-15T09:00', 'shown again as typed');
        assert.match(textOf(page.html), /Scheduled for 15 Jul 2099, 09:00 EDT/);

        // The second Sunday of March: clocks go from 02:00 to 03:00.
        const march = new Date(Date.UTC(2099, 2, 1)).getUTCDay();
        const day = String(1 + ((7 - march) % 7) + 7).padStart(2, '0');
        const row = await articleRow(id);
        const skipped = await save(editor, id, { action: 'schedule', publishAt: `2099-03-${day}T02:30` });
        assert.equal(skipped.status, 400);
        assert.match(
          errorBeside(await skipped.text(), 'publishAt'),
          new RegExp(`02:30 does not exist on 2099-03-${day} in America/New_York: the clocks go forward then`),
        );
        assert.deepEqual(await articleRow(id), row, 'nothing saved');
        assert.equal(idFrom(await save(editor, id, { action: 'schedule', publishAt: `2099-03-${day}T03:30` })), id);
        assert.equal((await articleRow(id)).published_at, `2099-03-${day}T07:30:00.000Z`);
      } finally {
        await app.services.settings.update({ timeZone: 'UTC' });
      }
    },
  );
});

describe('revisions', () => {
  test('restoring a revision brings its text back as a new save, and the public page follows', async () => {
    const editor = await loginAs(app, 'editor');
    const id = await create(editor, { title: 'Original headline', body: 'Original body.', tags: 'Alpha' });
    assert.equal(
      idFrom(
        await save(editor, id, { title: 'Second headline', body: 'Second body.', tags: 'Beta', action: 'publish' }),
      ),
      id,
    );
    const slug = (await articleRow(id)).slug;
    assert.match(await (await fetch(app.url + articlePath(slug))).text(), /Second body\./);

    const page = await editor.client.page(`/admin/articles/${id}/revisions`);
    assert.equal(page.status, 200);
    const revisions = [...page.html.matchAll(/<li id="revision-(\d+)"/g)].map((m) => Number(m[1]));
    assert.equal(revisions.length, 2, 'two saves, two revisions');
    const oldest = Math.min(...revisions);
    assert.match(page.html, new RegExp(`action="/admin/articles/${id}/revisions/${oldest}/restore"`));
    assert.doesNotMatch(
      page.html,
      new RegExp(`revisions/${Math.max(...revisions)}/restore`),
      'the latest, same as the article, has nothing to restore',
    );
    const restored = await post(editor, `/admin/articles/${id}/revisions/${oldest}/restore`, {});
    assert.equal(restored.status, 303);
    assert.equal(restored.headers.get('location'), `/admin/articles/${id}/edit?restored=${oldest}`);
    const row = await articleRow(id);
    assert.equal(row.title, 'Original headline');
    assert.equal(row.body_markdown, 'Original body.');
    assert.equal(row.slug, slug, 'the address does not change');
    assert.equal(await revisionCount(id), 3);
    const publicPage = await (await fetch(app.url + articlePath(slug))).text();
    assert.match(publicPage, /Original body\./);
    assert.match(publicPage, /<li><a href="\/tags\/alpha">Alpha<\/a><\/li>/);
    assert.equal((await post(editor, `/admin/articles/${id}/revisions/999999/restore`, {})).status, 404);
  });

  /** One revision's entry on the revisions page, as text. */
  async function revisionEntry(staff: Staff, id: number, revision: number): Promise<string> {
    const page = await staff.client.page(`/admin/articles/${id}/revisions`);
    assert.equal(page.status, 200);
    const entry = new RegExp(`<li id="revision-${revision}">([\\s\\S]*?)</li>`).exec(page.html);
    assert.ok(entry, `revision #${revision} is listed`);
    return textOf(entry[1]!);
  }

  async function revisionIds(id: number): Promise<number[]> {
    const rows = await app.services.db
      .selectFrom('article_revisions')
      .select('id')
      .where('article_id', '=', id)
      .orderBy('id')
      .execute();
    return rows.map((r) => r.id);
  }

  const review = { reviewType: 'Book', reviewName: 'Salt Roads' };

  async function publicRating(id: number): Promise<string | undefined> {
    const html = await (await fetch(app.url + articlePath((await articleRow(id)).slug))).text();
    return /Our rating of\s*<cite>Salt Roads<\/cite>\s*:\s*<strong>(\d+)<\/strong>/.exec(html)?.[1];
  }

  test('a revision keeps the review’s own rating: the list shows the old one, restoring brings it back', async () => {
    const editor = await loginAs(app, 'editor');
    const id = await create(editor, { ...review, reviewRating: '60', action: 'publish' });
    assert.equal(await publicRating(id), '60');
    idFrom(await save(editor, id, { ...review, reviewRating: '85' }));
    assert.equal(await publicRating(id), '85');
    const [rated60, rated85] = await revisionIds(id);

    assert.match(await revisionEntry(editor, id, rated60!), /Our rating: 60\/100 \(now 85\/100\)/);
    const latest = await revisionEntry(editor, id, rated85!);
    assert.match(latest, /Our rating: 85\/100/);
    assert.doesNotMatch(latest, /now/);
    assert.doesNotMatch(latest, /Restore/, 'the latest, same as the article, has nothing to restore');

    // A rating change alone makes an otherwise identical revision worth restoring.
    assert.match(await revisionEntry(editor, id, rated60!), /Restore revision/);
    assert.equal((await post(editor, `/admin/articles/${id}/revisions/${rated60}/restore`, {})).status, 303);
    assert.equal((await articleRow(id)).review_rating, 60);
    assert.equal(await publicRating(id), '60', 'the public page follows');
    const edit = await editor.client.page(`/admin/articles/${id}/edit`);
    assert.equal(inputValue(edit.html, 'reviewRating'), '60', 'the editor shows the restored rating');

    // "No rating" is kept as such: restoring a revision saved without one clears it.
    idFrom(await save(editor, id, { ...review, reviewRating: '' }));
    const unrated = (await revisionIds(id)).at(-1)!;
    idFrom(await save(editor, id, { ...review, reviewRating: '40' }));
    assert.match(await revisionEntry(editor, id, unrated), /Our rating: none \(now 40\/100\)/);
    assert.equal((await post(editor, `/admin/articles/${id}/revisions/${unrated}/restore`, {})).status, 303);
    assert.equal((await articleRow(id)).review_rating, null);
    assert.equal(await publicRating(id), undefined);

    const audit = await app.services.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'article.restore')
      .where('subject', '=', `article:${id}`)
      .orderBy('id')
      .execute();
    assert.deepEqual(
      audit.map((a) => JSON.parse(a.details).reviewRating),
      ['85 → 60', '40 → none'],
      'the audit log names each restored rating change',
    );
  });

  test('a revision saved before revisions kept the rating restores its text and keeps the current rating', async () => {
    const editor = await loginAs(app, 'editor');
    const id = await create(editor, { ...review, reviewRating: '70', body: 'First thoughts.', action: 'publish' });
    const [old] = await revisionIds(id);
    // As migration 2026-12-05T0600 leaves the revisions saved before it.
    await app.services.db
      .updateTable('article_revisions')
      .set({ review_rating: null, review_rating_recorded: 0 })
      .where('id', '=', old!)
      .execute();
    idFrom(await save(editor, id, { ...review, reviewRating: '90', body: 'Second thoughts.' }));

    assert.match(await revisionEntry(editor, id, old!), /Our rating: not recorded/);
    assert.equal((await post(editor, `/admin/articles/${id}/revisions/${old}/restore`, {})).status, 303);
    const row = await articleRow(id);
    assert.equal(row.body_markdown, 'First thoughts.');
    assert.equal(row.review_rating, 90, 'an unknown rating is not taken for "none"');
    assert.equal(await publicRating(id), '90');
    // The restore is a new revision that does record the rating it left.
    const restoredAs = (await revisionIds(id)).at(-1)!;
    assert.match(await revisionEntry(editor, id, restoredAs), /Our rating: 90\/100/);
  });
});

describe('preview', () => {
  test('POST /admin/preview renders Markdown as the article page does, sanitised', async () => {
    const author = await loginAs(app, 'author');
    const response = await author.client.request('/admin/preview', {
      method: 'POST',
      json: { markdown: '## Heading\n\n**bold** <script>alert(1)</script> [x](javascript:alert(1))' },
      headers: { 'x-csrf-token': author.csrf },
    });
    assert.equal(response.status, 200);
    const { html } = (await response.json()) as { html: string };
    assert.match(html, /<h2>Heading<\/h2>/);
    assert.match(html, /<strong>bold<\/strong>/);
    assert.doesNotMatch(html, /<script|href="javascript:/);
    assert.equal(
      (await author.client.request('/admin/preview', { method: 'POST', json: { markdown: 'x' } })).status,
      403,
      'needs the CSRF header',
    );
  });

  test('the Preview button renders the preview on the server and saves nothing', async () => {
    const author = await loginAs(app, 'author');
    const before = await countRows(app.services, 'articles');
    const response = await postMultipart(author, '/admin/articles', {
      title: 'Preview only',
      body: 'Some *emphasis*.',
      action: 'preview',
    });
    assert.equal(response.status, 200);
    assert.match(await response.text(), /<div class="article-body" data-preview[^>]*><p>Some <em>emphasis<\/em>/);
    assert.equal(await countRows(app.services, 'articles'), before);
  });
});

describe('featured images', () => {
  const mediaDir = () => app.services.config.mediaDir;
  const mediaFiles = () => (existsSync(mediaDir()) ? readdirSync(mediaDir()).sort() : []);

  test('a file that is not an image is refused (415) whatever it claims to be; nothing is saved', async () => {
    const editor = await loginAs(app, 'editor');
    const before = { articles: await countRows(app.services, 'articles'), files: mediaFiles() };
    const response = await postMultipart(
      editor,
      '/admin/articles',
      { title: 'With a fake image', imageAlt: 'A fake', action: 'save' },
      {
        data: Buffer.from('#!/bin/sh\necho not an image\n'),
        name: 'photo.png',
        type: 'image/png',
      },
    );
    assert.equal(response.status, 415);
    const html = await response.text();
    assert.match(errorBeside(html, 'image'), /not an image we can use.*JPEG, PNG, WebP or GIF/);
    assert.equal(inputValue(html, 'title'), 'With a fake image', 'the form keeps what was typed');
    assert.equal(await countRows(app.services, 'articles'), before.articles);
    assert.deepEqual(mediaFiles(), before.files);
  });

  test('an image over 8 MB is refused (413) with the form kept; nothing is saved', async () => {
    const editor = await loginAs(app, 'editor');
    const id = await create(editor, { title: 'Big picture' });
    const row = await articleRow(id);
    const huge = Buffer.alloc(8 * 1024 * 1024 + 1);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(huge);
    const response = await postMultipart(
      editor,
      `/admin/articles/${id}`,
      { updatedAt: row.updated_at, title: 'Big picture, renamed', imageAlt: 'Huge', action: 'save' },
      {
        data: huge,
        name: 'huge.png',
        type: 'image/png',
      },
    );
    assert.equal(response.status, 413);
    const html = await response.text();
    assert.match(errorBeside(html, 'image'), /larger than 8 MB/);
    assert.equal(inputValue(html, 'title'), 'Big picture, renamed');
    assert.deepEqual(await articleRow(id), row);
  });

  test('a PNG is stored as three WebP widths and shown on the article page with srcset, size and alt', async () => {
    const editor = await loginAs(app, 'editor');
    const png = await sharp({ create: { width: 2000, height: 1000, channels: 3, background: '#2a6f97' } })
      .png()
      .toBuffer();
    const missingAlt = await postMultipart(
      editor,
      '/admin/articles',
      { title: 'Harbour at dawn', action: 'publish', body: 'Boats.' },
      { data: png, name: 'harbour.png', type: 'image/png' },
    );
    assert.equal(missingAlt.status, 400);
    assert.match(errorBeside(await missingAlt.text(), 'imageAlt'), /Describe the image/);
    const before = mediaFiles();

    const response = await postMultipart(
      editor,
      '/admin/articles',
      {
        title: unique('Harbour at dawn'),
        action: 'publish',
        body: 'Boats.',
        imageAlt: 'Fishing boats in the harbour at dawn',
      },
      {
        data: png,
        name: 'harbour.png',
        type: 'application/octet-stream',
      },
    );
    const id = idFrom(response);
    const row = await articleRow(id);
    assert.match(row.featured_image ?? '', /^[a-z0-9]{16}_1600x800$/);
    const added = mediaFiles().filter((f) => !before.includes(f));
    assert.deepEqual(added, [480, 960, 1600].map((w) => `${row.featured_image}-${w}.webp`).sort());
    for (const width of [480, 960, 1600]) {
      const meta = await sharp(`${mediaDir()}/${row.featured_image}-${width}.webp`).metadata();
      assert.equal(meta.format, 'webp');
      assert.equal(meta.width, width);
      assert.equal(meta.height, width / 2, 'the aspect ratio is kept');
    }

    const page = await (await fetch(app.url + articlePath(row.slug))).text();
    const img = /<figure class="featured-image"><img [^>]*>/.exec(page)?.[0] ?? '';
    assert.match(
      img,
      new RegExp(
        `srcset="/media/${row.featured_image}-480.webp 480w, /media/${row.featured_image}-960.webp 960w, ` +
          `/media/${row.featured_image}-1600.webp 1600w"`,
      ),
    );
    assert.match(img, /sizes="[^"]+"/);
    assert.match(img, /width="1600"/);
    assert.match(img, /height="800"/);
    assert.match(img, /alt="Fishing boats in the harbour at dawn"/);

    const file = await fetch(`${app.url}/media/${row.featured_image}-960.webp`);
    assert.equal(file.status, 200);
    assert.equal(file.headers.get('content-type'), 'image/webp');
    assert.match(file.headers.get('cache-control') ?? '', /immutable/);
    for (const path of [
      '/media/..%2F..%2Fetc%2Fpasswd',
      '/media/%2e%2e%2ftest.db',
      `/media/${'a'.repeat(16)}_10x10-10.webp`,
      '/media/test.db',
    ]) {
      assert.equal((await fetch(app.url + path)).status, 404, path);
    }

    // Removing the image deletes its files once the save has committed.
    assert.equal(idFrom(await save(editor, id, { removeImage: '1' })), id);
    assert.equal((await articleRow(id)).featured_image, null);
    assert.deepEqual(mediaFiles(), before);
  });
});
