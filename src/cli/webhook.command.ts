// broadsheet webhook add URL --events E,… | webhook list: thin over the webhook service.
import { parseArgs } from 'node:util';
import type { Services } from '../deps.ts';
import { WEBHOOK_EVENTS } from '../features/webhooks/webhook.table.ts';
import { UsageError } from './usage-error.ts';

export async function webhookCommand(services: Pick<Services, 'webhooks'>, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'list') {
    for (const e of await services.webhooks.endpoints())
      console.log(`${e.id}\t${e.url}\t${e.events.join(',')}\t${e.pausedAt ? `paused: ${e.pauseReason}` : 'active'}`);
    return 0;
  }
  if (sub !== 'add') throw new UsageError('webhook needs "add URL --events E,…" or "list"');
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { events: { type: 'string' } },
  });
  if (positionals.length !== 1) throw new UsageError('webhook add needs exactly one URL');
  if (!values.events)
    throw new UsageError(
      `webhook add needs --events, e.g. --events comment.published,rating.changed (any of ` +
        `${WEBHOOK_EVENTS.join(', ')})`,
    );
  const { endpoint, secret } = await services.webhooks.addEndpoint({ url: positionals[0], events: values.events });
  console.log(`Added webhook ${endpoint.id}: ${endpoint.url} (${endpoint.events.join(', ')})`);
  console.log(`Signing secret (shown only this once): ${secret}`);
  return 0;
}
