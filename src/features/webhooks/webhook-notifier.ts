// What services need of webhooks: to report an event inside the transaction of the change.
import type { Db } from '../../db/database.ts';
import type { WebhookTrigger } from './webhook-payloads.ts';

export interface WebhookNotifier {
  notify(trx: Db, trigger: WebhookTrigger): Promise<void>;
  /**
   * Whether an endpoint subscribes to the event, as `notify` would find now (the list is kept a
   * few seconds): a change nobody listens to needs no transaction for its webhooks.
   */
  wants(event: WebhookTrigger['event']): Promise<boolean>;
}
