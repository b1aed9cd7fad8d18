import type { Generated, Selectable } from 'kysely';

export type OutboxStatus = 'queued' | 'sent' | 'failed';

export interface OutboxTable {
  id: Generated<number>;
  /** Which deliverer sends it: 'mail', 'webhook', … */
  channel: string;
  /** JSON, as the channel's deliverer expects it. */
  payload: string;
  recipient: string | null;
  dedupe_key: string | null;
  status: Generated<OutboxStatus>;
  attempts: Generated<number>;
  next_attempt_at: string;
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

export type OutboxRow = Selectable<OutboxTable>;
