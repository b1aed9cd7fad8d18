// What other features' writes (ratings, comments, a reader's erasure) may ask of an article inside
// their own transactions: its state without its text, and a lock on its row. Their one way to
// the article's row: they do not import article.repository.ts.
import type { Db } from '../../db/database.ts';
import * as repo from './article.repository.ts';

export const articleStates = {
  /** The article's state (publication, comments open, rating and comment totals), or undefined. */
  find: (q: Db, id: number) => repo.findArticleState(q, { id }),
  /** Locks these articles' rows (PostgreSQL), in id order so two transactions cannot deadlock. */
  lockAll: (q: Db, ids: number[]) => repo.lockArticles(q, ids),
};
