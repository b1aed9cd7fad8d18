// The newest public articles, read as two index walks (published, and scheduled whose time has
// come) and merged: the same order and pages as one query would give, on the engine under test.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Db } from '../src/db/database.ts';
import { insertArticle, newestPublicIds } from '../src/features/articles/article.repository.ts';
import type { ArticleStatus } from '../src/features/articles/article.table.ts';
import { openTestDb } from './helpers/test-app.ts';

describe('newest public articles', () => {
  let db: Db;
  let close: () => Promise<void>;
  const ids = new Map<string, number>();
  const NOW = '2026-06-01T12:00:00.000Z';

  before(async () => {
    ({ db, close } = await openTestDb());
    const add = async (slug: string, status: ArticleStatus, publishedAt: string | null, section = 'World') => {
      const id = await insertArticle(db, {
        slug,
        title: slug,
        body_markdown: slug,
        body_html: `<p>${slug}</p>`,
        section,
        status,
        import_key: null,
        author_id: null,
        featured_image: null,
        submitted_at: null,
        published_at: publishedAt,
        created_at: NOW,
        updated_at: NOW,
      });
      ids.set(slug, id);
    };
    await add('old', 'published', '2026-05-01T08:00:00.000Z');
    await add('due', 'scheduled', '2026-06-01T09:00:00.000Z');
    await add('newest', 'published', '2026-06-01T11:00:00.000Z');
    await add('future', 'scheduled', '2026-06-02T09:00:00.000Z');
    await add('draft', 'draft', null);
    await add('same-time-a', 'published', '2026-05-20T08:00:00.000Z', 'Local');
    await add('same-time-b', 'scheduled', '2026-05-20T08:00:00.000Z', 'Local');
  });
  after(() => close());

  const slugs = (list: number[]) => list.map((id) => [...ids].find(([, v]) => v === id)![0]);

  it(
    'merges published and due scheduled articles newest first, ties by id, leaving out the ' + 'future and drafts',
    async () => {
      assert.deepEqual(slugs(await newestPublicIds(db, { limit: 10 }, NOW)), [
        'newest',
        'due',
        'same-time-b',
        'same-time-a',
        'old',
      ]);
    },
  );

  it('pages through the merged list', async () => {
    assert.deepEqual(slugs(await newestPublicIds(db, { limit: 2, offset: 0 }, NOW)), ['newest', 'due']);
    assert.deepEqual(slugs(await newestPublicIds(db, { limit: 2, offset: 2 }, NOW)), ['same-time-b', 'same-time-a']);
    assert.deepEqual(slugs(await newestPublicIds(db, { limit: 2, offset: 4 }, NOW)), ['old']);
    assert.deepEqual(await newestPublicIds(db, { limit: 2, offset: 6 }, NOW), []);
  });

  it('keeps to one section when asked', async () => {
    assert.deepEqual(slugs(await newestPublicIds(db, { limit: 10, sectionSlug: 'local' }, NOW)), [
      'same-time-b',
      'same-time-a',
    ]);
  });
});
