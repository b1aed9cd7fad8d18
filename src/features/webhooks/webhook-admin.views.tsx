// The webhooks page: endpoints (paused ones say so), the form to add one, the secret shown once,
// and the latest deliveries with their status, response code and attempts.
import type { FieldErrors } from '../../errors.ts';
import { AdminLayout, type AdminFrame } from '../../views/admin-layout.tsx';
import { formatDateTime } from '../../views/html.ts';
import type { WebhookDelivery, WebhookEndpoint } from './webhook.service.ts';
import { WEBHOOK_EVENTS } from './webhook.table.ts';

export interface WebhooksPageProps {
  frame: AdminFrame;
  endpoints: WebhookEndpoint[];
  deliveries: WebhookDelivery[];
  /** Deliveries of this endpoint only. */
  endpointId?: number;
  /** A secret just made, shown this once. */
  secret?: { endpoint: WebhookEndpoint; value: string };
  form?: { values: { url: string; events: string[] }; errors: FieldErrors };
}

const STATUS: Record<WebhookDelivery['status'], string> = {
  pending: 'Retrying',
  delivered: 'Delivered',
  failed: 'Failed',
  skipped: 'Skipped',
};

function Hidden({ csrf }: { csrf: string }) {
  return <input type="hidden" name="_csrf" value={csrf} />;
}

export function WebhooksPage({ frame, endpoints, deliveries, endpointId, secret, form }: WebhooksPageProps) {
  const errors = form?.errors ?? {};
  const chosen = new Set(form?.values.events ?? []);
  return (
    <AdminLayout frame={frame} title="Webhooks" active="/admin/webhooks">
      <h1>Webhooks</h1>
      <p class="hint">
        Each event is POSTed as JSON, signed in the <code>Broadsheet-Signature</code> header (<code>t=…,v1=…</code>,
        HMAC-SHA256 of “t.body” with the secret), and retried with growing delays for about a day. An endpoint that
        keeps failing is paused.
      </p>
      {secret ? (
        <div class="notice" role="status">
          <p>
            The secret for <strong>{secret.endpoint.url}</strong> is shown only this once. Copy it now:
          </p>
          <p>
            <code data-webhook-secret>{secret.value}</code>
          </p>
        </div>
      ) : null}
      <h2 id="endpoints-heading">Endpoints</h2>
      {endpoints.length === 0 ? (
        <p>No endpoints yet.</p>
      ) : (
        <ul class="webhook-endpoints" aria-labelledby="endpoints-heading">
          {endpoints.map((e) => (
            <li id={`endpoint-${e.id}`} data-endpoint-id={e.id}>
              <p>
                <strong>{e.url}</strong> — {e.events.join(', ')}
              </p>
              {e.pausedAt ? (
                <p class="notice" data-paused>
                  Paused since <time dateTime={e.pausedAt}>{formatDateTime(e.pausedAt)}</time>: {e.pauseReason}
                </p>
              ) : (
                <p>Active{e.rotating ? ' (the previous secret also signs, for a day after the rotation)' : ''}.</p>
              )}
              <div class="actions">
                <a href={`/admin/webhooks?endpoint=${e.id}#deliveries`}>Deliveries</a>
                {e.pausedAt ? (
                  <form method="post" action={`/admin/webhooks/${e.id}/resume`}>
                    <Hidden csrf={frame.csrf} />
                    <button type="submit">Resume</button>
                  </form>
                ) : null}
                <form method="post" action={`/admin/webhooks/${e.id}/rotate`}>
                  <Hidden csrf={frame.csrf} />
                  <button type="submit">New secret</button>
                </form>
                <form method="post" action={`/admin/webhooks/${e.id}/delete`}>
                  <Hidden csrf={frame.csrf} />
                  <button type="submit">Remove</button>
                </form>
              </div>
            </li>
          ))}
        </ul>
      )}
      <h2 id="add-heading">Add an endpoint</h2>
      <form method="post" action="/admin/webhooks" aria-labelledby="add-heading" novalidate>
        <Hidden csrf={frame.csrf} />
        <p class="field">
          <label for="webhook-url">URL</label>
          <input
            id="webhook-url"
            name="url"
            type="url"
            required
            maxLength={2000}
            value={form?.values.url ?? ''}
            aria-invalid={errors.url ? 'true' : undefined}
            aria-describedby={errors.url ? 'webhook-url-error' : undefined}
          />
          {errors.url ? (
            <span id="webhook-url-error" class="field-error">
              {errors.url}
            </span>
          ) : null}
        </p>
        <fieldset class="field choice" aria-describedby={errors.events ? 'webhook-events-error' : undefined}>
          <legend>Events</legend>
          {WEBHOOK_EVENTS.map((event) => (
            <label>
              <input type="checkbox" name="events" value={event} checked={chosen.has(event)} /> {event}
            </label>
          ))}
          {errors.events ? (
            <span id="webhook-events-error" class="field-error">
              {errors.events}
            </span>
          ) : null}
        </fieldset>
        <button type="submit">Add endpoint</button>
      </form>
      <h2 id="deliveries">Latest deliveries{endpointId !== undefined ? ` to endpoint ${endpointId}` : ''}</h2>
      {deliveries.length === 0 ? (
        <p>No deliveries yet.</p>
      ) : (
        <div class="table-scroll" role="region" aria-labelledby="deliveries" tabIndex={0}>
          <table class="data webhook-deliveries">
            <thead>
              <tr>
                <th scope="col">Delivery</th>
                <th scope="col">Endpoint</th>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Response</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last error</th>
              </tr>
            </thead>
            <tbody>
              {deliveries.map((d) => (
                <tr data-delivery={d.deliveryId}>
                  <td>
                    <code>{d.deliveryId.slice(0, 8)}</code>{' '}
                    <time dateTime={d.createdAt}>{formatDateTime(d.createdAt)}</time>
                  </td>
                  <td>{d.endpointId}</td>
                  <td>{d.event}</td>
                  <td data-status>{STATUS[d.status]}</td>
                  <td data-response>{d.responseCode ?? '—'}</td>
                  <td data-attempts>{d.attempts}</td>
                  <td>{d.lastError ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </AdminLayout>
  );
}
