// A reader's comment through the JSON API: what its route and the fast path in front of the
// framework (edge/json-post-fast-path.ts) both do with it.
import type { Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { unmapIPv4 } from '../../lib/client-address.ts';
import type { ReaderTools } from '../../plugins/reader.ts';
import type { ArticleService } from '../articles/article.service.ts';
import { articlePath } from '../articles/article.model.ts';
import type { FastPost } from '../edge/json-post-fast-path.ts';
import { COMMENT_LIMITS } from './comment-validation.ts';
import { NewCommentSchema, type PostedCommentSchema } from './comment.schemas.ts';
import type { CommentService } from './comment.service.ts';

export type NewComment = Static<typeof NewCommentSchema>;
export type PostedComment = Static<typeof PostedCommentSchema>;

// The route's own schemas, checked strictly: no property they do not name, nothing to convert.
// What fails here goes to the framework, whose validator judges it (and may take it).
const newComment = TypeCompiler.Compile(NewCommentSchema);
const FORM_TOKEN_MAX = 200;
/** The longest comment the schema takes, in UTF-8, with its other fields. */
const MAX_BODY_BYTES =
  4 * (2 * (COMMENT_LIMITS.body + COMMENT_LIMITS.name + COMMENT_LIMITS.email + COMMENT_LIMITS.url));

export function createCommentPost({
  articles,
  comments,
  readers,
}: {
  articles: Pick<ArticleService, 'findPublishedRef'>;
  comments: Pick<CommentService, 'post'>;
  readers: Pick<ReaderTools, 'ensureReader' | 'markActed' | 'ipHash'>;
}): FastPost<NewComment, PostedComment> {
  return {
    path: /^\/api\/v1\/articles\/(\d{1,15})\/comments$/,
    maxBodyBytes: MAX_BODY_BYTES,
    status: 201,
    inputOf(body, headers) {
      const token = headers['broadsheet-form-token'];
      if (token !== undefined && (typeof token !== 'string' || token.length > FORM_TOKEN_MAX)) return undefined;
      return newComment.Check(body) ? body : undefined;
    },
    async handle(input, articleRef, request, reply) {
      const article = await articles.findPublishedRef(articleRef);
      const readerId = readers.ensureReader(request, reply);
      const header = request.headers['broadsheet-form-token'];
      const result = await comments.post(input, {
        articleId: article.id,
        readerId,
        ipHash: readers.ipHash(request),
        userAgent: request.headers['user-agent'] ?? '',
        // Without a valid form token the comment is held for a moderator, never refused.
        submission: {
          ip: unmapIPv4(request.ip),
          formToken: typeof header === 'string' ? header : null,
          honeypot: '',
        },
      });
      readers.markActed(reply, articlePath(article.slug));
      return { id: result.id, status: result.status };
    },
  };
}
