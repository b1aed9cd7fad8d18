// The moderation queue: status tabs with counts, search, bulk actions, one card per comment
// with why it was held, its own action buttons and a staff reply form. Plain forms throughout;
// client/moderation.ts adds keyboard shortcuts.
import { AdminLayout, type AdminFrame } from '../../views/admin-layout.tsx';
import { Avatar } from '../../views/avatar.tsx';
import { formatDateTime, plural } from '../../views/html.ts';
import { Pagination } from '../../views/pagination.tsx';
import { articlePath } from '../articles/article.model.ts';
import type { ModerationQueue, QueueItem } from '../comments/comment.service.ts';
import type { CommentStatus } from '../comments/comment.table.ts';
import { COMMENT_LIMITS } from '../comments/comment-validation.ts';
import { BanForm } from '../bans/ban-admin.views.tsx';
import { describeHeldReason } from './held-reason.ts';
import type { FieldErrors } from '../../errors.ts';

export const STATUSES: readonly CommentStatus[] = ['pending', 'approved', 'spam', 'trash'];

/** A tab of the queue: one status, or every comment. */
export type QueueTab = CommentStatus | 'all';
const TABS: readonly QueueTab[] = [...STATUSES, 'all'];

/** The actions a moderator can take, by the status they lead to; `key` is the keyboard shortcut. */
export const ACTIONS = [
  { action: 'approve', status: 'approved', label: 'Approve', key: 'a' },
  { action: 'spam', status: 'spam', label: 'Spam', key: 's' },
  { action: 'trash', status: 'trash', label: 'Trash', key: 't' },
  { action: 'pending', status: 'pending', label: 'Back to pending', key: 'u' },
] as const satisfies readonly { action: string; status: CommentStatus; label: string; key: string }[];

export type ModerationAction = (typeof ACTIONS)[number]['action'];

const TAB_LABELS: Record<QueueTab, string> = {
  pending: 'Pending',
  approved: 'Approved',
  spam: 'Spam',
  trash: 'Trash',
  all: 'All',
};

export const DONE_MESSAGES: Record<CommentStatus, string> = {
  approved: 'approved',
  spam: 'marked as spam',
  trash: 'moved to the trash',
  pending: 'returned to pending',
};

export interface QueueQuery {
  status: QueueTab;
  q: string;
  /** The article the list is narrowed to, when it is. */
  article: { id: number; title: string; slug: string } | null;
  /** The commenter the list is narrowed to: the author of this comment (same e-mail or browser). */
  author: { commentId: number; name: string } | null;
  page: number;
}

export function queueHref(query: QueueQuery, changes: Partial<QueueQuery> = {}): string {
  const { status, q, article, author, page } = { ...query, ...changes };
  const params = new URLSearchParams({ status });
  if (q) params.set('q', q);
  if (article) params.set('article', String(article.id));
  if (author) params.set('author', String(author.commentId));
  if (page > 1) params.set('page', String(page));
  return `/admin/comments?${params}`;
}

export interface ReplyProblem {
  commentId: number;
  body: string;
  message: string;
}

/** A moderator's edit sent back with its problem, opened under its comment. */
export interface EditProblem {
  commentId: number;
  body: string;
  message: string;
}

/** A ban form sent back with its problem, opened under its comment. */
export interface BanProblem {
  commentId: number;
  errors: FieldErrors;
}

export interface QueuePageProps {
  frame: AdminFrame;
  query: QueueQuery;
  queue: ModerationQueue;
  scriptPath: string;
  notice?: string;
  error?: string;
  reply?: ReplyProblem;
  ban?: BanProblem;
  edit?: EditProblem;
}

