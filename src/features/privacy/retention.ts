// Personal data kept only as long as it is useful: address hashes and user agents of comments
// and ratings (spam checks and the per-address rating cap look back a day), sent mail (it holds
// addresses and comment text), and expired privacy links. Ratings keep counting: only the hash goes.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { deleteExpiredLinks } from './privacy.repository.ts';
import * as repo from './retention.repository.ts';

export interface SweepResult {
  comments: number;
  ratings: number;
  mails: number;
}

export async function sweepPersonalData(
  db: Kysely<Database>,
  { days, now }: { days: number; now: Date },
): Promise<SweepResult> {
  const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
  const comments = await repo.forgetCommentTraces(db, cutoff);
  const ratings = await repo.forgetRatingHashes(db, cutoff);
  const mails = await repo.deleteSentMail(db, cutoff);
  await deleteExpiredLinks(db, now.toISOString());
  return { comments, ratings, mails };
}
