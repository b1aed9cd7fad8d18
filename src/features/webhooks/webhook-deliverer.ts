// The outbox's 'webhook' channel: POSTs a delivery's body, signed, to its endpoint. A 2xx answer
// is success; anything else (another status, a refused address, a timeout) is a failed attempt,
// retried by the outbox with backoff for about a day, after which the endpoint is paused.
import { createHmac } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { Db } from '../../db/database.ts';
import { nowIso } from '../../lib/text.ts';
import type { Deliverer } from '../outbox/outbox-sender.ts';
import { guardedLookup, hostAllowed, refusedAddress } from './webhook-address.ts';
import * as repo from './webhook.repository.ts';

/** `t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, with a second v1= for each further secret (a rotation). */
export function signatureHeader(body: string, secrets: string[], time = Math.floor(Date.now() / 1000)): string {
  return [
    `t=${time}`,
    ...secrets.map((secret) => `v1=${createHmac('sha256', secret).update(`${time}.${body}`).digest('hex')}`),
  ].join(',');
}

export interface PostOutcome {
  status: number | null;
  error: string | null;
}

/** One POST: no redirects followed, every address checked after DNS, the whole exchange within `timeoutMs`. */
export function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  { allowedHosts, timeoutMs }: { allowedHosts: readonly string[]; timeoutMs: number },
): Promise<PostOutcome> {
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  // A literal address is connected to without a lookup, so it is checked here.
  if (isIP(host) !== 0 && !hostAllowed(host, allowedHosts)) {
    const problem = refusedAddress(host);
    if (problem) return Promise.resolve({ status: null, error: `refused: ${problem}` });
  }
  return new Promise((resolve) => {
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    let settled = false;
    const finish = (outcome: PostOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const req = send(
      target,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'Broadsheet-Webhook/1',
          ...headers,
        },
        lookup: guardedLookup(allowedHosts),
        agent: false,
      },
      (response: IncomingMessage) => {
        // The answer's body is not needed; read (and drop) at most 64 KB of it.
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > 65_536) response.destroy();
        });
        response.on('error', () => undefined);
        const status = response.statusCode ?? 0;
        response.on('end', () => finish({ status, error: status >= 200 && status < 300 ? null : `HTTP ${status}` }));
        response.on('close', () => finish({ status, error: status >= 200 && status < 300 ? null : `HTTP ${status}` }));
      },
    );
    // A receiver that hangs (at connect, or before or during its answer) costs one attempt, never the sender.
    const timer = setTimeout(() => {
      req.destroy();
      finish({ status: null, error: `no answer within ${timeoutMs} ms` });
    }, timeoutMs);
    req.on('error', (error: Error & { code?: string }) =>
      finish({
        status: null,
        error:
          error.code === 'EWEBHOOKADDRESS' ? error.message : `${error.code ?? 'error'}: ${error.message}`.slice(0, 300),
      }),
    );
    req.end(body);
  });
}

export function createWebhookDeliverer(deps: {
  db: Db;
  allowedHosts: readonly string[];
  timeoutMs: number;
  maxAttempts: number;
}): Deliverer {
  const { db } = deps;
  return async (message) => {
    const { delivery: deliveryRowId } = message.payload as { delivery: number };
    const delivery = await repo.findDelivery(db, deliveryRowId);
    if (!delivery || delivery.status === 'delivered') return;
    const endpoint = await repo.findEndpoint(db, delivery.endpoint_id);
    if (!endpoint || endpoint.paused_at !== null) {
      await repo.recordAttempt(db, delivery.id, {
        status: 'skipped',
        attempts: delivery.attempts,
        responseCode: delivery.response_code,
        error: endpoint ? 'endpoint paused' : 'endpoint removed',
      });
      return;
    }
    const secrets = [
      endpoint.secret,
      ...(endpoint.previous_secret && (endpoint.previous_secret_until ?? '') > nowIso()
        ? [endpoint.previous_secret]
        : []),
    ];
    const headers = {
      'broadsheet-signature': signatureHeader(delivery.body, secrets),
      'broadsheet-event': delivery.event,
      'broadsheet-delivery': delivery.delivery_id,
    };
    const outcome = await postJson(endpoint.url, delivery.body, headers, {
      allowedHosts: deps.allowedHosts,
      timeoutMs: deps.timeoutMs,
    });
    const attempts = delivery.attempts + 1;
    if (outcome.error === null) {
      await repo.recordAttempt(db, delivery.id, {
        status: 'delivered',
        attempts,
        responseCode: outcome.status,
        error: null,
        deliveredAt: nowIso(),
      });
      return;
    }
    const last = message.attempt >= deps.maxAttempts;
    await repo.recordAttempt(db, delivery.id, {
      status: last ? 'failed' : 'pending',
      attempts,
      responseCode: outcome.status,
      error: outcome.error,
    });
    // Failing for a day: stop sending to it until an admin resumes it.
    if (last)
      await repo.updateEndpoint(db, endpoint.id, {
        paused_at: nowIso(),
        pause_reason: `Delivery ${delivery.delivery_id} failed ${attempts} times over a day (last: ${outcome.error}).`,
      });
    throw new Error(outcome.error);
  };
}
