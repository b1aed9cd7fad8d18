// PostgreSQL: an article's search document moves from an expression index on `articles` into a
// table of its own, kept by a trigger when the title, standfirst or text changes (as SQLite's FTS5
// table is). An expression index is computed again on every update of the row that cannot stay
// on its page (a HOT update), and the counters folded into the row after ratings and comments
// (the comment count is indexed, so those never stay) paid for it: to_tsvector over the whole
// text, about a millisecond of the database's time for each fold. SQLite is unchanged.
import { sql, type Kysely } from 'kysely';
import { isPostgres } from './portable.ts';

const folded = (column: string) => `regexp_replace(normalize(${column}, NFKD), '[\\u0300-\\u036f]', '', 'g')`;
/** An article's document, its columns named with `row` before them (`new.`, `a.`, or none): the earlier index's expression. */
const documentOf = (row: string) =>
  `setweight(to_tsvector('simple'::regconfig, ${folded(`${row}title`)}), 'A') || ` +
  `setweight(to_tsvector('simple'::regconfig, ${folded(`${row}standfirst`)}), 'B') || ` +
  `setweight(to_tsvector('simple'::regconfig, ${folded(`${row}body_text`)}), 'C')`;

export async function up(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`create table article_search (
    article_id integer primary key references articles (id) on delete cascade,
    document tsvector not null
  )`.execute(db);
  await sql
    .raw(`insert into article_search (article_id, document) select a.id, ${documentOf('a.')} from articles a`)
    .execute(db);
  await sql`create index article_search_document on article_search using gin (document)`.execute(db);
  await sql
    .raw(
      `create function article_search_keep() returns trigger language plpgsql as $$ begin
         insert into article_search (article_id, document) values (new.id, ${documentOf('new.')})
           on conflict (article_id) do update set document = excluded.document;
         return null;
       end $$`,
    )
    .execute(db);
  // Only when the text is written: the counters' updates do not name these columns.
  await sql`create trigger article_search_keep after insert or update of title, standfirst, body_text on articles
    for each row execute function article_search_keep()`.execute(db);
  await sql`drop index articles_search`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql.raw(`create index articles_search on articles using gin ((${documentOf('')}))`).execute(db);
  await sql`drop trigger article_search_keep on articles`.execute(db);
  await sql`drop function article_search_keep()`.execute(db);
  await sql`drop table article_search`.execute(db);
}
