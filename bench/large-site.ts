// A large site for the bench: 100,000 published articles with 10 approved comments each (1M),
// two tags each, written straight into the database by the database itself (a generated series:
// the same SQL on both engines but for date arithmetic), so that filling it takes seconds.
// The app's triggers and indexes (search, tags) see every row, as they would have in the years
// it took a newsroom to write them.
import { sql } from 'kysely';
import type { Db } from '../src/db/database.ts';

export const LARGE_SITE = { articles: 100_000, commentsPerArticle: 10 };

const SECTIONS = ['Local', 'World', 'Business', 'Culture'];

/** Fills `db` (migrated, otherwise empty) with the large site's archive, older than anything added later. */
export async function fillLargeSite(db: Db, engine: 'sqlite' | 'postgres'): Promise<void> {
  const { articles, commentsPerArticle } = LARGE_SITE;
  // Article n was published n minutes before 2025-06-01.
  const publishedAt =
    engine === 'sqlite'
      ? sql`strftime('%Y-%m-%dT%H:%M:%fZ', '2025-06-01', '-' || n || ' minutes')`
      : sql`to_char(timestamp '2025-06-01' - n * interval '1 minute', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  const section = sql`case n % 4 ${sql.join(
    SECTIONS.map((name, i) => sql`when ${sql.lit(i)} then ${sql.lit(name)}`),
    sql` `,
  )} end`;
  const series = (count: number) =>
    sql`with recursive s(n) as (select 1 union all select n + 1 from s where n < ${sql.lit(count)})`;

  await db.transaction().execute(async (trx) => {
    await sql`${series(articles)}
      insert into articles (slug, title, standfirst, body_markdown, body_html, body_text, author_name, author_slug,
        section, section_slug, status, published_at, created_at, updated_at, comment_count)
      select 'archive-' || n, 'Archive article ' || n, 'From the archive.', 'Archived report number ' || n || '.',
        '<p>Archived report number ' || n || '.</p>', 'Archived report number ' || n || '.',
        'Staff Writer ' || (n % 50), 'staff-writer-' || (n % 50), ${section}, lower(${section}), 'published',
        ${publishedAt}, ${publishedAt}, ${publishedAt}, ${sql.lit(commentsPerArticle)}
      from s`.execute(trx);
    await sql`${series(articles * 2)}
      insert into article_tags (article_id, tag, slug)
      select a.id, 'topic ' || ((s.n * 7) % 1000), 'topic-' || ((s.n * 7) % 1000)
      from s join articles a on a.slug = 'archive-' || ((s.n + 1) / 2)`.execute(trx);
    await sql`${series(articles * commentsPerArticle)}
      insert into comments (article_id, author_name, author_email, body_markdown, body_html,
        status, body_hash, ip_hash, user_agent, created_at, updated_at)
      select a.id, 'Reader ' || s.n, 'reader' || s.n || '@example.org', 'Archived comment ' || s.n || '.',
        '<p>Archived comment ' || s.n || '.</p>', 'approved',
        'archive-' || s.n, 'archive', '', a.published_at, a.published_at
      from s join articles a on a.slug = 'archive-' || ((s.n - 1) / ${sql.lit(commentsPerArticle)} + 1)`.execute(trx);
  });
  // As on a site that grew over years: PostgreSQL has statistics for its planner, and SQLite's
  // write-ahead log is not holding the whole archive waiting for a checkpoint.
  if (engine === 'postgres') await sql`analyze`.execute(db);
  else await sql`pragma wal_checkpoint(truncate)`.execute(db);
  const count = async (table: 'articles' | 'comments' | 'article_tags') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const expected = { articles, comments: articles * commentsPerArticle, article_tags: articles * 2 };
  for (const [table, n] of Object.entries(expected) as [keyof typeof expected, number][]) {
    const found = await count(table);
    if (found < n) throw new Error(`the large site has ${found} rows in ${table}, not ${n}`);
  }
}
