import type { Generated, Selectable } from 'kysely';

export interface RatingTable {
  id: Generated<number>;
  article_id: number;
  reader_id: string;
  value: number;
  ip_hash: string;
  created_at: string;
  updated_at: string;
}

export type RatingRow = Selectable<RatingTable>;
