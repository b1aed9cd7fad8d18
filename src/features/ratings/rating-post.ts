// A reader's rating through the JSON API: what its route and the fast path in front of the
// framework (edge/json-post-fast-path.ts) both do with it.
import type { ArticleService } from '../articles/article.service.ts';
import { articlePath } from '../articles/article.model.ts';
import type { FastPost } from '../edge/json-post-fast-path.ts';
import type { ReaderTools } from '../../plugins/reader.ts';
import type { RateResult, RatingService } from './rating.service.ts';

/** `{"value":100}` with room for whitespace; anything longer is the framework's to judge. */
const MAX_BODY_BYTES = 256;

export function createRatingPost({
  articles,
  ratings,
  readers,
}: {
  articles: Pick<ArticleService, 'findPublishedRef'>;
  ratings: Pick<RatingService, 'rate'>;
  readers: Pick<ReaderTools, 'ensureReader' | 'markActed' | 'ipHash'>;
}): FastPost<number, RateResult> {
  return {
    path: /^\/api\/v1\/articles\/(\d{1,15})\/ratings$/,
    maxBodyBytes: MAX_BODY_BYTES,
    status: 200,
    // Exactly one whole `value` from 0 to 100: a stricter copy of the route's schema, so that
    // anything else is judged by the schema itself.
    inputOf(body) {
      const keys = Object.keys(body as object);
      const { value } = body as { value?: unknown };
      return keys.length === 1 &&
        keys[0] === 'value' &&
        Number.isInteger(value) &&
        (value as number) >= 0 &&
        (value as number) <= 100
        ? (value as number)
        : undefined;
    },
    async handle(value, articleRef, request, reply) {
      const article = await articles.findPublishedRef(articleRef);
      const readerId = readers.ensureReader(request, reply);
      const result = await ratings.rate({ articleId: article.id, readerId, ipHash: readers.ipHash(request), value });
      readers.markActed(reply, articlePath(article.slug), { rating: result.yourRating });
      return { score: result.score, count: result.count, yourRating: result.yourRating };
    },
  };
}
