// What a webhook says about an event: ids, URLs and public fields, read in the transaction of
// the change. Never an e-mail address, an address hash, a reader id or a user agent.
import type { Db } from '../../db/database.ts';
import { pendingDeltas } from '../articles/article-counters.ts';
import { articlePath, scoreOf } from '../articles/article.model.ts';
import * as repo from './webhook-payload.repository.ts';
import type { WebhookEvent } from './webhook.table.ts';

export type WebhookTrigger =
  | { event: 'comment.created' | 'comment.published' | 'comment.removed'; commentId: number }
  | { event: 'rating.changed' | 'article.published' | 'article.updated'; articleId: number };

async function articleData(q: Db, id: number, publicUrl: string) {
  const a = await repo.findArticleFields(q, id);
  if (!a) return undefined;
  // On PostgreSQL the change's own counts (and others not folded yet) are still deltas.
  const d = await pendingDeltas(q, id);
  const ratingSum = a.rating_sum + d.rating_sum;
  const ratingCount = a.rating_count + d.rating_count;
  return {
    article: {
      id: a.id,
      slug: a.slug,
      title: a.title,
      standfirst: a.standfirst,
      kind: a.kind,
      url: publicUrl + articlePath(a.slug),
      externalUrl: a.external_url,
      publishedAt: a.published_at,
      updatedAt: a.updated_at,
      commentCount: a.comment_count + d.comment_count,
    },
    rating: {
      score: scoreOf(ratingSum, ratingCount),
      count: ratingCount,
      distribution: [a.rating_band_1, a.rating_band_2, a.rating_band_3, a.rating_band_4, a.rating_band_5].map(
        (n, i) => n + d.bands[i]!,
      ),
    },
  };
}

/** The event's `data`, or undefined when what it is about is gone. */
export async function webhookData(
  q: Db,
  trigger: WebhookTrigger,
  publicUrl: string,
): Promise<Record<string, unknown> | undefined> {
  if ('commentId' in trigger) {
    const c = await repo.findCommentFields(q, trigger.commentId);
    if (!c) return undefined;
    const about = await articleData(q, c.article_id, publicUrl);
    if (!about) return undefined;
    return {
      comment: {
        id: c.id,
        articleId: c.article_id,
        parentId: c.parent_id,
        status: c.status,
        authorName: c.author_name,
        authorUrl: c.author_url,
        bodyHtml: c.body_html,
        createdAt: c.created_at,
        updatedAt: c.updated_at,
        url: `${about.article.url}#comment-${c.id}`,
      },
      article: about.article,
    };
  }
  const about = await articleData(q, trigger.articleId, publicUrl);
  if (!about) return undefined;
  return trigger.event === 'rating.changed'
    ? { article: about.article, rating: about.rating }
    : { article: about.article };
}

export function eventOf(trigger: WebhookTrigger): WebhookEvent {
  return trigger.event;
}
