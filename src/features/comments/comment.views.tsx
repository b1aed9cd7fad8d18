// Comment thread and comment form.
import { Avatar } from '../../views/avatar.tsx';
import { formatDateTime, plural } from '../../views/html.ts';
import { Slot } from '../../views/slots.tsx';
import type { FieldErrors } from '../../errors.ts';
import type { PublicComment } from './comment.model.ts';
import { COMMENT_LIMITS } from './comment-validation.ts';

export interface ThreadOptions {
  /** Comments at this depth get no Reply link. */
  maxDepth: number;
  order: 'oldest' | 'newest';
  /** The article's path, for links to a comment's edit page. */
  path: string;
  /** The reader's own comments they may still edit (the per-reader rendering only). */
  editable?: ReadonlySet<number>;
}

/** Which page of top-level threads this is, and how to address the others. */
export interface CommentPaging {
  page: number;
  pages: number;
  /** The address of page n (with the fragment). */
  href: (n: number) => string;
}

export function CommentsSection({
  comments,
  count,
  options,
  paging,
}: {
  comments: PublicComment[];
  count: number;
  options: ThreadOptions;
  paging?: CommentPaging;
}) {
  const other = options.order === 'oldest' ? 'newest' : 'oldest';
  return (
    <section id="comments" class="comments" aria-labelledby="comments-heading">
      <div class="comments-head">
        <h2 id="comments-heading" data-comment-count>
          {count === 0 ? 'No comments yet' : plural(count, 'Comment', 'Comments')}
        </h2>
        {count > 1 ? (
          <p class="order-toggle">
            Showing {options.order} first ·{' '}
            <a href={`?order=${other}#comments`} rel="nofollow">
              show {other} first
            </a>
          </p>
        ) : null}
      </div>
      <ol class="comment-list" data-comment-list>
        {comments.map((c) => (
          <CommentItem comment={c} depth={0} options={options} />
        ))}
      </ol>
      {paging && paging.pages > 1 ? <CommentPages paging={paging} order={options.order} /> : null}
      <Slot name="comment-form" />
    </section>
  );
}

function roleLabel(role: string): string {
  return role.charAt(0).toUpperCase() + role.slice(1);
}

/** Links to the other pages of threads; the script turns the next-page link into "Load more". */
function CommentPages({ paging, order }: { paging: CommentPaging; order: 'oldest' | 'newest' }) {
  const { page, pages, href } = paging;
  const [before, after] =
    order === 'oldest' ? ['Earlier comments', 'Later comments'] : ['Newer comments', 'Older comments'];
  return (
    <nav class="pagination comment-pages" aria-label="Comment pages" data-comment-pages>
      {page > 1 ? (
        <a href={href(page - 1)} rel="prev" data-prev-comments>
          ← {before}
        </a>
      ) : null}
      <span class="pagination-position">
        Page {page} of {pages}
      </span>
      {page < pages ? (
        <a href={href(page + 1)} rel="next" data-load-more>
          {after} →
        </a>
      ) : null}
    </nav>
  );
}

