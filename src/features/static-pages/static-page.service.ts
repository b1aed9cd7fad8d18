// Static pages (About, Corrections…: articles of kind 'page', never listed) and old addresses
// (a WordPress permalink, `/?p=<id>`) that answer 301 to what replaced them.
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import { nowIso } from '../../lib/text.ts';
import { articlePath, pagePath, toArticle, type Article } from '../articles/article.model.ts';
import { isPublicRow } from '../articles/article-visibility.ts';
import { legacyPathKey } from '../importer/wxr-mapping.ts';
import * as repo from './static-page.repository.ts';

export interface StaticPageService {
  /** The published page with this slug; 404 otherwise. */
  get(slug: string): Promise<Article>;
  /** The address an old one now lives at (`/articles/…` or `/pages/…`), or undefined. */
  redirectFor(pathAndQuery: string): Promise<string | undefined>;
}

export function createStaticPageService({ db, readDb = db }: { db: Db; readDb?: Db }): StaticPageService {
  return {
    async get(slug) {
      let row = await repo.findPageBySlug(readDb, slug);
      if (!row && readDb !== db) row = await repo.findPageBySlug(db, slug);
      if (!row || !isPublicRow(row, nowIso())) throw new AppError('not_found', 'There is no such page.');
      return toArticle(row, []);
    },

    async redirectFor(pathAndQuery) {
      const [path, query = ''] = pathAndQuery.split('?', 2) as [string, string?];
      // Only WordPress's own ids are kept from a query string; anything else is a path.
      const id = /(?:^|&)(p|page_id)=(\d{1,20})(?:&|$)/.exec(query);
      const key =
        id && (path === '/' || path === '/index.php') ? legacyPathKey(`/?${id[1]}=${id[2]}`) : legacyPathKey(path);
      if (key.length > 500) return undefined;
      const target = await repo.findLegacyTarget(readDb, key);
      if (!target) return undefined;
      return target.kind === 'page' ? pagePath(target.slug) : articlePath(target.slug);
    },
  };
}
