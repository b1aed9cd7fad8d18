// Fills an empty database with the demo articles, so that the first look is a living site.
import type { Services } from '../../deps.ts';
import { isUniqueViolation } from '../../db/database.ts';
import { createMediaStore } from '../media/media-store.ts';
import { DEMO_ARTICLES } from './demo-content.ts';
import { DEMO_IMAGE_ALT, demoImage } from './demo-images.ts';

const HOUR_MS = 60 * 60 * 1000;

type DemoDeps = Pick<Services, 'articles' | 'ratings' | 'comments' | 'config'>;

/** Returns how many articles it added: none unless the database has no article at all. */
export async function seedDemoContent(services: DemoDeps, now = Date.now()): Promise<number> {
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

async function addDemoArticles({ articles, ratings, comments, config }: DemoDeps, now: number): Promise<void> {
  const media = createMediaStore(config.mediaDir);
  for (const [n, demo] of DEMO_ARTICLES.entries()) {
    const publishedAt = now - demo.hoursAgo * HOUR_MS;
    const image = await media.process(await demoImage(n));
    await media.write(image);
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
      featuredImage: { key: image.key, alt: DEMO_IMAGE_ALT[n % DEMO_IMAGE_ALT.length]! },
    });
    // Dated over the hours after publication, as readers would have rated: made all at once, they
    // would stand in one bar of the dashboard's chart, on the day the site was first started.
    const hours = Math.max(1, demo.hoursAgo);
    for (const [i, value] of demo.ratings.entries()) {
      const at = new Date(publishedAt + ((i + 1) / (demo.ratings.length + 1)) * hours * HOUR_MS).toISOString();
      await ratings.rate({
        articleId: article.id,
        readerId: `demo-reader-${n}-${i}`,
        ipHash: `demo-${n}-${i}`,
        value,
        at,
      });
    }
    // Published ones skip moderation; the one held goes through it, so the queue says why as it
    // would for a reader's first comment.
    const ids = new Map<string, number>();
    for (const comment of demo.comments) {
      const parentId = comment.replyTo ? ids.get(comment.replyTo) : undefined;
      const { id } = await comments.post(
        {
          authorName: comment.authorName,
          authorEmail: comment.authorEmail,
          authorUrl: comment.authorUrl ?? '',
          body: comment.body,
          parentId: parentId ?? null,
        },
        {
          articleId: article.id,
          readerId: null,
          ipHash: 'demo',
          userAgent: '',
          at: new Date(publishedAt + comment.minutesAfter * 60_000).toISOString(),
          approved: comment.status !== 'pending',
        },
      );
      ids.set(comment.ref, id);
    }
  }
}
