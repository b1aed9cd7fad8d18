// The rating distribution as five counters on the article, kept in step with `ratings` inside
// each rating's transaction (like rating_sum and rating_count), so pages never aggregate.
import { sql, type Kysely } from 'kysely';

const BANDS = [
  [0, 20],
  [21, 40],
  [41, 60],
  [61, 80],
  [81, 100],
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  for (const [i, [low, high]] of BANDS.entries()) {
    const column = `rating_band_${i + 1}`;
    await db.schema
      .alterTable('articles')
      .addColumn(column, 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await sql`update articles set ${sql.ref(column)} = (select count(*) from ratings where ratings.article_id = articles.id and ratings.value between ${low} and ${high})`.execute(
      db,
    );
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (let i = 1; i <= BANDS.length; i++)
    await db.schema.alterTable('articles').dropColumn(`rating_band_${i}`).execute();
}
