// SQL for external threads: articles rows of kind 'external', found by their page's URL.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { insertArticle } from '../articles/article.repository.ts';

type Q = Kysely<Database>;

const THREAD_COLUMNS = ['id', 'slug', 'title', 'external_url', 'comment_count', 'rating_sum', 'rating_count'] as const;

export function findThreadByUrl(db: Q, url: string) {
  return db.selectFrom('articles').select(THREAD_COLUMNS).where('external_url', '=', url).executeTakeFirst();
}

export function findThreadsByUrl(db: Q, urls: string[]) {
  if (urls.length === 0) return Promise.resolve([]);
  return db.selectFrom('articles').select(THREAD_COLUMNS).where('external_url', 'in', urls).execute();
}

/** Inserts the thread unless its URL has one already (two first views at once make one row). */
export async function insertThreadIfAbsent(
  db: Q,
  thread: { url: string; title: string; slug: string; now: string },
): Promise<void> {
  const exists = await findThreadByUrl(db, thread.url);
  if (exists) return;
  try {
    await insertArticle(db, {
      kind: 'external',
      external_url: thread.url,
      slug: thread.slug,
      title: thread.title,
      body_markdown: '',
      body_html: '',
      status: 'published',
      import_key: null,
      published_at: thread.now,
      created_at: thread.now,
      updated_at: thread.now,
      author_id: null,
      featured_image: null,
      submitted_at: null,
    });
  } catch (error) {
    // Another request inserted it meanwhile: the unique index kept one row, which is what we want.
    if (!(await findThreadByUrl(db, thread.url))) throw error;
  }
}

export async function setThreadTitle(db: Q, id: number, title: string, now: string): Promise<void> {
  await db
    .updateTable('articles')
    .set({ title, updated_at: now })
    .where('id', '=', id)
    .where('kind', '=', 'external')
    .execute();
}

export async function slugTaken(db: Q, slug: string): Promise<boolean> {
  return (await db.selectFrom('articles').select('id').where('slug', '=', slug).executeTakeFirst()) !== undefined;
}
