// Ratings: one per reader per article (rating again replaces it), capped per address per day.
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import type { EventBus } from '../../events.ts';
import { nowIso } from '../../lib/text.ts';
import { isPostgres } from '../../db/postgres.ts';
import { countRating, ratingDelta, type CounterFolder } from '../articles/article-counters.ts';
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

/** The article's five band counts once a rating of `value` (replacing `previous`) is counted. */
function bandsAfter(
  article: Record<`rating_band_${1 | 2 | 3 | 4 | 5}`, number>,
  value: number,
  previous?: number,
): number[] {
  const { b1, b2, b3, b4, b5 } = bandChanges(value, previous);
  return [
    article.rating_band_1 + b1,
    article.rating_band_2 + b2,
    article.rating_band_3 + b3,
    article.rating_band_4 + b4,
    article.rating_band_5 + b5,
  ];
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
  const postgres = isPostgres(db);
  return {
    async rate({ articleId, readerId, ipHash, value, at }) {
      const now = at ?? nowIso();
      const written = await db.transaction().execute(async (trx) => {
        // SQLite: the article's row, locked first, makes concurrent ratings take turns. PostgreSQL:
        // ratings by one reader, and ratings from one address, take turns (so the reader's one
        // rating and the per-address cap stay exact) and all others run side by side; the totals
        // are counted as deltas (article-counters.ts).
        const article = postgres
          ? await articleStates.findHoldingLocks(trx, articleId, repo.raterLockKeys(readerId, ipHash))
          : await articleStates.lock(trx, articleId);
        if (article?.status !== 'published') throw new AppError('article_not_found');
        const since = new Date(Date.now() - DAY_MS).toISOString();
        const { existing, fromAddress } = await repo.findRaterState(trx, { articleId, readerId, ipHash, since });
        if (existing) {
          if (postgres) {
            const delta = ratingDelta(articleId, value, existing.value);
            await repo.updateCountedRating(trx, { id: existing.id, value, now }, delta);
          } else {
            await repo.updateRatingValue(trx, existing.id, value, now);
            await countRating(trx, articleId, value, existing.value);
          }
          await webhooks?.notify(trx, { event: 'rating.changed', articleId });
          return {
            sum: article.rating_sum + value - existing.value,
            count: article.rating_count,
            bands: bandsAfter(article, value, existing.value),
          };
        }
        if (fromAddress >= settings.get().ratingCapPerDay) throw new AppError('rating_cap_reached');
        const row = { articleId, readerId, value, ipHash, now };
        if (postgres) {
          await repo.insertCountedRating(trx, row, ratingDelta(articleId, value));
        } else {
          await repo.insertRating(trx, row);
          await countRating(trx, articleId, value);
        }
        await webhooks?.notify(trx, { event: 'rating.changed', articleId });
        return { sum: article.rating_sum + value, count: article.rating_count + 1, bands: bandsAfter(article, value) };
      });
      // On PostgreSQL the sums above missed ratings committed meanwhile: the fold's totals are exact.
      const folded = postgres
        ? ((await counters.settle(articleId)) ?? (await articleStates.find(db, articleId)))
        : undefined;
      const result = folded ? { sum: folded.rating_sum, count: folded.rating_count } : written;
      const score = scoreOf(result.sum, result.count);
      // SQLite's totals are those of the row as this write left it (writes take turns): the
      // event carries the bands too. PostgreSQL's fold returns no bands; pages read them again.
      const bands = postgres ? undefined : written.bands;
      events.emit('rating.changed', { articleId, score, count: result.count, ...(bands && { bands }) });
      return { score, count: result.count, yourRating: value };
    },

    async details(articleId) {
      // An article the replica does not know yet (just published) is read from the primary.
      const article =
        (await articleStates.find(readDb, articleId)) ??
        (readDb !== db ? await articleStates.find(db, articleId) : undefined);
      if (!article) throw new AppError('article_not_found');
      const bands = [
        article.rating_band_1,
        article.rating_band_2,
        article.rating_band_3,
        article.rating_band_4,
        article.rating_band_5,
      ];
      return {
        ...ratingSummaryOf(article),
        distribution: bands.map((count, i) => ({ ...RATING_BANDS[i]!, count })),
      };
    },

    async readerRating(articleId, readerId) {
      return (await repo.findReaderRating(db, articleId, readerId))?.value ?? null;
    },
  };
}
