// Content rules: counting links as readers see them, and finding the same text posted again.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createServices, type Services } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { renderCommentMarkdown } from '../src/lib/markdown.ts';
import {
  bodyHash,
  countLinks,
  DUPLICATE_MIN_LENGTH,
  DUPLICATE_WINDOW_HOURS,
  commentText,
  findDuplicate,
  normaliseBody,
} from '../src/features/spam/content-rules.ts';
import { commentInput, createArticle } from './helpers/factories.ts';
import { createTestDatabase, type TestDatabase } from './helpers/test-app.ts';

describe('normalised bodies', () => {
  it('ignore case, punctuation, Markdown and spacing', () => {
    const variants = [
      'Buy cheap watches, today!',
      'buy CHEAP watches today',
      '**Buy** cheap   watches\n\ntoday…',
      '> buy cheap watches - today',
    ];
    for (const text of variants) assert.equal(normaliseBody(text), 'buy cheap watches today', text);
    assert.equal(new Set(variants.map(bodyHash)).size, 1);
  });

  it('keep the words and their order', () => {
    assert.notEqual(bodyHash('the bridge is open'), bodyHash('is the bridge open'));
    assert.equal(normaliseBody('Ｆｕｌｌ width'), 'full width', 'compatibility forms fold to plain letters');
  });
});

describe('countLinks', () => {
  const links = (markdown: string) => countLinks(renderCommentMarkdown(markdown));

  it('counts Markdown links and bare addresses alike, as rendered', () => {
    assert.equal(links('No links here.'), 0);
    assert.equal(links('See https://example.org/report for the figures.'), 1);
    assert.equal(links('[one](https://a.example) and [two](https://b.example) and www.harbour-news.org'), 3);
    assert.equal(links('cheap-pills.shop'), 1, 'even without www. or a scheme');
  });

  it('does not count links that sanitising removed', () => {
    assert.equal(links('[bad](javascript:alert(1)) [ok](https://ok.example)'), 1);
  });
});

describe('findDuplicate', () => {
  let database: TestDatabase;
  let services: Services;
  let articleId: number;
  const now = () => new Date();
  const post = async (input: Record<string, unknown>) =>
    (await services.comments.post(commentInput(input), { articleId, readerId: null, ipHash: 'x', userAgent: 'test' }))
      .id;

  before(async () => {
    database = await createTestDatabase();
    services = await createServices(loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent' }));
    articleId = (await createArticle(services)).id;
  });
  after(async () => {
    await services.close();
    await database.drop();
  });

  it('finds the same text from the same address, at any time', async () => {
    const body = 'The new bus timetable is a real improvement for the estate.';
    const first = await post({ authorEmail: 'repeat@example.org', body });
    await services.db
      .updateTable('comments')
      .set({ created_at: '2020-01-01T00:00:00.000Z' })
      .where('id', '=', first)
      .execute();
    assert.deepEqual(
      await findDuplicate(services.db, {
        text: commentText(`${body}!!`),
        authorEmail: 'repeat@example.org',
        now: now(),
      }),
      { kind: 'same-author', commentId: first },
    );
  });

  it(`finds the same text from anyone within ${DUPLICATE_WINDOW_HOURS} hours, not before`, async () => {
    const body = 'Copy and paste campaigns look exactly like this one.';
    const id = await post({ authorEmail: 'first@example.org', body });
    assert.deepEqual(
      await findDuplicate(services.db, {
        text: commentText(body.toUpperCase()),
        authorEmail: 'second@example.org',
        now: now(),
      }),
      { kind: 'recent', commentId: id },
    );
    const old = new Date(Date.now() - (DUPLICATE_WINDOW_HOURS + 1) * 3600_000).toISOString();
    await services.db.updateTable('comments').set({ created_at: old }).where('id', '=', id).execute();
    assert.equal(
      await findDuplicate(services.db, { text: commentText(body), authorEmail: 'second@example.org', now: now() }),
      null,
    );
  });

  it(`leaves short texts alone (under ${DUPLICATE_MIN_LENGTH} characters): many people say "Agreed!"`, async () => {
    await post({ authorEmail: 'short@example.org', body: 'Agreed!' });
    assert.equal(
      await findDuplicate(services.db, { text: commentText('Agreed!'), authorEmail: 'short@example.org', now: now() }),
      null,
    );
    assert.equal(
      await findDuplicate(services.db, { text: commentText('agreed'), authorEmail: 'other@example.org', now: now() }),
      null,
    );
  });

  it('finds nothing for new text', async () => {
    assert.equal(
      await findDuplicate(services.db, {
        text: commentText('Something nobody has written here before.'),
        authorEmail: 'new@example.org',
        now: now(),
      }),
      null,
    );
  });
});
