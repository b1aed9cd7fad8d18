// Webhooks: endpoints admins register, and the events services report inside their own
// transactions. Each event becomes one delivery per subscribed endpoint and one outbox message
// (channel 'webhook'), written with the change, so a delivery exists exactly when the change was
// committed; the outbox sends it later, never within the request that caused it.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import { AppError, type FieldErrors } from '../../errors.ts';
import { nowIso } from '../../lib/text.ts';
import { queueMessage } from '../outbox/outbox.service.ts';
import type { OutboxSender } from '../outbox/outbox-sender.ts';
import { webhookUrlProblem } from './webhook-address.ts';
import { webhookData, type WebhookTrigger } from './webhook-payloads.ts';
import * as repo from './webhook.repository.ts';
import type { WebhookNotifier } from './webhook-notifier.ts';
import {
  WEBHOOK_EVENTS,
  type WebhookDeliveryRow,
  type WebhookEndpointRow,
  type WebhookEvent,
} from './webhook.table.ts';

export type { WebhookTrigger };

export interface WebhookEndpoint {
  id: number;
  url: string;
  events: WebhookEvent[];
  pausedAt: string | null;
  pauseReason: string | null;
  rotating: boolean;
  createdAt: string;
}

export interface WebhookDelivery {
  id: number;
  deliveryId: string;
  endpointId: number;
  event: WebhookEvent;
  status: WebhookDeliveryRow['status'];
  attempts: number;
  responseCode: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

export interface WebhookService extends WebhookNotifier {
  /** Registers an endpoint; the secret is returned this once and never shown again. */
  addEndpoint(input: { url: unknown; events: unknown }): Promise<{ endpoint: WebhookEndpoint; secret: string }>;
  /** A new secret; the old one keeps signing (a second v1=) for a day. */
  rotateSecret(id: number): Promise<string>;
  resume(id: number): Promise<void>;
  remove(id: number): Promise<void>;
  endpoints(): Promise<WebhookEndpoint[]>;
  deliveries(filter?: { endpointId?: number; limit?: number }): Promise<WebhookDelivery[]>;
}

const CHANNEL = 'webhook';
const ROTATION_MS = 24 * 3_600_000;
/** Another instance's change to the endpoints is seen within this long. */
const ENDPOINTS_TTL_MS = 5_000;

export const webhookChannel = CHANNEL;

function toEndpoint(row: WebhookEndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    url: row.url,
    events: JSON.parse(row.events) as WebhookEvent[],
    pausedAt: row.paused_at,
    pauseReason: row.pause_reason,
    rotating: row.previous_secret !== null && (row.previous_secret_until ?? '') > nowIso(),
    createdAt: row.created_at,
  };
}

function toDelivery(row: WebhookDeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    deliveryId: row.delivery_id,
    endpointId: row.endpoint_id,
    event: row.event,
    status: row.status,
    attempts: row.attempts,
    responseCode: row.response_code,
    lastError: row.last_error,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
  };
}

const newSecret = () => `whsec_${randomBytes(24).toString('base64url')}`;

export function createWebhookService(deps: {
  db: Db;
  outbox: OutboxSender;
  publicUrl: string;
  allowedHosts: readonly string[];
}): WebhookService {
  const { db, outbox, publicUrl, allowedHosts } = deps;
  let cache: { at: number; active: { id: number; events: Set<string> }[] } | undefined;

  async function subscribers(q: Db, event: WebhookEvent) {
    if (!cache || Date.now() - cache.at > ENDPOINTS_TTL_MS) {
      const rows = await repo.listEndpoints(q);
      cache = {
        at: Date.now(),
        active: rows
          .filter((r) => r.paused_at === null)
          .map((r) => ({ id: r.id, events: new Set(JSON.parse(r.events) as string[]) })),
      };
    }
    return cache.active.filter((e) => e.events.has(event));
  }
  const forget = () => {
    cache = undefined;
  };

  function validate(input: { url: unknown; events: unknown }): { url: string; events: WebhookEvent[] } {
    const errors: FieldErrors = {};
    const url = typeof input.url === 'string' ? input.url.trim() : '';
    const urlProblem = url ? webhookUrlProblem(url, allowedHosts) : 'Enter the URL that receives the events.';
    if (urlProblem) errors.url = urlProblem;
    const raw = Array.isArray(input.events)
      ? input.events
      : typeof input.events === 'string'
        ? input.events.split(',')
        : [];
    const events = [...new Set(raw.map((e) => String(e).trim()).filter(Boolean))];
    const unknown = events.filter((e) => !(WEBHOOK_EVENTS as readonly string[]).includes(e));
    if (events.length === 0) errors.events = `Choose at least one event: ${WEBHOOK_EVENTS.join(', ')}.`;
    else if (unknown.length > 0)
      errors.events =
        `Unknown event ${unknown.map((e) => `“${e.slice(0, 40)}”`).join(', ')}; choose from ` +
        `${WEBHOOK_EVENTS.join(', ')}.`;
    if (Object.keys(errors).length > 0) throw new AppError('validation_failed', undefined, errors);
    return { url, events: events as WebhookEvent[] };
  }

  async function must(id: number): Promise<WebhookEndpointRow> {
    const row = await repo.findEndpoint(db, id);
    if (!row) throw new AppError('not_found', 'There is no such webhook endpoint.');
    return row;
  }

  return {
    async wants(event) {
      return (await subscribers(db, event)).length > 0;
    },

    async notify(trx, trigger) {
      const targets = await subscribers(trx, trigger.event);
      if (targets.length === 0) return;
      const data = await webhookData(trx, trigger, publicUrl);
      if (!data) return;
      const eventId = randomUUID();
      const createdAt = nowIso();
      const body = JSON.stringify({ id: eventId, type: trigger.event, createdAt, data });
      for (const target of targets) {
        const deliveryId = randomUUID();
        const id = await repo.insertDelivery(trx, {
          delivery_id: deliveryId,
          endpoint_id: target.id,
          event: trigger.event,
          event_id: eventId,
          body,
          created_at: createdAt,
        });
        await queueMessage(trx, {
          channel: CHANNEL,
          payload: { delivery: id },
          dedupeKey: `webhook:${eventId}:${target.id}`,
        });
      }
      // The commit follows this transaction's end (SQLite commits in groups at the end of the
      // event loop's turn); a wake a moment later usually finds the message, the poll otherwise.
      setTimeout(() => outbox.wake(), 20).unref();
    },

    async addEndpoint(input) {
      const { url, events } = validate(input);
      const secret = newSecret();
      const id = await repo.insertEndpoint(db, { url, events: JSON.stringify(events), secret, created_at: nowIso() });
      forget();
      return { endpoint: toEndpoint((await repo.findEndpoint(db, id))!), secret };
    },

    async rotateSecret(id) {
      const row = await must(id);
      const secret = newSecret();
      await repo.updateEndpoint(db, id, {
        secret,
        previous_secret: row.secret,
        previous_secret_until: new Date(Date.now() + ROTATION_MS).toISOString(),
      });
      return secret;
    },

    async resume(id) {
      await must(id);
      await repo.updateEndpoint(db, id, { paused_at: null, pause_reason: null });
      forget();
    },

    async remove(id) {
      if (!(await repo.deleteEndpoint(db, id))) throw new AppError('not_found', 'There is no such webhook endpoint.');
      forget();
    },

    endpoints: async () => (await repo.listEndpoints(db)).map(toEndpoint),
    deliveries: async ({ endpointId, limit = 50 } = {}) =>
      (await repo.listDeliveries(db, { endpointId, limit })).map(toDelivery),
  };
}
