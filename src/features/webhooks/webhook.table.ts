import type { Generated, Selectable } from 'kysely';

export const WEBHOOK_EVENTS = [
  'article.published',
  'article.updated',
  'comment.created',
  'comment.published',
  'comment.removed',
  'rating.changed',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface WebhookEndpointTable {
  id: Generated<number>;
  url: string;
  /** JSON array of WebhookEvent. */
  events: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_until: string | null;
  paused_at: string | null;
  pause_reason: string | null;
  created_at: string;
}

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed' | 'skipped';

export interface WebhookDeliveryTable {
  id: Generated<number>;
  delivery_id: string;
  endpoint_id: number;
  event: WebhookEvent;
  event_id: string;
  body: string;
  status: Generated<WebhookDeliveryStatus>;
  attempts: Generated<number>;
  response_code: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

export type WebhookEndpointRow = Selectable<WebhookEndpointTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveryTable>;
