// Fills an empty database with the demo articles, so that the first look is a living site.
import type { Services } from '../../deps.ts';
import { isUniqueViolation } from '../../db/database.ts';
import { renderCommentMarkdown } from '../../lib/markdown.ts';
import { recountComments } from '../articles/article-counters.ts';
import { setFeaturedImage } from '../articles/article.repository.ts';
import { createMediaStore } from '../articles/media.store.ts';
import { insertComment } from '../comments/comment.repository.ts';
import { DEMO_ARTICLES } from './demo-content.ts';
import { DEMO_IMAGE_ALT, demoImage } from './demo-images.ts';

const HOUR_MS = 60 * 60 * 1000;

/** Returns how many articles it added: none unless the database has no article at all. */
export async function seedDemoContent(services: Services, now = Date.now()): Promise<number> {
  if ((await services.articles.count()) > 0) return 0;
  try {
    await addDemoArticles(services, now);
  } catch (error) {
    // Several instances started at once on one empty database: the first to insert an article
    // seeds the demo content, the others find its slug or import key taken and leave it to that one.
    if (isUniqueViolation(error, 'articles', 'import_key') || isUniqueViolation(error, 'articles', 'slug')) return 0;
    throw error;
  }
  return DEMO_ARTICLES.length;
}

async function addDemoArticles({ db, articles, ratings, config }: Services, now: number): Promise<void> {
  const media = createMediaStore(config.mediaDir);
  for (const [n, demo] of DEMO_ARTICLES.entries()) {
    const publishedAt = now - demo.hoursAgo * HOUR_MS;
    const { article } = await articles.upsert({
      title: demo.title,
      standfirst: demo.standfirst,
      bodyMarkdown: demo.bodyMarkdown,
      authorName: demo.authorName,
      section: demo.section,
      tags: demo.tags,
      review: demo.review ?? null,
      publishedAt: new Date(publishedAt).toISOString(),
      importKey: `demo:${n}`,
    });
    const image = await media.process(await demoImage(n));
    await media.write(image);
    await setFeaturedImage(db, article.id, image.key, DEMO_IMAGE_ALT[n % DEMO_IMAGE_ALT.length]!);
    for (const [i, value] of demo.ratings.entries()) {
      await ratings.rate({ articleId: article.id, readerId: `demo-reader-${n}-${i}`, ipHash: `demo-${n}-${i}`, value });
    }
    // Dated over the hours after publication, as readers would have rated: made all at once, they
    // would stand in one bar of the dashboard's chart, on the day the site was first started.
    const hours = Math.max(1, demo.hoursAgo);
    for (let i = 0; i < demo.ratings.length; i++) {
      const at = new Date(publishedAt + ((i + 1) / (demo.ratings.length + 1)) * hours * HOUR_MS).toISOString();
      await db.updateTable('ratings').set({ created_at: at, updated_at: at }).where('article_id', '=', article.id).where('reader_id', '=', `demo-reader-${n}-${i}`).execute();
    }
    await db.transaction().execute(async (trx) => {
      const ids = new Map<string, { id: number; depth: number }>();
      for (const comment of demo.comments) {
        const parent = comment.replyTo ? ids.get(comment.replyTo) : undefined;
        const at = new Date(publishedAt + comment.minutesAfter * 60_000).toISOString();
        const id = await insertComment(trx, {
          article_id: article.id,
          parent_id: parent?.id ?? null,
          depth: parent ? parent.depth + 1 : 0,
          reader_id: null,
          author_name: comment.authorName,
          author_email: comment.authorEmail.toLowerCase(),
          author_url: comment.authorUrl ?? null,
          body_markdown: comment.body,
          body_html: renderCommentMarkdown(comment.body),
          status: comment.status ?? 'approved',
          held_reason: comment.status === 'pending' ? 'policy-first-time: First comment from this address: held until a moderator approves one.' : null,
          ip_hash: 'demo',
          created_at: at,
          updated_at: at,
        });
        ids.set(comment.ref, { id, depth: parent ? parent.depth + 1 : 0 });
      }
      await recountComments(trx, article.id);
    });
  }
}
