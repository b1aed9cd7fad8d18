// PostgreSQL: a group of ratings in one call (db/write-groups.ts gathers the ratings that arrive
// together). Each rating took five round trips to the server (begin, lock and read, the rater's
// state, the write, commit) and a WAL flush of its own; a group takes one call and one flush. The
// function checks and writes each rating as the service did, in order, so that two ratings by
// one reader in one group count once. SQLite, which commits one writer at a time, has no use for it.
import { sql, type Kysely } from 'kysely';
import { isPostgres } from './portable.ts';

export async function up(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  // Each rating's two advisory locks (its reader's and its address's on the article, keyed as
  // the service keyed them) are all taken first, in key order, so two groups cannot deadlock.
  // Each statement in a function sees what was committed before it ran (READ COMMITTED), so
  // the reads after the locks see every rating of the same reader or address committed earlier.
  // The bands follow rating-bands.ts (0–20, 21–40, 41–60, 61–80, 81–100).
  await sql`
    create function rate_group(p_article integer[], p_reader text[], p_ip text[], p_value integer[],
                               p_now text[], p_since text[], p_cap integer,
                               p_reader_key integer[], p_address_key integer[])
    returns table (outcome text) language plpgsql as $$
    declare
      i integer;
      held record;
      previous_id integer;
      previous integer;
      from_address bigint;
      new_band integer;
      old_band integer;
    begin
      for held in
        select distinct a, k from unnest(p_article || p_article, p_reader_key || p_address_key) as u(a, k) order by a, k
      loop
        perform pg_advisory_xact_lock(held.a, held.k);
      end loop;
      for i in 1 .. coalesce(array_length(p_article, 1), 0) loop
        if not exists (select 1 from articles where id = p_article[i] and status = 'published') then
          outcome := 'article_not_found';
          return next;
          continue;
        end if;
        select id, value into previous_id, previous from ratings
         where article_id = p_article[i] and reader_id = p_reader[i];
        if found then
          update ratings set value = p_value[i], updated_at = p_now[i] where id = previous_id;
        else
          previous := null;
          select count(*) into from_address from ratings
           where article_id = p_article[i] and ip_hash = p_ip[i] and created_at >= p_since[i];
          if from_address >= p_cap then
            outcome := 'rating_cap_reached';
            return next;
            continue;
          end if;
          insert into ratings (article_id, reader_id, value, ip_hash, created_at, updated_at)
          values (p_article[i], p_reader[i], p_value[i], p_ip[i], p_now[i], p_now[i]);
        end if;
        new_band := least(5, greatest(1, (p_value[i] + 19) / 20));
        old_band := case when previous is null then 0 else least(5, greatest(1, (previous + 19) / 20)) end;
        insert into article_counter_deltas (article_id, rating_sum, rating_count,
          rating_band_1, rating_band_2, rating_band_3, rating_band_4, rating_band_5)
        values (p_article[i], p_value[i] - coalesce(previous, 0), case when previous is null then 1 else 0 end,
          (new_band = 1)::int - (old_band = 1)::int, (new_band = 2)::int - (old_band = 2)::int,
          (new_band = 3)::int - (old_band = 3)::int, (new_band = 4)::int - (old_band = 4)::int,
          (new_band = 5)::int - (old_band = 5)::int);
        outcome := 'rated';
        return next;
      end loop;
    end
    $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`drop function rate_group`.execute(db);
}
