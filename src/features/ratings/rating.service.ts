// Ratings: one per reader per article (rating again replaces it), capped per address per day.
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import type { EventBus } from '../../events.ts';
import { nowIso } from '../../lib/text.ts';
import { isPostgres } from '../../db/postgres.ts';
import { writeGroups } from '../../db/write-groups.ts';
import { countRating, type CounterFolder } from '../articles/article-counters.ts';
import { articleStates } from '../articles/article-state.ts';
import { ratingSummaryOf, scoreOf } from '../articles/article.model.ts';
import type { WebhookNotifier } from '../webhooks/webhook-notifier.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import { bandChanges, RATING_BANDS } from './rating-bands.ts';
import * as repo from './rating.repository.ts';

export interface RatingBand {
  min: number;
  max: number;
  count: number;
}

export interface RatingDetails {
  score: number | null;
  count: number;
  /** Individual ratings made here, in five bands; an imported baseline has no breakdown. */
  distribution: RatingBand[];
}

export interface RateResult {
  score: number | null;
  count: number;
  yourRating: number;
}

export interface RatingService {
  /** `at` dates a rating given earlier (demo content); a reader's is dated now. */
  rate(input: { articleId: number; readerId: string; ipHash: string; value: number; at?: string }): Promise<RateResult>;
  details(articleId: number): Promise<RatingDetails>;
  readerRating(articleId: number, readerId: string): Promise<number | null>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function validateRatingValue(raw: unknown): number {
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 100) {
    throw new AppError('validation_failed', 'A rating is a whole number from 0 to 100.', {
      value: 'Choose a rating from 0 to 100.',
    });
  }
  return value;
}

type Bands = Record<`rating_band_${1 | 2 | 3 | 4 | 5}`, number>;

/** The article's five band counts once a rating of `value` (replacing `previous`) is counted. */
function bandsAfter(article: Bands, value: number, previous?: number): Bands {
  const { b1, b2, b3, b4, b5 } = bandChanges(value, previous);
  return {
    rating_band_1: article.rating_band_1 + b1,
    rating_band_2: article.rating_band_2 + b2,
    rating_band_3: article.rating_band_3 + b3,
    rating_band_4: article.rating_band_4 + b4,
    rating_band_5: article.rating_band_5 + b5,
  };
}

/** The five band counts, in order, as the widget shows them. */
function bandCounts(row: Bands): number[] {
  return [row.rating_band_1, row.rating_band_2, row.rating_band_3, row.rating_band_4, row.rating_band_5];
}

/** A rating written on SQLite: the article's totals as it left them, or why it was refused. */
type Written =
  | { outcome: 'rated'; sum: number; count: number; bands: number[] }
  | { outcome: Exclude<repo.RatingOutcome, 'rated'> };

type ArticleState = NonNullable<Awaited<ReturnType<typeof articleStates.find>>>;

/**
 * SQLite: checks and writes one rating inside its group's transaction (its statements run at
 * once, db/sqlite-now.ts). Every check comes before the first write, so a refused rating has
 * written nothing. `states` holds the articles the group has read so far, their totals kept up to
 * date here: nothing else writes while the group holds the connection, and a story rated by many
 * at once is read once a group, not once a rating.
 */
async function rateInGroup(
  trx: Db,
  r: repo.GroupedRating,
  cap: number,
  states: Map<number, ArticleState>,
): Promise<Written> {
  const article = states.get(r.articleId) ?? (await articleStates.find(trx, r.articleId));
  if (article?.status !== 'published') return { outcome: 'article_not_found' };
  const { existing, fromAddress } = await repo.findRaterState(trx, r);
  if (!existing && fromAddress >= cap) return { outcome: 'rating_cap_reached' };
  if (existing) await repo.updateRatingValue(trx, existing.id, r.value, r.now);
  else await repo.insertRating(trx, r);
  await countRating(trx, r.articleId, r.value, existing?.value);
  const after: ArticleState = {
    ...article,
    ...bandsAfter(article, r.value, existing?.value),
    rating_sum: article.rating_sum + r.value - (existing?.value ?? 0),
    rating_count: article.rating_count + (existing ? 0 : 1),
  };
  states.set(r.articleId, after);
  return { outcome: 'rated', sum: after.rating_sum, count: after.rating_count, bands: bandCounts(after) };
}

