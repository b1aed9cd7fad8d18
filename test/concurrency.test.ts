// Requests that read and then write, sent at the same moment. SQLite runs one writer at a time;
// PostgreSQL (TEST_DATABASE=postgres) runs them side by side, so these hold there only because
// the services lock the rows they read or count in SQL. Every figure must come out exact.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CLI_ACTOR } from '../src/features/audit/audit.service.ts';
import { emptyForm } from '../src/features/article-editor/article-editor-validation.ts';
import { MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS } from '../src/features/staff/staff.service.ts';
import { getOrCreateSecret } from '../src/features/settings/settings.service.ts';
import { issueFormToken } from '../src/features/spam/form-token.ts';
import { commentInput, createArticle } from './helpers/factories.ts';
import { startTestApp, type TestApp } from './helpers/test-app.ts';
import { createStaff, STAFF_PASSWORD } from './helpers/staff.ts';

const together = <T>(n: number, run: (i: number) => Promise<T>) =>
  Promise.allSettled(Array.from({ length: n }, (_, i) => run(i)));

describe('concurrent writes stay exact', () => {
  let app: TestApp;

  before(async () => {
    app = await startTestApp({ settings: { commentPolicy: 'publish', ratingCapPerDay: 10 } });
  });
  after(() => app.close());

  async function totals(articleId: number) {
    const article = await app.services.db
      .selectFrom('articles')
      .selectAll()
      .where('id', '=', articleId)
      .executeTakeFirstOrThrow();
    const ratings = await app.services.db
      .selectFrom('ratings')
      .select('value')
      .where('article_id', '=', articleId)
      .execute();
    return { article, ratings };
  }

  it('ratings from one address stop exactly at the cap, and the totals match the rows', async () => {
    const article = await createArticle(app.services);
    const results = await together(40, (i) =>
      app.services.ratings.rate({
        articleId: article.id,
        readerId: `cap-reader-${i}`,
        ipHash: 'one-address',
        value: 60,
      }),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 10);
    for (const r of results)
      if (r.status === 'rejected') assert.equal((r.reason as { code?: string }).code, 'rating_cap_reached');
    const { article: row, ratings } = await totals(article.id);
    assert.equal(ratings.length, 10);
    assert.deepEqual([row.rating_sum, row.rating_count], [600, 10]);
  });

  it('one reader rating many times at once keeps one rating, and the totals follow it', async () => {
    const article = await createArticle(app.services);
    const results = await together(20, (i) =>
      app.services.ratings.rate({ articleId: article.id, readerId: 'eager-reader', ipHash: 'ip-eager', value: i * 5 }),
    );
    assert.deepEqual(
      results.filter((r) => r.status === 'rejected'),
      [],
      'none fails',
    );
    const { article: row, ratings } = await totals(article.id);
    assert.equal(ratings.length, 1);
    assert.deepEqual([row.rating_sum, row.rating_count], [ratings[0]!.value, 1]);
    const bands = [row.rating_band_1, row.rating_band_2, row.rating_band_3, row.rating_band_4, row.rating_band_5];
    assert.equal(
      bands.reduce((a, b) => a + b, 0),
      1,
      `one rating in the distribution: ${bands}`,
    );
  });

  it('comments posted and moderated at once leave comment_count equal to the approved comments', async () => {
    const article = await createArticle(app.services);
    const context = { articleId: article.id, readerId: null, ipHash: 'ip', userAgent: 'test' };
    const held = await app.services.settings
      .update({ commentPolicy: 'hold-all' })
      .then(() => Promise.all(Array.from({ length: 10 }, () => app.services.comments.post(commentInput(), context))));
    await app.services.settings.update({ commentPolicy: 'publish' });
    const results = await Promise.allSettled([
      ...Array.from({ length: 20 }, () => app.services.comments.post(commentInput(), context)),
      ...held.map((c) => app.services.comments.setStatus([c.id], 'approved', CLI_ACTOR)),
      app.services.comments.setStatus(held.map((c) => c.id).slice(0, 5), 'approved', CLI_ACTOR),
    ]);
    assert.deepEqual(
      results.filter((r) => r.status === 'rejected'),
      [],
    );
    const row = await app.services.db
      .selectFrom('articles')
      .select('comment_count')
      .where('id', '=', article.id)
      .executeTakeFirstOrThrow();
    const approved = await app.services.db
      .selectFrom('comments')
      .select('id')
      .where('article_id', '=', article.id)
      .where('status', '=', 'approved')
      .execute();
    assert.equal(approved.length, 30);
    assert.equal(row.comment_count, 30);
    const audits = await app.services.db
      .selectFrom('audit_log')
      .select('subject')
      .where('action', '=', 'comment.approved')
      .execute();
    const perComment = new Map<string, number>();
    for (const a of audits) perComment.set(a.subject, (perComment.get(a.subject) ?? 0) + 1);
    assert.ok(
      [...perComment.values()].every((n) => n === 1),
      'each approval is audited once',
    );
  });

  it('comments posted at once succeed or fail each as they would alone, and only the acknowledged are stored', async () => {
    const article = await createArticle(app.services);
    const context = { articleId: article.id, readerId: null, ipHash: 'ip-many', userAgent: 'test' };
    const first = await app.services.comments.post(commentInput(), context);
    const banned = await app.services.comments.post(commentInput({ authorEmail: 'to-ban@example.org' }), context);
    await app.services.bans.banFromComment(
      { commentId: banned.id, kind: 'email', reason: 'test', duration: 'day' },
      CLI_ACTOR,
    );
    const key = await getOrCreateSecret(app.services.db, 'form-token');
    const token = issueFormToken(key, article.id, Date.now() - 60_000);
    const submission = { ip: '192.0.2.1', formToken: token, honeypot: '' };
    const kinds = ['plain', 'reply', 'missing-parent', 'banned', 'token', 'token', 'token'] as const;
    const results = await together(kinds.length * 3, (i) => {
      const kind = kinds[i % kinds.length]!;
      if (kind === 'reply') return app.services.comments.post(commentInput({ parentId: first.id }), context);
      if (kind === 'missing-parent') return app.services.comments.post(commentInput({ parentId: 999_999 }), context);
      if (kind === 'banned')
        return app.services.comments.post(commentInput({ authorEmail: 'to-ban@example.org' }), context);
      if (kind === 'token') return app.services.comments.post(commentInput(), { ...context, submission });
      return app.services.comments.post(commentInput(), context);
    });
    const codes = results.map((r) => (r.status === 'rejected' ? (r.reason as { code?: string }).code : 'ok'));
    for (const [i, code] of codes.entries()) {
      const kind = kinds[i % kinds.length]!;
      assert.equal(code, kind === 'missing-parent' ? 'invalid_parent' : kind === 'banned' ? 'banned' : 'ok', kind);
    }
    // One form token, used nine times at once: it publishes one comment; the others are told it was used.
    const tokenPosts = results.filter((_, i) => kinds[i % kinds.length] === 'token');
    const statuses = tokenPosts.map((r) => (r as PromiseFulfilledResult<{ status: string }>).value.status);
    assert.equal(statuses.filter((status) => status === 'approved').length, 1);
    const ids = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.id] : []));
    const stored = await app.services.db
      .selectFrom('comments')
      .select(['id', 'status'])
      .where('article_id', '=', article.id)
      .where('id', 'not in', [first.id, banned.id])
      .execute();
    assert.deepEqual(
      stored.map((row) => row.id).sort((a, b) => a - b),
      [...ids].sort((a, b) => a - b),
    );
    const approved = stored.filter((row) => row.status === 'approved').length + 2;
    const row = await app.services.db
      .selectFrom('articles')
      .select('comment_count')
      .where('id', '=', article.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.comment_count, approved);
  });

  it('two saves of one article version: one wins, the other is told of the conflict', async () => {
    const editor = await createStaff(app, 'editor');
    const created = await app.services.articleEditor.create(
      { form: { ...emptyForm(), title: 'Racing saves', body: 'First text.' }, action: 'save' },
      editor,
    );
    const save = (body: string) =>
      app.services.articleEditor.update(
        created.id,
        created.updatedAt,
        { form: { ...emptyForm(), title: 'Racing saves', slug: created.slug, body }, action: 'save' },
        editor,
      );
    const results = await Promise.all([save('Second text, A.'), save('Second text, B.')]);
    assert.equal(results.filter((r) => r.conflict).length, 1, 'exactly one conflict');
    const revisions = await app.services.db
      .selectFrom('article_revisions')
      .select('id')
      .where('article_id', '=', created.id)
      .execute();
    assert.equal(revisions.length, 2, 'the creation and the one save that won');
  });

  it('parallel wrong passwords: no more than the limit are ever checked', async () => {
    const user = await createStaff(app, 'moderator');
    const results = await together(15, () =>
      app.services.staff.login({
        email: user.email,
        password: 'not the password at all',
        ipHash: 'ip-guess',
        userAgent: 'test',
      }),
    );
    const codes = results.map((r) => (r.status === 'rejected' ? (r.reason as { code: string }).code : 'ok'));
    assert.equal(
      codes.filter((c) => c === 'login_failed').length,
      MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS,
      codes.join(' '),
    );
    assert.equal(codes.filter((c) => c === 'login_throttled').length, 15 - MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS);
    await assert.rejects(
      app.services.staff.login({ email: user.email, password: STAFF_PASSWORD, ipHash: 'ip-guess', userAgent: 'test' }),
      { code: 'login_throttled' },
    );
  });

  it('two accounts created at once for one address: one is made, the other is told the address is taken', async () => {
    const results = await together(2, () =>
      app.services.staff.createUser(
        { email: 'twice@example.org', role: 'author', password: STAFF_PASSWORD, displayName: 'Twice' },
        CLI_ACTOR,
      ),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.equal((refused.reason as { code: string }).code, 'email_taken');
  });
});
