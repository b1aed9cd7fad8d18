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
  // PostgreSQL: ratings that arrive together are written in one call and one commit
  // (rating.repository.ts rateGroup); the totals move by deltas (article-counters.ts), so
  // ratings of one article do not take turns on its row. SQLite writes each in its own
  // transaction, which its driver commits in groups.
  const groups = isPostgres(db)
    ? writeGroups((ratings: repo.GroupedRating[]) =>
        db.transaction().execute(async (trx) => {
          const outcomes = await repo.rateGroup(trx, ratings, settings.get().ratingCapPerDay);
          for (const [i, outcome] of outcomes.entries())
            if (outcome === 'rated')
              await webhooks?.notify(trx, { event: 'rating.changed', articleId: ratings[i]!.articleId });
          return outcomes;
        }),
      )
    : undefined;
  return {
    async rate({ articleId, readerId, ipHash, value, at }) {
      const now = at ?? nowIso();
      const since = new Date(Date.now() - DAY_MS).toISOString();
      if (groups) {
        const outcome = await groups.add({ articleId, readerId, ipHash, value, now, since });
        if (outcome !== 'rated') throw new AppError(outcome);
        // The fold's totals are exact, with every rating committed so far.
        const folded = (await counters.settle(articleId)) ?? (await articleStates.find(db, articleId));
        const count = folded?.rating_count ?? 0;
        const score = scoreOf(folded?.rating_sum ?? 0, count);
        events.emit('rating.changed', { articleId, score, count });
        return { score, count, yourRating: value };
      }
      const written = await db.transaction().execute(async (trx) => {
        // The article's row, locked first, makes concurrent ratings take turns.
        const article = await articleStates.lock(trx, articleId);
        if (article?.status !== 'published') throw new AppError('article_not_found');
        const { existing, fromAddress } = await repo.findRaterState(trx, { articleId, readerId, ipHash, since });
        if (existing) {
          await repo.updateRatingValue(trx, existing.id, value, now);
          await countRating(trx, articleId, value, existing.value);
          await webhooks?.notify(trx, { event: 'rating.changed', articleId });
          return {
            sum: article.rating_sum + value - existing.value,
            count: article.rating_count,
            bands: bandsAfter(article, value, existing.value),
          };
        }
        if (fromAddress >= settings.get().ratingCapPerDay) throw new AppError('rating_cap_reached');
        await repo.insertRating(trx, { articleId, readerId, value, ipHash, now });
        await countRating(trx, articleId, value);
        await webhooks?.notify(trx, { event: 'rating.changed', articleId });
        return { sum: article.rating_sum + value, count: article.rating_count + 1, bands: bandsAfter(article, value) };
      });
      const score = scoreOf(written.sum, written.count);
      // The totals are those of the row as this write left it (SQLite's writes take turns): the
      // event carries the bands too, so the page rebuilt after it reads nothing.
      events.emit('rating.changed', { articleId, score, count: written.count, bands: written.bands });
      return { score, count: written.count, yourRating: value };
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
