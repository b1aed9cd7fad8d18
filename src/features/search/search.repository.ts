// SQL for site search, one implementation per engine behind one signature (see the migration
// 2026-11-25T0910-search.ts for the indexes). Both return published articles only, best match
// first and the newest first among equals, with a snippet whose matches sit between MARK_START
// and MARK_END.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../db/database.ts';
import { isPostgres } from '../../db/postgres.ts';
import type { ArticleRow } from '../articles/article.table.ts';
import { fold, unfoldHeadline } from './folded-text.ts';
import { MARK_END, MARK_START, type SearchQuery } from './search-query.ts';

type Q = Kysely<Database>;

export interface SearchHit {
  row: ArticleRow;
  /** Text around the matches, marked; raw text, not HTML. */
  snippet: string;
}

export interface SearchPage {
  total: number;
  hits: SearchHit[];
}

export function searchArticles(
  db: Q,
  query: SearchQuery,
  page: { limit: number; offset: number },
  now: string,
): Promise<SearchPage> {
  return isPostgres(db) ? searchPostgres(db, query, page, now) : searchSqlite(db, query, page, now);
}

/** The public condition of isPublicArticle (article-visibility.ts), on the articles aliased `a`. */
function published(now: string): RawBuilder<unknown> {
  return sql`(a.kind = 'article' and (a.status = 'published'
    or (a.status = 'scheduled' and a.published_at <= ${now})))`;
}

// --- SQLite: FTS5 -------------------------------------------------------------------------

/** Every word a quoted FTS5 string (words hold only letters, digits and marks: no quote to escape). */
export function fts5Match(query: SearchQuery): string {
  return query.clauses.map((clause) => `"${clause.words.join(' ')}"${clause.prefix ? ' *' : ''}`).join(' ');
}

/** Column weights for bm25: title, standfirst, body. */
const BM25 = sql.raw('bm25(articles_fts, 10.0, 4.0, 1.0)');
const SNIPPET_TOKENS = 24;

async function searchSqlite(
  db: Q,
  query: SearchQuery,
  { limit, offset }: { limit: number; offset: number },
  now: string,
): Promise<SearchPage> {
  const match = fts5Match(query);
  const from = sql`articles_fts join articles a on a.id = articles_fts.rowid
    where articles_fts match ${match} and ${published(now)}`;
  const count = await sql<{ n: number }>`select count(*) as n from ${from}`.execute(db);
  const total = Number(count.rows[0]?.n ?? 0);
  if (total === 0 || offset >= total) return { total, hits: [] };
  const snippet = (column: number) =>
    sql`snippet(articles_fts, ${sql.lit(column)}, ${MARK_START}, ${MARK_END}, '…', ${sql.lit(SNIPPET_TOKENS)})`;
  const { rows } = await sql<ArticleRow & { standfirst_snippet: string; body_snippet: string }>`
    select a.*, ${snippet(1)} as standfirst_snippet, ${snippet(2)} as body_snippet
      from ${from}
     order by ${BM25}, a.published_at desc, a.id desc
     limit ${limit} offset ${offset}`.execute(db);
  return {
    total,
    hits: rows.map(({ standfirst_snippet, body_snippet, ...row }) => ({
      row,
      // The body's words around the match; the standfirst's when only it matched.
      snippet:
        !body_snippet.includes(MARK_START) && standfirst_snippet.includes(MARK_START)
          ? standfirst_snippet
          : body_snippet,
    })),
  };
}

// --- PostgreSQL: tsvector ----------------------------------------------------------------

/** Text decomposed with its combining accents removed: "café" is indexed and searched as "cafe". */
const folded = (column: string) => `regexp_replace(normalize(${column}, NFKD), '[\\u0300-\\u036f]', '', 'g')`;

/** An article's search document (migration 2026-12-05T1200-search-documents: a table kept by a trigger, GIN-indexed). */
const VECTOR = sql.raw('s.document');
/** The articles with their documents. */
const SEARCHED = sql.raw('articles a join article_search s on s.article_id = a.id');

/** A tsquery in to_tsquery syntax: each word quoted (no quote or backslash can occur in one). */
export function tsquery(query: SearchQuery): string {
  return query.clauses
    .map((clause) => {
      const words = clause.words.map(fold).filter(Boolean);
      const terms = words.map((word, i) => `'${word}'${clause.prefix && i === words.length - 1 ? ':*' : ''}`);
      return terms.length > 1 ? `(${terms.join(' <-> ')})` : terms[0];
    })
    .filter(Boolean)
    .join(' & ');
}

/**
 * ts_headline reads its text as a document that may hold HTML tags and entities and leaves those
 * out, so `<` and `&` go in as stand-ins and come back afterwards: the article's text is shown
 * as written.
 */
const LT = '\uE002';
const AMP = '\uE003';
const FRAGMENT_DELIMITER = ' … ';
const HEADLINE_OPTIONS =
  `StartSel="${MARK_START}", StopSel="${MARK_END}", MaxWords=20, MinWords=8, ShortWord=2, MaxFragments=2, ` +
  `FragmentDelimiter="${FRAGMENT_DELIMITER}"`;

async function searchPostgres(
  db: Q,
  query: SearchQuery,
  { limit, offset }: { limit: number; offset: number },
  now: string,
): Promise<SearchPage> {
  const text = tsquery(query);
  if (!text) return { total: 0, hits: [] };
  const matches = sql`${VECTOR} @@ to_tsquery('simple', ${text}) and ${published(now)}`;
  const count = await sql<{ n: number }>`select count(*) as n from ${SEARCHED} where ${matches}`.execute(db);
  const total = Number(count.rows[0]?.n ?? 0);
  if (total === 0 || offset >= total) return { total, hits: [] };
  const document = sql.raw(`translate(${folded(`a.standfirst || E'\\n' || a.body_text`)}, '<&', '${LT}${AMP}')`);
  // The page is chosen first, so headlines (the costly part) are made for its rows only.
  const { rows } = await sql<ArticleRow & { snippet: string }>`
    select a.*, ts_headline('simple', ${document}, to_tsquery('simple', ${text}), ${HEADLINE_OPTIONS}) as snippet
      from (select a.id, ts_rank_cd(${VECTOR}, to_tsquery('simple', ${text})) as rank
              from ${SEARCHED}
             where ${matches}
             order by rank desc, a.published_at desc, a.id desc
             limit ${limit} offset ${offset}) hit
      join articles a on a.id = hit.id
     order by hit.rank desc, a.published_at desc, a.id desc`.execute(db);
  return {
    total,
    hits: rows.map(({ snippet, ...row }) => {
      const headline = snippet.replaceAll(LT, '<').replaceAll(AMP, '&');
      const original = `${row.standfirst}\n${row.body_text}`;
      // In the words as written; failing that, the folded words composed again (Hangul, for one).
      return { row, snippet: unfoldHeadline(headline, original, FRAGMENT_DELIMITER) ?? headline.normalize('NFC') };
    }),
  };
}