export function QueuePage({ frame, query, queue, scriptPath, notice, error, reply, ban, edit }: QueuePageProps) {
  const here = queueHref(query);
  const countOf = (tab: QueueTab) =>
    tab === 'all' ? STATUSES.reduce((sum, s) => sum + queue.counts[s], 0) : queue.counts[tab];
  const total = countOf(query.status);
  const first = (queue.page - 1) * queue.perPage + 1;
  const last = first + queue.items.length - 1;
  const actions = ACTIONS.filter((a) => a.status !== query.status);
  return (
    <AdminLayout
      frame={frame}
      title={`Comments: ${TAB_LABELS[query.status]}`}
      active="/admin/comments"
      scripts={[scriptPath]}
    >
      <h1>Comments</h1>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      {error ? (
        <p class="error-summary" role="alert">
          {error}
        </p>
      ) : null}

      <nav aria-label="Comment status">
        <ul class="tabs">
          {TABS.map((status) => (
            <li>
              <a
                href={queueHref(query, { status, page: 1 })}
                aria-current={status === query.status ? 'page' : undefined}
              >
                {TAB_LABELS[status]} <span class="count">({countOf(status).toLocaleString('en')})</span>
              </a>
            </li>
          ))}
        </ul>
      </nav>

      <form method="get" action="/admin/comments" role="search" class="queue-filter">
        <input type="hidden" name="status" value={query.status} />
        {query.article ? <input type="hidden" name="article" value={query.article.id} /> : null}
        {query.author ? <input type="hidden" name="author" value={query.author.commentId} /> : null}
        <label for="queue-q">Search comments</label>
        <input id="queue-q" type="search" name="q" value={query.q} maxLength={200} aria-describedby="queue-q-hint" />
        <button type="submit">Search</button>
        <span id="queue-q-hint" class="hint">
          Text, author name or e-mail, or a comment number such as #12.
        </span>
      </form>
      {query.article || query.q || query.author ? (
        <p class="filters">
          {query.article ? (
            <>
              Only comments on <a href={articlePath(query.article.slug)}>{query.article.title}</a>.{' '}
            </>
          ) : null}
          {query.author ? <>Only comments by {query.author.name} (the same e-mail address or browser). </> : null}
          {query.q ? <>Matching “{query.q}”. </> : null}
          <a href={queueHref({ ...query, q: '', article: null, author: null, page: 1 })}>Clear filters</a>
        </p>
      ) : null}

      <details id="shortcuts" class="shortcuts">
        <summary>
          Keyboard shortcuts: <kbd>j</kbd> <kbd>k</kbd> <kbd>x</kbd> <kbd>a</kbd> <kbd>s</kbd> <kbd>t</kbd> <kbd>u</kbd>{' '}
          <kbd>?</kbd>
        </summary>
        <dl>
          <dt>
            <kbd>j</kbd> / <kbd>k</kbd>
          </dt>
          <dd>next / previous comment</dd>
          <dt>
            <kbd>x</kbd>
          </dt>
          <dd>select the comment for a bulk action</dd>
          <dt>
            <kbd>a</kbd> <kbd>s</kbd> <kbd>t</kbd> <kbd>u</kbd>
          </dt>
          <dd>approve, mark as spam, move to the trash, return to pending</dd>
          <dt>
            <kbd>?</kbd>
          </dt>
          <dd>show this list</dd>
        </dl>
        <p class="hint">Shortcuts are ignored while you type in a field. Every action also has a button.</p>
      </details>

      {queue.items.length === 0 ? (
        <p class="empty">
          {query.status === 'pending' && !query.q && !query.article
            ? 'Nothing is waiting for moderation.'
            : 'No comments match.'}
        </p>
      ) : (
        <>
          <form id="bulk" method="post" action="/admin/comments/bulk" class="bulk-bar">
            <input type="hidden" name="_csrf" value={frame.csrf} />
            <input type="hidden" name="return" value={here} />
            <p class="select-all" hidden>
              <label>
                <input type="checkbox" data-select-all /> Select all on this page
              </label>
            </p>
            <label for="bulk-action">With the selected comments</label>
            <select id="bulk-action" name="action">
              {actions.map((a) => (
                <option value={a.action}>{a.label}</option>
              ))}
            </select>
            <button type="submit">Apply</button>
          </form>
          <p class="range">
            Showing {first.toLocaleString('en')}–{last.toLocaleString('en')} of {plural(total, 'comment', 'comments')}.
          </p>
          <ol class="queue">
            {queue.items.map((item, i) => (
              <QueueEntry
                item={item}
                frame={frame}
                here={here}
                next={queue.items[i + 1]?.id ?? queue.items[i - 1]?.id}
                reply={reply?.commentId === item.id ? reply : undefined}
                ban={ban?.commentId === item.id ? ban : undefined}
                edit={edit?.commentId === item.id ? edit : undefined}
              />
            ))}
          </ol>
          <Pager query={query} total={total} perPage={queue.perPage} />
        </>
      )}
    </AdminLayout>
  );
}

