// What a reader typed, turned into words the search engines can only take as words: the
// engines' own syntax (FTS5's AND/OR/NEAR/*/^/column filters, tsquery's & | ! <-> :*) never
// sees the input, because only runs of letters and digits (any script) are kept from it.
import { textToHtml } from '../../lib/xml.ts';

/** Longer input is cut here, and only the first words count: a search is a few words. */
export const MAX_QUERY_LENGTH = 200;
export const MAX_WORDS = 8;

/** One clause: a single word, or a phrase (the words of a double-quoted part, in order). */
export interface SearchClause {
  words: string[];
  /** Match words starting with the last one (the reader may not have finished typing it). */
  prefix: boolean;
}

export interface SearchQuery {
  clauses: SearchClause[];
}

/** A word starts with a letter or digit; combining marks belong to it (Devanagari, Thai…). */
const WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu;

/** Prefix matching only on a word this long, so "a" does not match half the site. */
const MIN_PREFIX_LENGTH = 3;

export function parseSearchQuery(input: string): SearchQuery {
  const text = input.slice(0, MAX_QUERY_LENGTH);
  // Split on quotes: odd parts were inside a pair of quotes. An unbalanced last quote is ignored.
  const parts = text.split('"');
  const clauses: SearchClause[] = [];
  let count = 0;
  const take = (words: string[]) => {
    const kept = words.slice(0, Math.max(0, MAX_WORDS - count));
    count += kept.length;
    return kept;
  };
  parts.forEach((part, i) => {
    const words = take((part.match(WORD) ?? []).map((w) => w.toLowerCase()));
    const quoted = i % 2 === 1 && i < parts.length - 1;
    if (quoted && words.length > 0) clauses.push({ words, prefix: false });
    else for (const word of words) clauses.push({ words: [word], prefix: false });
  });
  const last = clauses.at(-1);
  // Only a bare word at the very end of the input, not one in a finished phrase.
  if (last && last.words.length === 1 && !/["\s]$/.test(text) && last.words[0]!.length >= MIN_PREFIX_LENGTH)
    last.prefix = true;
  return { clauses };
}

/** Private-use characters around the matches in a snippet from the database (never in indexed text). */
export const MARK_START = '\uE000';
export const MARK_END = '\uE001';

/**
 * A snippet as HTML: the text escaped, then the markers turned into <mark> elements. The markers
 * are paired up here, so the result is well formed whatever the text contained.
 */
export function snippetToHtml(snippet: string): string {
  let open = false;
  let html = '';
  for (const char of textToHtml(snippet)) {
    if (char === MARK_START) {
      if (!open) html += '<mark>';
      open = true;
    } else if (char === MARK_END) {
      if (open) html += '</mark>';
      open = false;
    } else html += char;
  }
  return open ? `${html}</mark>` : html;
}