export function CommentItem({
  comment,
  depth,
  options,
}: {
  comment: PublicComment;
  depth: number;
  options: ThreadOptions;
}) {
  const pending = comment.status === 'pending';
  return (
    <li id={`comment-${comment.id}`} class={pending ? 'comment pending' : 'comment'} data-comment-id={comment.id}>
      <article aria-label={`Comment by ${comment.authorName}`}>
        <header class="comment-meta">
          <Avatar hash={comment.avatar} />
          <span class="comment-author">
            {comment.authorUrl ? (
              <a href={comment.authorUrl} rel="nofollow ugc noopener">
                {comment.authorName}
              </a>
            ) : (
              comment.authorName
            )}
          </span>
          {comment.staffRole ? (
            <span class="staff-mark">
              Staff<span class="visually-hidden">:</span> <span class="staff-role">{roleLabel(comment.staffRole)}</span>
            </span>
          ) : null}
          <a class="comment-permalink" href={`#comment-${comment.id}`}>
            <time dateTime={comment.createdAt}>{formatDateTime(comment.createdAt)}</time>
          </a>
          {comment.editedAt ? (
            <span class="comment-edited" title={`Edited ${formatDateTime(comment.editedAt)}`}>
              edited
            </span>
          ) : null}
        </header>
        {pending ? <p class="awaiting-moderation">Your comment is awaiting moderation.</p> : null}
        <div class="comment-body" dangerouslySetInnerHTML={{ __html: comment.bodyHtml }} />
        {options.editable?.has(comment.id) ? (
          <a class="edit-link" href={`${options.path}/comments/${comment.id}/edit`} rel="nofollow">
            Edit<span class="visually-hidden"> your comment</span>
          </a>
        ) : null}
        {!pending && depth + 1 < options.maxDepth ? (
          <a
            class="reply-link"
            href={`?replyto=${comment.id}#respond`}
            rel="nofollow"
            data-reply-to={comment.id}
            data-reply-name={comment.authorName}
          >
            Reply<span class="visually-hidden"> to {comment.authorName}</span>
          </a>
        ) : null}
      </article>
      {comment.replies.length > 0 ? (
        <ol class="comment-replies">
          {comment.replies.map((reply) => (
            <CommentItem comment={reply} depth={depth + 1} options={options} />
          ))}
        </ol>
      ) : null}
    </li>
  );
}

export interface CommentFormValues {
  authorName?: string;
  authorEmail?: string;
  authorUrl?: string;
  body?: string;
  notifyReplies?: string;
}

/** What became of the reader's comment, told at the form after the redirect (`?posted=`). */
export type CommentNotice = 'published' | 'held';

/** The words for each outcome. "Held" covers every reason (moderation, the spam defence) alike. */
export const NOTICE_TEXT: Record<CommentNotice, string> = {
  published: 'Thank you. Your comment is published.',
  held: 'Thank you. Your comment is awaiting moderation.',
};

export function parseNotice(value: string | undefined): CommentNotice | undefined {
  return value === 'published' || value === 'held' ? value : undefined;
}

export interface CommentFormProps {
  action: string;
  /**
   * Signed (features/spam/form-token.ts): the shared page's token, or a personal one; the page's
   * script swaps in a personal one when the reader first focuses the form.
   */
  formToken: string;
  values: CommentFormValues;
  errors: FieldErrors;
  replyTo: { id: number; authorName: string } | null;
  open: boolean;
  /** The site sends e-mail: offer "E-mail me when someone replies". */
  offerReplies?: boolean;
  /** What became of the comment the reader just posted. */
  notice?: CommentNotice;
}

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  return message ? (
    <span class="field-error" id={id}>
      {message}
    </span>
  ) : null;
}

