// The audit log as a table: when, who, what, to which thing, and the details recorded with it.
import { AdminLayout, type AdminFrame } from '../../views/admin-layout.tsx';
import { formatDateTime } from '../../views/html.ts';
import type { AuditEntry } from '../audit/audit.service.ts';

function detailText(value: unknown): string {
  if (Array.isArray(value)) return value.map(detailText).join(', ');
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Comments link to the queue entry that finds them. */
function Subject({ subject }: { subject: string }) {
  const comment = /^comment:(\d+)$/.exec(subject);
  return comment ? <a href={`/admin/comments?status=all&q=%23${comment[1]}`}>{subject}</a> : <>{subject}</>;
}

export function AuditPage({ frame, entries, page, hasOlder }: { frame: AdminFrame; entries: AuditEntry[]; page: number; hasOlder: boolean }) {
  return (
    <AdminLayout frame={frame} title="Audit log" active="/admin/audit">
      <h1 id="audit-heading">Audit log</h1>
      <p class="hint">Every staff action, newest first.</p>
      {entries.length === 0 ? (
        <p>Nothing has been recorded{page > 1 ? ' on this page' : ' yet'}.</p>
      ) : (
        <div class="table-scroll" role="region" aria-labelledby="audit-heading" tabIndex={0}>
          <table class="data audit">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Subject</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr>
                  <td class="nowrap">
                    <time dateTime={entry.createdAt}>{formatDateTime(entry.createdAt)}</time>
                  </td>
                  <td>{entry.actor}</td>
                  <td>
                    <code>{entry.action}</code>
                  </td>
                  <td>
                    <Subject subject={entry.subject} />
                  </td>
                  <td>
                    {Object.keys(entry.details).length === 0 ? null : (
                      <dl class="details">
                        {Object.entries(entry.details).map(([key, value]) => (
                          <>
                            <dt>{key}</dt>
                            <dd>{detailText(value)}</dd>
                          </>
                        ))}
                      </dl>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page > 1 || hasOlder ? (
        <nav aria-label="Pages" class="pager">
          {page > 1 ? (
            <a href={page === 2 ? '/admin/audit' : `/admin/audit?page=${page - 1}`} rel="prev">
              Newer
            </a>
          ) : null}
          <span>Page {page}</span>
          {hasOlder ? (
            <a href={`/admin/audit?page=${page + 1}`} rel="next">
              Older
            </a>
          ) : null}
        </nav>
      ) : null}
    </AdminLayout>
  );
}
