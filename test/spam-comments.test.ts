// Spam defence end to end, over HTTP against a real database: the form's honeypot and token,
// the API's strict path, block lists, links, copies, and the classifier learning from moderators.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { CommentRow } from '../src/features/comments/comment.table.ts';
import type { Settings } from '../src/features/settings/settings.service.ts';
import { readCorpus } from '../src/features/spam/spam-eval.ts';
import { loadSpamTotals } from '../src/features/spam/spam.repository.ts';
import { Client, startTestApp, type TestApp } from './helpers/test-app.ts';
import { createArticle } from './helpers/factories.ts';
import { lastCommentId } from './helpers/broadsheet.ts';

type Article = Awaited<ReturnType<typeof createArticle>>;

const SPAM_DEFAULTS: Partial<Settings> = {
  commentPolicy: 'publish',
  blockedEmails: [],
  blockedIps: [],
  blockedWords: [],
  maxLinks: 2,
  minFormSeconds: 0,
};

/** The comment form's inputs as a browser would submit them. */
function formFields(html: string): Record<string, string> {
  const form = /<form class="comment-form"[\s\S]*?<\/form>/.exec(html)?.[0] ?? '';
  const fields: Record<string, string> = {};
  for (const [tag] of form.matchAll(/<input\b[^>]*>/g)) {
    const name = /\sname="([^"]*)"/.exec(tag)?.[1];
    if (name) fields[name] = /\svalue="([^"]*)"/.exec(tag)?.[1] ?? '';
  }
  return fields;
}