export function CommentForm({
  action,
  formToken,
  values,
  errors,
  replyTo,
  open,
  offerReplies,
  notice,
}: CommentFormProps) {
  if (!open) {
    return (
      <div id="respond" class="respond">
        <p>Comments are closed.</p>
      </div>
    );
  }
  const invalid = (field: string) =>
    errors[field] ? { 'aria-invalid': true, 'aria-describedby': `${field}-error` } : {};
  const errorCount = Object.keys(errors).filter((key) => key !== 'form').length;
  return (
    <div id="respond" class="respond">
      <h2 id="respond-heading">{replyTo ? `Reply to ${replyTo.authorName}` : 'Leave your comment'}</h2>
      <form
        class="comment-form"
        method="post"
        action={action}
        aria-labelledby="respond-heading"
        data-comment-form
        novalidate
      >
        <input type="hidden" name="formToken" value={formToken} data-form-token />
        <input type="hidden" name="parentId" value={replyTo?.id ?? ''} data-parent-id />
        <p class="form-note">
          Your email address will not be published. Required fields are marked <span aria-hidden="true">*</span>{' '}
          <a href="/privacy">Your data</a>
        </p>
        <div
          class={notice && !errors.form && errorCount === 0 ? 'form-status ok' : 'form-status'}
          role="alert"
          data-form-status
        >
          {errors.form ??
            (errorCount > 0
              ? `Please correct ${plural(errorCount, 'field', 'fields')} below.`
              : notice
                ? NOTICE_TEXT[notice]
                : '')}
        </div>
        {replyTo ? (
          <p class="replying-to" data-replying-to>
            Replying to {replyTo.authorName}. <a href="?#respond">Cancel reply</a>
          </p>
        ) : null}
        <FieldError id="parentId-error" message={errors.parentId} />
        <p class="field">
          <label for="comment-body">
            Comment <span aria-hidden="true">*</span>
          </label>
          <textarea
            id="comment-body"
            name="body"
            rows={6}
            maxLength={COMMENT_LIMITS.body}
            required
            {...invalid('body')}
          >
            {values.body ?? ''}
          </textarea>
          <FieldError id="body-error" message={errors.body} />
          <span class="hint">You can use *emphasis*, **bold**, `code`, &gt; quotes and links.</span>
        </p>
        <p class="field">
          <label for="comment-name">
            Name <span aria-hidden="true">*</span>
          </label>
          <input
            id="comment-name"
            name="authorName"
            type="text"
            autocomplete="name"
            maxLength={COMMENT_LIMITS.name}
            required
            value={values.authorName ?? ''}
            {...invalid('authorName')}
          />
          <FieldError id="authorName-error" message={errors.authorName} />
        </p>
        <p class="field">
          <label for="comment-email">
            Email <span aria-hidden="true">*</span>
          </label>
          <input
            id="comment-email"
            name="authorEmail"
            type="email"
            autocomplete="email"
            maxLength={COMMENT_LIMITS.email}
            required
            value={values.authorEmail ?? ''}
            {...invalid('authorEmail')}
          />
          <FieldError id="authorEmail-error" message={errors.authorEmail} />
        </p>
        <p class="field">
          <label for="comment-url">Website</label>
          <input
            id="comment-url"
            name="authorUrl"
            type="url"
            autocomplete="url"
            maxLength={COMMENT_LIMITS.url}
            value={values.authorUrl ?? ''}
            {...invalid('authorUrl')}
          />
          <FieldError id="authorUrl-error" message={errors.authorUrl} />
        </p>
        {offerReplies ? (
          <p class="field field-check">
            <input
              id="comment-notify"
              name="notifyReplies"
              type="checkbox"
              value="on"
              checked={values.notifyReplies === 'on'}
              aria-describedby="comment-notify-hint"
            />{' '}
            <label for="comment-notify">E-mail me when someone replies</label>
            <span class="hint" id="comment-notify-hint">
              The first time, we send a mail asking you to confirm. Every notification has a link to stop them.
            </span>
          </p>
        ) : null}
        {/* Only the script can keep them (in localStorage), so it shows this box; it is never posted. */}
        <p class="field field-check" data-remember hidden>
          <input id="comment-remember" type="checkbox" aria-describedby="comment-remember-hint" />{' '}
          <label for="comment-remember">Remember my name and e-mail on this browser</label>
          <span class="hint" id="comment-remember-hint">
            Kept in this browser only. Untick to forget them.
          </span>
        </p>
        {/* A trap for bots, which fill in every field: hidden from people and assistive technology
            (text browsers without CSS show it, with its label). Filled in, the comment is spam. */}
        <div class="form-trap" aria-hidden="true">
          <label for="comment-homepage">Leave this field empty</label>
          <input id="comment-homepage" name="homepage" type="text" tabIndex={-1} autocomplete="off" value="" />
        </div>
        <p class="form-actions">
          <button type="submit">Post Comment</button>
        </p>
      </form>
    </div>
  );
}
