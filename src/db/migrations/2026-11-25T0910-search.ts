// Site search. `articles.body_text` is the article body as plain text (written with body_html,
// see withDerivedColumns in article.repository.ts), indexed with the title and standfirst:
// - SQLite: an FTS5 table over the articles (external content: the text is not stored twice),
//   kept in step by triggers; unicode61 folds case and diacritics for every script.
// - PostgreSQL: a GIN index on a weighted tsvector expression (title A, standfirst B, body C)
//   under the 'simple' configuration (no stemming or stop words, so every language works the
//   same), over the text decomposed (NFKD) with combining accents removed, so "cafe" finds "café".
//   The search repository repeats this expression exactly, so that the index is used.
import { sql, type Kysely } from 'kysely';
import { isPostgres } from './portable.ts';

const BLOCK_TAGS = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'br',
  'dd',
  'div',
  'dl',
  'dt',
  'figcaption',
  'figure',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'li',
  'ol',
  'p',
  'pre',
  'section',
  'table',
  'td',
  'th',
  'tr',
  'ul',
]);

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  shy: '\u00ad',
  ndash: '–',
  mdash: '—',
  hellip: '…',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
  copy: '©',
  reg: '®',
  trade: '™',
  euro: '€',
};

/** The rule as it was when this migration was written (lib/html-text.ts htmlToText). */
function htmlToText(html: string): string {
  const text = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(script|style|template)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<\/?([a-zA-Z][a-zA-Z0-9]*)\b(?:[^>"']|"[^"]*"|'[^']*')*>/g, (_tag, name: string) =>
      BLOCK_TAGS.has(name.toLowerCase()) ? '\n' : '',
    );
  return text
    .replace(
      /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]{2,8}));/g,
      (entity, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
        if (name !== undefined) return NAMED_ENTITIES[name] ?? entity;
        const code = dec !== undefined ? Number(dec) : parseInt(hex!, 16);
        if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
        return String.fromCodePoint(code);
      },
    )
    .replace(/[\uE000-\uE003]/g, '')
    .replace(/[ \t\r\f\v\u00a0]+/g, ' ')
    .replace(/ ?\n[\s]*/g, '\n')
    .trim();
}

const folded = (column: string) => `regexp_replace(normalize(${column}, NFKD), '[\\u0300-\\u036f]', '', 'g')`;
const POSTGRES_VECTOR =
  `setweight(to_tsvector('simple'::regconfig, ${folded('title')}), 'A') || ` +
  `setweight(to_tsvector('simple'::regconfig, ${folded('standfirst')}), 'B') || ` +
  `setweight(to_tsvector('simple'::regconfig, ${folded('body_text')}), 'C')`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('articles')
    .addColumn('body_text', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  const rows = await db.selectFrom('articles').select(['id', 'body_html']).execute();
  for (const row of rows)
    await db
      .updateTable('articles')
      .set({ body_text: htmlToText(row.body_html) })
      .where('id', '=', row.id)
      .execute();

  if (isPostgres(db)) {
    await sql.raw(`create index articles_search on articles using gin ((${POSTGRES_VECTOR}))`).execute(db);
    return;
  }
  await sql`create virtual table articles_fts using fts5(title, standfirst, body_text, content = 'articles', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2')`.execute(
    db,
  );
  const indexNew =
    `insert into articles_fts (rowid, title, standfirst, body_text) values (new.id, new.title, new.standfirst, ` +
    `new.body_text);`;
  // An external-content index forgets a row by being told exactly what it had indexed.
  const forgetOld =
    `insert into articles_fts (articles_fts, rowid, title, standfirst, body_text) values ('delete', old.id, ` +
    `old.title, old.standfirst, old.body_text);`;
  await sql.raw(`create trigger articles_fts_insert after insert on articles begin ${indexNew} end`).execute(db);
  await sql.raw(`create trigger articles_fts_delete after delete on articles begin ${forgetOld} end`).execute(db);
  // Only when the indexed text changes: ratings and comment counts update articles all the time.
  await sql
    .raw(
      `create trigger articles_fts_update after update of title, standfirst, body_text on articles begin ` +
        `${forgetOld} ${indexNew} end`,
    )
    .execute(db);
  await sql`insert into articles_fts (articles_fts) values ('rebuild')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) await sql`drop index articles_search`.execute(db);
  else {
    for (const trigger of ['articles_fts_update', 'articles_fts_delete', 'articles_fts_insert'])
      await sql.raw(`drop trigger ${trigger}`).execute(db);
    await sql`drop table articles_fts`.execute(db);
  }
  await db.schema.alterTable('articles').dropColumn('body_text').execute();
}
