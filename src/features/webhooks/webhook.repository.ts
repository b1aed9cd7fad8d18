// SQL for webhook endpoints and their deliveries.
import type { Db } from '../../db/database.ts';
import type { WebhookDeliveryRow, WebhookEndpointRow } from './webhook.table.ts';

export function listEndpoints(q: Db): Promise<WebhookEndpointRow[]> {
  return q.selectFrom('webhook_endpoints').selectAll().orderBy('id').execute();
}

export function findEndpoint(q: Db, id: number): Promise<WebhookEndpointRow | undefined> {
  return q.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertEndpoint(
  q: Db,
  row: { url: string; events: string; secret: string; created_at: string },
): Promise<number> {
  return (await q.insertInto('webhook_endpoints').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export async function updateEndpoint(
  q: Db,
  id: number,
  changes: Partial<Omit<WebhookEndpointRow, 'id'>>,
): Promise<boolean> {
  const result = await q.updateTable('webhook_endpoints').set(changes).where('id', '=', id).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function deleteEndpoint(q: Db, id: number): Promise<boolean> {
  await q.deleteFrom('webhook_deliveries').where('endpoint_id', '=', id).execute();
  const result = await q.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function insertDelivery(
  q: Db,
  row: {
    delivery_id: string;
    endpoint_id: number;
    event: WebhookDeliveryRow['event'];
    event_id: string;
    body: string;
    created_at: string;
  },
): Promise<number> {
  return (await q.insertInto('webhook_deliveries').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export function findDelivery(q: Db, id: number): Promise<WebhookDeliveryRow | undefined> {
  return q.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function recordAttempt(
  q: Db,
  id: number,
  outcome: {
    status: WebhookDeliveryRow['status'];
    attempts: number;
    responseCode: number | null;
    error: string | null;
    deliveredAt?: string;
  },
): Promise<void> {
  await q
    .updateTable('webhook_deliveries')
    .set({
      status: outcome.status,
      attempts: outcome.attempts,
      response_code: outcome.responseCode,
      last_error: outcome.error,
      delivered_at: outcome.deliveredAt ?? null,
    })
    .where('id', '=', id)
    // A delivered event stays delivered: a late copy of an attempt cannot undo it.
    .where('status', '!=', 'delivered')
    .execute();
}

export function listDeliveries(
  q: Db,
  { endpointId, limit }: { endpointId?: number; limit: number },
): Promise<WebhookDeliveryRow[]> {
  let query = q.selectFrom('webhook_deliveries').selectAll().orderBy('id', 'desc').limit(limit);
  if (endpointId !== undefined) query = query.where('endpoint_id', '=', endpointId);
  return query.execute();
}
