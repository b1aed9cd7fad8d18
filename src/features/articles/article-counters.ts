// An article's rating and comment totals (score sum, count, distribution, approved comments).
//
// They live in the article's row, where every list and page reads them. On SQLite a write adds
// to the row directly: one writer commits at a time anyway. On PostgreSQL that update held the
// row's lock until the WAL flush, so every rating and comment of one hot article took turns
// (about 600 a second whatever the hardware). There a write appends its change to
// article_counter_deltas instead, a table no two writers contend on, and after its commit the
// changes are folded into the row by one statement (delete the deltas, add them up, update the
// row), so the row's lock is taken once for every write that committed meanwhile. Totals stay
// exact: a delta is deleted and added in one statement, once, whoever folds it (several
// instances may fold at once). A delta left by a crash between commit and fold is folded by the
// next fold of that article or by the maintenance round.
import type { Db } from '../../db/database.ts';
import { isPostgres } from '../../db/postgres.ts';
import * as repo from './article-counter.repository.ts';
import type { ArticleTotals } from './article-counter.repository.ts';
import { adjustRatingTotals, incrementCommentCount } from './article.repository.ts';

// Other features reach the totals through this module, never the repositories.
export { pendingDeltas, recountComments } from './article-counter.repository.ts';

/**
 * SQLite: counts a rating (replacing `previous` when the reader rated before) in the article's
 * row, inside the rating's transaction. On PostgreSQL the rate_group function writes a delta
 * with the rating's own row instead (ratings/rating.repository.ts rateGroup).
 */
export async function countRating(trx: Db, articleId: number, value: number, previous?: number): Promise<void> {
  return adjustRatingTotals(trx, articleId, value, previous);
}

/** Counts one more approved comment, inside the comment's transaction. */
export async function countComment(trx: Db, articleId: number): Promise<void> {
  if (!isPostgres(trx)) return incrementCommentCount(trx, articleId);
  await repo.insertCommentDelta(trx, articleId);
}

export interface CounterFolder {
  /**
   * Folds what this article's writes committed so far into its row, sharing the fold with every
   * write that waits at the same time (one row update for all of them). Resolves to the totals
   * after the fold, or undefined when there was nothing to fold (SQLite, or another instance
   * folded it first) or the fold failed: the deltas then stay for the next fold.
   */
  settle(articleId: number): Promise<ArticleTotals | undefined>;
  /** Folds every article's deltas (at start and in the maintenance round); how many articles had some. */
  foldAll(): Promise<number>;
}

export function createCounterFolder(db: Db): CounterFolder {
  const postgres = isPostgres(db);
  // Per article: the fold running now, and the one that starts after it (which later writers join).
  const running = new Map<number, Promise<ArticleTotals | undefined>>();
  const next = new Map<number, Promise<ArticleTotals | undefined>>();

  function settle(articleId: number): Promise<ArticleTotals | undefined> {
    if (!postgres) return Promise.resolve(undefined);
    const queued = next.get(articleId);
    if (queued) return queued;
    const before = running.get(articleId) ?? Promise.resolve(undefined);
    const fold: Promise<ArticleTotals | undefined> = before.then(async () => {
      next.delete(articleId);
      running.set(articleId, fold);
      try {
        return await repo.foldDeltas(db, articleId);
      } catch {
        return undefined;
      } finally {
        if (running.get(articleId) === fold) running.delete(articleId);
      }
    });
    next.set(articleId, fold);
    return fold;
  }

  return {
    settle,
    async foldAll() {
      const ids = await repo.articlesWithDeltas(db);
      for (const id of ids) await repo.foldDeltas(db, id);
      return ids.length;
    },
  };
}