/** `readDb` (a replica, or the primary) serves the public details; the reader's own rating and every write use `db`. */
export function createRatingService({
  db,
  readDb = db,
  events,
  settings,
  webhooks,
  counters,
}: {
  db: Db;
  readDb?: Db;
  events: EventBus;
  settings: SettingsService;
  webhooks?: WebhookNotifier;
  counters: CounterFolder;
}): RatingService {
  // Ratings that arrive together are written in one call and one commit. PostgreSQL: the
  // rate_group function (rating.repository.ts), with the totals moved by deltas
  // (article-counters.ts), so ratings of one article do not take turns on its row. SQLite: each
  // rating is checked and written in turn in the group's transaction, its statements run at once
  // (db/sqlite-now.ts), and the driver commits the group with whatever else wrote meanwhile.
  const notify = async (trx: Db, ratings: repo.GroupedRating[], rated: boolean[]) => {
    for (const [i, r] of ratings.entries())
      if (rated[i]) await webhooks?.notify(trx, { event: 'rating.changed', articleId: r.articleId });
  };
  const postgresGroups = isPostgres(db)
    ? writeGroups(async (ratings: repo.GroupedRating[]) => {
        const cap = settings.get().ratingCapPerDay;
        // With no endpoint listening, the function's call is the whole transaction: one round
        // trip to the server instead of three (begin, the call, commit).
        if (!(await webhooks?.wants('rating.changed'))) return repo.rateGroup(db, ratings, cap);
        return db.transaction().execute(async (trx) => {
          const outcomes = await repo.rateGroup(trx, ratings, cap);
          await notify(
            trx,
            ratings,
            outcomes.map((o) => o === 'rated'),
          );
          return outcomes;
        });
      })
    : undefined;
  const sqliteGroups = postgresGroups
    ? undefined
    : writeGroups((ratings: repo.GroupedRating[]) =>
        db.transaction().execute(async (trx) => {
          const cap = settings.get().ratingCapPerDay;
          const states = new Map<number, ArticleState>();
          const written: Written[] = [];
          for (const r of ratings) written.push(await rateInGroup(trx, r, cap, states));
          await notify(
            trx,
            ratings,
            written.map((w) => w.outcome === 'rated'),
          );
          return written;
        }),
      );
  return {
    async rate({ articleId, readerId, ipHash, value, at }) {
      const now = at ?? nowIso();
      const since = new Date(Date.now() - DAY_MS).toISOString();
      if (postgresGroups) {
        const outcome = await postgresGroups.add({ articleId, readerId, ipHash, value, now, since });
        if (outcome !== 'rated') throw new AppError(outcome);
        // The fold's totals are exact, with every rating committed so far. This instance's folds
        // of an article take turns, so their events arrive here in the order of their totals and
        // carry the bands (the page rebuilt after it reads nothing). When another fold took this
        // rating in, the row read instead may predate totals already announced: no bands then.
        const folded = await counters.settle(articleId);
        const totals = folded ?? (await articleStates.find(db, articleId));
        const count = totals?.rating_count ?? 0;
        const score = scoreOf(totals?.rating_sum ?? 0, count);
        events.emit('rating.changed', { articleId, score, count, bands: folded && bandCounts(folded) });
        return { score, count, yourRating: value };
      }
      const written = await sqliteGroups!.add({ articleId, readerId, ipHash, value, now, since });
      if (written.outcome !== 'rated') throw new AppError(written.outcome);
      const score = scoreOf(written.sum, written.count);
      // The totals are those of the row as this write left it (SQLite's writes take turns).
      events.emit('rating.changed', { articleId, score, count: written.count, bands: written.bands });
      return { score, count: written.count, yourRating: value };
    },

    async details(articleId) {
      // An article the replica does not know yet (just published) is read from the primary.
      const article =
        (await articleStates.find(readDb, articleId)) ??
        (readDb !== db ? await articleStates.find(db, articleId) : undefined);
      if (!article) throw new AppError('article_not_found');
      return {
        ...ratingSummaryOf(article),
        distribution: bandCounts(article).map((count, i) => ({ ...RATING_BANDS[i]!, count })),
      };
    },

    async readerRating(articleId, readerId) {
      return (await repo.findReaderRating(db, articleId, readerId))?.value ?? null;
    },
  };
}