function QueueEntry({
  item,
  frame,
  here,
  next,
  reply,
  ban,
  edit,
}: {
  item: QueueItem;
  frame: AdminFrame;
  here: string;
  next: number | undefined;
  reply?: ReplyProblem;
  ban?: BanProblem;
  edit?: EditProblem;
}) {
  const label = `comment #${item.id} by ${item.authorName}`;
  return (
    <li>
      <article
        id={`c${item.id}`}
        class={`queue-item status-${item.status}`}
        tabIndex={-1}
        data-queue-item
        aria-label={`C${label.slice(1)}`}
      >
        <div class="queue-select">
          <input type="checkbox" name="ids" value={item.id} form="bulk" id={`select-${item.id}`} />
          <label for={`select-${item.id}`}>
            <span class="visually-hidden">Select {label}</span>
          </label>
        </div>
        {/* A fixed grid: name and contact on the left, time and status on the right, the article below;
            a website only lengthens the contact line. */}
        <header class="queue-meta">
          <Avatar hash={item.avatar} size={32} />
          <p class="queue-who">
            <span class="comment-author">{item.authorName}</span>
            <span class="queue-contact">
              <a href={`mailto:${item.authorEmail}`} class="queue-email">
                {item.authorEmail}
              </a>
              {item.authorUrl ? (
                <>
                  {' · '}
                  <a href={item.authorUrl} rel="nofollow ugc noopener" class="queue-url">
                    {item.authorUrl}
                  </a>
                </>
              ) : null}
            </span>
          </p>
          <p class="queue-when">
            <time dateTime={item.createdAt}>{formatDateTime(item.createdAt)}</time>
            <span class={`badge badge-${item.status}`}>
              #{item.id} · {item.status}
            </span>
            {item.spamScore !== null ? <span class="spam-score">spam score {item.spamScore.toFixed(2)}</span> : null}
          </p>
          <p class="queue-on">
            on{' '}
            <a href={`${articlePath(item.articleSlug)}${item.status === 'approved' ? `/comments/${item.id}` : ''}`}>
              {item.articleTitle}
            </a>{' '}
            (<a href={`/admin/comments?status=${item.status}&article=${item.articleId}`}>only this article</a>)
          </p>
        </header>
        {item.staffAuthor ? null : <History item={item} />}
        {item.heldReason && item.status !== 'approved' ? (
          <div class="held-reason">
            <p>
              <strong>{item.status === 'spam' ? 'Marked as spam because:' : 'Held because:'}</strong>
            </p>
            <ul>
              {describeHeldReason(item.heldReason).map((reason) => (
                <li>{reason}</li>
              ))}
            </ul>
          </div>
        ) : null}
        {item.parent ? (
          <blockquote class="queue-parent" cite={`#c${item.parent.id}`}>
            <p class="hint">
              In reply to <strong>{item.parent.authorName}</strong> (
              <a href={`/admin/comments?status=all&q=%23${item.parent.id}`}>comment #{item.parent.id}</a>
              {item.parent.status === 'approved' ? '' : `, ${item.parent.status}`}):
            </p>
            <p>{item.parent.excerpt}</p>
          </blockquote>
        ) : null}
        <div class="comment-body" dangerouslySetInnerHTML={{ __html: item.bodyHtml }} />
        {item.edits.length > 0 && item.editedAt ? (
          <details class="comment-edits">
            <summary>
              Edited <time dateTime={item.editedAt}>{formatDateTime(item.editedAt)}</time>:{' '}
              {plural(item.edits.length, 'earlier text', 'earlier texts')}
            </summary>
            <ol>
              {item.edits.map((edit) => (
                <li>
                  <p class="hint">
                    Until <time dateTime={edit.replacedAt}>{formatDateTime(edit.replacedAt)}</time>:
                  </p>
                  <div class="comment-body" dangerouslySetInnerHTML={{ __html: edit.bodyHtml }} />
                </li>
              ))}
            </ol>
          </details>
        ) : null}
        <form method="post" action={`/admin/comments/${item.id}/status`} class="item-actions">
          <input type="hidden" name="_csrf" value={frame.csrf} />
          <input type="hidden" name="return" value={here} />
          {next !== undefined ? <input type="hidden" name="next" value={next} /> : null}
          {ACTIONS.filter((a) => a.status !== item.status).map((a) => (
            <button
              type="submit"
              name="action"
              value={a.action}
              data-key={a.key}
              class={`action-${a.action}`}
              aria-keyshortcuts={a.key}
            >
              {a.label}
              <span class="visually-hidden"> {label}</span>
            </button>
          ))}
        </form>
        <details class="staff-edit" open={edit !== undefined}>
          <summary>
            Edit the text
            <span class="visually-hidden"> of {label}</span>
          </summary>
          <form method="post" action={`/admin/comments/${item.id}/edit`}>
            <input type="hidden" name="_csrf" value={frame.csrf} />
            <input type="hidden" name="return" value={here} />
            <p class="field">
              <label for={`edit-${item.id}`}>Text of {label}</label>
              <textarea
                id={`edit-${item.id}`}
                name="body"
                rows={5}
                maxLength={COMMENT_LIMITS.body}
                required
                aria-describedby={edit ? `edit-${item.id}-error edit-${item.id}-hint` : `edit-${item.id}-hint`}
                {...(edit ? { 'aria-invalid': true } : {})}
              >
                {edit?.body ?? item.bodyMarkdown}
              </textarea>
              {edit ? (
                <span class="field-error" id={`edit-${item.id}-error`}>
                  {edit.message}
                </span>
              ) : null}
              <span class="hint" id={`edit-${item.id}-hint`}>
                The earlier text is kept, and the audit log records your edit.
              </span>
            </p>
            <button type="submit">Save the text</button>
          </form>
        </details>
        {item.status === 'approved' || item.status === 'pending' ? (
          <details class="staff-reply" open={reply !== undefined}>
            <summary>
              Reply as {frame.session.user.displayName}
              <span class="visually-hidden"> to {label}</span>
            </summary>
            <form method="post" action={`/admin/comments/${item.id}/reply`}>
              <input type="hidden" name="_csrf" value={frame.csrf} />
              <input type="hidden" name="return" value={here} />
              <p class="field">
                <label for={`reply-${item.id}`}>Your reply to {item.authorName}</label>
                <textarea
                  id={`reply-${item.id}`}
                  name="body"
                  rows={4}
                  maxLength={COMMENT_LIMITS.body}
                  required
                  {...(reply ? { 'aria-invalid': true, 'aria-describedby': `reply-${item.id}-error` } : {})}
                >
                  {reply?.body ?? ''}
                </textarea>
                {reply ? (
                  <span class="field-error" id={`reply-${item.id}-error`}>
                    {reply.message}
                  </span>
                ) : null}
              </p>
              {item.status === 'pending' ? <p class="hint">Replying publishes this comment too.</p> : null}
              <button type="submit">Publish reply</button>
            </form>
          </details>
        ) : null}
        {item.staffAuthor ? null : (
          <BanForm commentId={item.id} authorName={item.authorName} csrf={frame.csrf} here={here} error={ban?.errors} />
        )}
      </article>
    </li>
  );
}

