// What services need of webhooks: to report an event inside the transaction of the change.
import type { Db } from '../../db/database.ts';
import type { WebhookTrigger } from './webhook-payloads.ts';

export interface WebhookNotifier {
  notify(trx: Db, trigger: WebhookTrigger): Promise<void>;
}