describe('spam defence over HTTP', () => {
  let app: TestApp;
  let article: Article;
  let n = 0;
  const page = (a: Article = article) => `/articles/${a.slug}`;

  /** A reader who loaded the form; the author's fields are unique unless given. */
  function typed(overrides: Record<string, string> = {}) {
    n++;
    return {
      authorName: `Reader ${n}`,
      authorEmail: `spam-test-${n}@example.org`,
      authorUrl: '',
      body: `Comment ${n}: the harbour plan deserves a proper debate.`,
      ...overrides,
    };
  }

  /** The form as a browser without JavaScript posts it: with the shared page's token. */
  async function openFormWithoutScript(client: Client, a: Article = article) {
    return formFields((await client.page(page(a))).html);
  }

  /** The form as the page's script fills it: on first focus it fetches a token of the reader's own. */
  async function openForm(client: Client, a: Article = article) {
    const fields = await openFormWithoutScript(client, a);
    const response = await client.request(`/api/v1/articles/${a.id}/form-token`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    fields.formToken = ((await response.json()) as { formToken: string }).formToken;
    return fields;
  }

  /** Posts the form and returns the stored comment. */
  async function submit(client: Client, fields: Record<string, string>, a: Article = article): Promise<CommentRow> {
    const response = await client.request(`${page(a)}/comments`, { method: 'POST', form: fields });
    assert.equal(response.status, 303, await response.text());
    return stored(await lastCommentId(app.services));
  }

  async function stored(id: number): Promise<CommentRow> {
    return app.services.db.selectFrom('comments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  }

  async function postApi(
    client: Client,
    input: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<CommentRow> {
    const response = await client.request(`/api/v1/articles/${article.id}/comments`, {
      method: 'POST',
      json: input,
      headers,
    });
    const text = await response.text();
    assert.equal(response.status, 201, text);
    const body = JSON.parse(text) as { id: number; status: string };
    assert.deepEqual(Object.keys(body).sort(), ['id', 'status'], 'the API contract is unchanged');
    const row = await stored(body.id);
    assert.equal(body.status, row.status);
    return row;
  }

  before(async () => {
    app = await startTestApp();
  });
  beforeEach(async () => {
    await app.services.settings.update(SPAM_DEFAULTS);
    article = await createArticle(app.services);
  });
  after(() => app.close());

  describe('the comment form', () => {
    it(
      'has a honeypot hidden from people and assistive technology; one shared token on the page, a fresh one ' +
        'per opened form',
      async () => {
        const { html } = await new Client(app.url).page(page());
        const trap = /<div class="form-trap"[^>]*>[\s\S]*?<\/div>/.exec(html)?.[0] ?? '';
        assert.match(trap, /aria-hidden="true"/);
        assert.match(trap, /<label for="comment-homepage">Leave this field empty<\/label>/);
        const input = /<input[^>]*name="homepage"[^>]*>/.exec(trap)?.[0] ?? '';
        assert.match(input, /tabindex="-1"/);
        assert.match(input, /autocomplete="off"/);
        const css = await (await fetch(`${app.url}${/<link rel="stylesheet" href="([^"]+)"/.exec(html)![1]}`)).text();
        assert.match(css, /\.form-trap\s*\{[^}]*display:\s*none/);

        const reader = new Client(app.url);
        const first = (await openForm(reader)).formToken;
        const second = (await openForm(reader)).formToken;
        assert.ok(first && second);
        assert.notEqual(first, second);
        const shared = (await openFormWithoutScript(new Client(app.url))).formToken;
        assert.equal((await openFormWithoutScript(reader)).formToken, shared, 'the page is the same for every reader');
      },
    );

    it('a person posting the form normally is published, with nothing held against them', async () => {
      const reader = new Client(app.url);
      const row = await submit(reader, { ...(await openForm(reader)), ...typed() });
      assert.equal(row.status, 'approved');
      assert.equal(row.held_reason, null);
      assert.equal(row.spam_score, null, 'the classifier is untrained here');
    });

    it('a filled-in honeypot is spam, and the bot is told nothing different', async () => {
      const bot = new Client(app.url);
      const row = await submit(bot, { ...(await openForm(bot)), ...typed({ homepage: 'https://bot.example' }) });
      assert.equal(row.status, 'spam');
      assert.match(row.held_reason ?? '', /^honeypot: /);
    });

    it('a token used twice: the second comment is spam', async () => {
      const bot = new Client(app.url);
      const fields = await openForm(bot);
      assert.equal((await submit(bot, { ...fields, ...typed() })).status, 'approved');
      const replay = await submit(bot, { ...fields, ...typed() });
      assert.equal(replay.status, 'spam');
      assert.match(replay.held_reason ?? '', /^form-token: form already used/);
    });

    it('posting faster than the minFormSeconds setting is spam', async () => {
      await app.services.settings.update({ minFormSeconds: 60 });
      const bot = new Client(app.url);
      const row = await submit(bot, { ...(await openForm(bot)), ...typed() });
      assert.equal(row.status, 'spam');
      assert.match(row.held_reason ?? '', /^form-token: posted faster than a person can write/);
    });

    it(
      "without JavaScript: the shared page's token is not used up, but posting sooner after the page was built " +
        'than a person can write is spam',
      async () => {
        const first = new Client(app.url);
        const fields = await openFormWithoutScript(first);
        assert.match(fields.formToken ?? '', /^s\d+\./, 'a shared token');
        assert.equal((await submit(first, { ...fields, ...typed() })).status, 'approved');
        const second = new Client(app.url);
        assert.equal(
          (await submit(second, { ...(await openFormWithoutScript(second)), ...typed() })).status,
          'approved',
          'another reader of the same page',
        );

        // The settings change rebuilds the page, and with it the token's time.
        await app.services.settings.update({ minFormSeconds: 60 });
        const bot = new Client(app.url);
        const row = await submit(bot, { ...(await openFormWithoutScript(bot)), ...typed() });
        assert.equal(row.status, 'spam');
        assert.match(row.held_reason ?? '', /^form-token: posted faster than a person can write/);
      },
    );

    it(
      'a form sent back with errors keeps the time it was first served, so fixing a field ' + 'quickly is fine',
      async () => {
        const reader = new Client(app.url);
        const fields = await openForm(reader);
        await app.services.settings.update({ minFormSeconds: 60 });
        const response = await reader.request(`${page()}/comments`, {
          method: 'POST',
          form: { ...fields, ...typed({ authorEmail: 'not-an-address' }) },
        });
        assert.equal(response.status, 400);
        const again = formFields(await response.text());
        assert.notEqual(again.formToken, fields.formToken);
        assert.equal(again.formToken?.split('.')[0], fields.formToken?.split('.')[0], 'the same issue time');
        const nonce = fields.formToken!.split('.')[1]!;
        const used = await app.services.db
          .selectFrom('used_form_tokens')
          .select('nonce')
          .where('nonce', '=', nonce)
          .executeTakeFirst();
        assert.equal(used, undefined, 'a refused comment uses up no token');
      },
    );

    it("another article's token, a tampered token or none at all: held for a moderator", async () => {
      const other = await createArticle(app.services);
      const reader = new Client(app.url);
      const otherForm = await openForm(reader, other);
      const wrong = await submit(reader, { ...(await openForm(reader)), formToken: otherForm.formToken!, ...typed() });
      assert.equal(wrong.status, 'pending');
      assert.match(wrong.held_reason ?? '', /^form-token: form token belongs to another article/);

      const fields = await openForm(reader);
      const tampered = await submit(reader, { ...fields, formToken: `${fields.formToken}x`, ...typed() });
      assert.equal(tampered.status, 'pending');
      assert.match(tampered.held_reason ?? '', /^form-token: form token is not one this site issued/);

      const { formToken: _dropped, ...withoutToken } = await openForm(reader);
      const missing = await submit(reader, { ...withoutToken, ...typed() });
      assert.equal(missing.status, 'pending');
      assert.match(missing.held_reason ?? '', /^form-token: sent without a form token/);
    });
  });

  describe('the JSON API', () => {
    it('without a form token: accepted (201), held for a moderator, and says why', async () => {
      const row = await postApi(new Client(app.url), typed());
      assert.equal(row.status, 'pending');
      assert.match(row.held_reason ?? '', /^form-token: sent without a form token \(through the API or a script\)/);
      const queue = await app.services.comments.listForModeration({ status: 'pending' });
      assert.equal(queue.find((c) => c.id === row.id)?.heldReason, row.held_reason, 'the moderation queue can show it');
    });

    it('with a fetched form token in the Broadsheet-Form-Token header: treated like the form', async () => {
      const reader = new Client(app.url);
      const { formToken } = await openForm(reader);
      const input = typed();
      const row = await postApi(reader, input, { 'broadsheet-form-token': formToken! });
      assert.equal(row.status, 'approved');
      const again = await postApi(
        reader,
        { ...input, body: `${input.body} Again.` },
        { 'broadsheet-form-token': formToken! },
      );
      assert.equal(again.status, 'spam', 'replayed');
    });

    it('the token header is documented in the OpenAPI description', async () => {
      const doc = (await (await fetch(`${app.url}/api/v1/openapi.json`)).json()) as {
        paths: Record<string, { post?: { parameters?: { in: string; name: string }[] } }>;
      };
      const parameters = doc.paths['/api/v1/articles/{id}/comments']?.post?.parameters ?? [];
      assert.ok(
        parameters.some((p) => p.in === 'header' && p.name === 'broadsheet-form-token'),
        JSON.stringify(parameters),
      );
    });
  });

  describe('block lists, links and copies', () => {
    it('a blocked e-mail domain, network or word is spam, naming the entry', async () => {
      await app.services.settings.update({
        blockedEmails: ['@spam-domain.example'],
        blockedIps: [],
        blockedWords: ['replica watches'],
      });
      const reader = new Client(app.url);
      const email = await submit(reader, {
        ...(await openForm(reader)),
        ...typed({ authorEmail: 'bot@mail.spam-domain.example' }),
      });
      assert.equal(email.status, 'spam');
      assert.match(email.held_reason ?? '', /^block-list: blocked e-mail address "@spam-domain\.example"/);
      const word = await submit(reader, {
        ...(await openForm(reader)),
        ...typed({ body: 'Fine Replica   Watches for sale in town.' }),
      });
      assert.match(word.held_reason ?? '', /^block-list: blocked word "replica watches"/);
    });

    it('a blocked network matches the address at post time, which is never stored', async () => {
      await app.services.settings.update({ blockedIps: ['127.0.0.0/8'] });
      const reader = new Client(app.url);
      const row = await submit(reader, { ...(await openForm(reader)), ...typed() });
      assert.equal(row.status, 'spam');
      assert.match(row.held_reason ?? '', /^block-list: blocked network address "127\.0\.0\.0\/8"/);
      assert.ok(
        !JSON.stringify({ ...row, held_reason: '' }).includes('127.0.0.1'),
        'the raw address is not in the row',
      );
    });

    it('more links than maxLinks are held; raising the setting lets them through', async () => {
      const body = 'Sources: https://one.example.org https://two.example.org and https://three.example.org';
      const reader = new Client(app.url);
      const held = await submit(reader, { ...(await openForm(reader)), ...typed({ body }) });
      assert.equal(held.status, 'pending');
      assert.equal(held.held_reason, 'links: 3 links (limit 2)');
      await app.services.settings.update({ maxLinks: 3 });
      const passed = await submit(reader, { ...(await openForm(reader)), ...typed({ body: `${body}, again` }) });
      assert.equal(passed.status, 'approved');
    });

    it('the same text again: spam from the same address, held from another', async () => {
      const body = 'Exactly the same words, posted twice over by a copy machine.';
      const reader = new Client(app.url);
      const first = await submit(reader, {
        ...(await openForm(reader)),
        ...typed({ authorEmail: 'copier@example.org', body }),
      });
      assert.equal(first.status, 'approved');
      const repeat = await submit(reader, {
        ...(await openForm(reader)),
        ...typed({ authorEmail: 'copier@example.org', body: body.toUpperCase() }),
      });
      assert.equal(repeat.status, 'spam');
      assert.equal(repeat.held_reason, `duplicate: same text as this author's comment #${first.id}`);
      const copy = await submit(reader, { ...(await openForm(reader)), ...typed({ body }) });
      assert.equal(copy.status, 'pending');
      assert.match(copy.held_reason ?? '', /^duplicate: same text as comment #\d+, posted lately/);
    });

    it('several rules at once: the deciding one first, then the others', async () => {
      await app.services.settings.update({ commentPolicy: 'hold-first-time' });
      const row = await postApi(
        new Client(app.url),
        typed({ body: 'Links: https://a.example.org https://b.example.org https://c.example.org' }),
      );
      assert.equal(row.status, 'pending');
      assert.match(
        row.held_reason ?? '',
        /^form-token: sent without a form token \(through the API or a script\); links: 3 links \(limit 2\); policy-first-time: /,
      );
    });
  });

  describe('the classifier learns from moderators', () => {
    const corpus = readCorpus(readFileSync(new URL('./fixtures/spam/corpus.csv', import.meta.url), 'utf8'));
    const totals = () => loadSpamTotals(app.services.db);
    let trainedSpamId: number;

    before(async () => {
      // Moderators judge 30 comments of each kind from the corpus.
      await app.services.settings.update({ ...SPAM_DEFAULTS, commentPolicy: 'hold-all' });
      const training = await createArticle(app.services);
      const context = { articleId: training.id, readerId: null, ipHash: 'corpus', userAgent: 'test' };
      const verdicts = { spam: [] as number[], approved: [] as number[] };
      for (const label of ['spam', 'ham'] as const) {
        for (const [i, example] of corpus
          .filter((e) => e.label === label)
          .slice(0, 30)
          .entries()) {
          const { id } = await app.services.comments.post(
            { authorName: `Corpus ${label} ${i}`, authorEmail: `corpus-${label}-${i}@example.org`, body: example.text },
            context,
          );
          verdicts[label === 'spam' ? 'spam' : 'approved'].push(id);
        }
      }
      assert.deepEqual(
        await totals(),
        { spamDocuments: 0, hamDocuments: 0, spamTokenTotal: 0, hamTokenTotal: 0, vocabulary: 0 },
        'posting does not train',
      );
      await app.services.comments.setStatus(verdicts.spam, 'spam');
      await app.services.comments.setStatus(verdicts.approved, 'approved');
      trainedSpamId = verdicts.spam[0]!;
    });

    it('each verdict trains once, under its label, and is remembered on the comment', async () => {
      const t = await totals();
      assert.equal(t.spamDocuments, 30);
      assert.equal(t.hamDocuments, 30);
      assert.equal((await stored(trainedSpamId)).trained_as, 'spam');
      await app.services.comments.setStatus([trainedSpamId], 'spam');
      assert.deepEqual(await totals(), t, 'marking spam again changes nothing');
    });

    it('a new comment gets a score: spam-like text is caught, a reader is published', async () => {
      const reader = new Client(app.url);
      const spam = await submit(reader, {
        ...(await openForm(reader)),
        ...typed({ body: 'Cheap viagra and casino bonus, earn $500 a day from home https://cheap-pills.shop' }),
      });
      assert.ok(spam.spam_score !== null && spam.spam_score >= 0.95, `score ${spam.spam_score}`);
      assert.equal(spam.status, 'spam');
      assert.match(spam.held_reason ?? '', /^classifier: spam score (0\.9[5-9]|1\.00)$/);

      const ham = await submit(reader, {
        ...(await openForm(reader)),
        ...typed({
          body: 'I was at the council meeting and the residents asked good questions about the harbour wall.',
        }),
      });
      assert.ok(ham.spam_score !== null && ham.spam_score < 0.5, `score ${ham.spam_score}`);
      assert.equal(ham.status, 'approved');
      assert.equal(ham.held_reason, null);
    });

    it('a held comment shows its score beside the rule that held it', async () => {
      const row = await postApi(
        new Client(app.url),
        typed({ body: 'The council should publish the harbour figures before the vote.' }),
      );
      assert.equal(row.status, 'pending');
      assert.match(
        row.held_reason ?? '',
        /^form-token: sent without a form token \(through the API or a script\); spam score \d\.\d\d$/,
      );
      assert.equal(typeof row.spam_score, 'number');
    });

    it('a moderator changing their mind untrains the old verdict first', async () => {
      const before = await totals();
      await app.services.comments.setStatus([trainedSpamId], 'approved');
      const after = await totals();
      assert.equal(after.spamDocuments, before.spamDocuments - 1);
      assert.equal(after.hamDocuments, before.hamDocuments + 1);
      assert.equal((await stored(trainedSpamId)).trained_as, 'ham');
      await app.services.comments.setStatus([trainedSpamId], 'trash');
      assert.deepEqual(await totals(), after, 'trash is no verdict on spam');
      await app.services.comments.setStatus([trainedSpamId], 'spam');
      assert.deepEqual(await totals(), before, 'and back again');
    });
  });
});