const HISTORY: readonly { status: CommentStatus; label: string }[] = [
  { status: 'approved', label: 'approved' },
  { status: 'pending', label: 'waiting' },
  { status: 'spam', label: 'spam' },
  { status: 'trash', label: 'trashed' },
];

/** The commenter's other comments, as Coral shows them: counts by fate, and a link to list them. */
function History({ item }: { item: QueueItem }) {
  const total = STATUSES.reduce((sum, s) => sum + item.history[s], 0);
  return (
    <p class="queue-history">
      {total === 0 ? (
        'No other comments from this commenter.'
      ) : (
        <>
          {plural(total, 'other comment', 'other comments')} from this commenter:{' '}
          {HISTORY.filter((h) => item.history[h.status] > 0)
            .map((h) => `${item.history[h.status].toLocaleString('en')} ${h.label}`)
            .join(', ')}
          .{' '}
          <a href={`/admin/comments?status=all&author=${item.id}`}>
            See them<span class="visually-hidden"> (comments by {item.authorName})</span>
          </a>
        </>
      )}
    </p>
  );
}

function Pager({ query, total, perPage }: { query: QueueQuery; total: number; perPage: number }) {
  const pages = Math.max(1, Math.ceil(total / perPage));
  return (
    <Pagination
      page={query.page}
      pages={pages}
      href={(page) => queueHref(query, { page })}
      label="Pages"
      previous="Newer"
      next="Older"
    />
  );
}
