// What other features' lists (the front page, the archive directory, feeds) may ask of the
// articles: the newest published ones, whether a scheduled one is due, and their tags. Their one
// way to these queries: they do not import article.repository.ts.
import type { Db } from '../../db/database.ts';
import * as repo from './article.repository.ts';

export const articleLists = {
  /** Published articles, newest first. */
  published: (q: Db, page: { limit: number; offset: number }) => repo.listPublishedArticles(q, page),
  /** Whether a scheduled article's time has come (it then joins the lists without an event). */
  hasDueScheduled: (q: Db, now: string) => repo.hasDueScheduled(q, now),
  /** The tags of these articles, read in one query. */
  tagsOf: (q: Db, articleIds: number[]) => repo.findTags(q, articleIds),
};
