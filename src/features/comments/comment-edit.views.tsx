// The page where a reader edits their own comment, for a short while after posting: a plain
// form, so it works without JavaScript.
import type { FieldErrors } from '../../errors.ts';
import { formatDateTime } from '../../views/html.ts';
import { Layout, type LayoutContext } from '../../views/layout.tsx';
import type { PublicComment } from './comment.model.ts';
import { COMMENT_LIMITS } from './comment-validation.ts';

export interface CommentEditPageProps {
  context: LayoutContext;
  article: { slug: string; title: string };
  comment: PublicComment & { editableUntil: string };
  body: string;
  csrf: string;
  errors: FieldErrors;
}

export function CommentEditPage({ context, article, comment, body, csrf, errors }: CommentEditPageProps) {
  const path = `/articles/${article.slug}`;
  const action = `${path}/comments/${comment.id}/edit`;
  const message = errors.body ?? errors.form;
  // A held comment has no public address yet: it is shown to its author on the article page.
  const back = comment.status === 'approved' ? `${path}/comments/${comment.id}` : `${path}#comment-${comment.id}`;
  return (
    <Layout
      meta={{
        title: `Edit your comment on ${article.title}`,
        path: action,
        head: <meta name="robots" content="noindex" />,
      }}
      context={context}
    >
      <div class="comment-edit">
        <h1>Edit your comment</h1>
        <p>
          On <a href={back}>{article.title}</a>. You can change it until{' '}
          <time dateTime={comment.editableUntil}>{formatDateTime(comment.editableUntil)}</time>; the page will say it
          was edited.
          {comment.status === 'pending'
            ? ' It is still awaiting moderation.'
            : ' Adding links sends it back to the moderators.'}
        </p>
        <form method="post" action={action} class="comment-form" novalidate>
          <input type="hidden" name="_csrf" value={csrf} />
          <div class="form-status" role="alert">
            {errors.form ?? ''}
          </div>
          <p class="field">
            <label for="edit-body">Comment</label>
            <textarea
              id="edit-body"
              name="body"
              rows={8}
              maxLength={COMMENT_LIMITS.body}
              required
              {...(errors.body ? { 'aria-invalid': true, 'aria-describedby': 'body-error' } : {})}
            >
              {body}
            </textarea>
            {errors.body ? (
              <span class="field-error" id="body-error">
                {message}
              </span>
            ) : null}
          </p>
          <p class="form-actions">
            <button type="submit">Save changes</button> <a href={back}>Cancel</a>
          </p>
        </form>
      </div>
    </Layout>
  );
}
