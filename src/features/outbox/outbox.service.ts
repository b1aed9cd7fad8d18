// Writing to the outbox: always inside the transaction of the change that causes the message,
// so the message exists exactly when the change was committed. Wake the sender after the commit.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { nowIso } from '../../lib/text.ts';
import { insertMessage, type NewOutboxMessage } from './outbox.repository.ts';

export type { NewOutboxMessage };

/** Queues a message in `trx`; false when one with the same dedupe key was queued before (it is not written again). */
export function queueMessage(trx: Kysely<Database>, message: NewOutboxMessage): Promise<boolean> {
  return insertMessage(trx, message, nowIso());
}
