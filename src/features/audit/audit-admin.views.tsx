// The audit log as a table: when, what happened in words (who did it to which thing, linked),
// and the details recorded with it that the sentence does not already say.
import { AdminLayout, type AdminFrame } from '../../views/admin-layout.tsx';
import { formatDateTime } from '../../views/html.ts';
import type { AuditEntry } from './audit.service.ts';
import type { AuditSubjects } from './audit-subjects.ts';
import { AuditSentence, SAID } from './audit-sentence.views.tsx';

function detailText(value: unknown): string {
  if (Array.isArray(value)) return value.map(detailText).join(', ');
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The details the sentence leaves out; an edit's earlier and new texts in full. */
function Details({ entry }: { entry: AuditEntry }) {
  const said = SAID[entry.action.split('.')[0]!] ?? [];
  const rest = Object.entries(entry.details).filter(
    ([key]) => !said.includes(key) || (entry.action === 'comment.edit' && (key === 'previous' || key === 'text')),
  );
  if (rest.length === 0) return null;
  const labels: Record<string, string> = {
    previous: 'Earlier text',
    text: 'New text',
    reason: 'Reason',
    until: 'Until',
    via: 'Through',
    reviewRating: 'Review rating',
  };
  return (
    <dl class="details">
      {rest.map(([key, value]) => (
        <>
          <dt>{labels[key] ?? key}</dt>
          <dd>{detailText(value)}</dd>
        </>
      ))}
    </dl>
  );
}

export function AuditPage({
  frame,
  entries,
  subjects,
  page,
  hasOlder,
}: {
  frame: AdminFrame;
  entries: AuditEntry[];
  subjects: AuditSubjects;
  page: number;
  hasOlder: boolean;
}) {
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
                <th scope="col">What happened</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr>
                  <td class="nowrap">
                    <time dateTime={entry.createdAt}>{formatDateTime(entry.createdAt)}</time>
                  </td>
                  <td>
                    <AuditSentence entry={entry} subjects={subjects} />
                  </td>
                  <td>
                    <Details entry={entry} />
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
