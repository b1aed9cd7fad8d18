// Site search over published articles: the reader's words made safe (search-query.ts), the
// engine's ranking and snippets (search.repository.ts), the snippets turned into safe HTML.
import type { Db } from '../../db/database.ts';
import { nowIso } from '../../lib/text.ts';
import { toArticle, type Article } from '../articles/article.model.ts';
import * as repo from './search.repository.ts';
import { parseSearchQuery, snippetToHtml } from './search-query.ts';

export interface SearchResult {
  article: Article;
  /** Escaped text around the matches, each in a <mark>. */
  snippetHtml: string;
}

export interface SearchResults {
  total: number;
  results: SearchResult[];
}

export interface SearchService {
  /** Any text is accepted: words are taken from it, and text with none finds nothing. */
  search(query: string, page: { limit: number; offset: number }): Promise<SearchResults>;
}

export function createSearchService({ readDb }: { readDb: Db }): SearchService {
  return {
    async search(query, page) {
      const parsed = parseSearchQuery(query);
      if (parsed.clauses.length === 0) return { total: 0, results: [] };
      const { total, hits } = await repo.searchArticles(readDb, parsed, page, nowIso());
      return {
        total,
        results: hits.map((hit) => ({ article: toArticle(hit.row), snippetHtml: snippetToHtml(hit.snippet) })),
      };
    },
  };
}
