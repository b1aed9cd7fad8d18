// A reader's rating through the JSON API: what its route and the fast path in front of the
// framework (edge/json-post-fast-path.ts) both do with it.
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { ArticleService } from '../articles/article.service.ts';
import { articlePath } from '../articles/article.model.ts';
import type { FastPost } from '../edge/json-post-fast-path.ts';
import type { ReaderTools } from '../../plugins/reader.ts';
import { NewRatingSchema } from './rating.schemas.ts';
import type { RateResult, RatingService } from './rating.service.ts';

// The route's own schema, checked strictly: exactly one whole `value` from 0 to 100, nothing
// converted. What fails here goes to the framework, whose validator judges it.
const newRating = TypeCompiler.Compile(NewRatingSchema);
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
    inputOf(body) {
      return newRating.Check(body) ? body.value : undefined;
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
