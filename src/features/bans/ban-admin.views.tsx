// The ban list (who banned whom, why, until when, with a button to lift each), the form that
// bans from a comment in the moderation queue, and the moderators' block lists.
import type { FieldErrors } from '../../errors.ts';
import { AdminLayout, type AdminFrame } from '../../views/admin-layout.tsx';
import { formatDateTime, plural } from '../../views/html.ts';
import { Pagination } from '../../views/pagination.tsx';
import { SETTINGS_FIELDS } from '../settings/settings-admin-form.ts';
import { Field } from '../settings/settings-admin.views.tsx';
import { BAN_DURATIONS, BAN_KINDS, BAN_REASON_MAX, type Ban, type BanList } from './ban.service.ts';

const KIND_LABELS = Object.fromEntries(BAN_KINDS.map((k) => [k.kind, k.label]));

export function BanListPage({ frame, list, notice }: { frame: AdminFrame; list: BanList; notice?: string }) {
  const pages = Math.max(1, Math.ceil(list.total / list.perPage));
  return (
    <AdminLayout frame={frame} title="Bans" active="/admin/bans">
      <h1>Bans</h1>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      <p class="hint">
        Ban a commenter from a comment in the <a href="/admin/comments">moderation queue</a>. Staff members cannot be
        banned.
      </p>
      {list.items.length === 0 ? (
        <p class="empty">Nobody is banned.</p>
      ) : (
        <table class="ban-list">
          <caption class="visually-hidden">{plural(list.total, 'ban', 'bans')}, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Banned</th>
              <th scope="col">By</th>
              <th scope="col">Reason</th>
              <th scope="col">Since</th>
              <th scope="col">Until</th>
              <th scope="col">
                <span class="visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((ban) => (
              <BanRowView ban={ban} csrf={frame.csrf} />
            ))}
          </tbody>
        </table>
      )}
      <Pagination
        page={list.page}
        pages={pages}
        href={(n) => (n > 1 ? `/admin/bans?page=${n}` : '/admin/bans')}
        label="Pages"
        previous="Newer"
        next="Older"
      />
    </AdminLayout>
  );
}

function BanRowView({ ban, csrf }: { ban: Ban; csrf: string }) {
  return (
    <tr id={`ban-${ban.id}`} class={ban.active ? 'ban-active' : 'ban-ended'} data-ban-id={ban.id}>
      <td>
        {ban.subject}
        <br />
        <span class="hint">
          by {KIND_LABELS[ban.kind]?.toLowerCase()}
          {ban.commentId !== null ? (
            <>
              {' '}
              (comment <a href={`/admin/comments?status=all&q=%23${ban.commentId}`}>#{ban.commentId}</a>)
            </>
          ) : null}
        </span>
      </td>
      <td>{ban.createdBy}</td>
      <td>{ban.reason}</td>
      <td>
        <time dateTime={ban.createdAt}>{formatDateTime(ban.createdAt)}</time>
      </td>
      <td>
        {ban.liftedAt ? (
          <>
            Lifted by {ban.liftedBy} <time dateTime={ban.liftedAt}>{formatDateTime(ban.liftedAt)}</time>
          </>
        ) : ban.expiresAt === null ? (
          'Forever'
        ) : (
          <>
            <time dateTime={ban.expiresAt}>{formatDateTime(ban.expiresAt)}</time>
            {ban.active ? null : ' (ended)'}
          </>
        )}
      </td>
      <td>
        {ban.active ? (
          <form method="post" action={`/admin/bans/${ban.id}/lift`}>
            <input type="hidden" name="_csrf" value={csrf} />
            <button type="submit">
              Lift<span class="visually-hidden"> the ban on {ban.subject}</span>
            </button>
          </form>
        ) : null}
      </td>
    </tr>
  );
}

/** In each queue entry: ban the comment's author. */
export function BanForm({
  commentId,
  authorName,
  csrf,
  here,
  error,
}: {
  commentId: number;
  authorName: string;
  csrf: string;
  here: string;
  error?: FieldErrors;
}) {
  const id = (name: string) => `ban-${commentId}-${name}`;
  const message = error ? Object.values(error)[0] : undefined;
  return (
    <details class="ban-form" open={error !== undefined}>
      <summary>
        Ban {authorName}
        <span class="visually-hidden"> (comment #{commentId})</span>
      </summary>
      <form method="post" action={`/admin/comments/${commentId}/ban`}>
        <input type="hidden" name="_csrf" value={csrf} />
        <input type="hidden" name="return" value={here} />
        {message ? (
          <p class="field-error" id={id('error')} role="alert">
            {message}
          </p>
        ) : null}
        <fieldset>
          <legend>Ban by</legend>
          {BAN_KINDS.map((k, i) => (
            <label>
              <input type="radio" name="kind" value={k.kind} checked={i === 0} /> {k.label}
            </label>
          ))}
        </fieldset>
        <p class="field">
          <label for={id('reason')}>Reason</label>
          <input id={id('reason')} name="reason" type="text" maxLength={BAN_REASON_MAX} required />
        </p>
        <p class="field">
          <label for={id('duration')}>For</label>
          <select id={id('duration')} name="duration">
            {BAN_DURATIONS.map((d) => (
              <option value={d.duration}>{d.label}</option>
            ))}
          </select>
        </p>
        <button type="submit">Ban</button>
      </form>
    </details>
  );
}

export const BLOCK_LIST_KEYS = ['blockedEmails', 'blockedWords'] as const;

export function BlockListsPage({
  frame,
  values,
  errors,
  notice,
}: {
  frame: AdminFrame;
  values: Record<string, string>;
  errors: FieldErrors;
  notice?: string;
}) {
  const problems = BLOCK_LIST_KEYS.filter((key) => errors[key]);
  return (
    <AdminLayout frame={frame} title="Block lists" active="/admin/blocking">
      <h1>Block lists</h1>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      {problems.length > 0 ? (
        <p class="error-summary" role="alert">
          Nothing was saved. Please correct the {problems.length === 1 ? 'list' : 'lists'} below.
        </p>
      ) : null}
      <p class="hint">
        A comment matching any entry is marked as spam. To stop one commenter, ban them from the queue instead.
      </p>
      <form method="post" action="/admin/blocking" class="settings-form" novalidate>
        <input type="hidden" name="_csrf" value={frame.csrf} />
        {BLOCK_LIST_KEYS.map((key) => (
          <Field name={key} field={SETTINGS_FIELDS[key]} value={values[key] ?? ''} errors={errors} />
        ))}
        <button type="submit">Save block lists</button>
      </form>
    </AdminLayout>
  );
}
