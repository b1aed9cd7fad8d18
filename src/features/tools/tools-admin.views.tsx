// /admin/tools: import (upload), export (download) and the last imports' reports.
import { AdminLayout, type AdminFrame } from '../../views/admin-layout.tsx';
import type { ImportRun } from './import-run.service.ts';

const STATUS: Record<ImportRun['status'], string> = { running: 'Running', done: 'Done', failed: 'Failed' };

function summary(run: ImportRun): string {
  if (run.status === 'failed') return run.error;
  if (run.status === 'running') return run.step ? `${run.step}…` : 'starting…';
  const created = Object.entries(run.counts)
    .filter(([k]) => k.startsWith('created.'))
    .reduce((n, [, v]) => n + v, 0);
  const updated = Object.entries(run.counts)
    .filter(([k]) => k.startsWith('updated.'))
    .reduce((n, [, v]) => n + v, 0);
  return `${created} created, ${updated} updated, ${run.counts.notes ?? 0} to look at`;
}

export function ToolsPage({ frame, runs, error }: { frame: AdminFrame; runs: ImportRun[]; error?: string }) {
  return (
    <AdminLayout frame={frame} title="Import and export" active="/admin/tools">
      <h1>Import and export</h1>
      <section aria-labelledby="import-heading">
        <h2 id="import-heading">Import</h2>
        <p>
          A WordPress export (WXR, <code>.xml</code> or <code>.xml.gz</code>), a Disqus export, a Broadsheet JSON export
          or a scraped article. Importing the same file again updates what it made.
        </p>
        {error ? (
          <p class="error-summary" role="alert" id="upload-error">
            {error}
          </p>
        ) : null}
        <form method="post" action="/admin/tools/import" enctype="multipart/form-data" class="tools-form">
          <input type="hidden" name="_csrf" value={frame.csrf} />
          <p>
            <label for="import-file">File</label>
            <input
              type="file"
              id="import-file"
              name="file"
              required
              aria-describedby={error ? 'upload-error' : undefined}
            />
          </p>
          <p>
            <input type="checkbox" id="create-articles" name="createArticles" value="1" />{' '}
            <label for="create-articles">Disqus: make a draft article for each thread that matches no article</label>
          </p>
          <button type="submit">Import</button>
        </form>
      </section>
      <section aria-labelledby="export-heading">
        <h2 id="export-heading">Export</h2>
        <p>
          The whole site, read at one moment. Both files contain readers' and staff e-mail addresses: keep them private.
        </p>
        <ul>
          <li>
            <a href="/admin/tools/export?format=json" download>
              Download JSON
            </a>{' '}
            — everything, read back by Broadsheet's import (docs/EXPORT.md)
          </li>
          <li>
            <a href="/admin/tools/export?format=wxr" download>
              Download WordPress WXR
            </a>{' '}
            — for WordPress's importer: posts, pages, categories, tags, comments and readers' scores
          </li>
        </ul>
      </section>
      <section aria-labelledby="runs-heading">
        <h2 id="runs-heading">Recent imports</h2>
        {runs.length === 0 ? (
          <p>No imports yet.</p>
        ) : (
          <table class="admin-table">
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Format</th>
                <th scope="col">Started</th>
                <th scope="col">Status</th>
                <th scope="col">Result</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((run) => (
                <tr>
                  <td>
                    <a href={`/admin/tools/imports/${run.id}`}>{run.fileName}</a>
                  </td>
                  <td>{run.format}</td>
                  <td>
                    <time datetime={run.startedAt}>{run.startedAt.slice(0, 16).replace('T', ' ')}</time>
                  </td>
                  <td>{STATUS[run.status]}</td>
                  <td>{summary(run)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </AdminLayout>
  );
}

export function ImportRunPage({ frame, run }: { frame: AdminFrame; run: ImportRun }) {
  return (
    <AdminLayout frame={frame} title={`Import of ${run.fileName}`} active="/admin/tools">
      <h1>Import of {run.fileName}</h1>
      <p>
        <a href="/admin/tools">Back to import and export</a>
      </p>
      <p role="status" id="import-status" data-status={run.status}>
        {STATUS[run.status]}
        {run.format ? ` — ${run.format}` : ''}
        {run.status === 'running' && run.step ? ` — ${run.step}` : ''}
      </p>
      {run.status === 'running' ? (
        <p>
          <progress
            id="import-progress"
            max={run.total || 1}
            value={run.total ? run.done : 0}
            aria-labelledby="import-status"
          >
            {run.total ? `${Math.floor((run.done / run.total) * 100)} %` : ''}
          </progress>{' '}
          This page refreshes itself until the import ends.
        </p>
      ) : null}
      {run.status === 'failed' ? <p class="error-summary">{run.error}</p> : null}
      {run.lines.length > 0 ? (
        <pre class="import-report" id="import-report">
          {run.lines.join('\n')}
        </pre>
      ) : null}
      {run.urls.length > 0 ? (
        <ul>
          {run.urls.map((url) => (
            <li>
              <a href={url}>{url}</a>
            </li>
          ))}
        </ul>
      ) : null}
    </AdminLayout>
  );
}
