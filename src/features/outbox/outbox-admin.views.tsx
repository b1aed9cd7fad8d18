// The outbox as a table: each message's channel, recipient, status, attempts and last error.
import { AdminLayout, type AdminFrame } from '../../views/admin-layout.tsx';
import { formatDateTime } from '../../views/html.ts';
import type { OutboxRow, OutboxStatus } from './outbox.table.ts';

const LABELS: Record<OutboxStatus, string> = { queued: 'Queued', sent: 'Sent', failed: 'Failed' };

/** What a message is about, without showing its whole payload. */
function summary(row: OutboxRow): string {
  try {
    const payload = JSON.parse(row.payload) as { subject?: unknown; event?: unknown; url?: unknown };
    for (const value of [payload.subject, payload.event, payload.url]) if (typeof value === 'string') return value;
  } catch {
    // An unreadable payload is shown as its channel alone.
  }
  return '';
}

export function OutboxPage(props: {
  frame: AdminFrame;
  mailEnabled: boolean;
  channels: string[];
  rows: OutboxRow[];
  counts: Record<OutboxStatus, number>;
  status: OutboxStatus | undefined;
  page: number;
  hasOlder: boolean;
}) {
  const { frame, rows, counts, status, page } = props;
  const href = (s: OutboxStatus | undefined, p = 1) =>
    `/admin/outbox${s || p > 1 ? '?' : ''}` +
    `${[s ? `status=${s}` : '', p > 1 ? `page=${p}` : ''].filter(Boolean).join('&')}`;
  return (
    <AdminLayout frame={frame} title="Outbox" active="/admin/outbox">
      <h1 id="outbox-heading">Outbox</h1>
      {props.mailEnabled ? (
        <p class="hint">
          E-mail is on. Messages are sent in the background and retried with growing delays when the receiving server is
          away.
        </p>
      ) : (
        <p class="notice" role="status">
          E-mail is off: this site sends no mail until <code>SMTP_URL</code> is set. Readers are not offered reply
          notifications by e-mail.
        </p>
      )}
      <p class="hint">Delivering: {props.channels.length > 0 ? props.channels.join(', ') : 'nothing'}.</p>
      <nav aria-label="Message status">
        <ul class="tabs">
          <li>
            <a href={href(undefined)} aria-current={status === undefined ? 'page' : undefined}>
              All
            </a>
          </li>
          {(Object.keys(LABELS) as OutboxStatus[]).map((s) => (
            <li>
              <a href={href(s)} aria-current={s === status ? 'page' : undefined}>
                {LABELS[s]} <span class="count">({counts[s].toLocaleString('en')})</span>
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {rows.length === 0 ? (
        <p>No messages{status ? ` ${LABELS[status].toLowerCase()}` : ''}.</p>
      ) : (
        <div class="table-scroll" role="region" aria-labelledby="outbox-heading" tabIndex={0}>
          <table class="data outbox">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Written</th>
                <th scope="col">Channel</th>
                <th scope="col">To</th>
                <th scope="col">About</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last error</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr id={`message-${row.id}`}>
                  <td>{row.id}</td>
                  <td class="nowrap">
                    <time dateTime={row.created_at}>{formatDateTime(row.created_at)}</time>
                  </td>
                  <td>{row.channel}</td>
                  <td>{row.recipient ?? ''}</td>
                  <td>{summary(row)}</td>
                  <td>
                    {LABELS[row.status]}
                    {row.status === 'sent' && row.sent_at ? (
                      <>
                        {' '}
                        <time dateTime={row.sent_at}>{formatDateTime(row.sent_at)}</time>
                      </>
                    ) : null}
                    {row.status === 'queued' && row.attempts > 0 ? (
                      <>
                        , next try <time dateTime={row.next_attempt_at}>{formatDateTime(row.next_attempt_at)}</time>
                      </>
                    ) : null}
                  </td>
                  <td>{row.attempts}</td>
                  <td>
                    {row.last_error ?? ''}
                    {row.status === 'failed' ? (
                      <form method="post" action={`/admin/outbox/${row.id}/retry`}>
                        <input type="hidden" name="_csrf" value={frame.csrf} />
                        <button type="submit">Retry</button>
                      </form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page > 1 || props.hasOlder ? (
        <nav aria-label="Pages" class="pager">
          {page > 1 ? (
            <a href={href(status, page - 1)} rel="prev">
              Newer
            </a>
          ) : null}
          <span>Page {page}</span>
          {props.hasOlder ? (
            <a href={href(status, page + 1)} rel="next">
              Older
            </a>
          ) : null}
        </nav>
      ) : null}
    </AdminLayout>
  );
}
